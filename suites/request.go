package suites

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	. "github.com/onsi/ginkgo/v2"

	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/expect"
	"github.com/oracle-users-conformance/conformance/internal/judge"
	"github.com/oracle-users-conformance/conformance/internal/report"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
)

// requestFlow is the default: send the row's request, check the answer,
// record what the row observes, then the row's further steps.
func requestFlow(r *Run) {
	r.Prepare()
	ex := r.Send(r.S.Request)
	r.Check(ex, r.S.Expect)
	r.Observe(ex, r.S.Observe)
	r.notePending(ex)
	r.Then()
}

// Then sends the row's further requests, each with its own expectation
// (their operation and target default to the row's: scenario.Parse).
func (r *Run) Then() {
	GinkgoHelper()
	for _, st := range r.S.Then {
		if r.pendingReadBack(st.Request) {
			continue
		}
		ex := r.sendAs(st.Request, exchange.RoleThen)
		r.Check(ex, st.Expect)
		r.Observe(ex, st.Observe)
	}
}

// Prepare runs the row's setup requests, each of which must succeed. What
// they create is undone by the ledger, like everything the row changes.
func (r *Run) Prepare() {
	GinkgoHelper()
	for i, req := range r.S.Setup {
		ex := r.sendAs(req, exchange.RoleSetup)
		if r.answered(ex) && (ex.Status() < 200 || ex.Status() > 299) {
			r.Failf("setup request %d of %d answered HTTP %d, so the scenario cannot run:\n%s", i+1, len(r.S.Setup), ex.Status(), ex.Response.Body)
		}
	}
}

// Send renders and sends one of the row's requests. When there is no usable
// answer the scenario ends there with the honest outcome: skipped (the road
// did not send it), not run (its product's breaker is open) or
// inconclusive (no answer, throttled past the budget, not the API). A
// request meant to be valid that breaks the spec fails the row: then the
// row itself is wrong.
func (r *Run) Send(req scenario.Request) *exchange.Exchange {
	GinkgoHelper()
	return r.sendAs(req, exchange.RoleRequest)
}

func (r *Run) sendAs(req scenario.Request, role exchange.Role) *exchange.Exchange {
	GinkgoHelper()
	return r.sender.send(r, req, role)
}

// answered reports whether ex holds the target's answer (a planned
// request has none): a flow reads and checks only answers.
func (r *Run) answered(ex *exchange.Exchange) bool { return r.sender.answered(ex) }

// Usable ends the scenario, with the outcome that says why, when an
// exchange has no usable answer.
func (r *Run) Usable(ex *exchange.Exchange) {
	GinkgoHelper()
	r.Unusable(ex.Err)
}

// Unusable ends the scenario when err is one of the road's reasons for
// having no usable answer; other errors are left to the caller.
func (r *Run) Unusable(err error) {
	GinkgoHelper()
	if err == nil || !exchange.NoAnswer(err) {
		return
	}
	o, reason := inconclusiveReason(err)
	r.sender.end(r, o, reason)
}

func (r *Run) skip(reason string) { r.sender.end(r, report.Skipped, reason) }

func (r *Run) notRun(reason string) { r.sender.end(r, report.NotRun, reason) }

// Exchange renders and sends a request and records it, judged by every
// check that needs no expectation; the row's expectation is Check's.
func (r *Run) Exchange(req scenario.Request, role exchange.Role) (*exchange.Exchange, error) {
	xr, client, err := r.build(req, role)
	if err != nil {
		return nil, err
	}
	ex, err := client.Do(r.Ctx, xr)
	if err != nil {
		return nil, err
	}
	r.record(ex, nil)
	return ex, nil
}

// record adds an exchange to the evidence and judges it: one road for
// every exchange whatever its role (setup, a flow's upload and polls, the
// ledger's reads and undos fail the scenario when they break a rule). Only
// the row's own request and then-steps are judged in Check instead, with
// the row's expectation (exchange.Role.RowJudged).
func (r *Run) record(ex *exchange.Exchange, _ *scenario.Expect) {
	i := r.rec.Exchange(ex)
	// Ginkgo's timeline (--verbose) shows the same transcript as the reports.
	r.host.entry("exchange", report.Transcript(r.rec.At(i), report.BodyLimit))
	ex.Index = i
	if ex.Err != nil || ex.Role.RowJudged() {
		return
	}
	s := judge.New(ex, r.Env.Catalog, nil, r.Vars)
	if ps := s.Judge(); len(ps) > 0 {
		r.rec.Violations(i, ps)
		var lines []string
		for _, p := range ps {
			lines = append(lines, p.Message)
		}
		r.host.fail(fmt.Sprintf("%s (%s)\n%s %s (%s) answered HTTP %d:\n  - %s", r.S.ID, r.Where, ex.Request.Method, ex.Request.URL, ex.Role, ex.Status(), strings.Join(lines, "\n  - ")))
	}
}

