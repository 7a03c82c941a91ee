// Package suites turns the scenario tables into Ginkgo specs. Every selected
// row becomes one top-level It named "<ID> <title>", so the stable ID begins
// its name, with the row's labels, and a code location pointing at the row
// in its YAML file. A row's flow (one request by default) is Go; everything
// else about it is data. Each scenario's result is recorded as it runs
// (results.go) into the typed model every report reads.
package suites

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/ledger"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
	"github.com/oracle-users-conformance/conformance/internal/varscat"
)

// Env is what every spec of a run shares. It is read-only once Build ran,
// but for Results, which is safe for concurrent use.
type Env struct {
	Config   config.Config
	Catalog  *contract.Catalog
	Products map[string]*Product
	Fixtures fs.FS
	// FixturesDir is where the tables live on disk, for code locations;
	// empty when they are the copy built into the binary.
	FixturesDir string
	Tables      []*scenario.Table
	// Selected are the scenarios this run runs (label filter and shard
	// applied), in declaration order.
	Selected []*scenario.Scenario
	Vars     scenario.Vars
	Results  *Results
	// Console receives one line per finished scenario and live progress.
	Console *Console
	// Shard is "K/N" when the run is one part of a split, and ShardOwners
	// says which part owns each config user that scenarios change.
	Shard       string
	ShardOwners map[string]int
	// OwnUsers are the vars every shard has its own user for.
	OwnUsers []string
	// VarsCatalogue describes the vars keys in skip reasons (vars.go).
	VarsCatalogue varscat.Catalogue
	// Claim, in a process of --procs, asks the parent for a scenario
	// before it runs (internal/claim): it returns the vars the scenario
	// runs with (Vars or a set of stand-in users whose every user is free)
	// and the release to call once the scenario and its undos are done,
	// or claim.ErrElsewhere.
	Claim func(ctx context.Context, sc *scenario.Scenario) (vars map[string]string, release func(), err error)
	// Priority, when set, orders the specs: higher first (Ginkgo's
	// SpecPriority), the shuffle deciding among equals.
	Priority func(sc *scenario.Scenario) int
	// Workers, when set with N > 1, runs that many scenarios at once in
	// this process (workers.go); pool is theirs.
	Workers *Workers
	pool    *pool
}

// OwnUsersOf names this shard's own users.
func (env *Env) OwnUsersOf() string {
	var parts []string
	for _, k := range env.OwnUsers {
		parts = append(parts, k+"="+env.Vars.Var[k])
	}
	return strings.Join(parts, ", ")
}

// Product is one service's target as the run sees it.
type Product struct {
	config.Resolved
	// Client is nil when the product is not covered.
	Client *exchange.Client
	Alt    map[string]*exchange.Client
	Tokens *exchange.TokenSource
	jobs   jobBreaker // jobbreaker.go
}

// Flow runs one scenario row. It is written once, against the Run's
// sender (sender.go): the same function runs the row and plans it.
type Flow struct {
	Run func(r *Run)
	// With lists the parameters a row's with: may give; any other key is a
	// typo that stops the run at start.
	With []string
	// Mutates says the flow changes data whatever its row sends (it
	// uploads and submits on its own), for the shards' ownership of users.
	Mutates bool
	// Vars are the vars the flow itself reads for a row's with: (beyond
	// those the row's templates name), so a row lacking them is skipped.
	Vars func(with map[string]string) []string
}

// FlowMutates reports whether the named flow declares that it changes data.
func FlowMutates(name string) bool { return flows[name].Mutates }

// FlowVars are the vars a row's flow reads for it beyond those the row's
// templates name (the users it touches that no fixture names).
func FlowVars(sc *scenario.Scenario) []string {
	if f := flows[sc.Flow]; f.Vars != nil {
		return f.Vars(sc.With)
	}
	return nil
}

var flows = map[string]Flow{"": {Run: requestFlow}}

// RegisterFlow makes a flow available to rows that name it. Call from init.
func RegisterFlow(name string, f Flow) {
	if _, dup := flows[name]; dup {
		panic("suites: flow registered twice: " + name)
	}
	flows[name] = f
}

