package oig

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/mock/auth"
)

// With approval seeded, a modify answers SUCCESS with a request object and
// the profile keeps its old values until the request is approved: never
// (After 0) or after a while.
func TestApprovalRaisesRequests(t *testing.T) {
	seed, err := loadSeed()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		approval Approval
		key      string
		pending  bool
		approved bool
	}{
		{"default: applied at once", Approval{}, "24", false, true},
		{"one user, never approved", Approval{Users: []string{"24"}}, "24", true, false},
		{"one user, another is applied at once", Approval{Users: []string{"25"}}, "24", false, true},
		{"every user, approved in an hour", Approval{All: true, After: time.Hour}, "24", true, false},
		{"every user, approved later", Approval{All: true, After: 20 * time.Millisecond}, "24", true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			oigSeed := seed.OIG
			oigSeed.Approval = c.approval
			s := New(auth.New(seed.Accounts), oigSeed, Options{}, slog.New(slog.DiscardHandler))
			t.Cleanup(func() { _ = s.Close() })
			mux := http.NewServeMux()
			s.Register(mux)
			before, _ := s.Users.Get(c.key)
			_, body := answer(t, mux, call{body: `{"users":[{"id":"` + c.key + `","fields":[{"name":"Title","value":"Approver"}]}]}`})
			entry := body.(map[string]any)["users"].([]any)[0].(map[string]any)
			if entry["status"] != statusSuccess {
				t.Fatalf("entry %v", entry)
			}
			req, raised := entry["request"].(map[string]any)
			if raised != c.pending {
				t.Fatalf("request %v, want raised %v", entry["request"], c.pending)
			}
			if raised {
				links, _ := req["links"].([]any)
				if req["id"] == "" || len(links) != 1 || !strings.Contains(links[0].(map[string]any)["href"].(string), requestsPath+"/") {
					t.Errorf("request object %v", req)
				}
				// Only where approval cannot come during the test: 20 ms
				// may pass before this line on a loaded machine.
				if u, _ := s.Users.Get(c.key); !c.approved && u[FieldTitle] != before[FieldTitle] {
					t.Errorf("pending change applied at once: Title %q", u[FieldTitle])
				}
				// A refused change raises nothing.
				_, body := answer(t, mux, call{body: `{"users":[{"id":"` + c.key + `","fields":[{"name":"Role","value":"Astronaut"}]}]}`})
				if e := body.(map[string]any)["users"].([]any)[0].(map[string]any); e["status"] != statusFail || e["request"] != nil {
					t.Errorf("a bad value under approval: %v", e)
				}
			}
			if !c.approved {
				time.Sleep(50 * time.Millisecond) // longer than any After that approves here
				if u, _ := s.Users.Get(c.key); u[FieldTitle] == "Approver" {
					t.Errorf("a request never approved was applied")
				}
				return
			}
			for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
				u, _ := s.Users.Get(c.key)
				if u[FieldTitle] == "Approver" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("Title %q: the change was never applied", u[FieldTitle])
				}
			}
		})
	}
}
