package invariant_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/invariant"
)

func TestNeighbourListRules(t *testing.T) {
	cases := []struct {
		op, body, want string // want: a substring of a problem, "" for none
	}{
		{"essbaseListUsers", `{"totalResults":1,"count":1,"hasMore":false,"offset":0,"items":[{"id":"a","role":"User"}]}`, ""},
		{"essbaseListUsers", `{"totalResults":3,"count":1,"hasMore":true,"offset":0,"items":[{"id":"a"}]}`, ""},
		{"essbaseListUsers", `{"totalResults":3,"count":2,"items":[{"id":"a"}]}`, "count is 2"},
		{"essbaseListUsers", `{"totalResults":0,"count":1,"items":[{"id":"a"}]}`, "fewer than"},
		{"essbaseListUsers", `{"totalResults":3,"count":1,"hasMore":false,"offset":0,"items":[{"id":"a"}]}`, "hasMore is false"},
		{"essbaseListUsers", `{"items":[{"id":"a","role":"user"}]}`, "role \"user\""},
		{"essbaseListUsers", `{"items":[{"id":"a","password":"x"}]}`, "password"},
		{"oigListUsers", `{"count":1,"totalResult":1,"hasMore":false,"users":[{"id":"24","fields":[{"name":"usr_key","value":24}],"links":[{"rel":"self","href":"http://h/iam/governance/selfservice/api/v1/users/24"}]}]}`, ""},
		{"oigListUsers", `{"count":2,"totalResult":2,"users":[{"id":"24"}]}`, "count is 2"},
		{"oigListUsers", `{"users":[{"id":"24","fields":[{"name":"usr_key","value":25}]}]}`, "usr_key 25"},
		{"oigListUsers", `{"users":[{"id":"24","links":[{"rel":"self","href":"http://h/users/25"}]}]}`, "does not end in /users/24"},
		{"oigListUsers", `{"count":1,"totalResult":1,"hasMore":true,"users":[{"id":"24"}]}`, "hasMore is true"},
	}
	for _, tc := range cases {
		var body any
		dec := json.NewDecoder(strings.NewReader(tc.body))
		dec.UseNumber()
		if err := dec.Decode(&body); err != nil {
			t.Fatal(err)
		}
		got := strings.Join(invariant.Problems(tc.op, 200, body), "\n")
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("%s %s: problems %q, want %q", tc.op, tc.body, got, tc.want)
		}
	}
}
