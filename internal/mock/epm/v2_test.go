package epm

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/mock/auth"
)

func newTestServer(t testing.TB) (*Server, http.Handler) {
	t.Helper()
	dir := auth.New([]auth.Account{
		{Login: "admin", Password: "pw", Tokens: []string{"tok"}, Roles: map[string][]string{auth.EPM: {"Identity Domain Administrator", "Service Administrator"}}},
		{Login: "viewer", Password: "pw", Roles: map[string][]string{auth.EPM: {"Viewer"}}},
		{Login: "idaonly", Password: "pw", Roles: map[string][]string{auth.EPM: {"Identity Domain Administrator"}}},
	})
	s := New(dir, Seed{Users: []User{{Login: "jdoe", FirstName: "John", LastName: "Doe", Email: "jdoe@example.com"}}}, Options{MaxBody: 1 << 20}, slog.New(slog.DiscardHandler))
	mux := http.NewServeMux()
	s.Register(mux)
	return s, mux
}

func do(h http.Handler, method, user, ctype, body string) (int, envelopeV2, string) {
	req := httptest.NewRequest(method, "/interop/rest/security/v2/users/update", strings.NewReader(body))
	if user != "" {
		req.SetBasicAuth(user, "pw")
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	raw, _ := io.ReadAll(rec.Body)
	var env envelopeV2
	_ = json.Unmarshal(raw, &env)
	return rec.Code, env, string(raw)
}

func TestUpdateUsersV2(t *testing.T) {
	cases := []struct {
		name, method, user, ctype, body string
		status, envStatus               int
		code                            string // error code or first failed item's code
		processed, failed               int
	}{
		{"all fields", "PUT", "admin", "application/json", `{"users":[{"userlogin":"jdoe","firstname":"J","lastname":"D","email":"j@example.com"}]}`, 200, 0, "", 1, 0},
		{"case-insensitive login", "PUT", "admin", "application/json", `{"users":[{"userlogin":"JDOE"}]}`, 200, 0, "", 1, 0},
		{"unknown user", "PUT", "admin", "application/json", `{"users":[{"userlogin":"nobody"}]}`, 200, 0, codeUnknownUser, 1, 1},
		{"invalid email", "PUT", "admin", "application/json", `{"users":[{"userlogin":"jdoe","email":"x"}]}`, 200, 0, codeInvalidEmail, 1, 1},
		{"own account", "PUT", "admin", "application/json", `{"users":[{"userlogin":"Admin"}]}`, 200, 0, codeInvalidParams, 1, 1},
		{"entry without login", "PUT", "admin", "application/json", `{"users":[{"firstname":"x"}]}`, 200, 0, codeInvalidParams, 1, 1},
		{"entry of wrong type", "PUT", "admin", "application/json", `{"users":[{"userlogin":5}]}`, 200, 0, codeInvalidParams, 1, 1},
		{"empty users", "PUT", "admin", "application/json", `{"users":[]}`, 200, 1, codeInvalidParams, 0, 0},
		{"no users", "PUT", "admin", "application/json", `{}`, 200, 1, codeInvalidParams, 0, 0},
		{"malformed", "PUT", "admin", "application/json", `{"users":[`, 400, 1, codeInvalidParams, 0, 0},
		{"not an object", "PUT", "admin", "application/json", `[1,2]`, 400, 1, codeInvalidParams, 0, 0},
		{"wrong content type", "PUT", "admin", "text/plain", `{"users":[]}`, 415, 1, codeInvalidParams, 0, 0},
		{"too big", "PUT", "admin", "application/json", `{"users":[` + strings.Repeat(`{"userlogin":"nobody"},`, 50000) + `{}]}`, 413, 1, codeInvalidParams, 0, 0},
		{"wrong method", "GET", "admin", "", ``, 405, 1, codeInvalidParams, 0, 0},
		{"no role", "PUT", "viewer", "application/json", `{"users":[{"userlogin":"jdoe"}]}`, 200, 1, codeAuthorization, 0, 0},
		{"no predefined role", "PUT", "idaonly", "application/json", `{"users":[{"userlogin":"jdoe"}]}`, 200, 1, codeAuthorization, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, h := newTestServer(t)
			status, env, raw := do(h, tc.method, tc.user, tc.ctype, tc.body)
			if status != tc.status || env.Status != tc.envStatus {
				t.Fatalf("HTTP %d status %d, want %d/%d: %s", status, env.Status, tc.status, tc.envStatus, raw)
			}
			switch {
			case tc.envStatus == 1:
				if env.Error == nil || env.Error.Code != tc.code || env.Details != nil {
					t.Fatalf("want error %s and no details: %s", tc.code, raw)
				}
			case env.Details == nil || env.Details.Processed != tc.processed || env.Details.Failed != tc.failed:
				t.Fatalf("want processed %d failed %d: %s", tc.processed, tc.failed, raw)
			case tc.failed > 0 && env.Details.FailedItems[0].Code != tc.code:
				t.Fatalf("want item code %s: %s", tc.code, raw)
			}
		})
	}
}

