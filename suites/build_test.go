package suites

import (
	"testing"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/opid"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
)

func TestBuildRequest(t *testing.T) {
	cat, err := contract.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	vars := scenario.Vars{Run: "r1", Var: map[string]string{"user": "a b/c"}}
	build := func(req scenario.Request) exchange.Request {
		t.Helper()
		xr, err := BuildRequest(req, exchange.RoleThen, cat, fixtures.FS, vars)
		if err != nil {
			t.Fatal(err)
		}
		return xr
	}

	// The template is filled from rendered params, each escaped as one
	// segment: a slash in a value never becomes a path separator.
	xr := build(scenario.Request{Operation: opid.EssbaseGetUser, Params: map[string]string{"id": "{{.Var.user}}"},
		Headers: map[string]string{"Accept": "application/json"}, Query: map[string]string{"run": "{{.Run}}"}})
	if xr.Path != "/essbase/rest/v1/users/a%20b%2Fc" {
		t.Errorf("path = %q", xr.Path)
	}
	if xr.Header.Get("Accept") != "application/json" || xr.Query.Get("run") != "r1" || xr.Role != exchange.RoleThen {
		t.Errorf("request = %+v", xr)
	}

	// A row's own path wins over the template, and is rendered.
	xr = build(scenario.Request{Operation: opid.EssbaseGetUser, Path: "/essbase/rest/v1/users/cnf{{.Run}}", Invalid: true})
	if xr.Path != "/essbase/rest/v1/users/cnfr1" || !xr.Unchecked {
		t.Errorf("own path: %+v", xr)
	}

	// The body is rendered from its template.
	xr = build(scenario.Request{Operation: opid.UpdateUsersV2, Body: `{"run":"{{.Run}}"}`})
	if string(xr.Body) != `{"run":"r1"}` {
		t.Errorf("body = %q", xr.Body)
	}

	// A template error names where it is.
	if _, err := BuildRequest(scenario.Request{Operation: opid.EssbaseGetUser, Params: map[string]string{"id": "{{.Nope"}}, exchange.RoleRequest, cat, fixtures.FS, vars); err == nil {
		t.Error("a broken param template built a request")
	}
}
