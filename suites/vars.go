package suites

// Missing vars: a row naming a var the config lacks is skipped with the
// reason, and the console and the reports say so once per key ("vars.KEY
// (what it names): N scenarios skipped") instead of once per row: a
// read-only first run with a URL and an account must not drown in them.

import (
	"fmt"
	"sort"
	"strings"

	"github.com/oracle-users-conformance/conformance/internal/scenario"
)

// missingVarsPrefix begins the skip reason of a row whose vars the config
// lacks; the console groups those rows under one line per key.
const missingVarsPrefix = "the config lacks "

// MissingVars are the vars a row names that the config lacks, sorted.
func (env *Env) MissingVars(sc *scenario.Scenario) []string {
	used := sc.VarsUsed(env.Fixtures)
	if f := flows[sc.Flow]; f.Vars != nil {
		used = append(used, f.Vars(sc.With)...)
	}
	seen := map[string]bool{}
	var out []string
	for _, k := range used {
		if _, ok := env.Vars.Var[k]; !ok && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func (env *Env) missingVarsReason(missing []string) string {
	described := make([]string, len(missing))
	for i, k := range missing {
		described[i] = env.describeVar(k)
	}
	return missingVarsPrefix + strings.Join(described, ", ")
}

func (env *Env) describeVar(key string) string {
	if env.VarsCatalogue == nil {
		return "vars." + key
	}
	return env.VarsCatalogue.Describe(key)
}

// MissingVarsSummary is one sentence per missing key: how many of the
// selected scenarios it skips. Rows of a product the config does not cover
// are skipped for that, and not counted here.
func (env *Env) MissingVarsSummary() []string {
	count := map[string]int{}
	for _, sc := range env.Selected {
		if !strings.HasPrefix(env.SkipReason(sc), missingVarsPrefix) {
			continue
		}
		for _, k := range env.MissingVars(sc) {
			count[k]++
		}
	}
	keys := make([]string, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, len(keys))
	for i, k := range keys {
		noun := "scenarios"
		if count[k] == 1 {
			noun = "scenario"
		}
		out[i] = fmt.Sprintf("%s: %d %s skipped", env.describeVar(k), count[k], noun)
	}
	return out
}

// group marks a record whose console line is said by a grouped sentence.
func (r *Record) group() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.grouped = true
}
