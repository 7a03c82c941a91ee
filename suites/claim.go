package suites

import (
	"context"
	"errors"

	"github.com/oracle-users-conformance/conformance/internal/claim"
	"github.com/oracle-users-conformance/conformance/internal/report"
)

// claim asks the parent of --procs for the scenario before anything of it
// runs. Another process's scenario is recorded as not run here, quietly:
// the merge of the processes' reports keeps the copy that ran. The
// release is registered first, so it runs last, after every undo: the
// users stay held until the scenario has put them back. The board may
// give the scenario stand-ins for the users vars name (shard_vars): it
// then runs with those, and its ledger puts back theirs.
func (env *Env) claim(r *Run) {
	if env.Claim == nil {
		return
	}
	vars, release, err := env.Claim(r.Ctx, r.S)
	switch {
	case errors.Is(err, claim.ErrElsewhere):
		r.rec.decide(report.NotRun, claim.ErrElsewhere.Error())
		r.host.skip(claim.ErrElsewhere.Error())
	case err != nil:
		r.notRun(err.Error())
	}
	r.host.cleanup(func(context.Context) { release() })
	r.useVars(vars)
}
