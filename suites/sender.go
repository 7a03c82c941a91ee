package suites

// A flow is written once, against a sender: the run's sends each request
// through the road, records it and judges it (runSender); --plan's resolves
// each as the road would and lists it, sending nothing (planSender). So the
// plan follows the same code as the run and cannot describe another flow.

import (
	"context"
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"

	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/judge"
	"github.com/oracle-users-conformance/conformance/internal/ledger"
	"github.com/oracle-users-conformance/conformance/internal/report"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
)

// sender is everything a flow does that reaches beyond its row: sending,
// judging and recording answers, and ending the scenario.
type sender interface {
	// send takes one of the row's or the flow's requests to the target
	// and gives its answer. A planned request has none: its exchange is
	// empty, and answered says so.
	send(r *Run, req scenario.Request, role exchange.Role) *exchange.Exchange
	// road is what the ledger sends its reads and undos through.
	road(r *Run) ledger.Sender
	// answered reports whether ex holds the target's answer.
	answered(ex *exchange.Exchange) bool
	// follow is the path, on the configured target, of the link with rel
	// that an answer gives (from names the answer, for the plan). A plan
	// has no answer: its path is a placeholder the next request is
	// planned with.
	follow(r *Run, ex *exchange.Exchange, rel, from string) (path, note string, err error)
	// problems judges an answer against want and records what is wrong.
	problems(r *Run, ex *exchange.Exchange, want scenario.Expect) []string
	// observe records the values at paths of an answer.
	observe(r *Run, ex *exchange.Exchange, paths []string)
	// broke fails the row for one of its flow's own checks of an answer.
	broke(r *Run, ex *exchange.Exchange, msg string)
	// fail ends the scenario as failed: the row or the target is wrong.
	fail(r *Run, msg string)
	// end ends the scenario without a verdict (skipped, not run,
	// inconclusive) with the reason.
	end(r *Run, o report.Outcome, reason string)
	// logf writes to the scenario's timeline.
	logf(r *Run, format string, args ...any)
}

// runSender sends through the road, records every exchange and judges it.
type runSender struct{}

func (runSender) send(r *Run, req scenario.Request, role exchange.Role) *exchange.Exchange {
	GinkgoHelper()
	ex, err := r.Exchange(req, role)
	if err != nil {
		r.Failf("the scenario row cannot be sent: %v", err)
	}
	r.Usable(ex)
	if !req.Invalid && len(ex.RequestViolations) > 0 {
		r.Failf("the request breaks the spec, so the row is wrong (mark it `invalid: true` if that is the point):\n%s", violations(ex.RequestViolations))
	}
	return ex
}

// road: reads before a change and undos go through the same client, and
// are recorded and judged like every other exchange.
func (runSender) road(r *Run) ledger.Sender {
	return func(ctx context.Context, c *exchange.Client, req exchange.Request) (*exchange.Exchange, error) {
		ex, err := c.Do(ctx, req)
		if err != nil {
			return nil, err
		}
		r.record(ex, nil)
		return ex, nil
	}
}

func (runSender) answered(*exchange.Exchange) bool { return true }

func (runSender) follow(r *Run, ex *exchange.Exchange, rel, _ string) (string, string, error) {
	href, ok := link(ex, rel)
	if !ok {
		return "", "", fmt.Errorf("the answer has no link with rel %q", rel)
	}
	path, note, err := r.linkPath(href)
	if err != nil {
		return "", "", fmt.Errorf("the %s link %q cannot be followed: %w", rel, href, err)
	}
	return path, note, nil
}

func (runSender) problems(r *Run, ex *exchange.Exchange, want scenario.Expect) []string {
	s := judge.New(ex, r.Env.Catalog, &want, r.Vars)
	ps := s.Judge()
	r.rec.Violations(ex.Index, ps)
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Message
	}
	return out
}

func (runSender) observe(r *Run, ex *exchange.Exchange, paths []string) { r.observeAnswer(ex, paths) }

func (runSender) broke(r *Run, ex *exchange.Exchange, msg string) {
	GinkgoHelper()
	i := -1
	if ex != nil {
		i = ex.Index
	}
	r.rec.Violations(i, []judge.Problem{{Rule: judge.FlowRule(r.S.Flow), Message: msg}})
	r.Failf("%s", msg)
}

func (runSender) fail(r *Run, msg string) {
	GinkgoHelper()
	r.host.fail(fmt.Sprintf("%s (%s)\n%s", r.S.ID, r.Where, msg))
}

