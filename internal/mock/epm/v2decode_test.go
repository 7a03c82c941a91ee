package epm

import (
	"encoding/json"
	"fmt"
	"testing"
)

// decodeUsersV2Ref is what the handler decodes with encoding/json: the
// users array, then each entry; ok false when either step fails or there is
// no array.
func decodeUsersV2Ref(body []byte) ([]fastUser, bool) {
	var payload struct {
		Users *[]json.RawMessage `json:"users"`
	}
	if err := json.Unmarshal(body, &payload); err != nil || payload.Users == nil {
		return nil, false
	}
	users := []fastUser{}
	for _, raw := range *payload.Users {
		var u struct {
			UserLogin *string `json:"userlogin"`
			FirstName *string `json:"firstname"`
			LastName  *string `json:"lastname"`
			Email     *string `json:"email"`
		}
		if err := json.Unmarshal(raw, &u); err != nil {
			return nil, false
		}
		users = append(users, fastUser(u))
	}
	return users, true
}

func renderUsers(us []fastUser) string {
	p := func(s *string) string {
		if s == nil {
			return "<nil>"
		}
		return fmt.Sprintf("%q", *s)
	}
	out := fmt.Sprintf("%d:", len(us))
	for _, u := range us {
		out += fmt.Sprintf(" {%s %s %s %s}", p(u.UserLogin), p(u.FirstName), p(u.LastName), p(u.Email))
	}
	return out
}

var v2Bodies = []string{
	`{"users":[{"userlogin":"jdoe","firstname":"Jane","lastname":"Doe","email":"jane.doe@example.com"}]}`,
	` { "users" : [ { "userlogin" : "jdoe" } , {"email":"x@y.z","userlogin":"chris"} ] } ` + "\n",
	"{\t\"users\":\r\n[]}", `{"users":[{}]}`, `{"users":[{},{}]}`,
	`{"users":[{"userlogin":"a","userlogin":"b"}]}`, `{"users":[{"userlogin":"a","userlogin":null}]}`,
	`{"users":[{"userlogin":null}]}`, `{"users":[{"userlogin":"Zoë","lastname":"O’Brien"}]}`,
	`{"users":[{"userlogin":"bad\xff"}]}`, `{"users":[{"userlogin":"a\"b"}]}`, `{"users":[{"userlogin":"a\u0041"}]}`,
	`{"users":[{"userlogin":"tab	"}]}`, `{"users":[{"UserLogin":"jdoe"}]}`, `{"users":[{"userlogin":"jdoe","other":1}]}`,
	`{"users":[{"userlogin":1}]}`, `{"users":[null]}`, `{"users":[1,"x"]}`, `{"users":null}`, `{"users":{}}`,
	`{"Users":[{"userlogin":"a"}]}`, `{"users":[{"userlogin":"a"}],"x":1}`, `{"users":[{"userlogin":"a"}]}x`,
	`{"users":[{"userlogin":"a"}]}{}`, `{"users":[{"userlogin":"a"},]}`, `{"users":[{"userlogin":"a",}]}`,
	`{"users":[{"userlogin":"a"}`, `{"users":[{"userlogin":"a}]}`, `{"users":[{"userlogin""a"}]}`, ``, `{`, `[]`,
	`{"users":[]} `, `{"users":[{"userlogin":"a"}]}` + "\v", `{"users":[{"userlogin":nul}]}`, `{"users":[{"userlogin":nullx}]}`,
	`{"users":[{"email":""}]}`, `{"users" :[{"lastname":"x","firstname":"y"}] }`,
}

func checkParseUsersV2(t *testing.T, body []byte) {
	t.Helper()
	fast, ok := parseUsersV2(body)
	if !ok {
		return // the handler uses encoding/json: nothing to compare
	}
	ref, refOK := decodeUsersV2Ref(body)
	if !refOK || renderUsers(fast) != renderUsers(ref) {
		t.Fatalf("parseUsersV2(%q) = %s; encoding/json: %s (ok %v)", body, renderUsers(fast), renderUsers(ref), refOK)
	}
}

func TestParseUsersV2MatchesEncodingJSON(t *testing.T) {
	taken := 0
	for _, b := range v2Bodies {
		checkParseUsersV2(t, []byte(b))
		if _, ok := parseUsersV2([]byte(b)); ok {
			taken++
		}
	}
	// The fast path must serve the common bodies, or it is dead code.
	if taken < 10 {
		t.Fatalf("parseUsersV2 took only %d of the bodies", taken)
	}
	if _, ok := parseUsersV2([]byte(v2Bodies[0])); !ok {
		t.Fatal("parseUsersV2 refused the plain one-user body")
	}
}

func FuzzParseUsersV2(f *testing.F) {
	for _, b := range v2Bodies {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkParseUsersV2(t, body) })
}

// TestUndecodableEntryFailsAlone: an entry encoding/json cannot decode (a
// number where a string belongs) fails as an item and changes nobody, even
// though its userlogin was readable; the entries around it are applied.
func TestUndecodableEntryFailsAlone(t *testing.T) {
	s, h := newTestServer(t)
	status, env, raw := do(h, "PUT", "admin", "application/json",
		`{"users":[{"userlogin":"jdoe","firstname":5},{"userlogin":"jdoe","lastname":"Applied"}]}`)
	if status != 200 || env.Status != 0 || env.Details == nil || env.Details.Processed != 2 || env.Details.Failed != 1 {
		t.Fatalf("answer %d %s", status, raw)
	}
	if it := env.Details.FailedItems[0]; it.Code != codeInvalidParams || it.UserLogin != "jdoe" {
		t.Fatalf("failed item %+v", it)
	}
	if u, _ := s.Domain.Get("jdoe"); u.FirstName != "John" || u.LastName != "Applied" {
		t.Fatalf("stored user %+v", u)
	}
}
