package cli_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/cli"
	"github.com/oracle-users-conformance/conformance/internal/deviate"
	"github.com/oracle-users-conformance/conformance/internal/mock"
	"github.com/oracle-users-conformance/conformance/internal/mock/essbase"
)

// essbaseMock serves a fresh simulator and keeps it, so a test can look at
// its Essbase store; adds counts the users-collection POSTs it answered 200.
func essbaseMock(t *testing.T) (srv *httptest.Server, m *mock.Server, adds *atomic.Int64) {
	t.Helper()
	adds = &atomic.Int64{}
	srv, m = startMock(t, mock.Options{}, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
			h.ServeHTTP(rec, r)
			if r.Method == http.MethodPost && r.URL.Path == "/essbase/rest/v1/users" && rec.status == http.StatusOK {
				adds.Add(1)
			}
		})
	})
	return srv, m, adds
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// After a run of every Essbase scenario, hand-written and generated, the
// mock holds exactly the users it held before: every user a row created was
// removed by its cleanup, and no row changed a user it did not create. The
// run must really have added users, or the comparison proves nothing.
func TestEssbaseRunLeavesNoUserBehind(t *testing.T) {
	t.Parallel()
	srv, m, adds := essbaseMock(t)
	before := m.Essbase.Users.List()
	dir := t.TempDir()
	r := conformance(t, nil, "run", "--config", mockConfig, "--target", srv.URL, "--allow-mutations",
		"--label-filter", "api:essbase", "--report-dir", dir)
	if r.code != cli.ExitPass {
		t.Fatalf("exit %d, want %d\n%s%s", r.code, cli.ExitPass, r.stdout, r.stderr)
	}
	if all, _ := r.junit.names("ESS-"); len(all) < 25 {
		t.Fatalf("junit.xml has %d ESS- cases, want at least 25", len(all))
	}
	if adds.Load() < 20 {
		t.Fatalf("the run added users %d times; the scenarios should add many", adds.Load())
	}
	after := m.Essbase.Users.List()
	if left := created(before, after); len(left) > 0 {
		t.Errorf("the run left %d users behind: %s", len(left), strings.Join(left, ", "))
	}
	if !reflect.DeepEqual(before, after) {
		t.Errorf("the users the mock held before the run changed:\nbefore %+v\nafter  %+v", before, after)
	}
}

// The check above can fail: through a DELETE that answers 200 and keeps the
// user, the run's users stay behind, and the run fails.
func TestEssbaseLeftoversAreSeen(t *testing.T) {
	t.Parallel()
	d, ok := deviate.Lookup("essbase-delete-keeps-user")
	if !ok {
		t.Fatal("deviation essbase-delete-keeps-user is not registered")
	}
	srv, m, _ := essbaseMock(t)
	before := m.Essbase.Users.List()
	u, _ := url.Parse(srv.URL)
	proxy := httptest.NewServer(deviate.Proxy(u, d))
	defer proxy.Close()
	dir := t.TempDir()
	r := conformance(t, nil, "run", "--config", mockConfig, "--target", proxy.URL, "--allow-mutations",
		"--label-filter", "api:essbase && !generated", "--report-dir", dir)
	if r.code != cli.ExitFail {
		t.Fatalf("exit %d through %s, want %d", r.code, d.Name, cli.ExitFail)
	}
	if left := created(before, m.Essbase.Users.List()); len(left) == 0 {
		t.Fatal("no user left behind through a DELETE that deletes nothing: the leftover check cannot fail")
	}
}

// created lists the IDs in after that were not in before.
func created(before, after []essbase.User) []string {
	had := map[string]bool{}
	for _, u := range before {
		had[strings.ToLower(u.ID)] = true
	}
	var out []string
	for _, u := range after {
		if !had[strings.ToLower(u.ID)] {
			out = append(out, u.ID)
		}
	}
	return out
}
