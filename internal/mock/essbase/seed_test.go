package essbase_test

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/mock"
)

// The essbase section of the shipped seed loads strictly and the whole mock
// serves it: the administrator account administers, jenp is there.
func TestShippedSeed(t *testing.T) {
	data, err := fs.ReadFile(fixtures.FS, "mock/seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	seed, err := mock.ParseSeed(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(seed.Essbase.Users) == 0 {
		t.Fatal("the seed has no essbase users")
	}
	srv, err := mock.New(mock.Options{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"jenp", "admin", "viewer"} {
		req := httptest.NewRequest(http.MethodGet, "/essbase/rest/v1/users/"+id, nil)
		req.SetBasicAuth("admin", "Welcome1")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Errorf("GET %s: %d %s", id, rec.Code, rec.Body.String())
		}
	}
	req := httptest.NewRequest(http.MethodPost, "/essbase/rest/v1/users", strings.NewReader(`{"id":"seedcheck","password":"p"}`))
	req.SetBasicAuth("admin", "Welcome1")
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Errorf("admin cannot add: %d %s", rec.Code, rec.Body.String())
	}
}
