// Package cli is the `conformance` command: run, mock and proxy. Subcommand
// and flag names are stable: users script against them.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/jsonlog"
	"github.com/oracle-users-conformance/conformance/internal/mock"
	"github.com/oracle-users-conformance/conformance/internal/mock/auth"
	"github.com/oracle-users-conformance/conformance/internal/mock/epm"
	"github.com/oracle-users-conformance/conformance/internal/mock/essbase"
	"github.com/oracle-users-conformance/conformance/internal/report"
	"github.com/oracle-users-conformance/conformance/internal/runner"
	"github.com/oracle-users-conformance/conformance/internal/shard"
)

// Exit codes of `conformance run`: the verdict's (report.ExitCode), or 2
// for a configuration that stopped the run before anything was sent.
const (
	ExitPass         = report.ExitConformant
	ExitFail         = report.ExitNotConformant
	ExitBadConfig    = report.ExitBadConfig
	ExitInconclusive = report.ExitInconclusive
	ExitInterrupted  = report.ExitInterrupted
)

const usage = `conformance: conformance suite for Oracle user-management REST APIs

Usage:
  conformance run    [flags]   run every suite (against the embedded mock unless a target is given)
  conformance doctor [flags]   check a target before a run, read-only: network, TLS, accounts, roles, vars, version
  conformance init   [flags]   write a commented starter config for a target, proposing vars
  conformance version          print the version and commit of this binary
  conformance config [flags]   print the effective configuration per product, secrets masked
  conformance mock   [flags]   serve the simulator of all five operations
  conformance proxy  [flags]   serve a proxy that makes a target deviate, to test the suite
  conformance report diff|merge|render   compare two runs, merge shards, render reports from report.json
  conformance report bundle|verify       an archive for an auditor, signed; check one offline
  conformance coverage [flags]           what the scenarios exercise: operations, statuses, quirks, gaps
  conformance compare --a A.yaml --b B.yaml   the same scenarios against two environments, side by side

Run "conformance <command> -h" for a command's flags.
`

// Main runs the command line and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if _, ok := os.LookupEnv(MockAddrEnv); ok && len(args) == 0 {
		args = []string{"mock"}
	}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return ExitBadConfig
	}
	switch args[0] {
	case "run":
		return runCmd(args[1:], stdout, stderr)
	case "config":
		return configCmd(args[1:], stdout, stderr)
	case "doctor":
		return doctorCmd(args[1:], stdout, stderr)
	case "init":
		return initCmd(args[1:], stdout, stderr)
	case "version", "--version":
		return versionCmd(args[1:], stdout, stderr)
	case "mock":
		return mockCmd(args[1:], stdout, stderr)
	case "proxy":
		return proxyCmd(args[1:], stdout, stderr)
	case "report":
		return reportCmd(args[1:], stdout, stderr)
	case "coverage":
		return coverageCmd(args[1:], stdout, stderr)
	case "compare":
		return compareCmd(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return ExitPass
	}
	fmt.Fprintf(stderr, "conformance: unknown command %q\n\n%s", args[0], usage)
	return ExitBadConfig
}

// parseExit is the exit code of a flag set that stopped parsing: -h asked
// for the usage, which is no error.
func parseExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return ExitPass
	}
	return ExitBadConfig
}

// testingT lets the runner call Ginkgo's RunSpecs outside `go test`.
type testingT struct{ failed bool }

func (t *testingT) Fail() { t.failed = true }

// runFlags are the flags of run and config: one way in, the YAML file,
// then the environment, then these.
type runFlags struct {
	fs      *flag.FlagSet
	config  string
	opts    runner.Options
	procs   int
	set     func(cfg *config.Config)
	helpOut io.Writer
}

