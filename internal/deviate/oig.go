package deviate

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"

	"github.com/oracle-users-conformance/conformance/internal/oiguser"
)

// Deviations of Oracle Identity Governance bulk Update Users
// (Update Users (https://docs.oracle.com/en/middleware/idm/identity-governance/12.2.1.4/oimss/op-users-put.html); decisions in fixtures/quirks/oig.yaml).

// oigKnownFields are the spec's x-known-fields (specs/oig-users.yaml),
// read when a deviation first needs them.
var oigKnownFields = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	for _, name := range oiguser.Known(catalog()) {
		out[name] = true
	}
	return out
})

// oigEntries calls edit for every entry of an answer's users array.
func oigEntries(body []byte, edit func(i int, e map[string]any)) []byte {
	return editJSON(body, func(m map[string]any) {
		users, _ := m["users"].([]any)
		for i, u := range users {
			if e, ok := u.(map[string]any); ok {
				edit(i, e)
			}
		}
	})
}

func init() {
	Register(Deviation{
		Name:     "oig-accept-missing-requested-by",
		Scope:    "api:oig",
		CaughtBy: []string{"OIG-ERROR-001"},
		Summary:  "a PUT without X-Requested-By is accepted (the header is added on its way), as the samples that omit it suggest",
		Request: func(r *http.Request) {
			if r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, oigUsersPath) && r.Header.Get("X-Requested-By") == "" {
				if _, present := r.Header["X-Requested-By"]; !present {
					r.Header.Set("X-Requested-By", "deviating-proxy")
				}
			}
		},
	})
	Register(Deviation{
		Name:     "oig-fail-as-success",
		Scope:    "api:oig",
		CaughtBy: []string{"OIG-PAYLOAD-003", "OIG-USER-004", "OIG-USER-008", "OIG-DOC-001", "GEN-oigUpdateUsers-missing-users.id"},
		Summary:  "users that failed are reported SUCCESS, without a reason",
		Response: onPath("PUT", oigUsersPath, func(r *http.Response, body []byte) []byte {
			return oigEntries(body, func(_ int, e map[string]any) {
				if e["status"] == "FAIL" {
					e["status"] = "SUCCESS"
					delete(e, "reason")
				}
			})
		}),
	})
	Register(Deviation{
		Name:     "oig-drop-request-id",
		Scope:    "api:oig",
		CaughtBy: []string{"OIG-PAYLOAD-001", "OIG-PAYLOAD-002", "OIG-QUIRK-002", "GEN-oigUpdateUsers-valid"},
		Summary:  "answer entries leave out the requestId the request sent, so a caller cannot match them",
		Response: onPath("PUT", oigUsersPath, func(r *http.Response, body []byte) []byte {
			return oigEntries(body, func(_ int, e map[string]any) { delete(e, "requestId") })
		}),
	})
	Register(Deviation{
		Name:     "oig-unknown-user-404",
		Scope:    "api:oig",
		CaughtBy: []string{"OIG-PAYLOAD-003", "OIG-DOC-001", "OIG-QUIRK-002"},
		Summary:  "an unknown usr_key fails the whole request with 404 instead of its own FAIL entry in a 200",
		Response: onPath("PUT", oigUsersPath, func(r *http.Response, body []byte) []byte {
			unknown := false
			oigEntries(body, func(_ int, e map[string]any) {
				reason, _ := e["reason"].(string)
				unknown = unknown || strings.HasPrefix(reason, "IAM-2040028:")
			})
			if !unknown {
				return body
			}
			return replaceStatus(r, http.StatusNotFound, map[string]any{"status": "FAIL", "reason": "IAM-2040028:User does not exists:"})
		}),
	})
	Register(Deviation{
		Name:     "oig-accept-anonymous",
		Scope:    "api:oig",
		CaughtBy: []string{"OIG-AUTH-001", "OIG-AUTH-002", "OIG-AUTH-004", "GEN-oigUpdateUsers-noauth"},
		Summary:  "an update with missing or wrong credentials is answered as if it had succeeded",
		Response: onPath("PUT", oigUsersPath, func(r *http.Response, body []byte) []byte {
			if r.StatusCode != http.StatusUnauthorized {
				return body
			}
			r.Header.Del("WWW-Authenticate")
			return replaceStatus(r, http.StatusOK, map[string]any{"users": []any{map[string]any{"status": "SUCCESS"}}})
		}),
	})
	Register(Deviation{
		Name:     "oig-ignore-privilege",
		Scope:    "api:oig",
		CaughtBy: []string{"OIG-AUTH-005"},
		Summary:  "a caller without the privilege to modify users is answered SUCCESS instead of 403",
		Response: onPath("PUT", oigUsersPath, func(r *http.Response, body []byte) []byte {
			if r.StatusCode != http.StatusForbidden {
				return body
			}
			return replaceStatus(r, http.StatusOK, map[string]any{"users": []any{
				map[string]any{"status": "SUCCESS"}, map[string]any{"status": "SUCCESS"}, map[string]any{"status": "SUCCESS"}}})
		}),
	})
	Register(Deviation{
		Name:     "oig-ignore-unknown-fields",
		Scope:    "api:oig",
		CaughtBy: []string{"OIG-USER-004"},
		Summary:  "unknown field names are dropped and the user's other fields applied, instead of failing the user",
		Request: onRequest("PUT", oigUsersPath, func(body []byte) []byte {
			return editJSON(body, func(m map[string]any) {
				users, _ := m["users"].([]any)
				for _, u := range users {
					e, _ := u.(map[string]any)
					fields, ok := e["fields"].([]any)
					if !ok {
						continue
					}
					kept := []any{}
					for _, f := range fields {
						fm, _ := f.(map[string]any)
						if name, _ := fm["name"].(string); oigKnownFields()[name] {
							kept = append(kept, f)
						}
					}
					e["fields"] = kept
				}
			})
		}),
	})
	Register(oigSuccessWithoutChange())
}

