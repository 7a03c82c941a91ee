package deviate

import "net/http"

// epm2Success is a plausible "all updated" v2 answer, used by deviations
// that accept what should have been refused.
func epm2Success(r *http.Response) map[string]any {
	return map[string]any{
		"links":   map[string]any{"href": "http://" + r.Request.Host + epm2Path, "action": "PUT"},
		"status":  0,
		"error":   nil,
		"details": map[string]any{"processed": 1, "succeeded": 1, "failed": 0, "faileditems": nil},
	}
}

func init() {
	Register(Deviation{
		Name:     "epm2-partial-as-failure",
		Scope:    "api:epm-v2",
		CaughtBy: []string{"EPM2-PAYLOAD-006", "EPM2-PAYLOAD-007", "EPM2-BATCH-001", "EPM2-EMAIL-001"},
		Summary:  "a v2 batch in which some users failed answers status 1 instead of 0",
		Response: onPath("PUT", epm2Path, func(r *http.Response, body []byte) []byte {
			return editJSON(body, func(m map[string]any) {
				d, _ := m["details"].(map[string]any)
				if f, ok := asInt(d["failed"]); ok && f > 0 {
					m["status"] = 1
				}
			})
		}),
	})
	Register(Deviation{
		Name:     "epm2-links-array",
		Scope:    "api:epm-v2",
		CaughtBy: []string{"EPM2-CONTRACT-001", "EPM2-PAYLOAD-001", "EPM2-AUTH-005"},
		Summary:  "v2 answers carry links as an array, as v1 does, instead of one object",
		Response: onPath("", epm2Path, func(r *http.Response, body []byte) []byte {
			return editJSON(body, func(m map[string]any) {
				if l, ok := m["links"].(map[string]any); ok {
					m["links"] = []any{l}
				}
			})
		}),
	})
	Register(Deviation{
		Name:     "epm2-drop-faileditems",
		Scope:    "api:epm-v2",
		CaughtBy: []string{"EPM2-PAYLOAD-006", "EPM2-BATCH-002"},
		Summary:  "v2 answers count failed users but list none of them",
		Response: onPath("PUT", epm2Path, func(r *http.Response, body []byte) []byte {
			return editJSON(body, func(m map[string]any) {
				if d, ok := m["details"].(map[string]any); ok {
					d["faileditems"] = nil
				}
			})
		}),
	})
	Register(Deviation{
		Name:     "epm2-processed-miscount",
		Scope:    "api:epm-v2",
		CaughtBy: []string{"EPM2-QUIRK-003", "EPM2-BATCH-001", "EPM2-PAYLOAD-004"},
		Summary:  "v2 answers report processed 2 whatever the batch size, as the document's Example 1 does",
		Response: onPath("PUT", epm2Path, func(r *http.Response, body []byte) []byte {
			return editJSON(body, func(m map[string]any) {
				if d, ok := m["details"].(map[string]any); ok {
					if p, ok := asInt(d["processed"]); ok && p > 2 {
						d["processed"] = 2
					}
				}
			})
		}),
	})
	Register(Deviation{
		Name:     "epm2-accept-anonymous",
		Scope:    "api:epm-v2",
		CaughtBy: []string{"EPM2-AUTH-001", "EPM2-AUTH-002", "EPM2-AUTH-004"},
		Summary:  "v2 requests with missing or wrong credentials are answered as if they had succeeded",
		Response: onPath("PUT", epm2Path, func(r *http.Response, body []byte) []byte {
			if r.StatusCode != http.StatusUnauthorized {
				return body
			}
			return replaceStatus(r, http.StatusOK, epm2Success(r))
		}),
	})
	Register(Deviation{
		Name:     "epm2-ignore-role",
		Scope:    "api:epm-v2",
		CaughtBy: []string{"EPM2-AUTH-005"},
		Summary:  "a v2 caller without Identity Domain Administrator is let through",
		Response: onPath("PUT", epm2Path, func(r *http.Response, body []byte) []byte {
			var refused bool
			editJSON(body, func(m map[string]any) {
				e, _ := m["error"].(map[string]any)
				refused = e["errorcode"] == "EPMCSS-21192"
			})
			if !refused {
				return body
			}
			return replaceStatus(r, http.StatusOK, epm2Success(r))
		}),
	})
	Register(Deviation{
		Name:     "epm2-server-error",
		Scope:    "api:epm-v2",
		CaughtBy: []string{"EPM2-ERROR-003", "EPM2-ERROR-005", "EPM2-AUTH-001"},
		Summary:  "every v2 client error (4xx) becomes a 500",
		Response: onPath("", epm2Path, clientErrorAs500),
	})
}

func init() {
	Register(Deviation{
		Name:     "epm2-accept-missing-userlogin",
		Summary:  "a v2 user entry without the required userlogin is applied to some user instead of failing",
		Scope:    "api:epm-v2",
		CaughtBy: []string{"GEN-updateUsersV2-missing-users.userlogin"},
		Request: onRequest("PUT", epm2Path, func(body []byte) []byte {
			return editJSON(body, func(m map[string]any) {
				users, _ := m["users"].([]any)
				for _, u := range users {
					if e, ok := u.(map[string]any); ok {
						if _, has := e["userlogin"]; !has {
							e["userlogin"] = "jdoe"
						}
					}
				}
			})
		}),
	})
}
