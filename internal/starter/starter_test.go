package starter_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/starter"
	"github.com/oracle-users-conformance/conformance/internal/varscat"
)

// A target that lists users in the documented shapes (Essbase Search
// Users: {items:[{id,name,role}]}; Identity Governance Get Users:
// {users:[{id,fields:[{name,value}]}]}), among them the caller, an
// administrator and OIG's system account: none of those is proposed.
func TestProposeFromListings(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/essbase/rest/v1/users":
			_, _ = w.Write([]byte(`{"items":[
				{"id":"svc_conf","name":"Service","role":"Service Administrator"},
				{"id":"boss","name":"Boss","role":"service administrator"},
				{"id":"zed","name":"Zed Zee","role":"User"},
				{"id":"amy","name":"Amy Ay","role":"Power User"}]}`))
		case "/iam/governance/selfservice/api/v1/users":
			if !strings.Contains(r.URL.Query().Get("fields"), "User Login") {
				http.Error(w, "fields", http.StatusBadRequest)
				return
			}
			_, _ = w.Write([]byte(`{"users":[
				{"id":"1","fields":[{"name":"usr_key","value":1},{"name":"User Login","value":"XELSYSADM"}]},
				{"id":"7","fields":[{"name":"usr_key","value":7},{"name":"User Login","value":"svc_conf"}]},
				{"id":"24","fields":[{"name":"usr_key","value":24},{"name":"User Login","value":"DCOLE"},{"name":"Organization Name","value":"Finance"}]},
				{"id":"25","fields":[{"name":"User Login","value":"EMAY"}]},
				{"id":"26","fields":[{"name":"User Login","value":"FROE"}]}]}`))
		case "/iam/governance/selfservice/api/v1/users/999999999":
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"code":"IAM-3056160","message":"not found"}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	cat, err := contract.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	vars, err := varscat.Load(fixtures.FS)
	if err != nil {
		t.Fatal(err)
	}
	c, err := exchange.New(srv.URL, cat, exchange.Options{Product: "x", Breaker: 100})
	if err != nil {
		t.Fatal(err)
	}
	l := &starter.Lister{Client: c, Admin: &exchange.Credential{Basic: true, User: "svc_conf", Password: "p"}, Own: []string{"svc_conf"}, Vars: vars}
	got := map[string]string{}
	var products []starter.Product
	for _, p := range []string{"essbase", "oig"} {
		pr := l.Propose(context.Background(), p)
		products = append(products, pr)
		for _, s := range pr.Proposals {
			got[s.Key] = s.Value
		}
	}
	want := map[string]string{"essbase_user_1": "amy", "essbase_user_2": "zed", "oig_user_1": "24", "oig_user_2": "25", "oig_user_3": "26",
		"oig_unknown_id": "999999999", "oig_organization": "Finance"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	cfg := config.Default()
	cfg.Target = srv.URL
	cfg.Credentials.Admin = config.Account{User: "svc_conf", Password: "secret-pw"}
	text := starter.Render(cfg, products, vars)
	if strings.Contains(text, "secret-pw") {
		t.Errorf("the starter config holds the password:\n%s", text)
	}
	if !strings.Contains(text, `  essbase_user_1: amy   # suggested: Amy Ay, role Power User`) {
		t.Errorf("no marked suggestion for essbase_user_1:\n%s", text)
	}
	back := config.Default()
	if err := back.Parse("starter", []byte(text)); err != nil {
		t.Fatalf("the starter config does not parse: %v\n%s", err, text)
	}
	if back.Vars["oig_user_1"] != "24" || back.Resolve("oig").URL != srv.URL {
		t.Errorf("read back: vars %v, oig url %q", back.Vars, back.Resolve("oig").URL)
	}
}

// Without a list operation, init says so and reads back the ids an
// existing config names, keeping those that exist and are no administrator.
func TestProposeFallsBackToKnownIDs(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/essbase/rest/v1/users/jenp":
			_, _ = w.Write([]byte(`{"id":"jenp","name":"Jen Power","role":"User"}`))
		case "/essbase/rest/v1/users/root":
			_, _ = w.Write([]byte(`{"id":"root","role":"Service Administrator"}`))
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"errorCode":"NOT_FOUND","errorMessage":"no"}`))
		}
	}))
	defer srv.Close()
	cat, _ := contract.Builtin()
	vars, _ := varscat.Load(fixtures.FS)
	c, err := exchange.New(srv.URL, cat, exchange.Options{Product: "essbase", Breaker: 100})
	if err != nil {
		t.Fatal(err)
	}
	l := &starter.Lister{Client: c, Admin: &exchange.Credential{Basic: true, User: "a", Password: "p"}, Vars: vars,
		Known: map[string]string{"essbase_user_1": "jenp", "essbase_user_2": "root"}}
	p := l.Propose(context.Background(), "essbase")
	if len(p.Proposals) != 1 || p.Proposals[0].Value != "jenp" {
		t.Errorf("proposals %+v, want jenp only", p.Proposals)
	}
	notes := strings.Join(p.Notes, "\n")
	if !strings.Contains(notes, "could not list Essbase users") || !strings.Contains(notes, `vars.essbase_user_2 = "root" is an account of this config or an administrator`) {
		t.Errorf("notes:\n%s", notes)
	}
}
