package suites

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"

	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/judge"
)

// Broke fails the row for one of its flow's own checks (a refused submit
// that started a job, a read-back that differs), recorded as the named
// rule flow:<name> (judge.FlowRule) on the exchange that showed it (nil:
// none in particular), so report.json names the rule like any other. A
// plan has no answers, so under --plan nothing breaks (sender.go).
func (r *Run) Broke(ex *exchange.Exchange, format string, args ...any) {
	GinkgoHelper()
	r.sender.broke(r, ex, fmt.Sprintf(format, args...))
}

// ruleNames are every rule a report may name: the judge's and one per
// registered flow.
func ruleNames() []string {
	var out []string
	for _, r := range judge.Rules() {
		out = append(out, string(r))
	}
	for name := range flows {
		if name == "" {
			continue // the default flow has no checks of its own
		}
		out = append(out, string(judge.FlowRule(name)))
	}
	return out
}
