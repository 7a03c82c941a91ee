// Package essbase simulates the Essbase users REST API.
// (Skeleton wired into internal/mock; the behaviour is being built.)
package essbase

import (
	"log/slog"
	"net/http"

	"github.com/oracle-users-conformance/conformance/internal/mock/auth"
)

// Seed is the essbase section of the mock's seed file.
type Seed struct{}

// Options tune the simulator.
type Options struct{}

// Server serves the Essbase users API.
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
