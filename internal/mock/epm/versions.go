package epm

import (
	"net/http"

	"github.com/oracle-users-conformance/conformance/internal/mock/auth"
)

// Versions is what the mock says its EPM Cloud release is, in the answer
// of Get REST API Versions for Migration (GET /interop/rest/). The fields
// are the page's item fields: serverVersion ("21.05.70") and buildVersion
// ("21.05.52").
type Versions struct {
	ServerVersion string
	BuildVersion  string
}

// DefaultVersions are the mock's release when no flag names one.
var DefaultVersions = Versions{ServerVersion: "24.10.60", BuildVersion: "24.10.60.001"}

// migrationAPIVersion is the Migration API version the Update Users v1
// file routes live under (applicationsnapshots).
const migrationAPIVersion = "11.1.2.3.600"

// registerVersions mounts Get REST API Versions for Migration. Required
// roles (the page): Service Administrator, Power User, User, Viewer: any
// account of the domain.
func (s *Server) registerVersions(mux *http.ServeMux) {
	mux.HandleFunc("GET /interop/rest/{$}", s.getVersions)
	mux.HandleFunc("GET /interop/rest", s.getVersions)
}

type versionLink struct {
	Href   string `json:"href"`
	Action string `json:"action"`
	Rel    string `json:"rel"`
	Data   any    `json:"data"`
}

type versionItem struct {
	Version       string        `json:"version"`
	Lifecycle     string        `json:"lifecycle"`
	BuildVersion  string        `json:"buildVersion,omitempty"`
	ServerVersion string        `json:"serverVersion,omitempty"`
	Links         []versionLink `json:"links"`
	Latest        bool          `json:"latest"`
}

type versionsAnswer struct {
	Details *string       `json:"details"`
	Status  int           `json:"status"`
	Items   []versionItem `json:"items"`
	Links   []versionLink `json:"links"`
}

func (s *Server) getVersions(w http.ResponseWriter, r *http.Request) {
	if _, err := s.dir.Authenticate(r); err != nil {
		auth.Challenge(w, "EPM")
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	}
	v := s.opts.Versions
	if v.ServerVersion == "" {
		v = DefaultVersions
	}
	base := "http://" + r.Host + "/interop/rest/"
	writeJSON(w, http.StatusOK, versionsAnswer{
		Status: 0,
		Items: []versionItem{{
			Version: migrationAPIVersion, Lifecycle: "active", Latest: true,
			ServerVersion: v.ServerVersion, BuildVersion: v.BuildVersion,
			Links: []versionLink{{Href: base + migrationAPIVersion, Action: "GET", Rel: "version"}},
		}},
		Links: []versionLink{{Href: base, Action: "GET", Rel: "self"}},
	})
}
