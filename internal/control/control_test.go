package control_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/control"
	"github.com/oracle-users-conformance/conformance/internal/mock"
	"github.com/oracle-users-conformance/conformance/internal/mocktest"
)

// newStack builds a stack from the shipped seed with a client report.
func newStack(t *testing.T, token string) *control.Stack {
	t.Helper()
	st, err := control.New(control.Options{Mock: mock.Options{Seed: mocktest.Seed(t)}, Token: token, ClientReport: true, ReportDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// do sends one request to the stack from remote, with headers.
func do(st http.Handler, method, target, remote, body string, header map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	r.RemoteAddr = remote
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	st.ServeHTTP(w, r)
	return w
}

// A caller that is not on loopback gets nothing from the control endpoints
// without the token, whether or not a token was given at start; with the
// right token it does. Loopback needs none.
func TestControlRefusesRemoteCallersWithoutTheToken(t *testing.T) {
	for _, token := range []string{"", "s3cret-token"} {
		st := newStack(t, token)
		for _, ep := range []struct{ method, path string }{
			{"POST", "reset"}, {"GET", "changes"}, {"GET", "report"}, {"GET", "faults"}, {"PUT", "faults?play=throttled"}, {"POST", "seed"},
		} {
			for _, hdr := range []map[string]string{nil, {control.TokenHeader: "wrong"}, {control.TokenHeader: ""}} {
				w := do(st, ep.method, control.Prefix+ep.path, "203.0.113.7:50000", "", hdr)
				if w.Code != http.StatusForbidden {
					t.Errorf("token %q: %s %s from 203.0.113.7 with %v: %d, want 403", token, ep.method, ep.path, hdr, w.Code)
				}
			}
		}
		if plays := st.Player.Plays(); len(plays) != 0 {
			t.Errorf("a refused caller changed the faults: %v", plays)
		}
		if w := do(st, "GET", control.Prefix+"faults", "[::1]:4000", "", nil); w.Code != http.StatusOK {
			t.Errorf("loopback ::1: %d, want 200", w.Code)
		}
		if token != "" {
			if w := do(st, "GET", control.Prefix+"changes", "203.0.113.7:50000", "", map[string]string{control.TokenHeader: token}); w.Code != http.StatusOK {
				t.Errorf("remote with the token: %d, want 200", w.Code)
			}
		}
	}
}

// Reset puts the state back to the seed; changes lists what a client
// changed in between, and no answer of the control endpoints holds a
// password, even after a password was sent in a body.
func TestResetChangesAndNoPasswords(t *testing.T) {
	st := newStack(t, "")
	srv := httptest.NewServer(st)
	defer srv.Close()
	send := func(method, path, ct, body string) string {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.SetBasicAuth("admin", "Welcome1")
		req.Header.Set("Content-Type", ct)
		req.Header.Set("X-Requested-By", "test")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	send("PUT", "/interop/rest/security/v2/users/update", "application/json", `{"users":[{"userlogin":"jdoe","lastname":"Changed"}]}`)
	send("POST", "/essbase/rest/v1/users", "application/json", `{"id":"newbie","name":"New Bie","password":"Secret#Pass1","role":"User"}`)
	changes := send("GET", control.Prefix+"changes", "", "")
	for _, want := range []string{`"epm user jdoe"`, `"essbase user newbie"`} {
		if !strings.Contains(changes, want) {
			t.Errorf("changes lack %s:\n%s", want, changes)
		}
	}
	for _, path := range []string{"changes", "report"} {
		if out := send("GET", control.Prefix+path, "", ""); strings.Contains(out, "Secret#Pass1") || strings.Contains(out, "Welcome1") {
			t.Errorf("%s shows a password:\n%s", path, out)
		}
	}
	send("POST", control.Prefix+"reset", "", "")
	var after struct{ Changes []mock.Change }
	if err := json.Unmarshal([]byte(send("GET", control.Prefix+"changes", "", "")), &after); err != nil || len(after.Changes) != 0 {
		t.Errorf("after reset: %v, %v; want no change", after.Changes, err)
	}
	if u, _ := st.Mock.Current().EPM.Domain.Get("jdoe"); u.LastName == "Changed" {
		t.Errorf("jdoe kept the change through a reset: %+v", u)
	}
	other, err := fixtures.FS.ReadFile("mock/other-seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	badSeed := "accounts:\n  - login: a\n    tokens: Lk#9pw\n"
	if out := send("POST", control.Prefix+"seed", "application/yaml", badSeed); strings.Contains(out, "Lk#9pw") || !strings.Contains(out, "error") {
		t.Errorf("a broken seed: %s; want an error that does not quote its password", out)
	}
	if out := send("POST", control.Prefix+"seed", "application/yaml", string(other)); !strings.Contains(out, "loaded") {
		t.Fatalf("seed: %s", out)
	}
	if _, ok := st.Mock.Current().EPM.Domain.Get("jdoe"); ok {
		t.Error("another seed loaded, yet jdoe (only in the shipped seed) is still there")
	}
}

// Faults chosen through the endpoint are played, scoped, and spent.
func TestFaultsEndpointScopesAPlay(t *testing.T) {
	st := newStack(t, "")
	w := do(st, "PUT", control.Prefix+"faults?play=throttled:product=oig:next=1", "127.0.0.1:1", "", nil)
	if w.Code != http.StatusOK {
		t.Fatalf("faults: %d %s", w.Code, w.Body)
	}
	epm := do(st, "PUT", "/interop/rest/security/v2/users/update", "127.0.0.1:1", `{"users":[]}`, map[string]string{"Content-Type": "application/json"})
	oig1 := do(st, "GET", "/iam/governance/selfservice/api/v1/users/24", "127.0.0.1:1", "", nil)
	oig2 := do(st, "GET", "/iam/governance/selfservice/api/v1/users/24", "127.0.0.1:1", "", nil)
	if epm.Code == http.StatusTooManyRequests || oig1.Code != http.StatusTooManyRequests || oig2.Code == http.StatusTooManyRequests {
		t.Errorf("epm %d, oig first %d, oig second %d; want only the first OIG request throttled", epm.Code, oig1.Code, oig2.Code)
	}
	if oig1.Header().Get("Retry-After") == "" {
		t.Error("the 429 has no Retry-After")
	}
	if w := do(st, "PUT", control.Prefix+"faults?play=no-such-fault", "127.0.0.1:1", "", nil); w.Code != http.StatusBadRequest {
		t.Errorf("unknown fault: %d, want 400", w.Code)
	}
}
