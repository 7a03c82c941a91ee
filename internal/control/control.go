// Package control puts the mock together for the tests of someone's own
// automation: the simulator that resets to its seed (internal/mock), the
// faults it plays on demand (internal/deviate), the judge of the client
// (internal/clientcheck), and the control endpoints that steer them under
// Prefix, a path no vendor API uses. `conformance mock` and the embeddable
// package cmd/conformance/mockserver both build a Stack.
//
// The control endpoints answer loopback callers, and others only with the
// token given at start (X-Conformance-Token). They never answer a password:
// the state they list leaves passwords out, the client report masks them.
package control

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"

	"github.com/oracle-users-conformance/conformance/internal/clientcheck"
	"github.com/oracle-users-conformance/conformance/internal/deviate"
	"github.com/oracle-users-conformance/conformance/internal/mock"
)

// quoted matches a value a YAML error quotes.
var quoted = regexp.MustCompile("`[^`]*`")

// Prefix is where the control endpoints live.
const Prefix = "/__conformance/"

// TokenHeader carries the control token of a caller that is not on loopback.
const TokenHeader = "X-Conformance-Token"

// Options build a Stack.
type Options struct {
	Mock mock.Options
	// Token lets callers that are not on loopback use the control
	// endpoints; empty: loopback only.
	Token string
	// Plays are played from the start.
	Plays []deviate.Play
	// ClientReport records and judges every request (the client report).
	ClientReport bool
	// ReportDir is where POST Prefix+"report" writes the client report.
	ReportDir string
}

// Stack is the mock with its faults, its client judge and its controls.
type Stack struct {
	Mock    *mock.Resettable
	Player  *deviate.Player
	Checker *clientcheck.Checker // nil without Options.ClientReport
	opts    Options
	chain   http.Handler
}

// New builds the stack.
func New(opts Options) (*Stack, error) {
	m, err := mock.NewResettable(opts.Mock)
	if err != nil {
		return nil, err
	}
	s := &Stack{Mock: m, Player: deviate.NewPlayer(m), opts: opts}
	if err := s.Player.Set(opts.Plays); err != nil {
		m.Close()
		return nil, err
	}
	// The judge sees what the client sent and what the client got, faults
	// included: a script that survives a 429 is judged on what it did next.
	s.chain = s.Player
	if opts.ClientReport {
		accounts := m.Current().Accounts()
		s.Checker, err = clientcheck.New(s.Player, clientcheck.Options{Accounts: accounts})
		if err != nil {
			m.Close()
			return nil, err
		}
		s.chain = s.Checker
	}
	return s, nil
}

// Close releases the simulator.
func (s *Stack) Close() error { return s.Mock.Close() }

// ServeHTTP serves the control endpoints under Prefix and the mock elsewhere.
func (s *Stack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, Prefix)
	if !ok {
		s.chain.ServeHTTP(w, r)
		return
	}
	if !s.allowed(r) {
		answer(w, http.StatusForbidden, map[string]string{"error": "the control endpoints answer loopback callers, and others with the " + TokenHeader + " given at start (--control-token)"})
		return
	}
	switch rest {
	case "reset":
		s.reset(w, r)
	case "seed":
		s.seed(w, r)
	case "changes":
		if !method(w, r, http.MethodGet) {
			return
		}
		answer(w, http.StatusOK, map[string]any{"changes": orEmpty(s.Mock.Changes())})
	case "report":
		s.report(w, r)
	case "faults":
		s.faults(w, r)
	default:
		answer(w, http.StatusNotFound, map[string]string{"error": "no control endpoint " + r.URL.Path + "; there are reset, seed, changes, report, faults"})
	}
}

// allowed: loopback, or the token given at start.
func (s *Stack) allowed(r *http.Request) bool {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
			return true
		}
	}
	got := r.Header.Get(TokenHeader)
	return s.opts.Token != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.opts.Token)) == 1
}