func newRunFlags(name string, stderr io.Writer) *runFlags {
	rf := &runFlags{fs: flag.NewFlagSet(name, flag.ContinueOnError)}
	fs := rf.fs
	fs.SetOutput(stderr)
	fs.StringVar(&rf.config, "config", "", "YAML config file (see fixtures/targets/mock.yaml and README, \"Running against your environment\")")
	settings := config.BindFlags(fs) // every setting with a flag: internal/config/settings.go
	fs.BoolVar(&rf.opts.Plan, "plan", false, "print every scenario, request (method, URL, tier) and undo the run would make; send nothing")
	fs.StringVar(&rf.opts.Shard, "shard", "", "run the K-th of N deterministic parts, K/N (CI matrices; merge with conformance report merge); auto reads the CI's own index and total (GitLab CI_NODE_INDEX/CI_NODE_TOTAL, CircleCI, Buildkite, a Kubernetes Indexed Job's JOB_COMPLETION_INDEX with "+config.ShardTotalEnv+" or auto/N)")
	fs.IntVar(&rf.procs, "procs", 1, "run the shards as this many processes of this binary and merge their reports")
	fs.BoolVar(&rf.opts.Verbose, "verbose", false, "show every scenario's full timeline")
	fs.StringVar(&rf.opts.Embedded, "embedded-mock", "", "(used by --procs) the URL of an embedded mock another process serves")
	fs.StringVar(&rf.opts.Pace, "pace", "", "(used by --procs) the URL where the parent process keeps each product's rate")
	fs.StringVar(&rf.opts.Claim, "claim", "", "(used by --procs) the URL where the parent process hands out the scenarios")
	fs.IntVar(&rf.opts.Proc, "proc", 0, "(used by --procs) this process's number among them")
	rf.set = settings.Apply
	return rf
}

// targetHint names the flags that give a target: --target URL, or
// --epm-url, --essbase-url, --oig-url.
func targetHint() string {
	names := []string{"--" + config.TargetSetting.Flag + " URL"}
	for _, p := range config.Products {
		names = append(names, "--"+config.TargetSetting.Of(p).Flag)
	}
	return names[0] + ", or " + strings.Join(names[1:], ", ")
}

// load parses the flags and builds the effective config; code is the exit
// code when it should stop (-h is 0).
func (rf *runFlags) load(args []string, stdout, stderr io.Writer) (cfg config.Config, code int, stop bool) {
	if err := rf.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stderr, "\nEnvironment variables (the file, then these, then the flags; README, \"Running against your environment\"):\n%s", config.EnvHelp())
			return cfg, ExitPass, true
		}
		return cfg, ExitBadConfig, true
	}
	if rf.fs.NArg() > 0 {
		fmt.Fprintf(stderr, "conformance %s: unexpected arguments %q\n", rf.fs.Name(), rf.fs.Args())
		return cfg, ExitBadConfig, true
	}
	var err error
	if rf.opts.Shard, err = shard.Auto(rf.opts.Shard, os.LookupEnv); err != nil {
		fmt.Fprintf(stderr, "conformance %s: %v\n", rf.fs.Name(), err)
		return cfg, ExitBadConfig, true
	}
	cfg, err = config.Load(rf.config)
	if err == nil {
		err = cfg.ApplyEnv(os.LookupEnv)
	}
	if err == nil {
		secretsBefore := cfg.SecretsFile
		rf.set(&cfg)
		if cfg.SecretsFile != secretsBefore {
			var data []byte
			if data, err = os.ReadFile(cfg.SecretsFile); err == nil {
				err = cfg.Parse(cfg.SecretsFile, data)
				rf.set(&cfg) // flags still win over the secrets file
			}
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "conformance %s: %v\n", rf.fs.Name(), err)
		return cfg, ExitBadConfig, true
	}
	return cfg, 0, false
}

func runCmd(args []string, stdout, stderr io.Writer) int {
	rf := newRunFlags("run", stderr)
	cfg, code, stop := rf.load(args, stdout, stderr)
	if stop {
		return code
	}
	if rf.procs > 1 {
		return procsRun(rf, args, cfg, stdout, stderr)
	}
	t := &testingT{}
	out, err := runner.Run(t, cfg, rf.opts, stdout)
	if err != nil {
		var ce runner.ConfigError
		fmt.Fprintf(stderr, "conformance run: %v\n", err)
		if errors.As(err, &ce) {
			return ExitBadConfig
		}
		return ExitFail
	}
	return out.ExitCode
}

