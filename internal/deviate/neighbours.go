package deviate

import (
	"fmt"
	"net/http"
	"strings"
)

// Deviations of the neighbour operations real automation calls around the
// five documented ones (fixtures/quirks/neighbours.yaml): Essbase Search
// Users, OIG Get Users and the OIG token service.

var (
	essbaseList = opPath("essbaseListUsers", nil)
	oigList     = opPath("oigListUsers", nil)
	oigToken    = opPath("oigGetToken", nil)
)

// dropQuery removes query parameters from the requests of one method and
// path, so the target answers as if the caller had not sent them.
func dropQuery(method, path string, names ...string) func(r *http.Request) {
	return func(r *http.Request) {
		if r.Method != method || strings.TrimSuffix(r.URL.Path, "/") != path {
			return
		}
		q := r.URL.Query()
		for _, n := range names {
			q.Del(n)
		}
		r.URL.RawQuery = q.Encode()
	}
}

func init() {
	Register(Deviation{
		Name:     "essbase-list-ignores-parameters",
		Scope:    "api:essbase",
		CaughtBy: []string{"ESS-LIST-001", "ESS-LIST-002", "ESS-LIST-003", "ESS-LIST-004", "ESS-LIST-005"},
		Summary:  "Essbase Search Users ignores filter, limit and expand and lists every user with role and groups",
		Request:  dropQuery(http.MethodGet, essbaseList, "filter", "limit", "expand"),
	})
	Register(Deviation{
		Name:     "oig-list-ignores-query",
		Scope:    "api:oig",
		CaughtBy: []string{"OIG-LIST-001", "OIG-LIST-002", "OIG-LIST-003"},
		Summary:  "OIG Get Users ignores q, offset and limit and answers every user on one page",
		Request:  dropQuery(http.MethodGet, oigList, "q", "offset", "limit"),
	})
	Register(Deviation{
		Name:     "oig-list-usr-key-as-string",
		Scope:    "api:oig",
		CaughtBy: []string{"OIG-LIST-001"},
		Summary:  "OIG Get Users answers usr_key as a string, where a real OIG answers a JSON number",
		Response: onPath(http.MethodGet, oigList, func(r *http.Response, body []byte) []byte {
			return editJSON(body, func(m map[string]any) {
				users, _ := m["users"].([]any)
				for _, u := range users {
					fields, _ := u.(map[string]any)["fields"].([]any)
					for _, f := range fields {
						if pair, ok := f.(map[string]any); ok && pair["name"] == "usr_key" {
							pair["value"] = fmt.Sprint(pair["value"]) // a json.Number prints its digits
						}
					}
				}
			})
		}),
	})
	Register(Deviation{
		Name:     "oig-token-not-jwt",
		Scope:    "api:oig",
		CaughtBy: []string{"OIG-TOKEN-001"},
		Summary:  "the OIG token service answers an opaque token, not a JWT",
		Response: onPath(http.MethodPost, oigToken, func(r *http.Response, body []byte) []byte {
			if r.StatusCode != http.StatusOK {
				return body
			}
			return editJSON(body, func(m map[string]any) { m["accessToken"] = "opaque-session-token" })
		}),
	})
	Register(Deviation{
		Name:     "oig-token-without-requested-by",
		Scope:    "api:oig",
		CaughtBy: []string{"OIG-TOKEN-003"},
		Summary:  "the OIG token service issues a token to a POST without X-Requested-By (the header is added on its way)",
		Request: func(r *http.Request) {
			if r.Method == http.MethodPost && r.URL.Path == oigToken {
				if _, present := r.Header["X-Requested-By"]; !present {
					r.Header.Set("X-Requested-By", "deviating-proxy")
				}
			}
		},
	})
	Register(Deviation{
		Name:     "oig-token-issued-to-anyone",
		Scope:    "api:oig",
		CaughtBy: []string{"OIG-TOKEN-002"},
		Summary:  "the OIG token service issues a token without (or with wrong) credentials",
		Response: onPath(http.MethodPost, oigToken, func(r *http.Response, body []byte) []byte {
			if r.StatusCode != http.StatusUnauthorized {
				return body
			}
			r.Header.Del("WWW-Authenticate")
			return replaceStatus(r, http.StatusOK, map[string]any{"accessToken": "e30.e30.", "tokenType": "Bearer", "expiresIn": "1799"})
		}),
	})
}
