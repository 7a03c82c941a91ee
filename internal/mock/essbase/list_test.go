package essbase

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/expect"
)

// Search Users (list.go): every answer is checked against
// specs/essbase-users.yaml and then by its members.
func TestListUsers(t *testing.T) {
	_, h := newTestServer(t, Options{})
	admin := func(path string) call {
		return call{method: http.MethodGet, path: path, user: "admin", pass: "Welcome1", accept: jsonCT}
	}
	cases := []struct {
		name   string
		call   call
		status int
		want   map[string]any
	}{
		{"one ID, any case", admin(usersPath + "?filter=JENP"), 200,
			map[string]any{"totalResults": 1, "count": 1, "hasMore": false, "items[0].id": "jenp", "items[0].role": "User", "items[0].links": map[string]any{"$len": 4}}},
		{"wildcards", admin(usersPath + "?filter=k?on*"), 200, map[string]any{"items[*].id": "kwong", "count": 1}},
		{"nothing matches", admin(usersPath + "?filter=zz*"), 200, map[string]any{"items": map[string]any{"$len": 0}, "totalResults": 0}},
		{"limit cuts the list and says so", admin(usersPath + "?limit=1"), 200, map[string]any{"count": 1, "hasMore": true, "limit": 1, "totalResults": map[string]any{"$gte": 3}}},
		{"limit -1 is no maximum", admin(usersPath + "?limit=-1"), 200, map[string]any{"hasMore": false}},
		{"expand=none drops role and groups", admin(usersPath + "?filter=jenp&expand=none"), 200,
			map[string]any{"items[0].role": map[string]any{"$present": false}, "items[0].groups": map[string]any{"$present": false}}},
		{"links=none drops the links", admin(usersPath + "?filter=jenp&links=none"), 200, map[string]any{"items[0].links": map[string]any{"$present": false}}},
		{"a bad limit is 400", admin(usersPath + "?limit=-2"), 400, nil},
		{"a bad expand is 400", admin(usersPath + "?expand=some"), 400, nil},
		{"no credentials", call{method: http.MethodGet, path: usersPath}, 401, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, rec := tc.call.do(t, h)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			validate(t, req, "", rec)
			var body any
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			for _, m := range expect.Match(body, tc.want) {
				t.Error(m)
			}
		})
	}
}
