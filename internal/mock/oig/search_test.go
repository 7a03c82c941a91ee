package oig

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/expect"
)

// Get Users (search.go) against the shipped seed: usr_keys 24 to 38, 24 is
// DCOLE, and 30, 33 and 36 are stand-ins alike 24 (DCOLE2 to DCOLE4). Every answer is checked against specs/oig-users.yaml by answer().
func TestListUsers(t *testing.T) {
	_, h := newMock(t, Options{})
	list := func(q url.Values) call { return call{method: http.MethodGet, path: usersPath + "?" + q.Encode()} }
	cases := []struct {
		name   string
		call   call
		status int
		want   map[string]any
	}{
		{"by login, the page's :: form, usr_key a number", list(url.Values{"q": {"User::Login eq dcole"}, "fields": {"usr_key, User Login"}}), 200,
			map[string]any{"count": 1, "totalResult": 1, "hasMore": false, "users[0].id": "24",
				"users[0].fields[name=usr_key].value": map[string]any{"$type": "number"}, "users[0].fields[name=User Login].value": "DCOLE"}},
		{"the page's sample with a plain space in Last Name", list(url.Values{"q": {"User::Login eq nobody or Last Name eq Cole"}}), 200,
			map[string]any{"users[*].fields[name=Last Name].value": "Cole", "totalResult": map[string]any{"$gte": 1}}},
		{"no match is an empty page", list(url.Values{"q": {"User::Login eq NOBODY"}}), 200,
			map[string]any{"count": 0, "totalResult": 0, "hasMore": false, "users": map[string]any{"$len": 0}}},
		{"paging from 1", list(url.Values{"offset": {"2"}, "limit": {"2"}, "fields": {"usr_key"}}), 200,
			map[string]any{"count": 2, "totalResult": 15, "hasMore": true, "users[0].id": "25", "users[1].id": "26"}},
		{"default page size is 10", list(url.Values{}), 200, map[string]any{"count": 10, "totalResult": 15, "hasMore": true}},
		{"the last page", list(url.Values{"offset": {"11"}}), 200, map[string]any{"count": 5, "hasMore": false, "users[4].id": "38"}},
		{"sw and quoted values", list(url.Values{"q": {"Last::Name sw 'co'"}}), 200,
			map[string]any{"users": map[string]any{"$len": 4}, "users[0].id": "24", "users[*].fields[name=Last Name].value": "Cole"}},
		{"an unreadable filter is 400", list(url.Values{"q": {"User::Login likes x"}}), 400, map[string]any{"reason": map[string]any{"$match": "^IAM-4060018:"}}},
		{"an unknown field is 400", list(url.Values{"fields": {"Shoe Size"}}), 400, map[string]any{"reason": map[string]any{"$match": "^IAM-4060012:"}}},
		{"offset 0 is 400", list(url.Values{"offset": {"0"}}), 400, nil},
		{"no credentials", call{method: http.MethodGet, path: usersPath, auth: "none"}, 401, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec, body := answer(t, h, tc.call)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			for _, f := range expect.Match(body, tc.want) {
				t.Error(f)
			}
		})
	}
}

// The token service (token.go): credentials in, a JWT out, which the
// self-service routes then accept as a bearer token; nothing else gets one.
func TestToken(t *testing.T) {
	_, h := newMock(t, Options{})
	rec, body := answer(t, h, call{method: http.MethodPost, path: tokenPath})
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	for _, f := range expect.Match(body, map[string]any{"tokenType": "Bearer", "expiresIn": "1799",
		"accessToken": map[string]any{"$match": `^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$`}}) {
		t.Error(f)
	}
	tok := body.(map[string]any)["accessToken"].(string)
	rec, _ = answer(t, h, call{method: http.MethodGet, path: usersPath + "/24", auth: "none", header: map[string]string{"Authorization": "Bearer " + tok}})
	if rec.Code != 200 {
		t.Errorf("the issued token is not accepted: %d %s", rec.Code, rec.Body)
	}
	for name, c := range map[string]call{
		"no credentials":    {method: http.MethodPost, path: tokenPath, auth: "none"},
		"wrong password":    {method: http.MethodPost, path: tokenPath, auth: "wrong-password"},
		"a bad token":       {method: http.MethodPost, path: tokenPath, auth: "bad-token"},
		"no X-Requested-By": {method: http.MethodPost, path: tokenPath, header: map[string]string{"X-Requested-By": ""}},
	} {
		rec, _ := answer(t, h, c)
		if rec.Code != 401 && !(name == "no X-Requested-By" && rec.Code == 400) {
			t.Errorf("%s: status %d: %s", name, rec.Code, rec.Body)
		}
	}
}
