package essbase

import "net/http"

// Unserved answers a path under /essbase the mock does not serve (404), or a
// method it does not serve there (405, allow naming the ones it does), in
// this API's error body, so a client reading Essbase errors never meets
// another product's shape (Q-GEN-001).
func Unserved(w http.ResponseWriter, r *http.Request, allow string) {
	if allow != "" {
		w.Header().Set("Allow", allow)
		write(w, http.StatusMethodNotAllowed, answersXML(r), errorBody{Code: "METHOD_NOT_ALLOWED",
			Message: "The method " + r.Method + " is not supported for " + r.URL.Path + ". Use " + allow + "."})
		return
	}
	write(w, http.StatusNotFound, answersXML(r), errorBody{Code: "NOT_FOUND", Message: "No resource at " + r.URL.Path + "."})
}
