// Package mock is the stateful simulator of the five vendor operations. It is
// part of the product: people point their own automation at it. It knows
// nothing of the suite; its behaviour comes from the vendor documents and the
// decisions in fixtures/quirks.yaml.
package mock

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/oracle-users-conformance/conformance/internal/mock/auth"
	"github.com/oracle-users-conformance/conformance/internal/mock/epm"
	"github.com/oracle-users-conformance/conformance/internal/mock/essbase"
	"github.com/oracle-users-conformance/conformance/internal/mock/oig"
)

// Seed is the mock's initial state, one section per product.
type Seed struct {
	Accounts []auth.Account `yaml:"accounts"`
	EPM      epm.Seed       `yaml:"epm"`
	Essbase  essbase.Seed   `yaml:"essbase"`
	OIG      oig.Seed       `yaml:"oig"`
}

// ParseSeed reads a seed file strictly: an unknown key is an error, not a
// silently ignored typo.
func ParseSeed(data []byte) (Seed, error) {
	var s Seed
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return s, fmt.Errorf("seed: %w", err)
	}
	if len(s.Accounts) == 0 {
		return s, fmt.Errorf("seed: no accounts")
	}
	return s, nil
}

// Options configure a mock.
type Options struct {
	Seed Seed
	// AdminLogin names the one account whose password AdminPassword sets;
	// it must be in the seed. Empty means every account that holds an
	// administrator role (see Administrator), whatever its login, so any
	// seed works.
	AdminLogin string
	// AdminPassword overrides the seeded password of the administrator
	// account(s) when set.
	AdminPassword string
	Logger        *slog.Logger
	// Latency delays every answer, so the mock plays a distant tenant;
	// Jitter spreads it uniformly by up to ± that much (never below zero).
	// A request whose caller gives up stops waiting.
	Latency, Jitter time.Duration
	EPM             epm.Options
	Essbase         essbase.Options
	OIG             oig.Options
}

// Server is the whole simulator as one http.Handler.
type Server struct {
	dir *auth.Directory
	mux *http.ServeMux
	log *slog.Logger

	EPM     *epm.Server
	Essbase *essbase.Server
	OIG     *oig.Server

	essbaseSS *essbase.Server

	overridden      map[string]bool // lower-cased logins whose password is AdminPassword
	latency, jitter time.Duration
}

// SharedServicesPrefix is where the mock serves Essbase in EPM Shared
// Services security mode.
const SharedServicesPrefix = "/shared-services"

// New builds a simulator from its options.
func New(opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	accounts := append([]auth.Account(nil), opts.Seed.Accounts...)
	admins, err := administrators(accounts, opts)
	if err != nil {
		return nil, err
	}
	overridden := map[string]bool{}
	if opts.AdminPassword != "" {
		for _, i := range admins {
			accounts[i].Password = opts.AdminPassword
			overridden[strings.ToLower(accounts[i].Login)] = true
		}
	}
	s := &Server{dir: auth.New(accounts), mux: http.NewServeMux(), log: opts.Logger, overridden: overridden, latency: opts.Latency, jitter: opts.Jitter}
	s.EPM = epm.New(s.dir, opts.Seed.EPM, opts.EPM, opts.Logger)
	s.EPM.Register(s.mux)
	s.Essbase = essbase.New(s.dir, opts.Seed.Essbase, opts.Essbase, opts.Logger)
	s.Essbase.Register(s.mux)
	s.OIG = oig.New(s.dir, opts.Seed.OIG, opts.OIG, opts.Logger)
	s.OIG.Register(s.mux)
	// The same Essbase in EPM Shared Services security mode, under its own
	// prefix, so one mock serves both modes (fixtures/targets/mock.yaml
	// names it as the alt target essbase-shared-services).
	ssOpts := opts.Essbase
	ssOpts.SharedServices = true
	s.essbaseSS = essbase.New(s.dir, opts.Seed.Essbase, ssOpts, opts.Logger)
	ssMux := http.NewServeMux()
	s.essbaseSS.Register(ssMux)
	ssMux.HandleFunc(catchAll, unserved(ssMux))
	s.mux.Handle(SharedServicesPrefix+"/", http.StripPrefix(SharedServicesPrefix, ssMux))
	s.mux.HandleFunc(catchAll, unserved(s.mux))
	return s, nil
}

