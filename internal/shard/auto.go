package shard

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/oracle-users-conformance/conformance/internal/config"
)

// ciIndex is how one CI system tells a parallel job which part it is.
type ciIndex struct {
	system, index, total string
	// oneBased: GitLab counts its nodes from 1, the others from 0.
	oneBased bool
}

// ciIndexes are the CI systems' own variables, in the order they are
// tried. A Kubernetes Indexed Job gives only the index; its total comes
// from TotalEnv or from "auto/N".
var ciIndexes = []ciIndex{
	{"GitLab CI (parallel:)", "CI_NODE_INDEX", "CI_NODE_TOTAL", true},
	{"CircleCI (parallelism:)", "CIRCLE_NODE_INDEX", "CIRCLE_NODE_TOTAL", false},
	{"Buildkite (parallelism:)", "BUILDKITE_PARALLEL_JOB", "BUILDKITE_PARALLEL_JOB_COUNT", false},
	{"a Kubernetes Indexed Job", "JOB_COMPLETION_INDEX", TotalEnv, false},
}

// TotalEnv gives the number of parts where the CI system does not (a
// Kubernetes Indexed Job: set it to the Job's completions).
const TotalEnv = config.ShardTotalEnv

// Auto turns "auto" or "auto/N" into "K/N" from the CI system's own
// variables; any other spec is returned as it is. lookup is os.LookupEnv
// in use.
func Auto(spec string, lookup func(string) (string, bool)) (string, error) {
	rest, ok := strings.CutPrefix(spec, "auto")
	if !ok || rest != "" && !strings.HasPrefix(rest, "/") {
		return spec, nil
	}
	flagTotal := 0
	if rest != "" {
		n, err := strconv.Atoi(rest[1:])
		if err != nil || n < 1 {
			return "", fmt.Errorf("--shard %q: the total after auto/ is not a positive number", spec)
		}
		flagTotal = n
	}
	for _, ci := range ciIndexes {
		raw, ok := lookup(ci.index)
		if !ok || raw == "" {
			continue
		}
		idx, err := strconv.Atoi(raw)
		if err != nil {
			return "", fmt.Errorf("--shard auto: %s=%q (%s) is not a number", ci.index, raw, ci.system)
		}
		total := flagTotal
		if t, ok := lookup(ci.total); ok && t != "" && total == 0 {
			if total, err = strconv.Atoi(t); err != nil {
				return "", fmt.Errorf("--shard auto: %s=%q (%s) is not a number", ci.total, t, ci.system)
			}
		}
		if total == 0 {
			return "", fmt.Errorf("--shard auto: %s gives %s but no total: set %s, or give --shard auto/N", ci.system, ci.index, ci.total)
		}
		k := idx + 1
		if ci.oneBased {
			k = idx
		}
		out := fmt.Sprintf("%d/%d", k, total)
		if _, _, err := Parse(out); err != nil {
			return "", fmt.Errorf("--shard auto: %s says %s=%s of %d: %w", ci.system, ci.index, raw, total, err)
		}
		return out, nil
	}
	var names []string
	for _, ci := range ciIndexes {
		names = append(names, ci.index+" ("+ci.system+")")
	}
	return "", fmt.Errorf("--shard auto: none of %s is set; on GitHub Actions give --shard K/N from the matrix", strings.Join(names, ", "))
}
