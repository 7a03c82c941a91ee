package runner

import (
	"context"

	"github.com/oracle-users-conformance/conformance/internal/claim"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
	"github.com/oracle-users-conformance/conformance/internal/shard"
	"github.com/oracle-users-conformance/conformance/suites"
)

// shareScenarios lets a process of --procs run a scenario only when the
// parent's board gives it (internal/claim): every process walks every
// selected scenario, the first to ask runs it, and it waits while another
// process's scenario holds a user it names.
func shareScenarios(env *suites.Env, opts Options, named shard.Named, mutates shard.Mutates) {
	if opts.Claim == "" {
		return
	}
	c := &claim.Client{URL: opts.Claim, Proc: opts.Proc}
	env.Claim = func(ctx context.Context, sc *scenario.Scenario) (func(), error) {
		return c.Take(ctx, claim.Request{Scenario: sc.ID, Users: named(sc), Changes: mutates(sc)})
	}
}