// administrators returns the indexes of the accounts AdminPassword applies
// to. A seed without an administrator is served as it is (its callers get
// the products' refusals), unless a password was given for one.
func administrators(accounts []auth.Account, opts Options) ([]int, error) {
	var out []int
	for i := range accounts {
		a := &accounts[i]
		if opts.AdminLogin != "" && strings.EqualFold(a.Login, opts.AdminLogin) ||
			opts.AdminLogin == "" && Administrator(a, opts.OIG) {
			out = append(out, i)
		}
	}
	switch {
	case len(out) > 0:
		return out, nil
	case opts.AdminLogin != "":
		return nil, fmt.Errorf("mock: the seed has no account %q to be the administrator", opts.AdminLogin)
	case opts.AdminPassword != "":
		return nil, fmt.Errorf("mock: an administrator password was given, but no account of the seed holds an administrator role (%s)", adminRoles)
	}
	return nil, nil
}

// adminRoles names, for messages, the roles Administrator looks for.
const adminRoles = "EPM " + epm.RoleIdentityDomainAdmin + ", Essbase " + essbase.RoleServiceAdmin + " or an OIG role that may modify users"

// Administrator reports whether an account administers any product: it
// holds EPM Identity Domain Administrator (Update Users (v1) (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users.html) and v2,
// Required Roles), Essbase Service Administrator, or an OIG role that may
// modify users (oig.Options.ModifyRoles).
func Administrator(a *auth.Account, o oig.Options) bool {
	modify := o.ModifyRoles
	if len(modify) == 0 {
		modify = oig.DefaultModifyRoles()
	}
	if a.HasRole(auth.EPM, epm.RoleIdentityDomainAdmin) || a.HasRole(auth.Essbase, essbase.RoleServiceAdmin) {
		return true
	}
	for _, r := range modify {
		if a.HasRole(auth.OIG, r) {
			return true
		}
	}
	return false
}

// Accounts lists who can log in.
func (s *Server) Accounts() []*auth.Account { return s.dir.Accounts() }

// PasswordOverridden reports whether the account's password is
// Options.AdminPassword rather than the seed's, so it is not printed.
func (s *Server) PasswordOverridden(login string) bool { return s.overridden[strings.ToLower(login)] }

// ServeHTTP logs every request (never its credentials) and turns a panic
// into a logged 500, so one bad request cannot take the simulator down.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	// Recorders are reused (one allocation less per request): a handler
	// does not use its ResponseWriter after it returns (net/http's rule).
	rec := recorders.Get().(*statusRecorder)
	*rec = statusRecorder{ResponseWriter: w, status: http.StatusOK}
	rec.notes = rec.room[:0]
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("mock panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if !rec.wrote {
				http.Error(rec, "internal error in the mock", http.StatusInternalServerError)
			}
		}
		s.logRequest(r, rec, start)
		*rec = statusRecorder{} // nothing of this request stays reachable
		recorders.Put(rec)
	}()
	if !s.delay(r) {
		return // the caller left; nobody reads an answer
	}
	s.mux.ServeHTTP(rec, r)
}

// delay waits Latency ± Jitter before the request is handled, or until the
// caller gives up (false).
func (s *Server) delay(r *http.Request) bool {
	d := s.latency
	if s.jitter > 0 {
		d += time.Duration(rand.Int64N(2*int64(s.jitter)+1)) - s.jitter
	}
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// Serve runs the simulator on a listener until it is closed.
func (s *Server) Serve(l net.Listener) error {
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	return srv.Serve(l)
}

// logRequest writes the request's one log line, with what the handler
// noted (reqinfo.Note). The record carries no caller PC: no handler of the
// mock prints the source, and runtime.Callers was a fifth of the line's
// cost; otherwise it is what Logger.Info writes.
func (s *Server) logRequest(r *http.Request, rec *statusRecorder, start time.Time) {
	ctx := context.Background()
	h := s.log.Handler()
	if !h.Enabled(ctx, slog.LevelInfo) {
		return
	}
	now := time.Now() // one reading for the line's time and the duration
	line := slog.NewRecord(now, slog.LevelInfo, "request", 0)
	line.AddAttrs(slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", rec.status), slog.Duration("duration", now.Sub(start)))
	line.AddAttrs(rec.notes...)
	_ = h.Handle(ctx, line)
}

var recorders = sync.Pool{New: func() any { return new(statusRecorder) }}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
	notes  []slog.Attr  // reqinfo.Note
	room   [4]slog.Attr // notes' first backing array, allocated with the recorder
}

// Note keeps attrs for the request's log line (reqinfo.Noter).
func (r *statusRecorder) Note(attrs ...slog.Attr) { r.notes = append(r.notes, attrs...) }

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// Flush lets streaming handlers flush through the recorder.
func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Close releases what the simulators hold (job goroutines, staged files).
func (s *Server) Close() error {
	var errs []error
	for _, part := range []any{s.EPM, s.Essbase, s.essbaseSS, s.OIG} {
		if c, ok := part.(io.Closer); ok {
			errs = append(errs, c.Close())
		}
	}
	return errors.Join(errs...)
}