// build turns a row's request into the road's (BuildRequest), and picks
// the client.
func (r *Run) build(req scenario.Request, role exchange.Role) (exchange.Request, *exchange.Client, error) {
	client := r.Product.Client
	if req.Target != "" {
		if client = r.Product.Alt[req.Target]; client == nil {
			return exchange.Request{}, nil, fmt.Errorf("no target %q in the config's alt_targets", req.Target)
		}
	}
	xr, err := BuildRequest(req, role, r.Env.Catalog, r.Env.Fixtures, r.Vars)
	if err != nil {
		return exchange.Request{}, nil, err
	}
	xr.Auth = r.credential(req.Auth)
	return xr, client, nil
}

// credential is the account a row's auth mode names, from its product's
// configuration. Wrong-password probes use the throwaway account, so a
// lockout policy never locks the account the team relies on.
func (r *Run) credential(mode string) *exchange.Credential {
	c := r.Product.Credentials
	switch mode {
	case "none":
		return nil
	case "non-admin":
		return &exchange.Credential{Basic: true, User: c.NonAdmin.User, Password: c.NonAdmin.Password}
	case "wrong-password":
		return &exchange.Credential{Basic: true, User: c.Throwaway.User, Password: c.Throwaway.Password + "-wrong", Probe: true}
	case "bearer":
		return r.bearer()
	case "bad-token":
		return &exchange.Credential{Token: "invalid-" + r.Vars.Run, Probe: true}
	}
	if c.Admin.User == "" {
		return r.bearer()
	}
	return &exchange.Credential{Basic: true, User: c.Admin.User, Password: c.Admin.Password}
}

func (r *Run) bearer() *exchange.Credential {
	if r.Product.Credentials.Token != "" {
		return &exchange.Credential{Token: r.Product.Credentials.Token}
	}
	return &exchange.Credential{Tokens: r.Product.Tokens}
}

// Check judges one of the row's answers: every check of the judge's
// registry, the row's expectation among them. It reports every problem at
// once.
func (r *Run) Check(ex *exchange.Exchange, want scenario.Expect) {
	GinkgoHelper()
	if problems := r.Problems(ex, want); len(problems) > 0 {
		r.Failf("HTTP %d from %s:\n  - %s", ex.Status(), ex.Request.URL, strings.Join(problems, "\n  - "))
	}
}

// Problems is Check without failing, for flows that retry or poll; the
// problems are recorded as the scenario's violations all the same.
func (r *Run) Problems(ex *exchange.Exchange, want scenario.Expect) []string {
	return r.sender.problems(r, ex, want)
}

// Observe records the values at the row's observe paths: evidence of what
// the target does where the documents leave it open.
func (r *Run) Observe(ex *exchange.Exchange, paths []string) { r.sender.observe(r, ex, paths) }

func (r *Run) observeAnswer(ex *exchange.Exchange, paths []string) {
	r.rec.Observe("status", fmt.Sprint(ex.Status()), r.S.Quirk)
	if len(paths) == 0 {
		return
	}
	body := judge.New(ex, r.Env.Catalog, nil, r.Vars).Body
	var lines []string
	lines = append(lines, fmt.Sprintf("HTTP status: %d", ex.Status()))
	for _, p := range paths {
		v := ""
		if body == nil {
			v = "(body is not decoded)"
		} else if vals, ok, _ := expect.Lookup(body, p); !ok {
			v = "absent"
		} else if len(vals) == 1 {
			v = show(vals[0])
		} else {
			v = show(vals)
		}
		v = ex.Redact(v)
		lines = append(lines, fmt.Sprintf("%s: %s", p, v))
		r.rec.Observe(p, v, r.S.Quirk)
	}
	sort.Strings(lines[1:])
	note := ""
	if r.S.Quirk != "" {
		note = " (" + r.S.Quirk + ")"
	}
	r.host.entry("observed"+note, strings.Join(lines, "\n"))
}

// Failf fails the spec with a message that names the scenario row.
func (r *Run) Failf(format string, args ...any) {
	GinkgoHelper()
	r.sender.fail(r, fmt.Sprintf(format, args...))
}

func violations(vs []contract.Violation) string {
	var b strings.Builder
	for _, v := range vs {
		b.WriteString("  - " + v.String() + "\n")
	}
	return b.String()
}

func show(v any) string {
	s := fmt.Sprintf("%v", v)
	if b, err := json.Marshal(v); err == nil {
		s = string(b)
	}
	if len(s) > 500 {
		s = s[:500] + "…"
	}
	return s
}
