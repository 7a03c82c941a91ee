// Package runner is one conformance run: it loads specs and scenario tables,
// starts the embedded mock when no target is given, builds the spec tree,
// runs it, and writes the reports. `conformance run` and the test that runs
// every suite under `go test` both come through here.
package runner

import (
	"crypto/rand"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/generate"
	"github.com/oracle-users-conformance/conformance/internal/mock"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
	"github.com/oracle-users-conformance/conformance/specs"
	"github.com/oracle-users-conformance/conformance/suites"
)

// SuiteName is the JUnit suite name.
const SuiteName = "Oracle user-management REST API conformance"

// ConfigError is a problem with the configuration or the fixtures, found
// before anything ran (exit code 2).
type ConfigError struct{ Err error }

func (e ConfigError) Error() string { return e.Err.Error() }
func (e ConfigError) Unwrap() error { return e.Err }

// Outcome is what a run did.
type Outcome struct {
	Passed  bool
	Summary Summary
	Target  string
}

// Run runs every selected scenario against cfg's target, or against the
// embedded mock when cfg.Target is empty. It may be called once per process
// (Ginkgo's RunSpecs runs once).
func Run(t GinkgoTestingT, cfg config.Config, out io.Writer) (*Outcome, error) {
	fx, fixturesDir, err := fixtureFS(cfg.Fixtures)
	if err != nil {
		return nil, ConfigError{err}
	}
	catalog, err := contract.Load(specs.FS)
	if err != nil {
		return nil, ConfigError{err}
	}
	tables, err := scenario.LoadDir(fx, "scenarios")
	if err != nil {
		return nil, ConfigError{err}
	}
	generated, err := generate.Tables(catalog, cfg.Seed)
	if err != nil {
		return nil, ConfigError{err}
	}
	tables = append(tables, generated...)
	foreign := cfg.Target != ""
	if !foreign {
		stop, err := startEmbedded(fx, &cfg)
		if err != nil {
			return nil, ConfigError{err}
		}
		defer stop()
		fmt.Fprintf(out, "embedded mock listening on %s\n", cfg.Target)
	}
	if err := cfg.Validate(); err != nil {
		return nil, ConfigError{err}
	}
	clientOpts := exchange.Options{
		Timeout:  cfg.Timeout.D(),
		Rate:     cfg.Rate,
		Redactor: exchange.NewRedactor(cfg.Secrets(), cfg.BasicPairs()),
	}
	client, err := exchange.New(cfg.Target, catalog, clientOpts)
	if err != nil {
		return nil, ConfigError{err}
	}
	alt := map[string]*exchange.Client{}
	for name := range cfg.AltTargets {
		u, err := cfg.AltTarget(name)
		if err == nil {
			alt[name], err = exchange.New(u, catalog, clientOpts)
		}
		if err != nil {
			return nil, ConfigError{err}
		}
	}
	env := &suites.Env{
		Config:      cfg,
		Client:      client,
		AltClients:  alt,
		Fixtures:    fx,
		FixturesDir: fixturesDir,
		Tables:      tables,
		Foreign:     foreign,
		Vars: scenario.Vars{
			Run:      runID(),
			Admin:    cfg.Credentials.Admin.User,
			NonAdmin: cfg.Credentials.NonAdmin.User,
			Var:      cfg.Vars,
		},
	}
	declared := suites.Build(env)
	if err := os.MkdirAll(cfg.ReportDir, 0o755); err != nil {
		return nil, ConfigError{fmt.Errorf("report dir: %w", err)}
	}
	if err := os.WriteFile(filepath.Join(cfg.ReportDir, "effective-config.yaml"), []byte(cfg.YAML()), 0o644); err != nil {
		return nil, ConfigError{fmt.Errorf("report dir: %w", err)}
	}
	fmt.Fprintf(out, "target %s, run %s, %d scenarios declared (generated with seed %d; --seed changes it), label filter %q\n",
		cfg.Target, env.Vars.Run, declared, cfg.Seed, cfg.LabelFilter)

	var summary Summary
	ReportAfterSuite("conformance reports", func(r Report) {
		summary = Summarize(r)
		if err := writeReports(cfg.ReportDir, r, summary); err != nil {
			fmt.Fprintf(out, "writing reports: %v\n", err)
		}
	})
	suiteCfg, reporterCfg := GinkgoConfiguration()
	if cfg.LabelFilter != "" {
		suiteCfg.LabelFilter = cfg.LabelFilter
	}
	suiteCfg.Timeout = time.Duration(declared+1) * (2*cfg.Poll.Limit.D() + 10*cfg.Timeout.D())
	if !isTerminal(os.Stdout) {
		reporterCfg.NoColor = true
	}
	RegisterFailHandler(Fail)
	passed := RunSpecs(t, SuiteName, suiteCfg, reporterCfg)
	summary.Print(out)
	fmt.Fprintf(out, "reports written to %s (junit.xml, report.json, summary.json, effective-config.yaml)\n", cfg.ReportDir)
	return &Outcome{Passed: passed && summary.Failed == 0, Summary: summary, Target: cfg.Target}, nil
}

// fixtureFS is the built-in copy unless a directory is named.
func fixtureFS(dir string) (fs.FS, string, error) {
	if dir == "" {
		return fixtures.FS, "", nil
	}
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return nil, "", fmt.Errorf("fixtures %q is not a directory", dir)
	}
	abs, _ := filepath.Abs(dir)
	return os.DirFS(dir), abs, nil
}

// startEmbedded starts the mock on a free loopback port and points cfg at it
// with the accounts and variables of fixtures/targets/mock.yaml. Credentials
// from the environment belong to some other target and are not used here.
func startEmbedded(fx fs.FS, cfg *config.Config) (stop func(), err error) {
	seedData, err := fs.ReadFile(fx, "mock/seed.yaml")
	if err != nil {
		return nil, err
	}
	seed, err := mock.ParseSeed(seedData)
	if err != nil {
		return nil, err
	}
	targetData, err := fs.ReadFile(fx, "targets/mock.yaml")
	if err != nil {
		return nil, err
	}
	mockCfg := config.Default()
	if err := mockCfg.Parse("targets/mock.yaml", targetData); err != nil {
		return nil, err
	}
	srv, err := mock.New(mock.Options{Seed: seed, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("embedded mock: %w", err)
	}
	go func() { _ = srv.Serve(l) }()
	cfg.Target = "http://" + l.Addr().String()
	cfg.Credentials = mockCfg.Credentials
	cfg.AltTargets = mockCfg.AltTargets
	cfg.Poll = mockCfg.Poll
	cfg.Timeout = mockCfg.Timeout
	cfg.AllowMutations = true
	vars := map[string]string{}
	for k, v := range mockCfg.Vars {
		vars[k] = v
	}
	for k, v := range cfg.Vars {
		vars[k] = v
	}
	cfg.Vars = vars
	return func() { l.Close(); srv.Close() }, nil
}

// runID is a short suffix unique to this run, so names created on a live
// target never collide between runs.
func runID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 6)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			n = big.NewInt(int64(time.Now().UnixNano() % int64(len(alphabet))))
		}
		b[i] = alphabet[n.Int64()]
	}
	return string(b)
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
