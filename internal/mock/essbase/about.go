package essbase

import (
	"encoding/json"
	"net/http"

	"github.com/oracle-users-conformance/conformance/internal/mock/auth"
)

// About is what the mock says its Essbase release is, in the answer of
// About Essbase (GET /essbase/rest/v1/about): version ("21.8.0.0.0") and
// build.
type About struct {
	Version string
	Build   string
}

// DefaultAbout is the mock's release when no flag names one.
var DefaultAbout = About{Version: "21.4.0.0.0", Build: "400"}

// registerAbout mounts About Essbase. The page names no role: any caller
// Essbase authenticates may read it, also in Shared Services mode (it is
// not a users operation).
func (s *Server) registerAbout(mux *http.ServeMux) {
	mux.HandleFunc("GET /essbase/rest/v1/about", s.getAbout)
}

func (s *Server) getAbout(w http.ResponseWriter, r *http.Request) {
	if _, err := s.dir.Authenticate(r); err != nil {
		auth.Challenge(w, "Essbase")
		s.fail(w, r, apiError{http.StatusUnauthorized, "UNAUTHORIZED", "Authentication failed: " + err.Error() + ". Use Basic or Bearer credentials."})
		return
	}
	a := s.opts.About
	if a.Version == "" {
		a = DefaultAbout
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{
		"name":        "Essbase",
		"description": "Essbase simulator of the conformance suite.",
		"version":     a.Version,
		"build":       a.Build,
	})
}
