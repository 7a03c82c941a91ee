// Package runner is one conformance run: it loads specs and scenario tables,
// starts the embedded mock when no product has a target, builds one client
// per product (the road every request takes), selects the scenarios (label
// filter, shard), builds the spec tree, runs it, and writes the reports
// from the typed result model. `conformance run` and the test that runs
// every suite under `go test` both come through here.
package runner

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/big"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/generate"
	"github.com/oracle-users-conformance/conformance/internal/judge"
	"github.com/oracle-users-conformance/conformance/internal/ledger"
	"github.com/oracle-users-conformance/conformance/internal/mock"
	"github.com/oracle-users-conformance/conformance/internal/report"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
	"github.com/oracle-users-conformance/conformance/internal/shard"
	"github.com/oracle-users-conformance/conformance/suites"
)

// SuiteName is the Ginkgo suite name.
const SuiteName = "Oracle user-management REST API conformance"

// ConfigError is a problem with the configuration or the fixtures, found
// before anything was sent (exit code 2).
type ConfigError struct{ Err error }

func (e ConfigError) Error() string { return e.Err.Error() }
func (e ConfigError) Unwrap() error { return e.Err }

// Options are how a run is asked for beyond its config.
type Options struct {
	// Plan prints what would be sent and sends nothing.
	Plan bool
	// Shard is "K/N": run the K-th of N deterministic parts.
	Shard string
	// Verbose shows Ginkgo's full timelines on the console.
	Verbose bool
	// Embedded, when set, is the URL of an embedded mock another process
	// started (conformance run --procs): it is treated as the embedded mock.
	Embedded string
	// Pace, when set, is the URL where the parent of --procs keeps each
	// product's pace, shared by its processes (pace.go).
	Pace string
	// Claim, when set, is the URL where the parent of --procs hands out
	// the scenarios to its processes as they ask (claim.go); Proc is this
	// process's number there.
	Claim string
	Proc  int
	// Today is the date the baseline's review dates are compared with.
	Today time.Time
	// PlanTo, with Plan, receives the plan instead of the console
	// (conformance doctor summarises it).
	PlanTo func(env *suites.Env, plan []suites.PlannedScenario)
}

// Outcome is what a run did.
type Outcome struct {
	Run      *report.Run
	ExitCode int
}

// Run runs every selected scenario: prepare (nothing sent yet), execute,
// publish. It may be called once per process (Ginkgo's RunSpecs runs once).
func Run(t GinkgoTestingT, cfg config.Config, opts Options, out io.Writer) (*Outcome, error) {
	started := time.Now()
	r, err := prepare(cfg, opts, out)
	if err != nil {
		return nil, err
	}
	defer r.stop()
	if opts.Plan {
		r.printPlan(opts, out)
		return &Outcome{ExitCode: report.ExitConformant}, nil
	}
	// Listening until the reports are written: an interrupt then must
	// not leave some of them unwritten.
	defer noteInterrupt(r.env.Results, out)()
	if err := r.execute(t, opts, out); err != nil {
		return nil, err
	}
	return r.publish(opts, out, started), nil
}

// prepared is a run ready to start: everything read, checked and built,
// nothing sent.
type prepared struct {
	cfg      config.Config
	fx       fs.FS
	tables   []*scenario.Table
	catalog  *contract.Catalog
	env      *suites.Env
	notes    []string // said on the console and in every report
	baseline report.Baseline
	// stop ends the embedded mock, if this run started it.
	stop func()
}

