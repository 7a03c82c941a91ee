package runner

import (
	"context"
	"io/fs"
	"slices"

	"github.com/oracle-users-conformance/conformance/internal/claim"
	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
	"github.com/oracle-users-conformance/conformance/internal/shard"
	"github.com/oracle-users-conformance/conformance/suites"
)

// shareScenarios lets a process of --procs run a scenario only when the
// parent's board gives it (internal/claim): every process walks every
// selected scenario, the first to ask runs it, and it waits while another
// process's scenario holds a user it names.
//
// The config's shard_vars are stand-ins for the users vars name (jdoe2
// for jdoe): a scenario offers the board every set and runs with the
// first whose users are free, so the dozens of rows naming the first test
// user of a product spread over its stand-ins instead of queueing for it.
// A scenario that names a user literally (a document's own example) is
// offered only sets that keep that user: its body would not follow a swap.
func shareScenarios(env *suites.Env, opts Options, cfg config.Config, fx fs.FS, mutates shard.Mutates) {
	if opts.Claim == "" {
		return
	}
	offer := offers(cfg, fx, mutates)
	env.Priority = homeFirst(env.Selected, opts.Proc, mutates)
	c := &claim.Client{URL: opts.Claim, Proc: opts.Proc}
	env.Claim = func(ctx context.Context, sc *scenario.Scenario) (map[string]string, func(), error) {
		req, offered := offer(sc)
		set, release, err := c.Take(ctx, req)
		if err != nil {
			return nil, nil, err
		}
		return offered[set], release, nil
	}
}

// offers is what a scenario asks the board for: the users it names in
// vars and in each stand-in set it may run with, and those sets' vars.
func offers(cfg config.Config, fx fs.FS, mutates shard.Mutates) func(sc *scenario.Scenario) (claim.Request, []map[string]string) {
	named := Named(fx, cfg.Vars)
	sets := userSets(cfg)
	namedLiterally := shard.Literal(fx, cfg.Vars)
	return func(sc *scenario.Scenario) (claim.Request, []map[string]string) {
		keys := named(sc)
		req := claim.Request{Scenario: sc.ID, Users: usersIn(keys, sets[0]), Changes: mutates(sc)}
		offered := []map[string]string{sets[0]}
		seen := [][]string{req.Users}
		for _, set := range sets[1:] {
			if !sameUsers(namedLiterally(sc), set, sets[0]) {
				continue // the row names a user this set replaces: its body would not follow
			}
			users := usersIn(keys, set)
			if slices.ContainsFunc(seen, func(s []string) bool { return slices.Equal(s, users) }) {
				continue // the same users: nothing to gain by offering it
			}
			seen = append(seen, users)
			req.Alternatives = append(req.Alternatives, users)
			offered = append(offered, set)
		}
		return req, offered
	}
}

// userSets are the vars a scenario may run with: vars itself, then vars
// with each shard_vars set in place of what it names. A stand-in whose
// attributes the set does not declare loses the declared attributes of
// the user it stands for (keepOwnAttributes).
func userSets(cfg config.Config) []map[string]string {
	sets := []map[string]string{cfg.Vars}
	for _, alt := range cfg.ShardVars {
		set := make(map[string]string, len(cfg.Vars))
		for k, v := range cfg.Vars {
			set[k] = v
		}
		for k, v := range alt {
			set[k] = v
		}
		sets = append(sets, keepOwnAttributes(cfg.Vars, set))
	}
	return sets
}

// usersIn are the values the keys have in one set, sorted: what the board
// holds. A key the set lacks stands for itself (the row is skipped for it
// anyway).
func usersIn(keys []string, set map[string]string) []string {
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		if v, ok := set[k]; ok {
			out = append(out, v)
		} else {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Named finds the vars a scenario touches: those its templates name, those
// whose values its fixtures name literally, and those its flow reads for
// it (the v1 flow's generated rows name every EPM user).
func Named(fx fs.FS, vars map[string]string) shard.Named {
	named := shard.Users(fx, vars)
	return func(sc *scenario.Scenario) []string {
		keys := named(sc)
		extra := suites.FlowVars(sc)
		if len(extra) == 0 {
			return keys
		}
		out := append(slices.Clone(keys), extra...)
		slices.Sort(out)
		return slices.Compact(out)
	}
}

// homeFirst orders a process's walk so that it begins with the scenarios
// of one product, its home: each product has its own rate at the target,
// and a run is over soonest when every product's rate is in use from the
// first second, not when every process starts on the product the shuffle
// happened to put first. Homes go to the processes in proportion to the
// requests each product's rows are expected to send (a smooth weighted
// round robin, the same for process k however many there are); after its
// home's scenarios a process helps with the rest.
func homeFirst(selected []*scenario.Scenario, proc int, mutates shard.Mutates) func(*scenario.Scenario) int {
	weight := map[string]int{}
	for _, sc := range selected {
		weight[config.ProductOf(sc.API)] += expectedRequests(sc, mutates)
	}
	home := weightedTurn(weight, proc)
	return func(sc *scenario.Scenario) int {
		if config.ProductOf(sc.API) == home {
			return 1
		}
		return 0
	}
}

// expectedRequests is what a row is expected to send: its setup, its
// request, its follow-ups, and for a row that changes data a read before
// and an undo after.
func expectedRequests(sc *scenario.Scenario, mutates shard.Mutates) int {
	n := len(sc.Requests())
	if mutates(sc) {
		n += 2
	}
	return n
}

// weightedTurn is the k-th pick (k ≥ 1) of a smooth weighted round robin
// over the weights: every prefix of picks is as close to the weights'
// proportions as whole picks allow.
func weightedTurn(weight map[string]int, k int) string {
	names := make([]string, 0, len(weight))
	total := 0
	for name, w := range weight {
		names = append(names, name)
		total += w
	}
	slices.Sort(names)
	current := map[string]int{}
	pick := ""
	for i := 0; i < k; i++ {
		pick = ""
		for _, name := range names {
			current[name] += weight[name]
			if pick == "" || current[name] > current[pick] {
				pick = name
			}
		}
		if pick == "" {
			return ""
		}
		current[pick] -= total
	}
	return pick
}

// sameUsers: the keys have the same values in both sets.
func sameUsers(keys []string, a, b map[string]string) bool {
	for _, k := range keys {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}
