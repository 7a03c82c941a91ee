package invariant

import (
	"strings"
	"testing"
)

// The document's update answer (Update User (https://docs.oracle.com/en/database/other-databases/essbase/21/essrt/op-users-id-put.html), Example of Response Body).
const essbaseDocAnswer = `{"id":"jenp","name":"Jen Power","email":"jen.x.power@example.com","role":"Power User","links":[
 {"rel":"get","href":"https://myserver.example.com:9001/essbase/rest/v1/users/jenp","method":"GET"},
 {"rel":"edit","href":"https://myserver.example.com:9001/essbase/rest/v1/users/jenp","method":"PUT"},
 {"rel":"delete","href":"https://myserver.example.com:9001/essbase/rest/v1/users/jenp","method":"DELETE"},
 {"rel":"provisionReport","href":"https://myserver.example.com:9001/essbase/rest/v1/users/jenp/provisionReport","method":"GET"}]}`

const essbaseDocUpdate = `{"role":"Power User","email":"jen.x.power@example.com","id":"jenp","name":"Jen Power"}`

func TestEssbaseInvariants(t *testing.T) {
	cases := []struct {
		name     string
		op       string
		status   int
		request  string
		body     string
		problems []string // substrings, one per expected problem
	}{
		{"the document's update", "essbaseUpdateUser", 200, essbaseDocUpdate, essbaseDocAnswer, nil},
		{"the document's add (links=none, role sent in lower case)", "essbaseAddUsers", 200,
			`{"password":"tempPa55","role":"user","email":"user001@example.com","id":"User001","name":"User One"}`,
			`{"id":"User001","name":"User One","email":"user001@example.com","role":"User"}`, nil},
		{"role in lower case", "essbaseGetUser", 200, "", `{"id":"jenp","role":"power user"}`, []string{`role "power user"`}},
		{"no role", "essbaseGetUser", 200, "", `{"id":"jenp","role":""}`, []string{`role ""`}},
		{"a password answered", "essbaseGetUser", 200, "", `{"id":"jenp","role":"User","password":"x"}`, []string{"password is in the answer"}},
		{"a password in an error", "essbaseAddUsers", 400, "", `{"errorMessage":"bad","detail":{"password":"x"}}`, []string{"detail.password"}},
		{"a link without method", "essbaseGetUser", 200, "",
			strings.Replace(essbaseDocAnswer, `,"method":"DELETE"`, "", 1), []string{"lacks rel, href or method", "no delete link"}},
		{"a link to another user", "essbaseUpdateUser", 200, essbaseDocUpdate,
			strings.Replace(essbaseDocAnswer, "users/jenp\",\"method\":\"PUT", "users/kwong\",\"method\":\"PUT", 1), []string{"edit link"}},
		{"a link with the wrong method", "essbaseGetUser", 200, "",
			strings.Replace(essbaseDocAnswer, `"method":"PUT"`, `"method":"POST"`, 1), []string{"method POST, documented PUT"}},
		{"links as an object", "essbaseGetUser", 200, "", `{"id":"jenp","role":"User","links":{"rel":"get"}}`, []string{"not a list"}},
		{"links escaped and in another case", "essbaseGetUser", 200, "",
			`{"id":"a.b","role":"User","links":[{"rel":"get","href":"http://h/essbase/rest/v1/users/A.B","method":"GET"},{"rel":"edit","href":"http://h/essbase/rest/v1/users/a.b","method":"PUT"},{"rel":"delete","href":"http://h/essbase/rest/v1/users/a.b","method":"DELETE"},{"rel":"provisionReport","href":"http://h/essbase/rest/v1/users/a.b/provisionReport","method":"GET"}]}`, nil},
		{"a refusal answering the user", "essbaseUpdateUser", 400, essbaseDocUpdate, essbaseDocAnswer, []string{"answers a user"}},
		{"an error", "essbaseUpdateUser", 400, essbaseDocUpdate, `{"errorCode":"X","errorMessage":"y"}`, nil},
		{"the update not applied", "essbaseUpdateUser", 200, essbaseDocUpdate,
			strings.Replace(essbaseDocAnswer, `"role":"Power User"`, `"role":"User"`, 1), []string{`role "Power User" was sent`}},
		{"another user answered", "essbaseUpdateUser", 200, `{"id":"jenp","email":"a@example.com"}`,
			`{"id":"kwong","email":"a@example.com","role":"User"}`, []string{`id "jenp" was sent`}},
		{"a list answered as one", "essbaseAddUsers", 200, `[{"id":"a","password":"p"}]`, `{"id":"a","role":"User"}`, []string{"mirrors the request's shape"}},
		{"one answered as a list", "essbaseAddUsers", 200, `{"id":"a","password":"p"}`, `[{"id":"a","role":"User"}]`, []string{"mirrors the request's shape"}},
		{"a list, one short", "essbaseAddUsers", 200, `[{"id":"a"},{"id":"b"}]`, `[{"id":"a","role":"User"}]`, []string{"2 users were sent and 1 answered"}},
		{"a list out of order", "essbaseAddUsers", 200, `[{"id":"a"},{"id":"b","role":"power user"}]`,
			`[{"id":"b","role":"Power User"},{"id":"a","role":"User"}]`, []string{`user [0]: id "a"`, `user [0]: role "User"`, `user [1]: id "b"`, `user [1]: role "power user"`}},
		{"the default role", "essbaseAddUsers", 200, `{"id":"a","password":"p"}`, `{"id":"a","role":"Power User"}`, []string{`role "User" was sent (or is the default)`}},
		{"a CSV import answers nothing", "essbaseAddUsers", 200, "", "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ProblemsWithRequest(tc.op, tc.status, tc.request, decode(t, tc.body))
			if len(got) != len(tc.problems) {
				t.Fatalf("got %d problems, want %d:\n  %s", len(got), len(tc.problems), strings.Join(got, "\n  "))
			}
			for _, want := range tc.problems {
				found := false
				for _, p := range got {
					found = found || strings.Contains(p, want)
				}
				if !found {
					t.Errorf("no problem mentions %q:\n  %s", want, strings.Join(got, "\n  "))
				}
			}
		})
	}
}
