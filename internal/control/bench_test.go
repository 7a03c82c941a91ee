package control_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/control"
	"github.com/oracle-users-conformance/conformance/internal/mock"
	"github.com/oracle-users-conformance/conformance/internal/mocktest"
)

// What the client report and the fault player cost per request: a one-user
// v2 update through the bare mock (the ceiling), through the stack playing
// nothing, and through the stack judging the client.
func BenchmarkV2Update(b *testing.B) {
	seed := mocktest.Seed(b)
	bare, _ := mock.New(mock.Options{Seed: seed})
	defer bare.Close()
	played, _ := control.New(control.Options{Mock: mock.Options{Seed: seed}})
	defer played.Close()
	judged, _ := control.New(control.Options{Mock: mock.Options{Seed: seed}, ClientReport: true})
	defer judged.Close()
	body := `{"users":[{"userlogin":"jdoe","lastname":"Doe"}]}`
	for _, c := range []struct {
		name string
		h    http.Handler
	}{{"bare-mock", bare}, {"stack", played}, {"stack-client-report", judged}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				r := httptest.NewRequest("PUT", "/interop/rest/security/v2/users/update", strings.NewReader(body))
				r.SetBasicAuth("admin", "Welcome1")
				r.Header.Set("Content-Type", "application/json")
				w := httptest.NewRecorder()
				c.h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("%d %s", w.Code, w.Body)
				}
			}
		})
	}
}
