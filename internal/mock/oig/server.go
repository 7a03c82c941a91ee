// Package oig simulates the Oracle Identity Governance users REST API.
// (Skeleton wired into internal/mock; the behaviour is being built.)
package oig

import (
	"log/slog"
	"net/http"

	"github.com/oracle-users-conformance/conformance/internal/mock/auth"
)

// Seed is the oig section of the mock's seed file.
type Seed struct{}

// Options tune the simulator.
type Options struct{}

// Server serves the Oracle Identity Governance users API.
type Server struct {
	dir  *auth.Directory
	opts Options
	log  *slog.Logger
}

// New builds the simulator over its seed.
func New(dir *auth.Directory, seed Seed, opts Options, log *slog.Logger) *Server {
	return &Server{dir: dir, opts: opts, log: log}
}

// Register mounts the routes.
func (s *Server) Register(mux *http.ServeMux) {}