// prepare reads the fixtures and specs, checks the rows, points the run at
// its target (the embedded mock when none is named), selects the
// scenarios and builds one client per product. Every error is the
// config's or the fixtures' (exit 2), found before anything is sent.
func prepare(cfg config.Config, opts Options, out io.Writer) (*prepared, error) {
	p := &prepared{stop: func() {}}
	fx, fixturesDir, err := fixtureFS(cfg.Fixtures)
	if err != nil {
		return nil, ConfigError{err}
	}
	p.fx = fx
	if p.catalog, err = contract.Builtin(); err != nil {
		return nil, ConfigError{err}
	}
	if p.tables, err = generate.All(fx, p.catalog, cfg.Seed); err != nil {
		return nil, ConfigError{err}
	}
	if err := errors.Join(suites.Check(p.tables, p.catalog), judge.Validate(p.catalog), ledger.Validate(p.catalog)); err != nil {
		return nil, ConfigError{err}
	}
	embedded, err := p.target(&cfg, opts, out)
	if err != nil {
		return nil, ConfigError{err}
	}
	if err := cfg.Validate(); err != nil {
		p.stop()
		return nil, ConfigError{err}
	}
	env, err := p.environment(&cfg, opts, out, fixturesDir, embedded)
	if err != nil {
		p.stop()
		return nil, ConfigError{err}
	}
	if cfg.Baseline != "" && !opts.Plan {
		// Read before anything is sent: a baseline that cannot be read
		// must not cost a run.
		if p.baseline, err = report.LoadBaseline(cfg.Baseline); err != nil {
			p.stop()
			return nil, ConfigError{err}
		}
	}
	p.cfg, p.env = cfg, env
	return p, nil
}

// target points cfg at the embedded mock when it names no target (at its
// usual address for a plan), and says whether the run is the embedded
// mock's.
func (p *prepared) target(cfg *config.Config, opts Options, out io.Writer) (embedded bool, err error) {
	switch {
	case opts.Embedded != "":
		return true, pointAtMock(p.fx, cfg, opts.Embedded)
	case cfg.AnyTarget():
		return false, nil
	case opts.Plan:
		// The embedded mock takes a free port when it runs; the plan
		// shows the mock's usual address.
		fmt.Fprintln(out, "plan of a run against the embedded mock (a free loopback port at run time; shown as 127.0.0.1:8080)")
		return true, pointAtMock(p.fx, cfg, "http://127.0.0.1:8080")
	}
	stop, err := startEmbedded(p.fx, cfg)
	if err != nil {
		return true, err
	}
	p.stop = stop
	fmt.Fprintf(out, "embedded mock listening on %s\n", cfg.Target)
	return true, nil
}

// environment selects the scenarios and builds what every spec shares:
// the products' clients, the vars, the results.
func (p *prepared) environment(cfg *config.Config, opts Options, out io.Writer, fixturesDir string, embedded bool) (*suites.Env, error) {
	selected, err := selectScenarios(p.tables, *cfg, opts.Shard, p.fx, Mutates(p.catalog))
	if err != nil {
		return nil, err
	}
	if opts.Shard != "" {
		k, n, _ := shard.Parse(opts.Shard)
		cfg.Vars = keepOwnAttributes(cfg.Vars, cfg.ShardVarsFor(k, cfg.OwnUsers(n)))
	}
	if err := checkVars(p.fx, p.tables, cfg.Vars); err != nil {
		return nil, err
	}
	redactor := exchange.NewRedactor(cfg.Secrets(), cfg.BasicPairs())
	throttle := &exchange.Throttle{MaxWait: cfg.Throttle.MaxWait.D(), Budget: cfg.Throttle.Budget.D()}
	cfg.Rate = shardRate(*cfg, opts, embedded)
	products, notes, err := buildProducts(*cfg, p.catalog, redactor, throttle, embedded)
	if err != nil {
		return nil, err
	}
	p.notes = notes
	sharePace(products, opts)
	runID := runID()
	env := &suites.Env{
		Config: *cfg, Catalog: p.catalog, Products: products, Fixtures: p.fx, FixturesDir: fixturesDir,
		Tables: p.tables, Selected: selected, Results: suites.NewResults(), Console: suites.NewConsole(out, opts.Verbose),
		Vars: scenario.Vars{Run: runID, Var: cfg.Vars}, VarsCatalogue: varsCatalogue(p.fx),
	}
	shareScenarios(env, opts, *cfg, p.fx, Mutates(p.catalog))
	useWorkers(env, opts, *cfg, p.fx, Mutates(p.catalog), embedded, func(sc *scenario.Scenario, vars scenario.Vars) {
		learnSecrets(redactor, p.fx, []*scenario.Scenario{sc}, vars)
	})
	if env.Workers == nil {
		// Workers learn each scenario's as they start it (above);
		// without them every row is learnt here, before the first sends.
		learnSecrets(redactor, p.fx, selected, env.Vars)
	}
	return env, nil
}