// configCmd prints the effective configuration per product, secrets
// masked: what a run with the same flags would use.
func configCmd(args []string, stdout, stderr io.Writer) int {
	rf := newRunFlags("config", stderr)
	cfg, code, stop := rf.load(args, stdout, stderr)
	if stop {
		return code
	}
	if !cfg.AnyTarget() {
		fmt.Fprintln(stdout, "# no target: conformance run would start the embedded mock (fixtures/targets/mock.yaml)")
	}
	fmt.Fprint(stdout, cfg.YAML())
	fmt.Fprintln(stdout, "# effective per product:")
	for _, name := range config.Products {
		r := cfg.Resolve(name)
		if !r.Covered {
			fmt.Fprintf(stdout, "%s: not covered\n", name)
			continue
		}
		m := config.Config{Credentials: r.Credentials}.Masked().Credentials
		auth := "basic " + m.Admin.User
		switch {
		case m.Admin.User == "" && r.Credentials.TokenCommand != "":
			auth = "bearer from a command"
		case m.Admin.User == "" && r.Credentials.TokenFile != "":
			auth = "bearer from " + r.Credentials.TokenFile
		case m.Admin.User == "":
			auth = "bearer token"
		}
		fmt.Fprintf(stdout, "%s: url %s, %s, non-admin %q, throwaway %q, tls insecure %v, ca_file %q\n",
			name, r.URL, auth, m.NonAdmin.User, m.Throwaway.User, r.TLS.Insecure, r.TLS.CAFile)
	}
	if err := cfg.Validate(); err != nil && cfg.AnyTarget() {
		fmt.Fprintf(stderr, "conformance config: %v\n", err)
		return ExitBadConfig
	}
	return ExitPass
}

func mockCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String(mockAddrFlag, "127.0.0.1:8080", "listen address")
	adminPassword := fs.String("admin-password", "", "password of the administrator account(s): every account of the seed holding an administrator role (EPM Identity Domain Administrator, Essbase Service Administrator, OIG System or User Administrator), or only --admin-login (default: the seed's passwords)")
	adminLogin := fs.String("admin-login", "", "the one account --admin-password applies to; it must be in the seed (default: every administrator account)")
	seedFile := fs.String("seed", "", "seed file (default: the built-in fixtures/mock/seed.yaml)")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	maxBody := fs.Int64("max-body", 0, "largest JSON/XML/CSV request body in bytes for every product (default: each product's own, 8 MiB EPM, 1 MiB Essbase and OIG; EPM v1 uploads have their own cap)")
	jobDuration := fs.Duration("epm-job-duration", 0, "least time an EPM v1 job stays in progress (default 300ms)")
	latency := fs.Duration("latency", 0, "delay before every answer, to play a distant cloud tenant (e.g. 200ms; EPM v1 jobs still last --epm-job-duration besides)")
	jitter := fs.Duration("jitter", 0, "spread --latency uniformly by up to ± this much (e.g. 50ms)")
	maxJobs := fs.Int("epm-max-jobs", 0, fmt.Sprintf("EPM v1 jobs kept; beyond it the oldest finished is forgotten, and when all run a new one is refused with status 1 (default %d)", epm.DefaultMaxJobs))
	maxFiles := fs.Int("epm-max-files", 0, fmt.Sprintf("EPM v1 uploaded files kept; an upload beyond it is refused with status 1 until files are deleted (default %d)", epm.DefaultMaxFiles))
	maxStored := fs.Int64("epm-max-stored-bytes", 0, fmt.Sprintf("bytes of EPM v1 uploaded files kept, all files together; as --epm-max-files (default %d, 4 GiB)", int64(epm.DefaultMaxStoredBytes)))
	epmVersion := fs.String("epm-version", "", fmt.Sprintf("the EPM Cloud release Get REST API Versions for Migration reports as serverVersion (default %s)", epm.DefaultVersions.ServerVersion))
	essbaseVersion := fs.String("essbase-version", "", fmt.Sprintf("the Essbase release About Essbase reports (default %s)", essbase.DefaultAbout.Version))
	sharedServices := fs.Bool("essbase-shared-services", false, "serve Essbase in EPM Shared Services security mode, where users operations are unavailable (always so under /shared-services)")
	cf := addMockControlFlags(fs)
	if err := mockEnv(fs, os.LookupEnv); err != nil {
		fmt.Fprintf(stderr, "conformance mock: %v\n", err)
		return ExitBadConfig
	}
	if err := fs.Parse(args); err != nil {
		return parseExit(err)
	}
	if *cf.listPlays {
		listPlays(stdout)
		return ExitPass
	}
	var seedData []byte
	var err error
	if *seedFile != "" {
		seedData, err = os.ReadFile(*seedFile)
	} else {
		seedData, err = fixtures.FS.ReadFile("mock/seed.yaml")
	}
	if err != nil {
		fmt.Fprintf(stderr, "conformance mock: %v\n", err)
		return ExitBadConfig
	}
	seed, err := mock.ParseSeed(seedData)
	if err != nil {
		fmt.Fprintf(stderr, "conformance mock: %v\n", err)
		return ExitBadConfig
	}
	var handler slog.Handler
	logs := newLogBuffer(stderr) // logbuf.go: logging off the hot path
	defer logs.Close()
	switch *logFormat {
	case "text":
		handler = slog.NewTextHandler(logs, nil)
	case "json":
		handler = jsonlog.New(logs) // slog's JSON, the request line written faster
	default:
		fmt.Fprintf(stderr, "conformance mock: --log-format %q is not text or json\n", *logFormat)
		return ExitBadConfig
	}
	opts := mock.Options{Seed: seed, AdminLogin: *adminLogin, AdminPassword: *adminPassword, Logger: slog.New(handler)}
	opts.EPM.MaxBody = *maxBody
	opts.EPM.JobDuration = *jobDuration
	opts.EPM.MaxJobs, opts.EPM.MaxFiles, opts.EPM.MaxStoredBytes = *maxJobs, *maxFiles, *maxStored
	opts.Latency, opts.Jitter = *latency, *jitter
	if *latency < 0 || *jitter < 0 {
		fmt.Fprintf(stderr, "conformance mock: --latency and --jitter must not be negative\n")
		return ExitBadConfig
	}
	opts.Essbase.MaxBody = *maxBody
	opts.OIG.MaxBody = *maxBody
	opts.Essbase.SharedServices = *sharedServices
	if *epmVersion != "" {
		opts.EPM.Versions = epm.Versions{ServerVersion: *epmVersion, BuildVersion: *epmVersion}
	}
	if *essbaseVersion != "" {
		opts.Essbase.About = essbase.About{Version: *essbaseVersion, Build: *essbaseVersion}
	}
	return serveMockStack(opts, cf, *addr, stdout, stderr)
}

