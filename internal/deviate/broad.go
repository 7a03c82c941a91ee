package deviate

import (
	"net/http"
	"strings"
)

// Broad deviations break one rule across a whole API, so that every
// scenario relying on that rule (a refusal with a 4xx, a refusal at all) is
// shown able to fail, generated scenarios included.

// onPaths limits a response change to requests whose path contains one of
// the parts.
func onPaths(parts []string, f func(r *http.Response, body []byte) []byte) func(*http.Response, []byte) []byte {
	return func(r *http.Response, body []byte) []byte {
		if r.Request == nil {
			return body
		}
		for _, p := range parts {
			if strings.Contains(r.Request.URL.Path, p) {
				return f(r, body)
			}
		}
		return body
	}
}

// clientErrorAs500 turns every 4xx into a 500: the target "crashes" on
// input it should have refused.
func clientErrorAs500(r *http.Response, body []byte) []byte {
	if r.StatusCode < 400 || r.StatusCode >= 500 {
		return body
	}
	return replaceStatus(r, http.StatusInternalServerError, map[string]any{"status": 1, "details": "internal error"})
}

func init() {
	Register(Deviation{
		Name:     "epm1-any-client-error-as-500",
		Scope:    "api:epm-v1",
		Summary:  "every 4xx of the security and file resources (v1 submit, job status, upload, delete) becomes a 500",
		Response: onPaths([]string{epm1Security, epm1Snapshot}, clientErrorAs500),
		CaughtBy: []string{
			"EPM1-AUTH-004", "EPM1-ERROR-001", "EPM1-ERROR-002", "EPM1-FILE-002", "EPM1-FILE-005",
			"GEN-epmDeleteFile-noauth", "GEN-epmDeleteFile-badauth", "GEN-epmDeleteFile-method",
			"GEN-epmUploadFile-noauth", "GEN-epmUploadFile-badauth", "GEN-epmUploadFile-mediatype", "GEN-epmUploadFile-method",
			"GEN-getUsersJobV1-noauth", "GEN-getUsersJobV1-badauth", "GEN-getUsersJobV1-method",
			"GEN-updateUsersV1-mediatype", "GEN-updateUsersV1-method",
		},
	})
	Register(Deviation{
		Name:    "epm1-bad-submit-starts-job",
		Scope:   "api:epm-v1",
		Summary: "a v1 submit the service must refuse (status 1: wrong or missing jobtype or filename) starts a job instead",
		Response: onPath(http.MethodPut, epm1Submit, func(r *http.Response, body []byte) []byte {
			var refused bool
			editJSON(body, func(m map[string]any) {
				s, ok := asInt(m["status"])
				refused = ok && s >= 1
			})
			if !refused || r.StatusCode != http.StatusOK {
				return body
			}
			return replaceStatus(r, http.StatusOK, epm1Started(r))
		}),
		CaughtBy: []string{"GEN-updateUsersV1-enum-jobtype", "GEN-updateUsersV1-missing-jobtype", "GEN-updateUsersV1-missing-filename"},
	})
	Register(Deviation{
		Name:     "epm1-file-answers-without-links",
		Scope:    "api:epm-v1",
		Summary:  "upload and delete answers leave out their links",
		Response: onPaths([]string{epm1Snapshot}, dropKey("links")),
		CaughtBy: []string{"GEN-epmUploadFile-valid", "EPM1-CONTRACT-001"},
	})
	Register(Deviation{
		Name:     "essbase-any-client-error-as-500",
		Scope:    "api:essbase",
		Summary:  "every Essbase 4xx (404, 405, 413, 415 included) becomes a 500",
		Response: onPaths([]string{essbaseUsers}, clientErrorAs500),
		CaughtBy: []string{
			"ESS-DELETE-002", "ESS-GET-002", "ESS-UPDATE-005", "ESS-ERROR-003", "ESS-ERROR-004", "ESS-ERROR-006",
			"GEN-essbaseAddUsers-mediatype", "GEN-essbaseDeleteUser-method", "GEN-essbaseGetUser-method",
		},
	})
	Register(Deviation{
		Name:     "oig-any-client-error-as-500",
		Scope:    "api:oig",
		Summary:  "every OIG 4xx (400, 401, 404, 413, 415 included) becomes a 500",
		Response: onPaths([]string{oigUsersPath}, clientErrorAs500),
		CaughtBy: []string{
			"OIG-ERROR-002", "OIG-ERROR-003", "OIG-ERROR-004", "OIG-ERROR-005", "OIG-ERROR-006", "OIG-ERROR-007", "OIG-ERROR-008",
			"OIG-GET-001", "GEN-oigGetUser-noauth", "GEN-oigGetUser-badauth",
			"GEN-oigUpdateUsers-mediatype", "GEN-oigUpdateUsers-missing-users", "GEN-oigUpdateUsers-type-users",
		},
	})
	Register(Deviation{
		Name:    "oig-get-drops-fields",
		Scope:   "api:oig",
		Summary: "reading a user back answers without its fields",
		Response: onPaths([]string{oigUsersPath + "/"}, func(r *http.Response, body []byte) []byte {
			if r.Request.Method != http.MethodGet {
				return body
			}
			return dropKey("fields")(r, body)
		}),
		CaughtBy: []string{"OIG-READBACK-001", "OIG-PAYLOAD-006", "GEN-oigGetUser-valid"},
	})
}

// dropKey removes a top-level property from JSON answers.
func dropKey(key string) func(r *http.Response, body []byte) []byte {
	return func(r *http.Response, body []byte) []byte {
		return editJSON(body, func(m map[string]any) { delete(m, key) })
	}
}