// oigSuccessWithoutChange answers SUCCESS for every user of a well-formed
// update while changing nobody: the request reaches the target with a media
// type it refuses (so authentication, X-Requested-By and the privilege are
// still checked there and nothing is applied), and the refusal is replaced
// by the answer a conforming target would give, built from the request the
// proxy carried along in a header. Only a read-back catches it.
func oigSuccessWithoutChange() Deviation {
	const (
		carried = "X-Deviate-Original-Body"
		noop    = "application/x-deviate-noop"
		limit   = 64 << 10
	)
	type entry struct {
		RequestID any    `json:"requestId,omitempty"`
		ID        string `json:"id"`
		Fields    any    `json:"fields"`
	}
	parse := func(body []byte) ([]entry, bool) {
		var req struct {
			Users []entry `json:"users"`
		}
		if len(body) > limit || json.Unmarshal(body, &req) != nil || len(req.Users) == 0 {
			return nil, false
		}
		for _, e := range req.Users {
			if e.ID == "" {
				return nil, false
			}
		}
		return req.Users, true
	}
	return Deviation{
		Name:     "oig-success-without-change",
		Scope:    "api:oig",
		CaughtBy: []string{"OIG-FIELD-001", "OIG-PAYLOAD-004", "OIG-PAYLOAD-005", "OIG-READBACK-001"},
		Summary:  "updates are answered SUCCESS, fields echoed, but no user changes",
		Request: func(r *http.Request) {
			mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if r.Method != http.MethodPut || !strings.HasSuffix(r.URL.Path, oigUsersPath) || r.Body == nil ||
				mt != "application/json" || r.Header.Get("X-Requested-By") == "" {
				return
			}
			body, err := io.ReadAll(r.Body)
			r.Body.Close()
			r.Body = io.NopCloser(bytes.NewReader(body))
			if _, ok := parse(body); err != nil || !ok {
				return
			}
			r.Header.Set(carried, base64.StdEncoding.EncodeToString(body))
			r.Header.Set("Content-Type", noop)
		},
		Response: onPath("PUT", oigUsersPath, func(r *http.Response, body []byte) []byte {
			enc := r.Request.Header.Get(carried)
			if enc == "" || r.StatusCode != http.StatusUnsupportedMediaType {
				return body
			}
			orig, err := base64.StdEncoding.DecodeString(enc)
			if err != nil {
				return body
			}
			users, ok := parse(orig)
			if !ok {
				return body
			}
			out := make([]any, 0, len(users))
			for _, u := range users {
				e := map[string]any{
					"links":  []any{map[string]any{"rel": "self", "href": "http://" + r.Request.Host + oigUsersPath + "/" + u.ID}},
					"status": "SUCCESS",
					"fields": u.Fields,
				}
				if u.RequestID != nil {
					e["requestId"] = u.RequestID
				}
				out = append(out, e)
			}
			return replaceStatus(r, http.StatusOK, map[string]any{"users": out})
		}),
	}
}
