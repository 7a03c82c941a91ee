package oig

import "net/http"

// Unserved answers a path under /iam the mock does not serve (404), or a
// method it does not serve there (405, allow naming the ones it does), in
// this API's error body (Q-GEN-001).
func Unserved(w http.ResponseWriter, r *http.Request, allow string) {
	if allow != "" {
		w.Header().Set("Allow", allow)
		writeJSON(w, http.StatusMethodNotAllowed, errorBody{Status: statusFail, Reason: fail(codeMethod, "The method is not supported here", r.Method+"; the mock serves "+allow).reason()})
		return
	}
	writeJSON(w, http.StatusNotFound, errorBody{Status: statusFail, Reason: fail(codeNotFound, "No resource at this path", r.URL.Path).reason()})
}

// codeNotFound is our choice, beside the others of Q-OIG-009.
const codeNotFound = "IAM-4060018"
