// Package suites turns the scenario tables into Ginkgo specs. Every row
// becomes one top-level It named "<ID> <title>", so the stable ID begins its
// JUnit name, with the row's labels, and a code location pointing at the row
// in its YAML file. A row's flow (one request by default) is Go; everything
// else about it is data.
package suites

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
)

// Env is what every spec of a run shares. It is read-only once Build ran.
type Env struct {
	Config config.Config
	Client *exchange.Client
	// AltClients talk to the config's alt_targets, by name.
	AltClients map[string]*exchange.Client
	Fixtures   fs.FS
	// FixturesDir is where the tables live on disk, for code locations;
	// empty when they are the copy built into the binary.
	FixturesDir string
	Tables      []*scenario.Table
	Vars        scenario.Vars
	// Foreign is true for any target but the embedded mock: rows that change
	// data run there only with allow_mutations.
	Foreign bool
}

// Flow runs one scenario row.
type Flow func(r *Run)

var flows = map[string]Flow{"": requestFlow}

// RegisterFlow makes a flow available to rows that name it. Call from init.
func RegisterFlow(name string, f Flow) {
	if _, dup := flows[name]; dup {
		panic("suites: flow registered twice: " + name)
	}
	flows[name] = f
}

// Build declares the spec tree. Call it once, before RunSpecs, never from a
// BeforeSuite: Ginkgo needs the whole tree before it starts.
func Build(env *Env) int {
	n := 0
	for _, t := range env.Tables {
		for i := range t.Scenarios {
			declare(env, &t.Scenarios[i])
			n++
		}
	}
	return n
}

func declare(env *Env, sc *scenario.Scenario) {
	file := sc.File
	switch {
	case strings.HasPrefix(sc.File, "specs/"): // generated from a spec
		file = filepath.FromSlash(sc.File) + " (built in)"
	case env.FixturesDir != "":
		file = filepath.Join(env.FixturesDir, filepath.FromSlash(sc.File))
	default:
		file = filepath.Join("fixtures", filepath.FromSlash(sc.File)) + " (built in)"
	}
	// The spec's location is the data row, so reports point at the YAML line
	// a user would edit, not at this loop.
	where := types.CodeLocation{FileName: file, LineNumber: sc.Line}
	flow, known := flows[sc.Flow]
	It(sc.Name(), Label(sc.AllLabels()...), where, NodeTimeout(env.specTimeout()), func(ctx SpecContext) {
		if !known {
			Fail(fmt.Sprintf("%s: flow %q is not known (known: %s)", sc.ID, sc.Flow, strings.Join(flowNames(), ", ")))
		}
		if reason := env.SkipReason(sc); reason != "" {
			Skip(reason)
		}
		flow(&Run{Env: env, S: sc, Ctx: ctx, Where: fmt.Sprintf("%s:%d", file, sc.Line)})
	})
}

// specTimeout bounds a whole scenario: its requests and its polling. Each
// request has its own timeout; this is the backstop that keeps a run from
// hanging on a target that trickles bytes forever.
func (env *Env) specTimeout() time.Duration {
	return 2*env.Config.Poll.Limit.D() + 10*env.Config.Timeout.D()
}

// SkipReason says why a row cannot run on this target, or "".
func (env *Env) SkipReason(sc *scenario.Scenario) string {
	var missing []string
	for _, l := range sc.AllLabels() {
		if strings.HasPrefix(l, "needs:") && !env.Config.Has(l) {
			missing = append(missing, l)
		}
	}
	if len(missing) > 0 {
		return fmt.Sprintf("the target config lacks what this scenario needs (%s)", strings.Join(missing, ", "))
	}
	if sc.Mutates() && env.Foreign && !env.Config.AllowMutations {
		return "changes data on the target: run with --allow-mutations to include it"
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

// Run is one scenario being run: the row, the shared environment, and the
// spec's context (cancelled when the spec times out).
type Run struct {
	Env   *Env
	S     *scenario.Scenario
	Ctx   context.Context
	Where string // file:line of the row
}
