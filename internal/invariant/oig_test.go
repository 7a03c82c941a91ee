package invariant_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/invariant"
	_ "github.com/oracle-users-conformance/conformance/internal/ops" // installs the invariants
)

func decode(t *testing.T, s string) any {
	t.Helper()
	if s == "" {
		return nil
	}
	var v any
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

const oigDocRequest = `{"users":[{"requestId":"123","id":"24","fields":[{"name":"First Name","value":"UpdatedFN"}]},{"requestId":"123","id":"9999","fields":[{"name":"First Name","value":"UpdatedFN1"}]}]}`

// The document's answer, as printed: its links are no URL ("PORT").
const oigDocAnswer = `{"users":[
 {"links":[{"rel":"self","href":"http://pseudo.com:PORT/iam/governance/selfservice/api/v1/users/24"}],"requestId":"123","status":"SUCCESS","fields":[{"name":"First Name","value":"UpdatedFN"}]},
 {"links":[{"rel":"self","href":"http://pseudo.com:PORT/iam/governance/selfservice/api/v1/users/9999"}],"requestId":"123","status":"FAIL","reason":"IAM-2040028:User does not exists:"}]}`

func TestOIGUpdateInvariants(t *testing.T) {
	link := func(id string) string {
		return `"links":[{"rel":"self","href":"http://h/iam/governance/selfservice/api/v1/users/` + id + `"}]`
	}
	cases := []struct {
		name     string
		status   int
		request  string
		body     string
		problems []string // substrings, one per expected problem
	}{
		{"the document's example", 200, oigDocRequest, oigDocAnswer, nil},
		{"a leading space is tolerated", 200, `{"users":[{"requestId":"a","id":"24"}]}`,
			`{"users":[{` + link("24") + `,"requestId":"a","status":" SUCCESS"}]}`, nil},
		{"an entry is missing", 200, oigDocRequest,
			`{"users":[{` + link("24") + `,"requestId":"123","status":"SUCCESS"}]}`, []string{"2 users but the answer 1"}},
		{"requestId dropped", 200, `{"users":[{"requestId":"a","id":"24"}]}`,
			`{"users":[{` + link("24") + `,"status":"SUCCESS"}]}`, []string{"requestId nothing"}},
		{"requestId answered as id", 200, `{"users":[{"requestId":"a","id":"24"}]}`,
			`{"users":[{` + link("24") + `,"id":"a","status":"SUCCESS"}]}`, nil},
		{"answers in another order, matched by requestId", 200, `{"users":[{"requestId":"a","id":"24"},{"requestId":"b","id":"25"}]}`,
			`{"users":[{` + link("25") + `,"requestId":"b","status":"SUCCESS"},{` + link("24") + `,"requestId":"a","status":"SUCCESS"}]}`, nil},
		{"answers in another order, matched by self link", 200, `{"users":[{"id":"24"},{"id":"25"}]}`,
			`{"users":[{` + link("25") + `,"status":"SUCCESS"},{` + link("24") + `,"status":"SUCCESS"}]}`, nil},
		{"requestIds swapped between users", 200, `{"users":[{"requestId":"a","id":"24"},{"requestId":"b","id":"25"}]}`,
			`{"users":[{` + link("25") + `,"requestId":"a","status":"SUCCESS"},{` + link("24") + `,"requestId":"b","status":"SUCCESS"}]}`,
			[]string{"users[0]: the self link", "users[1]: the self link"}},
		{"a requestId no entry carries", 200, `{"users":[{"requestId":"a","id":"24"},{"requestId":"b","id":"25"}]}`,
			`{"users":[{` + link("24") + `,"requestId":"a","status":"SUCCESS"},{` + link("25") + `,"requestId":"c","status":"SUCCESS"},{` + link("26") + `,"requestId":"d","status":"SUCCESS"}]}`,
			[]string{"2 users but the answer 3"}},
		{"FAIL without reason", 200, `{"users":[{"id":"24"}]}`, `{"users":[{` + link("24") + `,"status":"FAIL"}]}`, []string{"without a reason"}},
		{"SUCCESS with reason", 200, `{"users":[{"id":"24"}]}`, `{"users":[{` + link("24") + `,"status":"SUCCESS","reason":"IAM-1:x:"}]}`, []string{"with a reason"}},
		{"SUCCESS without link", 200, `{"users":[{"id":"24"}]}`, `{"users":[{"status":"SUCCESS"}]}`, []string{"without a self link"}},
		{"missing id cannot succeed", 200, `{"users":[{"requestId":"a"}]}`, `{"users":[{"requestId":"a","status":"SUCCESS"}]}`, []string{"no id in the request"}},
		{"missing id fails", 200, `{"users":[{"requestId":"a"}]}`, `{"users":[{"requestId":"a","status":"FAIL","reason":"IAM-4060010:x:"}]}`, nil},
		{"numeric id is the target's choice", 200, `{"users":[{"id":24}]}`, `{"users":[{` + link("24") + `,"status":"SUCCESS"}]}`, nil},
		{"a link to a collection", 200, `{"users":[{"id":"24"}]}`, `{"users":[{` + link("24/x") + `,"status":"FAIL","reason":"IAM-1:x:"}]}`, []string{"does not name one user", "does not end with the usr_key"}},
		{"empty answer", 200, "", `{"users":[]}`, []string{"users is empty"}},
		{"a refusal with outcomes", 400, "", `{"users":[],"status":"FAIL","reason":"IAM-4060004:x:"}`, []string{"HTTP 400 lists per-user outcomes"}},
		{"a refusal", 400, oigDocRequest, `{"status":"FAIL","reason":"IAM-4060001:x:"}`, nil},
		{"no request body known", 200, "", oigDocAnswer, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := invariant.ProblemsWithRequest("oigUpdateUsers", c.status, c.request, decode(t, c.body))
			if len(got) != len(c.problems) {
				t.Fatalf("got %d problems, want %d: %q", len(got), len(c.problems), got)
			}
			for i, want := range c.problems {
				if !strings.Contains(got[i], want) {
					t.Errorf("problem %d is %q, want it to contain %q", i, got[i], want)
				}
			}
		})
	}
}

func TestOIGGetUserInvariants(t *testing.T) {
	cases := []struct {
		name, body string
		problems   int
	}{
		{"the mock's user", `{"links":[{"rel":"self","href":"http://h/iam/governance/selfservice/api/v1/users/24"}],"fields":[{"name":"usr_key","value":"24"},{"name":"First Name","value":"Dana"}]}`, 0},
		{"a field twice", `{"fields":[{"name":"Email","value":"a"},{"name":"Email","value":"b"}]}`, 1},
		{"a link to another user", `{"links":[{"rel":"self","href":"http://h/iam/governance/selfservice/api/v1/users/25"}],"fields":[{"name":"usr_key","value":"24"}]}`, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := invariant.Problems("oigGetUser", 200, decode(t, c.body)); len(got) != c.problems {
				t.Fatalf("got %q, want %d problems", got, c.problems)
			}
		})
	}
}