// printPlan says what the run would send, sending nothing.
func (p *prepared) printPlan(opts Options, out io.Writer) {
	env := p.env
	if opts.Shard != "" {
		_, n, _ := shard.Parse(opts.Shard)
		var all []*scenario.Scenario
		for _, t := range p.tables {
			for i := range t.Scenarios {
				all = append(all, &t.Scenarios[i])
			}
		}
		own := p.cfg.OwnUsers(n)
		env.Shard, env.ShardOwners = opts.Shard, shard.Owners(all, n, Named(p.fx, p.cfg.Vars), Mutates(p.catalog), own)
		for k := range own {
			env.OwnUsers = append(env.OwnUsers, k)
		}
		sort.Strings(env.OwnUsers)
	}
	if opts.PlanTo != nil {
		opts.PlanTo(env, env.Plan())
		return
	}
	suites.PrintPlan(out, env, env.Plan())
}

// execute declares the spec tree and runs it: every scenario sends, is
// judged and undoes what it changed. An interrupt ends the running
// scenario after its undos and leaves the rest not run.
func (p *prepared) execute(t GinkgoTestingT, opts Options, out io.Writer) error {
	cfg, env := p.cfg, p.env
	for _, n := range p.notes {
		fmt.Fprintln(out, "!! "+n)
	}
	// Said once per key, in the summary's notes and every report.
	p.notes = append(p.notes, env.MissingVarsSummary()...)
	declared := suites.Build(env)
	if err := os.MkdirAll(cfg.ReportDir, 0o755); err != nil {
		return ConfigError{fmt.Errorf("report dir: %w", err)}
	}
	if err := os.WriteFile(filepath.Join(cfg.ReportDir, "effective-config.yaml"), []byte(cfg.YAML()), 0o644); err != nil {
		return ConfigError{fmt.Errorf("report dir: %w", err)}
	}
	fmt.Fprintf(out, "run %s: %d scenarios selected (generated with seed %d; --seed changes it)%s%s\n",
		env.Vars.Run, declared, cfg.Seed, describeSelection(cfg.LabelFilter, opts.Shard), atOnce(env))
	for _, name := range config.Products {
		if pr := env.Products[name]; pr.Client != nil {
			fmt.Fprintf(out, "  %-8s %s\n", name, pr.URL)
		} else {
			fmt.Fprintf(out, "  %-8s not covered\n", name)
		}
	}
	suiteCfg, reporterCfg := GinkgoConfiguration()
	suiteCfg.Timeout = time.Duration(declared+1) * (2*cfg.Poll.Limit.D() + 10*cfg.Timeout.D())
	suiteCfg.RandomizeAllSpecs = false
	reporterCfg.NoColor = true
	saved := formatter.ColorableStdOut
	if opts.Verbose {
		reporterCfg.Verbose = true
		formatter.ColorableStdOut = out
	} else {
		// The console lines are ours (suites.Console): Ginkgo's own
		// output, its dots and its hints naming flags this command does
		// not have, are not a person's business.
		formatter.ColorableStdOut = io.Discard
	}
	RegisterFailHandler(Fail)
	RunSpecs(t, SuiteName, suiteCfg, reporterCfg)
	env.Wait() // the scenarios still running on workers end, undos and all
	formatter.ColorableStdOut = saved
	return nil
}

// noteInterrupt learns which signal interrupted the run, so the report
// can say so; Ginkgo's own handler ends the running spec, runs its
// cleanups (the ledger's undos among them) and skips the rest. The
// returned function stops listening.
func noteInterrupt(results *suites.Results, out io.Writer) (stop func()) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		select {
		case s := <-sigs:
			name := "SIGINT"
			if s == syscall.SIGTERM {
				name = "SIGTERM"
			}
			results.Interrupt(name)
			fmt.Fprintf(out, "!! %s: finishing the running scenario's undos, then writing the reports\n", name)
		case <-ctx.Done():
		}
	}()
	return func() { signal.Stop(sigs); cancel() }
}

