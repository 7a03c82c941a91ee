package epm

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/oracle-users-conformance/conformance/internal/mock/auth"
)

// Options tune the simulator.
type Options struct {
	// MaxBody caps request bodies of the JSON API (413 beyond it).
	MaxBody int64
}

// Server serves the EPM security APIs of one identity domain.
type Server struct {
	Domain *Domain
	dir    *auth.Directory
	opts   Options
	log    *slog.Logger
}

// New builds the EPM simulator over a seeded domain.
func New(dir *auth.Directory, seed Seed, opts Options, log *slog.Logger) *Server {
	if opts.MaxBody <= 0 {
		opts.MaxBody = 8 << 20
	}
	users := append([]User(nil), seed.Users...)
	// Every account is also a user of the domain, so "the caller's own
	// account" can be named in a batch.
	for _, a := range dir.Accounts() {
		users = append([]User{{Login: a.Login, FirstName: a.FirstName, LastName: a.LastName, Email: a.Email}}, users...)
	}
	return &Server{Domain: NewDomain(users), dir: dir, opts: opts, log: log}
}

// Register mounts the EPM routes.
func (s *Server) Register(mux *http.ServeMux) {
	mux.HandleFunc("/interop/rest/security/v2/users/update", s.updateUsersV2)
}

// RequestURL rebuilds the absolute URL the caller used.
func RequestURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "http" || p == "https" {
		scheme = p
	}
	return scheme + "://" + r.Host + r.URL.Path
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
