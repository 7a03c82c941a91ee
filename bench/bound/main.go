// Command bound reads a run's report.json and says how close the run came
// to the bound a target's rate sets: no run can be faster than the busiest
// product's requests ÷ R (each product has its own rate) plus the longest
// chain of dependent requests (a scenario's exchanges, one after another,
// each at least the latency). It also prints requests per scenario per API,
// so a row that sends more than it needs shows, and a second bound the
// suite's own design sets: scenarios that change the same user never
// overlap (each user a scenario touches has one holder at a time), so the
// requests of every scenario changing the busiest user are one chain. A
// scenario that ran with a stand-in (report stand_ins) counts for the
// stand-in.
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/generate"
	"github.com/oracle-users-conformance/conformance/internal/report"
	"github.com/oracle-users-conformance/conformance/internal/runner"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
)

func main() {
	rate := flag.Float64("rate", 20, "requests per second per product (R)")
	latency := flag.Duration("latency", 200*time.Millisecond, "the target's latency per request")
	wall := flag.Float64("wall", 0, "the run's wall time in seconds")
	cfgFile := flag.String("config", "fixtures/targets/mock.yaml", "the run's config, whose vars name the users")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: bound [-rate R] [-latency D] -wall S report.json")
		os.Exit(2)
	}
	run, err := report.LoadJSON(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	perProduct := map[string]int{}
	type api struct{ scenarios, requests int }
	perAPI := map[string]*api{}
	longest, longestID := 0, ""
	total := 0
	for _, s := range run.Scenarios {
		n := len(s.Exchanges)
		total += n
		perProduct[config.ProductOf(s.API)] += n
		a := perAPI[s.API]
		if a == nil {
			a = &api{}
			perAPI[s.API] = a
		}
		a.scenarios++
		a.requests += n
		if n > longest {
			longest, longestID = n, s.ID
		}
	}
	busiest := 0
	for _, n := range perProduct {
		busiest = max(busiest, n)
	}
	chain := time.Duration(longest) * *latency
	bound := float64(busiest) / *rate + chain.Seconds()
	fmt.Printf("   requests: %d in all; busiest product %d ÷ R %g/s = %.1f s; longest chain %d requests (%s) × %s = %.1f s\n",
		total, busiest, *rate, float64(busiest) / *rate, longest, longestID, *latency, chain.Seconds())
	if *wall > 0 {
		fmt.Printf("   wall %.1f s vs bound %.1f s: %.2f × the bound (target ≤ 1.25)\n", *wall, bound, *wall/bound)
	} else {
		fmt.Printf("   bound %.1f s\n", bound)
	}
	if user, n, reqs, holders, holderReqs, err := busiestUser(run, *cfgFile); err != nil {
		fmt.Fprintln(os.Stderr, "   the users' chain:", err)
	} else if user != "" {
		uchain := (time.Duration(reqs) * *latency).Seconds()
		both := max(bound, uchain)
		fmt.Printf("   the users' chain: %d scenarios change %s, %d requests one after another × %s = %.1f s\n", n, user, reqs, *latency, uchain)
		fmt.Printf("   (with the %d scenarios that only read it or must be refused, which may overlap each other but no change: %d requests, %.1f s one after another)\n",
			holders[user]-n, holderReqs[user], (time.Duration(holderReqs[user]) * *latency).Seconds())
		if *wall > 0 {
			fmt.Printf("   wall %.1f s vs the bound with the users' chain %.1f s: %.2f ×\n", *wall, both, *wall/both)
		}
	}
	apis := make([]string, 0, len(perAPI))
	for k := range perAPI {
		apis = append(apis, k)
	}
	sort.Strings(apis)
	for _, k := range apis {
		a := perAPI[k]
		fmt.Printf("   %-8s %3d scenarios %5d requests  %.2f per scenario\n", k, a.scenarios, a.requests, float64(a.requests)/float64(a.scenarios))
	}
}

// busiestUser finds the user the most requests of changing scenarios name:
// those scenarios hold it one at a time.
func busiestUser(run *report.Run, cfgFile string) (user string, scenarios, requests int, holders, holderReqs map[string]int, err error) {
	cfg, err := config.Load(cfgFile)
	if err != nil {
		return "", 0, 0, nil, nil, err
	}
	cat, err := contract.Builtin()
	if err != nil {
		return "", 0, 0, nil, nil, err
	}
	// The generated rows too: they name users as the written ones do.
	tables, err := generate.All(fixtures.FS, cat, cfg.Seed)
	if err != nil {
		return "", 0, 0, nil, nil, err
	}
	rows := map[string]*scenario.Scenario{}
	for _, t := range tables {
		for i := range t.Scenarios {
			rows[t.Scenarios[i].ID] = &t.Scenarios[i]
		}
	}
	named, mutates := runner.Named(fixtures.FS, cfg.Vars), runner.Mutates(cat)
	reqs, count := map[string]int{}, map[string]int{}
	holders, holderReqs = map[string]int{}, map[string]int{}
	for _, s := range run.Scenarios {
		sc := rows[s.ID]
		if sc == nil {
			continue
		}
		for _, k := range named(sc) {
			// The user it ran with: a stand-in (shard_vars) under --procs.
			u := k + "=" + cfg.Vars[k]
			if v, ok := s.StandIns[k]; ok {
				u = k + "=" + v
			}
			holders[u]++
			holderReqs[u] += len(s.Exchanges)
			if mutates(sc) {
				reqs[u] += len(s.Exchanges)
				count[u]++
			}
		}
	}
	for u, n := range reqs {
		if n > requests || n == requests && u < user {
			user, requests, scenarios = u, n, count[u]
		}
	}
	return user, scenarios, requests, holders, holderReqs, nil
}