// publish turns the records into the typed report, applies the baseline,
// writes every report and prints the summary. Reports that cannot be
// written make the exit code 2: a verdict nobody can read is no verdict,
// and CI must not go on trusting the last run's files.
func (p *prepared) publish(opts Options, out io.Writer, started time.Time) *Outcome {
	cfg, env := p.cfg, p.env
	run := buildReport(cfg, opts, env, runSuffixes(env), started)
	recordVersions(run, env.Products, cfg.Timeout.D())
	run.Finish()
	if cfg.Baseline != "" {
		today := opts.Today
		if today.IsZero() {
			today = time.Now()
		}
		run.ApplyBaseline(p.baseline, cfg.Baseline, today)
	}
	run.Notes = append(p.notes, run.Notes...)
	run.Finish()
	code := report.ExitCode(run.Verdict)
	if err := report.WriteAll(cfg.ReportDir, run); err != nil {
		fmt.Fprintf(out, "writing reports: %v\n", err)
		code = report.ExitBadConfig
	}
	PrintSummary(out, run, cfg.ReportDir)
	return &Outcome{Run: run, ExitCode: code}
}

func describeSelection(filter, shardSpec string) string {
	var parts []string
	if filter != "" {
		parts = append(parts, fmt.Sprintf("label filter %q", filter))
	}
	if shardSpec != "" {
		parts = append(parts, "shard "+shardSpec)
	}
	if len(parts) == 0 {
		return ""
	}
	return ", " + strings.Join(parts, ", ")
}

// buildProducts makes one client per covered product.
func buildProducts(cfg config.Config, cat *contract.Catalog, red *exchange.Redactor, th *exchange.Throttle, embedded bool) (map[string]*suites.Product, []string, error) {
	policy := exchange.Policy{AllowMutations: cfg.AllowMutations || embedded, AllowRefusals: cfg.AllowRefusals || embedded}
	rate := cfg.Rate
	switch {
	case rate == -1 && embedded:
		rate = 0
	case rate == -1:
		rate = config.DefaultForeignRate
	}
	out := map[string]*suites.Product{}
	var notes []string
	for _, name := range config.Products {
		r := cfg.Resolve(name)
		p := &suites.Product{Resolved: r, Alt: map[string]*exchange.Client{}}
		out[name] = p
		if !r.Covered {
			notes = append(notes, fmt.Sprintf("%s is not covered: the config names no URL for it, so its scenarios are skipped and the verdict is at best partial", name))
			continue
		}
		if r.TLS.Insecure {
			notes = append(notes, fmt.Sprintf("%s: TLS certificates are NOT verified (tls.insecure): anyone on the path can read the credentials", name))
		}
		if r.Credentials.TokenFile != "" || r.Credentials.TokenCommand != "" {
			p.Tokens = &exchange.TokenSource{File: r.Credentials.TokenFile, Command: r.Credentials.TokenCommand, Redact: red}
		}
		opts := exchange.Options{Product: name, Timeout: cfg.Timeout.D(), Rate: rate, Redactor: red, Policy: policy,
			Breaker: cfg.Breaker, Throttle: th, CAFile: r.TLS.CAFile, Insecure: r.TLS.Insecure, AllowPlainHTTP: r.AllowPlainHTTP || embedded}
		c, err := newClient(r.URL, cat, opts)
		if err != nil {
			return nil, nil, err
		}
		p.Client = c
		for alt := range r.AltTargets {
			u, err := r.AltTarget(alt)
			if err != nil {
				return nil, nil, err
			}
			if p.Alt[alt], err = newClient(u, cat, opts); err != nil {
				return nil, nil, err
			}
			p.Alt[alt].ShareProduct(c)
		}
	}
	return out, notes, nil
}

// newClient is a client whose requests register their undos in the ledger
// of their scenario before they are sent.
func newClient(url string, cat *contract.Catalog, opts exchange.Options) (*exchange.Client, error) {
	c, err := exchange.New(url, cat, opts)
	if err != nil {
		return nil, err
	}
	c.Before = func(ctx context.Context, ex *exchange.Exchange, r exchange.Request) error {
		return ledger.Before(ctx, ex, c, r)
	}
	return c, nil
}

