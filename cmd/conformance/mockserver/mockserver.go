// Package mockserver starts the conformance mock of the Oracle
// user-management REST APIs (EPM Cloud Update Users v1 and v2, Essbase
// users, Identity Governance bulk update) inside a Go program, typically a
// test of your own provisioning code, and hands back its URL and accounts.
// Between two tests it resets to its seed; during one it plays faults on
// demand (a 429, a maintenance 503, a failed v1 job, a half-failed batch,
// or any deviation of `conformance proxy -list`); at the end it says what
// your client did against the documents' obligations (the client report).
//
// Import it as github.com/oracle-users-conformance/conformance/cmd/conformance/mockserver.
// It lives beside the command because the project's top-level layout is
// fixed (specs/, suites/, fixtures/, reports/, cmd/conformance/, internal/)
// and Go closes everything under internal/ to other modules: cmd/conformance
// is the one public tree, and a non-main package inside it is importable.
// It is a thin door onto the same mock `conformance mock` serves.
package mockserver

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"time"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/control"
	"github.com/oracle-users-conformance/conformance/internal/deviate"
	"github.com/oracle-users-conformance/conformance/internal/mock"
	"github.com/oracle-users-conformance/conformance/internal/report"
)

// Options configure the mock; the zero value serves the shipped seed
// (fixtures/mock/seed.yaml).
type Options struct {
	// Seed is another initial state, YAML of the shipped seed's shape.
	Seed []byte
	// AdminPassword sets the password of every administrator account.
	AdminPassword string
	// JobDuration is how long an EPM v1 job stays in progress (default 300ms).
	JobDuration time.Duration
	// Play names faults played from the start, as --play:
	// NAME[:product=P][:op=operationId][:next=N],...
	Play string
}

// Account is one login of the mock.
type Account struct {
	Login    string
	Password string
	// Tokens are bearer tokens that authenticate as this account.
	Tokens []string
	// Roles per product: epm, essbase, oig.
	Roles map[string][]string
}

// Finding is one obligation of the documents the client broke.
type Finding struct {
	// Obligation is the stable ID, e.g. CLIENT-EPM1-002.
	Obligation string
	Title      string
	// Message names the request, what was wrong and the document's words.
	Message string
}

// Server is a running mock.
type Server struct {
	// URL is the base URL of every product (EPM, Essbase and OIG share it).
	URL   string
	stack *control.Stack
	srv   *http.Server
}

// Start serves the mock on a loopback port until Close.
func Start(opts Options) (*Server, error) {
	data := opts.Seed
	if data == nil {
		var err error
		if data, err = fixtures.FS.ReadFile("mock/seed.yaml"); err != nil {
			return nil, err
		}
	}
	seed, err := mock.ParseSeed(data)
	if err != nil {
		return nil, err
	}
	plays, err := deviate.ParsePlays(opts.Play)
	if err != nil {
		return nil, err
	}
	mo := mock.Options{Seed: seed, AdminPassword: opts.AdminPassword}
	mo.EPM.JobDuration = opts.JobDuration
	st, err := control.New(control.Options{Mock: mo, Plays: plays, ClientReport: true})
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		st.Close()
		return nil, err
	}
	s := &Server{URL: "http://" + l.Addr().String(), stack: st, srv: &http.Server{Handler: st, ReadHeaderTimeout: 10 * time.Second}}
	go func() { _ = s.srv.Serve(l) }()
	return s, nil
}

// Close stops serving and releases the mock.
func (s *Server) Close() error {
	return errors.Join(s.srv.Close(), s.stack.Close())
}

// Accounts lists who can log in, sorted by login.
func (s *Server) Accounts() []Account {
	var out []Account
	for _, a := range s.stack.Mock.Current().Accounts() {
		out = append(out, Account{Login: a.Login, Password: a.Password, Tokens: append([]string(nil), a.Tokens...), Roles: a.Roles})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Login < out[j].Login })
	return out
}

// Admin is the first account that administers every product's users (EPM
// Identity Domain Administrator, Essbase Service Administrator, an OIG
// role that may modify users).
func (s *Server) Admin() (Account, error) {
	for _, a := range s.stack.Mock.Current().Accounts() {
		if mock.Administrator(a, mock.Options{}.OIG) {
			return Account{Login: a.Login, Password: a.Password, Tokens: a.Tokens, Roles: a.Roles}, nil
		}
	}
	return Account{}, fmt.Errorf("mockserver: the seed has no administrator")
}

// Reset puts the mock back to its seed, stops every fault and starts the
// client report again.
func (s *Server) Reset() error {
	if err := s.stack.Mock.Reset(); err != nil {
		return err
	}
	s.stack.Checker.Reset()
	return s.stack.Player.Set(nil)
}

// Play adds faults, as --play: NAME[:product=P][:op=operationId][:next=N],...
func (s *Server) Play(plays string) error {
	ps, err := deviate.ParsePlays(plays)
	if err != nil {
		return err
	}
	return s.stack.Player.Add(ps)
}

// Playing lists the faults still played; a play limited to the next N
// requests leaves the list when they are spent.
func (s *Server) Playing() []string {
	var out []string
	for _, p := range s.stack.Player.Plays() {
		out = append(out, p.Name)
	}
	return out
}

// Changes lists, one line each, what differs from the seed since the last
// reset ("epm user jdoe changed", "epm file users.csv created").
func (s *Server) Changes() []string {
	var out []string
	for _, c := range s.stack.Mock.Changes() {
		out = append(out, c.String())
	}
	return out
}

// Findings lists what the client did against the documents since the
// last reset; none for a well-behaved client.
func (s *Server) Findings() []Finding {
	var out []Finding
	for _, sc := range s.stack.Checker.Report().Scenarios {
		if sc.Outcome != report.Failed {
			continue
		}
		for _, v := range sc.Violations {
			out = append(out, Finding{Obligation: sc.ID, Title: sc.Title, Message: v.Message})
		}
	}
	return out
}

// WriteClientReport writes the client report (junit.xml, report.json,
// report.html, summary.md) into dir.
func (s *Server) WriteClientReport(dir string) error {
	_, err := s.stack.Checker.Write(dir)
	return err
}
