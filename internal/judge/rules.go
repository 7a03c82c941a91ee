package judge

import "sort"

// Rule names what an answer broke, in every report (report.json's
// violations[].rule). The names are these constants and one flow rule per
// registered flow (FlowRule); internal/report/report.schema.json lists
// them, and a test holds the list to the code (suites/rules_test.go).
type Rule string

// The judge's rules.
const (
	RuleNo5xx     Rule = "no-5xx"    // a request wrong on purpose got a server error
	RuleContract  Rule = "contract"  // the answer (or request) breaks the OpenAPI operation
	RuleExpect    Rule = "expect"    // the answer breaks the row's expectation
	RuleInvariant Rule = "invariant" // the answer breaks an invariant of its operation (internal/invariant)
)

// FlowRule is the rule a flow's own checks break (a job that never
// finishes, a read-back that differs): "flow:<name>".
func FlowRule(flow string) Rule { return Rule("flow:" + flow) }

// Rules are the judge's rule names, sorted; flow rules come on top.
func Rules() []Rule {
	out := []Rule{RuleNo5xx, RuleContract, RuleExpect, RuleInvariant}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