func (runSender) end(r *Run, o report.Outcome, reason string) {
	switch o {
	case report.Skipped:
		r.rec.decide(report.Skipped, reason)
		r.host.skip(reason)
	case report.NotRun:
		r.Env.Console.Once(reason)
		r.rec.decide(report.NotRun, reason)
		r.host.skip("not run: " + reason)
	default:
		if s := r.Product.Client.Breaker(); s != "" {
			r.Env.Console.Once(s)
		}
		r.rec.decide(report.Inconclusive, reason)
		r.host.skip("inconclusive: " + reason)
	}
}

func (runSender) logf(r *Run, format string, args ...any) {
	fmt.Fprintf(r.host.log(), format, args...)
}

// planSender resolves every request as the road would and lists it,
// sending nothing. No answer comes, so nothing is judged or observed, and
// a flow's own checks cannot break; a read the ledger or a flow makes
// finds no user. A flow that ends the scenario ends its plan.
type planSender struct {
	requests []PlannedRequest
	// links are the placeholder paths follow gave, with what they stand
	// for.
	links map[string]string
}

// planEnd stops a flow being planned; Plan recovers it.
type planEnd struct{ reason string }

func (p *planSender) send(r *Run, req scenario.Request, role exchange.Role) *exchange.Exchange {
	pr, xr := p.plan(r, req, role)
	if what, ok := p.links[xr.Path]; ok {
		pr.URL = what
	}
	p.requests = append(p.requests, pr)
	return &exchange.Exchange{Operation: pr.Operation, Role: role, Tier: exchange.Tier(pr.Tier), Request: exchange.Recorded{Method: pr.Method, URL: pr.URL}}
}

// plan resolves one request as the road would.
func (p *planSender) plan(r *Run, req scenario.Request, role exchange.Role) (PlannedRequest, exchange.Request) {
	xr, client, err := r.build(req, role)
	if err != nil {
		return PlannedRequest{Role: string(role), Refused: "cannot be built: " + err.Error()}, xr
	}
	pr := p.resolve(client, xr, role)
	pr.FailedLogin = req.Auth == "wrong-password"
	return pr, xr
}

func (p *planSender) resolve(client *exchange.Client, xr exchange.Request, role exchange.Role) PlannedRequest {
	method, full, op, tier, err := client.Resolve(xr)
	if err != nil {
		return PlannedRequest{Role: string(role), Refused: "cannot be built: " + err.Error()}
	}
	pr := PlannedRequest{Role: string(role), Method: method, URL: full, Tier: string(tier)}
	if op != nil {
		pr.Operation = op.ID
		if tier != exchange.TierRead && role != exchange.RoleUndo {
			pr.Undo = ledger.PlanFor(op.ID)
		}
	}
	if role != exchange.RoleUndo && !client.Policy().Allows(tier) {
		pr.Refused = fmt.Sprintf("%s %s (%s) would not be sent without --allow-%s", method, full, tier, map[exchange.Tier]string{exchange.TierRefusal: "refusals", exchange.TierMutation: "mutations"}[tier])
	}
	return pr
}

// road lists the ledger's and the flows' reads of users, and answers each
// that there is no such user: the plan knows none, so nothing is kept to
// be put back and nothing read afterwards.
func (p *planSender) road(*Run) ledger.Sender {
	return func(_ context.Context, c *exchange.Client, req exchange.Request) (*exchange.Exchange, error) {
		pr := p.resolve(c, req, req.Role)
		p.requests = append(p.requests, pr)
		return &exchange.Exchange{Operation: pr.Operation, Role: req.Role, Response: exchange.Recorded{Status: 404}}, nil
	}
}

func (*planSender) answered(*exchange.Exchange) bool { return false }

func (p *planSender) follow(_ *Run, _ *exchange.Exchange, rel, from string) (string, string, error) {
	if p.links == nil {
		p.links = map[string]string{}
	}
	path := fmt.Sprintf("/conformance-plan/link-%d", len(p.links)+1)
	p.links[path] = fmt.Sprintf("(the %s link %s answers)", rel, from)
	return path, "", nil
}

func (*planSender) problems(*Run, *exchange.Exchange, scenario.Expect) []string { return nil }
func (*planSender) observe(*Run, *exchange.Exchange, []string)                  {}
func (*planSender) broke(*Run, *exchange.Exchange, string)                      {}
func (*planSender) logf(*Run, string, ...any)                                   {}

func (*planSender) fail(_ *Run, msg string) {
	panic(planEnd{"cannot be planned: " + strings.TrimSpace(msg)})
}

func (*planSender) end(_ *Run, o report.Outcome, reason string) {
	switch o {
	case report.Skipped:
	case report.NotRun:
		reason = "not run: " + reason
	default:
		reason = "inconclusive: " + reason
	}
	panic(planEnd{reason})
}