func TestUnauthenticated(t *testing.T) {
	_, h := newTestServer(t)
	for _, user := range []string{"", "ghost"} {
		status, _, _ := do(h, "PUT", user, "application/json", `{"users":[]}`)
		if status != http.StatusUnauthorized {
			t.Errorf("user %q: HTTP %d, want 401", user, status)
		}
	}
}

// Updates really change the stored user, and only the fields sent.
func TestUpdateChangesTheStoredUser(t *testing.T) {
	s, h := newTestServer(t)
	do(h, "PUT", "admin", "application/json", `{"users":[{"userlogin":"jdoe","email":"new@example.com"},{"userlogin":"jdoe","lastname":"Second"}]}`)
	u, _ := s.Domain.Get("jdoe")
	if u.Email != "new@example.com" || u.LastName != "Second" || u.FirstName != "John" {
		t.Fatalf("stored user %+v", u)
	}
}

func TestValidEmail(t *testing.T) {
	for _, ok := range []string{"a@b.co", "jane.doe+x@example.com", "zoë@exämple.de"} {
		if !ValidEmail(ok) {
			t.Errorf("%q should be valid", ok)
		}
	}
	for _, bad := range []string{"", "a", "a@", "@b.c", "a@b", "a@@b.c", "a b@c.d", "a@b..c", "<a@b.c>"} {
		if ValidEmail(bad) {
			t.Errorf("%q should be invalid", bad)
		}
	}
}

// FuzzUpdateUsersV2: whatever the body, the answer is the v2 envelope and
// never a 5xx.
func FuzzUpdateUsersV2(f *testing.F) {
	for _, s := range []string{`{"users":[{"userlogin":"jdoe"}]}`, `{"users":null}`, `{"users":[null,1,"x",{}]}`, `{`, ``, `{"users":[{"userlogin":"jdoe","email":null}]}`} {
		f.Add(s)
	}
	_, h := newTestServer(f)
	f.Fuzz(func(t *testing.T, body string) {
		status, env, raw := do(h, "PUT", "admin", "application/json", body)
		if status >= 500 {
			t.Fatalf("HTTP %d for %q", status, body)
		}
		if env.Links.Action != "PUT" || (env.Status != 0 && env.Status != 1) {
			t.Fatalf("not a v2 envelope for %q: %s", body, raw)
		}
	})
}

// A member of the wrong type or null fails its item, which names the user
// and says which member is wrong, and leaves the stored user alone. (Once a
// shadowed error sent such an item on with login "" and the message was
// lost.) A body that is not UTF-8 is not JSON and fails as a whole.
func TestUpdateUsersV2RefusesWrongMembers(t *testing.T) {
	for _, c := range []struct {
		name, body, login, message string
	}{
		{"wrong type", `{"users":[{"userlogin":"jdoe","lastname":true}]}`, "jdoe", "lastname must be a string, not a boolean"},
		{"null lastname", `{"users":[{"userlogin":"jdoe","lastname":null}]}`, "jdoe", "lastname must be a string, not null"},
		{"null email", `{"users":[{"email":null,"userlogin":"jdoe"}]}`, "jdoe", "email must be a string, not null"},
		{"null login", `{"users":[{"userlogin":null,"firstname":"x"}]}`, "", "userlogin must be a string, not null"},
		{"two problems", `{"users":[{"userlogin":"jdoe","firstname":1,"email":[]}]}`, "jdoe", "firstname must be a string, not a number; email must be a string, not an array"},
		{"not an object", `{"users":["jdoe"]}`, "", "each user must be an object"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, h := newTestServer(t)
			before, _ := s.Domain.Get("jdoe")
			code, env, raw := do(h, "PUT", "admin", "application/json", c.body)
			if code != 200 || env.Status != 0 || env.Details == nil || env.Details.Failed != 1 || len(env.Details.FailedItems) != 1 {
				t.Fatalf("%d %s", code, raw)
			}
			it := env.Details.FailedItems[0]
			if it.UserLogin != c.login || it.Code != codeInvalidParams || !strings.Contains(it.Message, c.message) {
				t.Errorf("failed item %+v, want login %q and a message with %q", it, c.login, c.message)
			}
			if after, _ := s.Domain.Get("jdoe"); after != before {
				t.Errorf("the user changed: %+v -> %+v", before, after)
			}
		})
	}
	t.Run("not UTF-8", func(t *testing.T) {
		s, h := newTestServer(t)
		code, env, raw := do(h, "PUT", "admin", "application/json", "{\"users\":[{\"userlogin\":\"jdoe\",\"lastname\":\"D\xffe\"}]}")
		if code != 400 || env.Status != 1 || env.Error == nil || !strings.Contains(env.Error.Message, "not UTF-8 at line 1 byte 44") {
			t.Errorf("%d %s", code, raw)
		}
		if u, _ := s.Domain.Get("jdoe"); u.LastName != "Doe" {
			t.Errorf("stored %q", u.LastName)
		}
	})
}