// Check finds what is wrong with the rows before anything is sent: an
// unknown flow or with: key, an operationId the specs lack. Every problem
// names its row.
func Check(tables []*scenario.Table, cat *contract.Catalog) error {
	var problems []string
	for _, t := range tables {
		for i := range t.Scenarios {
			sc := &t.Scenarios[i]
			where := fmt.Sprintf("%s:%d %s", sc.File, sc.Line, sc.ID)
			f, ok := flows[sc.Flow]
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: flow %q is not known (known: %s)", where, sc.Flow, strings.Join(flowNames(), ", ")))
				continue
			}
			for k := range sc.With {
				if !contains(f.With, k) {
					problems = append(problems, fmt.Sprintf("%s: with.%s is not a parameter of flow %q (it takes: %s)", where, k, sc.Flow, strings.Join(f.With, ", ")))
				}
			}
			for _, req := range sc.Requests() {
				if req.Operation != "" {
					if _, ok := cat.Operation(req.Operation); !ok {
						problems = append(problems, fmt.Sprintf("%s: operation %q is not in specs/", where, req.Operation))
					}
				}
			}
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("scenario rows:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Build declares the spec tree of the selected scenarios. Call it once,
// before RunSpecs, never from a BeforeSuite: Ginkgo needs the whole tree
// before it starts.
func Build(env *Env) int {
	if env.Workers != nil && env.Workers.N > 1 {
		env.pool = newPool(env)
	}
	for _, sc := range env.Selected {
		env.declare(sc)
	}
	ReportAfterEach(func(sr SpecReport) { env.Results.Finish(sr, env.Console) })
	env.Console.Start(len(env.Selected))
	ReportAfterSuite("progress", func(Report) { env.Console.Stop() })
	return len(env.Selected)
}

// Source is the row to edit, as reports show it: relative to the project.
func (env *Env) Source(sc *scenario.Scenario) string {
	if strings.HasPrefix(sc.File, "specs/") {
		return sc.File
	}
	return "fixtures/" + sc.File + fmt.Sprintf(":%d", sc.Line)
}

func (env *Env) declare(sc *scenario.Scenario) {
	file := sc.File
	switch {
	case strings.HasPrefix(sc.File, "specs/"): // generated from a spec
		file = filepath.FromSlash(sc.File)
	case env.FixturesDir != "":
		file = filepath.Join(env.FixturesDir, filepath.FromSlash(sc.File))
	default:
		file = filepath.Join("fixtures", filepath.FromSlash(sc.File))
	}
	// The spec's location is the data row, so reports point at the YAML line
	// a user would edit, not at this loop.
	row := fmt.Sprintf("%s:%d", file, sc.Line)
	loc := types.NewCustomCodeLocation(row)
	loc.FileName, loc.LineNumber = file, sc.Line
	flow := flows[sc.Flow]
	rec := env.Results.Declare(sc, env.Source(sc))
	// No NodeTimeout: a scenario's own time limit would fire while the road
	// honours Retry-After, a poll interval or a slow answer, and call the
	// target's time the vendor's failure. Every wait is bounded at the road
	// instead (exchange's silence clock, the throttle budget, the poll
	// limit), and the run's suite timeout is the backstop.
	decorations := []any{Label(sc.AllLabels()...), loc}
	if env.Priority != nil {
		decorations = append(decorations, SpecPriority(env.Priority(sc)))
	}
	if env.pool != nil {
		env.pool.add(sc, rec, row, flow)
		It(sc.Name(), append(decorations, func(ctx SpecContext) {
			// A worker runs the scenario (or will, first of all, now that
			// its spec waits for it); the spec shows what it did.
			env.pool.await(ctx, sc).replay()
		})...)
		return
	}
	It(sc.Name(), append(decorations, func(ctx SpecContext) {
		r := env.newRun(ctx, sc, rec, row, runSender{})
		env.claim(r)
		env.body(r, flow)
	})...)
}

// body runs one scenario whose users are its own: skipped or not run when
// it cannot run here, else its flow, then the ledger's undos.
func (env *Env) body(r *Run, flow Flow) {
	sc, rec := r.S, r.rec
	rec.Start()
	if reason := env.SkipReason(sc); reason != "" {
		// Missing vars are said once per key (vars.go), not per row.
		if strings.HasPrefix(reason, missingVarsPrefix) {
			rec.group()
		}
		r.skip(reason)
	}
	if s := r.Product.Client.Breaker(); s != "" {
		r.notRun(s)
	}
	// The ledger's undos are registered first so they run last, after
	// every cleanup the row or flow registers (cleanups are LIFO).
	r.host.cleanup(func(cctx context.Context) {
		rc := *r
		// An interrupt arriving while the undos run must not cut them
		// off half-way (Ginkgo cancels the running node's context on
		// SIGINT): each undo request is bounded by the road's silence
		// clock, and a second interrupt still ends the process.
		rc.Ctx = ledger.With(context.WithoutCancel(cctx), r.ledger)
		for _, f := range r.ledger.Unwind(rc.Ctx) {
			rec.Leftover(f.Undo, f.Err)
		}
		rec.Irreversible(r.ledger.IrreversibleChanges())
	})
	flow.Run(r)
}

// SkipReason says why a row cannot run on this target, or "".
func (env *Env) SkipReason(sc *scenario.Scenario) string {
	p := env.Products[config.ProductOf(sc.API)]
	if p == nil || p.Client == nil {
		return fmt.Sprintf("not covered: the config names no URL for %s (products.%s.url or target)", config.ProductOf(sc.API), config.ProductOf(sc.API))
	}
	var missing []string
	for _, l := range sc.AllLabels() {
		if strings.HasPrefix(l, "needs:") && !p.Has(l) {
			missing = append(missing, l)
		}
	}
	if len(missing) > 0 {
		return fmt.Sprintf("the %s config lacks what this scenario needs (%s)", p.Name, strings.Join(missing, ", "))
	}
	if vars := env.MissingVars(sc); len(vars) > 0 {
		return env.missingVarsReason(vars)
	}
	return ""
}

func flowNames() []string {
	var out []string
	for k := range flows {
		if k != "" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// Run is one scenario being run: the row, the shared environment, its
// product, and the spec's context (cancelled when the spec times out).
type Run struct {
	Env     *Env
	S       *scenario.Scenario
	Ctx     context.Context
	Where   string // file:line of the row
	Product *Product
	// Vars are the run's template values with this product's accounts.
	Vars   scenario.Vars
	rec    *Record
	ledger *ledger.Ledger
	// sender sends, judges and ends: the road in a run, the plan's list
	// under --plan.
	sender sender
	// host ends the scenario, keeps its timeline and runs its cleanups:
	// Ginkgo's current spec, or a worker's buffer (host.go).
	host host
	// oigPending are the usr_keys whose update raised a request, with its
	// id; oigNoted those already said unjudged (oig_pending.go).
	oigPending map[string]string
	oigNoted   map[string]bool
}

func (env *Env) newRun(ctx context.Context, sc *scenario.Scenario, rec *Record, where string, s sender) *Run {
	p := env.Products[config.ProductOf(sc.API)]
	if p == nil {
		p = &Product{}
	}
	vars := env.Vars
	vars.Admin, vars.NonAdmin = p.Credentials.Admin.User, p.Credentials.NonAdmin.User
	r := &Run{Env: env, S: sc, Where: where, Product: p, Vars: vars, rec: rec, sender: s, host: ginkgoHost{}}
	r.ledger = ledger.New(s.road(r), r.credential(""))
	r.ledger.SetEPMUsers(ledger.DeclaredEPMUsers(vars.Var)) // put back at the end (epmrestore.go)
	r.Ctx = ledger.With(ctx, r.ledger)
	return r
}

// useVars runs the scenario with other vars than the run's: stand-ins
// for its users the board gave it (claim.go). Nothing has been sent yet.
func (r *Run) useVars(vars map[string]string) {
	if vars == nil {
		return
	}
	standIns, replaced := map[string]string{}, map[string]string{}
	for k, v := range vars {
		if was, ok := r.Env.Vars.Var[k]; ok && was != v {
			standIns[k], replaced[k] = v, was
		}
	}
	r.rec.StandIns(standIns, replaced)
	r.Vars.Var = vars
	r.ledger.SetEPMUsers(ledger.DeclaredEPMUsers(vars))
}

// kindOf is a scenario's kind, from its kind: label.
func kindOf(sc *scenario.Scenario) string {
	for _, l := range sc.AllLabels() {
		if k, ok := strings.CutPrefix(l, "kind:"); ok {
			return k
		}
	}
	return ""
}
