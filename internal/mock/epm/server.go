package epm

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/mock/auth"
)

// Options tune the simulator.
type Options struct {
	// MaxBody caps request bodies of the JSON API (413 beyond it).
	MaxBody int64
	// MaxUpload caps one uploaded file, all chunks together (413 beyond
	// it). Default 512 MiB: a million-row user file is about 60 MB.
	MaxUpload int64
	// MaxFiles and MaxStoredBytes bound the uploaded files kept, complete
	// or not (default 1000 files, 4 GiB). Files are the caller's to delete
	// (Update Users (v1) (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users.html): "The file should be deleted after the API
	// executes"), so none is evicted: an upload beyond a bound is refused
	// with status 1 until files are deleted.
	MaxFiles       int
	MaxStoredBytes int64
	// MaxJobs bounds the v1 jobs kept (default 10000): beyond it the
	// oldest finished job is forgotten, and when all are running a new one
	// is refused with status 1.
	MaxJobs int
	// FileDir is where the v1 file store creates its own temporary
	// directory; "" is os.TempDir(). Close removes that directory.
	FileDir string
	// JobDuration is the least time an Update Users v1 job stays in
	// progress (status -1) after it was submitted, so clients have to poll
	// as on the service. 0 means the default, 300ms; negative means no wait.
	JobDuration time.Duration
	// Versions is the release Get REST API Versions reports (versions.go).
	Versions Versions
}

// RoleIdentityDomainAdmin is the role both Update Users versions require,
// with any predefined role (Update Users (v1) (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users.html) and
// Update Users (v2) (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users_v2.html), Required Roles).
const RoleIdentityDomainAdmin = "Identity Domain Administrator"

// Defaults of the Options left 0.
const (
	DefaultJobDuration    = 300 * time.Millisecond
	DefaultMaxFiles       = 1000
	DefaultMaxStoredBytes = 4 << 30
	DefaultMaxJobs        = 10000
)

// Server serves the EPM security APIs of one identity domain.
type Server struct {
	Domain *Domain
	dir    *auth.Directory
	opts   Options
	log    *slog.Logger

	// v1: uploaded files on disk and the asynchronous jobs reading them.
	files     *fileStore
	jobs      *jobs
	ctx       context.Context // cancelled by Close, ends running jobs
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
}

// New builds the EPM simulator over a seeded domain.
func New(dir *auth.Directory, seed Seed, opts Options, log *slog.Logger) *Server {
	if opts.MaxBody <= 0 {
		opts.MaxBody = 8 << 20
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.MaxUpload <= 0 {
		opts.MaxUpload = 512 << 20
	}
	if opts.MaxFiles <= 0 {
		opts.MaxFiles = DefaultMaxFiles
	}
	if opts.MaxStoredBytes <= 0 {
		opts.MaxStoredBytes = DefaultMaxStoredBytes
	}
	if opts.MaxJobs <= 0 {
		opts.MaxJobs = DefaultMaxJobs
	}
	switch {
	case opts.JobDuration == 0:
		opts.JobDuration = DefaultJobDuration
	case opts.JobDuration < 0:
		opts.JobDuration = 0
	}
	users := append([]User(nil), seed.Users...)
	// Every account is also a user of the domain, so "the caller's own
	// account" can be named in a batch.
	for _, a := range dir.Accounts() {
		users = append([]User{{Login: a.Login, FirstName: a.FirstName, LastName: a.LastName, Email: a.Email}}, users...)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Server{
		Domain: NewDomain(users), dir: dir, opts: opts, log: log,
		files: newFileStore(opts.FileDir, storeLimits{file: opts.MaxUpload, files: opts.MaxFiles, bytes: opts.MaxStoredBytes}, log),
		jobs:  newJobs(opts.MaxJobs),
		ctx:   ctx, cancel: cancel,
	}
}

// Close ends running v1 jobs (they finish with status 1) and removes the
// uploaded files and the job scratch files from disk. It is safe to call
// more than once; the v2 API keeps working after it, v1 uploads fail.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.cancel()
		s.wg.Wait()
		s.closeErr = s.files.close()
	})
	if s.closeErr != nil {
		return fmt.Errorf("close epm simulator: %w", s.closeErr)
	}
	return nil
}

// Register mounts the EPM routes.
func (s *Server) Register(mux *http.ServeMux) {
	mux.HandleFunc("/interop/rest/security/v2/users/update", s.updateUsersV2)
	// v1 (v1.go). Patterns without a method, so a wrong method gets a v1
	// envelope rather than the mux's plain-text 405.
	mux.HandleFunc("/interop/rest/security/{api_version}/users", s.updateUsersV1)
	mux.HandleFunc("/interop/rest/security/{api_version}/jobs/{jobId}", s.getUsersJobV1)
	mux.HandleFunc("/interop/rest/11.1.2.3.600/applicationsnapshots/{name}/contents", s.uploadFile)
	mux.HandleFunc("/interop/rest/11.1.2.3.600/applicationsnapshots/{name}", s.deleteFile)
	s.registerVersions(mux)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