// selectScenarios applies the label filter and the shard.
func selectScenarios(tables []*scenario.Table, cfg config.Config, shardSpec string, fx fs.FS, mutates shard.Mutates) ([]*scenario.Scenario, error) {
	filter := cfg.LabelFilter
	match := func([]string) bool { return true }
	if filter != "" {
		f, err := types.ParseLabelFilter(filter)
		if err != nil {
			return nil, fmt.Errorf("--label-filter %q: %w", filter, err)
		}
		match = f
	}
	var all []*scenario.Scenario
	for _, t := range tables {
		for i := range t.Scenarios {
			if sc := &t.Scenarios[i]; match(sc.AllLabels()) {
				all = append(all, sc)
			}
		}
	}
	if shardSpec == "" {
		return all, nil
	}
	k, n, err := shard.Parse(shardSpec)
	if err != nil {
		return nil, err
	}
	own := cfg.OwnUsers(n)
	owner := shard.Assign(all, n, Named(fx, cfg.Vars), mutates, own)
	// A row naming literally a user every part has its own of (a
	// document's example naming jdoe) runs in part 1, the part whose users
	// are those vars name: elsewhere it would change part 1's user.
	literal := shard.Literal(fx, cfg.Vars)
	for _, sc := range all {
		for _, k := range literal(sc) {
			if own[k] {
				owner[sc.ID] = 1
			}
		}
	}
	var out []*scenario.Scenario
	for _, sc := range all {
		if owner[sc.ID] == k {
			out = append(out, sc)
		}
	}
	return out, nil
}

// Mutates derives from what a row sends whether it can change data: a
// request that is not a read, sent with real credentials, meant to be
// valid; and every run of a flow that declares it changes data.
func Mutates(cat *contract.Catalog) shard.Mutates {
	return func(sc *scenario.Scenario) bool {
		if suites.FlowMutates(sc.Flow) {
			return true
		}
		reqs := append([]scenario.Request(nil), sc.Setup...)
		reqs = append(reqs, sc.Request)
		for _, st := range sc.Then {
			reqs = append(reqs, st.Request)
		}
		for _, r := range reqs {
			name := r.Operation
			if name == "" {
				name = sc.Request.Operation
			}
			o, _ := cat.Operation(name)
			m := r.Method
			if m == "" && o != nil {
				m = o.Method
			}
			var auth *exchange.Credential
			switch r.Auth {
			case "none":
			case "wrong-password", "bad-token":
				auth = &exchange.Credential{Probe: true}
			default:
				auth = &exchange.Credential{}
			}
			if exchange.TierOfOperation(exchange.Request{Method: m, Auth: auth, Unchecked: r.Invalid}, o) == exchange.TierMutation {
				return true
			}
		}
		return false
	}
}

// learnSecrets makes every password the rows themselves send (an Essbase
// user's initial password) a known secret, so it is masked wherever it
// shows: in a CSV without a header, in a body sent as the wrong type on
// purpose, in an answer that echoes it. With workers, a scenario's rows
// are learnt as it starts, with the suffix and users it runs with
// (useWorkers), and not at the start: rendering every body, 9 MB ones
// among them, for each of eight workers' suffixes at the start was most
// of a whole run's CPU.
func learnSecrets(red *exchange.Redactor, fx fs.FS, selected []*scenario.Scenario, vars scenario.Vars) {
	for _, sc := range selected {
		for _, req := range sc.Requests() {
			if body, err := req.Render(fx, vars); err == nil {
				for _, s := range exchange.SecretsIn(body) {
					red.Add(s)
				}
			}
		}
	}
}

