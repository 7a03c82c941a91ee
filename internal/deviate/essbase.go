package deviate

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// essbaseUsers is the Essbase users resource; a user is essbaseUsers + "/" + id.

// essbaseMarker tells a response change which requests a request change
// touched (the proxy sees the changed request in the response).
const essbaseMarker = "X-Conformance-Deviation"

func init() {
	Register(Deviation{
		Name:     "essbase-client-error-as-500",
		Scope:    "api:essbase",
		CaughtBy: []string{"ESS-ID-001", "ESS-ROLE-002", "ESS-UPDATE-004", "ESS-PERM-001", "ESS-ERROR-001"},
		Summary:  "every Essbase 400 (a refused user, a missing role, a malformed body) becomes a 500",
		Response: onEssbase("", false, func(r *http.Response, body []byte) []byte {
			if r.StatusCode != http.StatusBadRequest {
				return body
			}
			return replaceStatus(r, http.StatusInternalServerError, map[string]any{"errorMessage": "Internal Server Error."})
		}),
	})
	Register(Deviation{
		Name:     "essbase-role-lower-case",
		Scope:    "api:essbase",
		CaughtBy: []string{"ESS-ROLE-001", "ESS-UPDATE-003", "ESS-ADD-001", "ESS-GET-001", "ESS-ADD-003", "ESS-UPDATE-002"},
		Summary:  "Essbase answers the role as it was stored in lower case (\"power user\"), in JSON and XML, not in the documented spelling",
		Response: onEssbase("", false, func(r *http.Response, body []byte) []byte {
			if isXML(r) {
				return xmlRole.ReplaceAllFunc(body, bytes.ToLower)
			}
			return editAnyJSON(body, func(m map[string]any) {
				if role, ok := m["role"].(string); ok {
					m["role"] = strings.ToLower(role)
				}
			})
		}),
	})
	Register(Deviation{
		Name:     "essbase-update-drops-links",
		Scope:    "api:essbase",
		CaughtBy: []string{"ESS-UPDATE-001", "GEN-essbaseUpdateUser-valid"},
		Summary:  "Essbase Update User answers the updated user without its links",
		Response: onEssbase(http.MethodPut, true, func(r *http.Response, body []byte) []byte {
			if isXML(r) {
				return xmlLinks.ReplaceAll(body, nil)
			}
			return editAnyJSON(body, func(m map[string]any) { delete(m, "links") })
		}),
	})
	Register(Deviation{
		Name:     "essbase-delete-keeps-user",
		Scope:    "api:essbase",
		CaughtBy: []string{"ESS-DELETE-001"},
		Summary:  "Essbase DELETE answers 200 but the user stays (every row's cleanup then leaves its users behind)",
		Request: func(r *http.Request) {
			if r.Method == http.MethodDelete && strings.Contains(r.URL.Path, essbaseUsers+"/") {
				r.Method = http.MethodGet
				r.Header.Set(essbaseMarker, "delete-kept")
			}
		},
		Response: onEssbase("", true, func(r *http.Response, body []byte) []byte {
			if r.Request.Header.Get(essbaseMarker) != "delete-kept" || r.StatusCode != http.StatusOK {
				return body
			}
			r.Header.Del("Content-Type")
			return nil
		}),
	})
	Register(Deviation{
		Name:     "essbase-permission-as-403",
		Scope:    "api:essbase",
		CaughtBy: []string{"ESS-PERM-001", "ESS-PERM-002", "ESS-PERM-003", "ESS-GET-004"},
		Summary:  "an Essbase caller without Service Administrator gets 403, not the documented 400",
		Response: onEssbase("", false, func(r *http.Response, body []byte) []byte {
			if r.StatusCode == http.StatusBadRequest && errorCode(body) == "PERMISSION_DENIED" {
				r.StatusCode, r.Status = http.StatusForbidden, "403 Forbidden"
			}
			return body
		}),
	})
	Register(Deviation{
		Name:     "essbase-accept-invalid-id",
		Scope:    "api:essbase",
		CaughtBy: []string{"ESS-ID-001", "ESS-ID-002", "ESS-ID-004", "ESS-ID-016", "ESS-ID-019", "ESS-IMPORT-010"},
		Summary:  "Essbase accepts user IDs with the forbidden characters or over 256 characters",
		Response: onEssbase(http.MethodPost, false, func(r *http.Response, body []byte) []byte {
			if r.StatusCode != http.StatusBadRequest || errorCode(body) != "INVALID_ID" {
				return body
			}
			return replaceStatus(r, http.StatusOK, map[string]any{"id": "accepted", "role": "User"})
		}),
	})
	Register(Deviation{
		Name:     "essbase-shared-services-ignored",
		Scope:    "api:essbase",
		CaughtBy: []string{"ESS-SHARED-001", "ESS-SHARED-002", "ESS-SHARED-003", "ESS-SHARED-005"},
		Summary:  "Essbase in EPM Shared Services security mode manages users as in native mode",
		Request: func(r *http.Request) {
			if p, ok := strings.CutPrefix(r.URL.Path, "/shared-services"+essbaseUsers); ok {
				r.URL.Path = essbaseUsers + p
				r.URL.RawPath = ""
			}
		},
	})
	Register(Deviation{
		Name:     "essbase-xml-as-json",
		Scope:    "api:essbase",
		CaughtBy: []string{"ESS-ADD-003", "ESS-ADD-005", "ESS-UPDATE-002", "ESS-CONTRACT-002"},
		Summary:  "Essbase answers JSON to a caller that asked for XML",
		Request: func(r *http.Request) {
			if strings.Contains(r.URL.Path, essbaseUsers) && strings.Contains(r.Header.Get("Accept"), "xml") {
				r.Header.Set("Accept", "application/json")
			}
		},
	})
	Register(Deviation{
		Name:     "essbase-xml-groups-wrapped",
		Scope:    "api:essbase",
		CaughtBy: []string{"ESS-ADD-003", "ESS-UPDATE-002", "ESS-CONTRACT-002"},
		Summary:  "Essbase XML answers wrap each group as <groups><group>..</group></groups>, not the unwrapped list the spec describes",
		Response: onEssbase("", false, func(r *http.Response, body []byte) []byte {
			if !isXML(r) {
				return body
			}
			return xmlGroups.ReplaceAll(body, []byte("<groups><group>$1</group></groups>"))
		}),
	})
	Register(Deviation{
		Name:     "essbase-accept-anonymous",
		Scope:    "api:essbase",
		CaughtBy: []string{"ESS-AUTH-001", "ESS-AUTH-002", "ESS-AUTH-004", "ESS-AUTH-005", "GEN-essbaseAddUsers-noauth"},
		Summary:  "Essbase requests with missing or wrong credentials are answered as if they had succeeded",
		Response: onEssbase("", false, func(r *http.Response, body []byte) []byte {
			if r.StatusCode != http.StatusUnauthorized {
				return body
			}
			r.Header.Del("WWW-Authenticate")
			return replaceStatus(r, http.StatusOK, map[string]any{"id": "anonymous", "role": "User"})
		}),
	})
	Register(Deviation{
		Name:     "essbase-update-ignores-role",
		Scope:    "api:essbase",
		CaughtBy: []string{"ESS-UPDATE-001", "ESS-UPDATE-003", "ESS-UPDATE-006", "ESS-UPDATE-009"},
		Summary:  "Essbase Update User silently ignores the role of a JSON body",
		Request: func(r *http.Request) {
			if r.Method != http.MethodPut || !strings.Contains(r.URL.Path, essbaseUsers+"/") || !strings.Contains(r.Header.Get("Content-Type"), "json") || r.Body == nil {
				return
			}
			body, err := io.ReadAll(r.Body)
			r.Body.Close()
			if err != nil {
				return
			}
			body = editJSON(body, func(m map[string]any) { delete(m, "role") })
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
			r.Header.Set("Content-Length", strconv.Itoa(len(body)))
		},
	})
}

