package contract_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/generate"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
	"github.com/oracle-users-conformance/conformance/specs"
)

// Every row not marked `invalid: true`, hand-written or generated, sends a
// main request the spec accepts. The suite fails such a row at run time
// too, but only against a target and one row at a time; this finds them
// all at once, without a target. Requests are rendered with the vars of
// fixtures/targets/mock.yaml.
func TestEveryValidRowSendsAValidRequest(t *testing.T) {
	cat, err := contract.Load(specs.FS)
	if err != nil {
		t.Fatal(err)
	}
	all, err := generate.All(fixtures.FS, cat, 1)
	if err != nil {
		t.Fatal(err)
	}
	vars := mockVars(t)
	checked := 0
	for _, tb := range all {
		for _, s := range tb.Scenarios {
			// epm1-job builds its upload and submit in Go (suites/epm1.go)
			// from `with`; the row's own request is not what is sent.
			if s.Flow == "epm1-job" || s.Request.Invalid {
				continue
			}
			op, req, body := build(t, cat, s.Request, vars)
			if op == nil {
				continue // a method the operation lacks: no contract to hold it to
			}
			checked++
			for _, v := range op.ValidateRequest(req, req.URL.EscapedPath(), body) {
				t.Errorf("%s (%s:%d) breaks the spec: %s\n  mark it `invalid: true` if that is its point", s.ID, s.File, s.Line, v)
			}
		}
	}
	if checked < 100 {
		t.Fatalf("checked %d requests; the tables hold far more rows", checked)
	}
}

// build renders a row's request as the suite sends it: the operation's
// method and path template unless the row gives its own, params escaped.
func build(t *testing.T, cat *contract.Catalog, r scenario.Request, vars scenario.Vars) (*contract.Operation, *http.Request, []byte) {
	t.Helper()
	render := func(what, text string) string {
		out, err := scenario.Render(what, text, vars)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return out
	}
	op, _ := cat.Operation(r.Operation)
	method, p := r.Method, r.Path
	if op != nil {
		if method == "" {
			method = op.Method
		}
		if p == "" {
			p = op.Path
			for k, v := range r.Params {
				p = strings.ReplaceAll(p, "{"+k+"}", url.PathEscape(render("param", v)))
			}
		}
	}
	p = render("path", p)
	relPath, rawQuery, _ := strings.Cut(p, "?")
	switch {
	case op == nil:
		op, _ = cat.Match(method, relPath)
	case !strings.EqualFold(op.Method, method):
		op = nil
	}
	body, err := r.Render(fixtures.FS, vars)
	if err != nil {
		t.Fatal(err)
	}
	q, _ := url.ParseQuery(rawQuery)
	for k, v := range r.Query {
		q.Set(k, render("query", v))
	}
	req := httptest.NewRequest(method, "http://target"+relPath+"?"+q.Encode(), bytes.NewReader(body))
	for k, v := range r.Headers {
		req.Header.Set(k, render("header", v))
	}
	return op, req, body
}

// mockVars are the template vars a run against the mock uses.
func mockVars(t *testing.T) scenario.Vars {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "targets", "mock.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Credentials struct {
			Admin    struct{ User string } `yaml:"admin"`
			NonAdmin struct{ User string } `yaml:"non_admin"`
		} `yaml:"credentials"`
		Vars map[string]string `yaml:"vars"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	return scenario.Vars{Run: "r0test", Admin: cfg.Credentials.Admin.User, NonAdmin: cfg.Credentials.NonAdmin.User, Var: cfg.Vars}
}