// checkVars stops a run whose config names a var no scenario uses (a
// typo). A var a selected scenario needs and the config lacks skips that
// scenario with the reason (suites.Env.MissingVars), said once per key.
func checkVars(fx fs.FS, tables []*scenario.Table, vars map[string]string) error {
	used := map[string]bool{}
	for _, t := range tables {
		for i := range t.Scenarios {
			for _, v := range t.Scenarios[i].VarsUsed(fx) {
				used[v] = true
			}
		}
	}
	var problems []string
	var unused []string
	for k := range vars {
		if !used[k] && !ledger.IsEPMAttribute(k, vars) {
			unused = append(unused, k)
		}
	}
	sort.Strings(unused)
	for _, k := range unused {
		problems = append(problems, fmt.Sprintf("vars.%s is used by no scenario (a typo?)", k))
	}
	if len(problems) > 0 {
		return fmt.Errorf("vars:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
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

// pointAtMock points cfg at a mock at url with the accounts and variables
// of fixtures/targets/mock.yaml. Credentials from the environment belong to
// some other target and are not used here; timeout and poll settings the
// user gave are kept.
func pointAtMock(fx fs.FS, cfg *config.Config, url string) error {
	targetData, err := fs.ReadFile(fx, "targets/mock.yaml")
	if err != nil {
		return err
	}
	mockCfg := config.Default()
	if err := mockCfg.Parse("targets/mock.yaml", targetData); err != nil {
		return err
	}
	cfg.Target = url
	cfg.Products = nil
	cfg.Credentials = mockCfg.Credentials
	cfg.AltTargets = mockCfg.AltTargets
	if !cfg.Explicit(config.PollIntervalSetting) {
		cfg.Poll.Interval = mockCfg.Poll.Interval
	}
	if !cfg.Explicit(config.PollLimitSetting) {
		cfg.Poll.Limit = mockCfg.Poll.Limit
	}
	if !cfg.Explicit(config.TimeoutSetting) {
		cfg.Timeout = mockCfg.Timeout
	}
	if cfg.ShardVars == nil {
		cfg.ShardVars = mockCfg.ShardVars
	}
	vars := map[string]string{}
	for k, v := range mockCfg.Vars {
		vars[k] = v
	}
	for k, v := range cfg.Vars {
		vars[k] = v
	}
	cfg.Vars = vars
	return nil
}

// EmbeddedJobDuration is how long the embedded mock keeps a v1 job in
// progress, and EmbeddedPoll how often the embedded run polls it: long
// enough that a job is seen in progress, short enough that 48 v1 scenarios
// do not spend the run waiting (a separately started mock keeps 300 ms and
// fixtures/targets/mock.yaml's interval).
const (
	EmbeddedJobDuration = 40 * time.Millisecond
	EmbeddedPoll        = 20 * time.Millisecond
)

// EmbeddedOptions are the embedded mock's options.
func EmbeddedOptions() mock.Options {
	var o mock.Options
	o.EPM.JobDuration = EmbeddedJobDuration
	return o
}

// startEmbedded starts the mock on a free loopback port and points cfg at it.
func startEmbedded(fx fs.FS, cfg *config.Config) (stop func(), err error) {
	srv, l, err := StartMock(fx, EmbeddedOptions())
	if err != nil {
		return nil, err
	}
	if err := pointAtMock(fx, cfg, "http://"+l.Addr().String()); err != nil {
		l.Close()
		srv.Close()
		return nil, err
	}
	if !cfg.Explicit(config.PollIntervalSetting) {
		cfg.Poll.Interval = config.Duration(EmbeddedPoll)
	}
	return func() { l.Close(); srv.Close() }, nil
}

// StartMock serves the mock seeded from the fixtures on a free loopback
// port (the embedded mock, also shared by --procs).
func StartMock(fx fs.FS, opts mock.Options) (*mock.Server, net.Listener, error) {
	seedData, err := fs.ReadFile(fx, "mock/seed.yaml")
	if err != nil {
		return nil, nil, err
	}
	seed, err := mock.ParseSeed(seedData)
	if err != nil {
		return nil, nil, err
	}
	opts.Seed = seed
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	srv, err := mock.New(opts)
	if err != nil {
		return nil, nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		srv.Close()
		return nil, nil, fmt.Errorf("embedded mock: %w", err)
	}
	go func() { _ = srv.Serve(l) }()
	return srv, l, nil
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