// reset puts the state back to the seed, forgets the client report and
// stops every fault, so the next test starts as the first did.
// ?keep=report,faults keeps either.
func (s *Stack) reset(w http.ResponseWriter, r *http.Request) {
	if !method(w, r, http.MethodPost) {
		return
	}
	keep := r.URL.Query().Get("keep")
	if err := s.Mock.Reset(); err != nil {
		answer(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	if s.Checker != nil && !strings.Contains(keep, "report") {
		s.Checker.Reset()
	}
	if !strings.Contains(keep, "faults") {
		_ = s.Player.Set(nil)
	}
	answer(w, http.StatusOK, map[string]string{"reset": "done"})
}

// seed loads another seed (the YAML of fixtures/mock/seed.yaml) and resets
// to it; later resets keep it.
func (s *Stack) seed(w http.ResponseWriter, r *http.Request) {
	if !method(w, r, http.MethodPost) {
		return
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		answer(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	seed, err := mock.ParseSeed(data)
	if err == nil {
		err = s.Mock.Load(&seed)
	}
	if err != nil {
		// YAML errors quote the value they could not read, which may be a
		// password of the seed: the line and the reason are enough.
		answer(w, http.StatusBadRequest, map[string]string{"error": quoted.ReplaceAllString(err.Error(), "`…`")})
		return
	}
	if s.Checker != nil {
		s.Checker.Learn(s.Mock.Current().Accounts())
		s.Checker.Reset()
	}
	answer(w, http.StatusOK, map[string]any{"seed": "loaded", "accounts": len(seed.Accounts)})
}

// report answers the client report so far (report.json's shape); POST also
// writes every format into the report directory.
func (s *Stack) report(w http.ResponseWriter, r *http.Request) {
	if s.Checker == nil {
		answer(w, http.StatusNotFound, map[string]string{"error": "no client report: start the mock with --client-report DIR"})
		return
	}
	switch r.Method {
	case http.MethodGet:
		answer(w, http.StatusOK, s.Checker.Report())
	case http.MethodPost:
		if s.opts.ReportDir == "" {
			answer(w, http.StatusConflict, map[string]string{"error": "no report directory was given at start"})
			return
		}
		run, err := s.Checker.Write(s.opts.ReportDir)
		if err != nil {
			answer(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
			return
		}
		answer(w, http.StatusOK, run)
	default:
		method(w, r, http.MethodGet, http.MethodPost)
	}
}

// faults: GET lists what is played; PUT replaces it, POST adds to it, both
// with a JSON list of plays or ?play=NAME[:product=P][:op=ID][:next=N],…;
// DELETE stops every fault.
func (s *Stack) faults(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
	case http.MethodDelete:
		_ = s.Player.Set(nil)
	case http.MethodPut, http.MethodPost:
		plays, err := readPlays(r)
		if err == nil && r.Method == http.MethodPut {
			err = s.Player.Set(plays)
		} else if err == nil {
			err = s.Player.Add(plays)
		}
		if err != nil {
			answer(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
	default:
		method(w, r, http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete)
		return
	}
	answer(w, http.StatusOK, map[string]any{"playing": orEmpty(s.Player.Plays())})
}

func readPlays(r *http.Request) ([]deviate.Play, error) {
	if q := r.URL.Query().Get("play"); q != "" {
		return deviate.ParsePlays(q)
	}
	var plays []deviate.Play
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&plays); err != nil {
		return nil, fmt.Errorf("faults: want a JSON list of {name, product, operation, next} or ?play=NAME[:product=P][:op=ID][:next=N]: %w", err)
	}
	return plays, nil
}

// method answers 405 unless the request uses one of the methods.
func method(w http.ResponseWriter, r *http.Request, allowed ...string) bool {
	for _, m := range allowed {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	answer(w, http.StatusMethodNotAllowed, map[string]string{"error": r.Method + " is not allowed here"})
	return false
}

func answer(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// orEmpty makes a nil list an empty one in JSON.
func orEmpty[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}
