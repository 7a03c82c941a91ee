package epm

import (
	"net/http"

	"github.com/oracle-users-conformance/conformance/internal/mock/reqinfo"
)

// Unserved answers a path under /interop the mock does not serve (404), or a
// method it does not serve there (405, allow naming the ones it does), in
// the migration envelope every EPM resource answers in (Q-GEN-001).
func Unserved(w http.ResponseWriter, r *http.Request, allow string) {
	answer := fileAnswer(w, r, r.Method)
	if allow != "" {
		w.Header().Set("Allow", allow)
		answer(http.StatusMethodNotAllowed, statusFailure, "Method "+r.Method+" is not supported for "+r.URL.Path+". Use "+allow+".")
		return
	}
	answer(http.StatusNotFound, statusFailure, "No resource at "+reqinfo.URL(r)+".")
}
