package mock

import (
	"net/http"
	"slices"
	"strings"

	"github.com/oracle-users-conformance/conformance/internal/mock/epm"
	"github.com/oracle-users-conformance/conformance/internal/mock/essbase"
	"github.com/oracle-users-conformance/conformance/internal/mock/oig"
)

// Each product answers what it does not serve in its own error body
// (issue 17, item 3): a client of one product reads only that product's
// errors. The product is the path's first segment, as on the vendor's
// hosts: /interop is EPM Cloud, /essbase Essbase, /iam Identity Governance.

// catchAll is the pattern unserved is mounted at.
const catchAll = "/"

// probeMethods are the methods tried to tell a wrong method (405) from a
// path nobody serves (404).
var probeMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// unserved is the catch-all of mux. A path some route serves with another
// method gets 405 with Allow, whatever the routes are (other files add
// theirs), since it asks mux itself.
func unserved(mux *http.ServeMux) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range probeMethods {
			if m == r.Method {
				continue
			}
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "" && pattern != catchAll {
				allow = append(allow, m)
			}
		}
		slices.Sort(allow)
		allowed := strings.Join(allow, ", ")
		switch p := r.URL.Path; {
		case under(p, "/essbase"):
			essbase.Unserved(w, r, allowed)
		case under(p, "/iam"):
			oig.Unserved(w, r, allowed)
		default:
			epm.Unserved(w, r, allowed)
		}
	}
}

func under(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}