var (
	xmlRole   = regexp.MustCompile(`<role>[^<]*</role>`)
	xmlLinks  = regexp.MustCompile(`<links>.*?</links>`)
	xmlGroups = regexp.MustCompile(`<groups>([^<]+)</groups>`)
)

// onEssbase limits a response change to the Essbase users resource: the
// collection and one user (onlyUser: one user only), and a method if given.
func onEssbase(method string, onlyUser bool, f func(r *http.Response, body []byte) []byte) func(*http.Response, []byte) []byte {
	return func(r *http.Response, body []byte) []byte {
		req := r.Request
		if req == nil || !strings.Contains(req.URL.Path, essbaseUsers) || (method != "" && req.Method != method) {
			return body
		}
		if onlyUser && !strings.Contains(req.URL.Path, essbaseUsers+"/") {
			return body
		}
		return f(r, body)
	}
}

func isXML(r *http.Response) bool {
	return strings.Contains(r.Header.Get("Content-Type"), "xml")
}

// editAnyJSON lets edit change every object of a JSON body (one user or a
// list); a body that is not JSON is left alone.
func editAnyJSON(body []byte, edit func(m map[string]any)) []byte {
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return body
	}
	switch x := v.(type) {
	case map[string]any:
		edit(x)
	case []any:
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				edit(m)
			}
		}
	default:
		return body
	}
	out, err := json.Marshal(v)
	if err != nil {
		return body
	}
	return out
}

// errorCode reads the errorCode of an Essbase JSON error body.
func errorCode(body []byte) string {
	var e struct {
		Code string `json:"errorCode"`
	}
	_ = json.Unmarshal(body, &e)
	return e.Code
}
