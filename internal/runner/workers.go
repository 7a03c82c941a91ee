package runner

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/oracle-users-conformance/conformance/internal/claim"
	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
	"github.com/oracle-users-conformance/conformance/internal/shard"
	"github.com/oracle-users-conformance/conformance/suites"
)

// useWorkers lets this process run several scenarios at once
// (suites/workers.go). The users are held as under --procs, on a board of
// this process's own (internal/claim): a scenario that changes data holds
// the users it names alone, and offers the config's shard_vars stand-ins
// too, so the rows naming one test user spread over its stand-ins.
// Each worker begins with the scenarios of one product, in proportion to
// the requests each product's rows are expected to send (homeFirst's
// rule), so every product's rate is in use from the first second.
//
// Each worker names what its scenarios create with a run suffix of its
// own (as each process of --procs does): rows that create
// "cnf{{.Run}}jenp" would otherwise create one user twice at once. The
// first worker's is the run's. The secrets a scenario's rows send with
// its worker's suffix and users are learnt as it starts (learn).
func useWorkers(env *suites.Env, opts Options, cfg config.Config, fx fs.FS, mutates shard.Mutates, embedded bool, learn func(*scenario.Scenario, scenario.Vars)) {
	n := workers(cfg, opts, embedded)
	if n <= 1 || opts.Plan {
		return
	}
	offer := offers(cfg, fx, mutates)
	type asked struct {
		req  claim.Request
		sets []map[string]string
	}
	asks := make(map[*scenario.Scenario]asked, len(env.Selected))
	weight := map[string]int{}
	for _, sc := range env.Selected {
		req, sets := offer(sc)
		asks[sc] = asked{req, sets}
		weight[config.ProductOf(sc.API)] += expectedRequests(sc, mutates)
	}
	// The specs run in the order the workers are expected to finish the
	// scenarios, so each spec finds its scenario done or under way and
	// the console's lines come as the scenarios end.
	order := interleave(env.Selected, weight)
	rank := make(map[*scenario.Scenario]int, len(order))
	for i, sc := range order {
		rank[sc] = len(order) - i
	}
	env.Priority = func(sc *scenario.Scenario) int { return rank[sc] }
	board := claim.NewBoard()
	runs := []string{env.Vars.Run}
	for len(runs) < n {
		if id := runID(); !slices.Contains(runs, id) {
			runs = append(runs, id)
		}
	}
	env.Workers = &suites.Workers{
		N:    n,
		Runs: runs,
		Hold: func(sc *scenario.Scenario) (map[string]string, func(), bool) {
			a := asks[sc]
			set, ok := board.TryClaim(a.req)
			if !ok {
				return nil, nil, false
			}
			return a.sets[set], func() { board.Release(a.req.Scenario) }, true
		},
		Home:  func(k int) string { return weightedTurn(weight, k) },
		Learn: learn,
	}
}

// workers is how many scenarios this process runs at once.
func workers(cfg config.Config, opts Options, embedded bool) int {
	switch {
	case opts.Claim != "":
		// A process of --procs: the processes are the run's concurrency,
		// and the parent's board holds the users across them.
		return 1
	case cfg.Workers > 0:
		return cfg.Workers
	case embedded:
		return config.DefaultWorkersEmbedded
	}
	return config.DefaultWorkers
}

// interleave orders the scenarios so that each product's come spread over
// the run in proportion to its weight (a smooth weighted round robin, as
// weightedTurn, over the products that still have scenarios), each
// product's in their declared order.
func interleave(selected []*scenario.Scenario, weight map[string]int) []*scenario.Scenario {
	queues := map[string][]*scenario.Scenario{}
	var names []string
	for _, sc := range selected {
		p := config.ProductOf(sc.API)
		if _, ok := queues[p]; !ok {
			names = append(names, p)
		}
		queues[p] = append(queues[p], sc)
	}
	slices.Sort(names)
	current := map[string]int{}
	out := make([]*scenario.Scenario, 0, len(selected))
	for len(out) < len(selected) {
		pick, total := "", 0
		for _, name := range names {
			if len(queues[name]) == 0 {
				continue
			}
			w := max(weight[name], 1)
			total += w
			current[name] += w
			if pick == "" || current[name] > current[pick] {
				pick = name
			}
		}
		current[pick] -= total
		out = append(out, queues[pick][0])
		queues[pick] = queues[pick][1:]
	}
	return out
}

// runSuffixes is the report's run_id: the run's suffix, and each other
// worker's after it, joined with "+" as a merge of processes' reports
// joins theirs, so every suffix inside a value is normalised (report.Normalize).
func runSuffixes(env *suites.Env) string {
	if env.Workers == nil {
		return env.Vars.Run
	}
	return strings.Join(env.Workers.Runs, "+")
}

// atOnce tells the console how many scenarios run at once, when several do.
func atOnce(env *suites.Env) string {
	if env.Workers == nil {
		return ""
	}
	return fmt.Sprintf(", %d at once (--%s)", env.Workers.N, config.WorkersSetting.Flag)
}