// printAccounts shows who can log in. A password given on the command line
// is not echoed back.
func printAccounts(w io.Writer, srv *mock.Server) {
	fmt.Fprintln(w, "accounts:")
	password := func(a *auth.Account) string {
		if srv.PasswordOverridden(a.Login) {
			return "(from --admin-password)"
		}
		return a.Password
	}
	// Columns as wide as the seed's longest login and password.
	loginW, pwW := 0, 0
	for _, a := range srv.Accounts() {
		loginW, pwW = max(loginW, len(a.Login)), max(pwW, len(password(a)))
	}
	for _, a := range srv.Accounts() {
		pw := password(a)
		var roles []string
		products := make([]string, 0, len(a.Roles))
		for p := range a.Roles {
			products = append(products, p)
		}
		sort.Strings(products)
		for _, p := range products {
			if len(a.Roles[p]) > 0 {
				roles = append(roles, p+": "+strings.Join(a.Roles[p], ", "))
			}
		}
		tokens := ""
		if len(a.Tokens) > 0 {
			tokens = "  bearer " + strings.Join(a.Tokens, ", ")
		}
		fmt.Fprintf(w, "  %-*s  %-*s  %s%s\n", loginW, a.Login, pwW, pw, strings.Join(roles, "; "), tokens)
	}
}

// serveUntilSignal serves until SIGINT/SIGTERM, then stops accepting.
func serveUntilSignal(l net.Listener, serve func(net.Listener) error, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- serve(l) }()
	select {
	case <-ctx.Done():
		l.Close()
		select {
		case <-errc:
		case <-time.After(2 * time.Second):
		}
		return ExitPass
	case err := <-errc:
		if err != nil && !errors.Is(err, net.ErrClosed) {
			fmt.Fprintf(stderr, "serve: %v\n", err)
			return ExitFail
		}
		return ExitPass
	}
}
