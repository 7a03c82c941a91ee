package mock_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/mock"
	"github.com/oracle-users-conformance/conformance/internal/mock/epm"
)

func newServer(t *testing.T, seedFile string) *httptest.Server {
	t.Helper()
	m, err := mock.New(mock.Options{Seed: loadSeed(t, seedFile), Logger: slog.New(slog.DiscardHandler), EPM: epm.Options{JobDuration: -1, FileDir: t.TempDir()}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(func() { srv.Close(); _ = m.Close() })
	return srv
}

// Every product answers what it does not serve in its own error body: EPM's
// migration envelope, Essbase's {errorCode, errorMessage}, OIG's {status,
// reason}; a wrong method on a served path is 405 with Allow.
func TestUnservedInTheProductsShape(t *testing.T) {
	srv := newServer(t, "mock/seed.yaml")
	for _, c := range []struct {
		method, path string
		accept       string
		status       int
		keys         []string
		allow        string
	}{
		{"GET", "/interop/rest/nothing/here", "", 404, []string{"status", "details", "links"}, ""},
		{"GET", "/essbase/rest/v1/nothing", "", 404, []string{"errorCode", "errorMessage"}, ""},
		{"GET", "/iam/governance/nothing", "", 404, []string{"status", "reason"}, ""},
		{"POST", "/essbase/rest/v1/users/jenp", "", 405, []string{"errorCode", "errorMessage"}, "DELETE, GET, PUT"},
		{"PATCH", "/essbase/rest/v1/users/jenp", "", 405, []string{"errorCode", "errorMessage"}, "DELETE, GET, PUT"},
		{"DELETE", "/shared-services/essbase/rest/v1/nothing", "", 404, []string{"errorCode", "errorMessage"}, ""},
		{"POST", "/shared-services/essbase/rest/v1/users/jenp", "", 405, []string{"errorCode", "errorMessage"}, "DELETE, GET, PUT"},
		{"GET", "/", "", 404, []string{"status", "details"}, ""},
	} {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, nil)
		req.SetBasicAuth("admin", "Welcome1")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var body map[string]any
		if res.StatusCode != c.status || json.Unmarshal(raw, &body) != nil || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s %s: %d %s %s", c.method, c.path, res.StatusCode, res.Header.Get("Content-Type"), raw)
			continue
		}
		for _, k := range c.keys {
			if _, ok := body[k]; !ok {
				t.Errorf("%s %s: no %s in %s", c.method, c.path, k, raw)
			}
		}
		if got := res.Header.Get("Allow"); got != c.allow {
			t.Errorf("%s %s: Allow %q, want %q", c.method, c.path, got, c.allow)
		}
	}
	// Essbase answers XML to a caller that prefers it, also here.
	req, _ := http.NewRequest("GET", srv.URL+"/essbase/rest/v1/nothing", nil)
	req.Header.Set("Accept", "application/xml")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 404 || !strings.Contains(string(raw), "<errorCode>NOT_FOUND</errorCode>") {
		t.Errorf("essbase XML 404: %d %s", res.StatusCode, raw)
	}
}
