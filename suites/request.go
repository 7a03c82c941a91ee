package suites

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	. "github.com/onsi/ginkgo/v2"

	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/expect"
	"github.com/oracle-users-conformance/conformance/internal/invariant"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
)

// requestFlow is the default: send the row's request, check the answer,
// record what the row observes.
func requestFlow(r *Run) {
	r.Prepare()
	ex := r.Send(r.S.Request)
	r.Check(ex, r.S.Expect)
	r.Observe(ex, r.S.Observe)
	for _, st := range r.S.Then {
		req := st.Request
		if req.Operation == "" {
			req.Operation = r.S.Request.Operation
		}
		if req.Target == "" {
			req.Target = r.S.Request.Target
		}
		ex := r.Send(req)
		r.Check(ex, st.Expect)
		r.Observe(ex, st.Observe)
	}
}

// Prepare registers the row's cleanups, then runs its setup requests.
// Cleanups are registered first: if the scenario creates something
// unexpectedly (or a setup half-succeeds), it is still removed.
func (r *Run) Prepare() {
	GinkgoHelper()
	for i := range r.S.Cleanup {
		req := r.S.Cleanup[i]
		if req.Operation == "" {
			req.Operation = r.S.Request.Operation
		}
		// The spec's context ends with the It, before cleanups run: each
		// cleanup gets the context Ginkgo gives it.
		DeferCleanup(func(ctx SpecContext) {
			rc := *r
			rc.Ctx = ctx
			rc.cleanup(req)
		})
	}
	for i, req := range r.S.Setup {
		if req.Operation == "" {
			req.Operation = r.S.Request.Operation
		}
		ex := r.Send(req)
		if ex.Status() < 200 || ex.Status() > 299 {
			r.Failf("setup request %d of %d answered HTTP %d, so the scenario cannot run:\n%s", i+1, len(r.S.Setup), ex.Status(), ex.Response.Body)
		}
	}
}

// cleanup undoes what a scenario may have created; "not found" is done.
func (r *Run) cleanup(req scenario.Request) {
	GinkgoHelper()
	ex, err := r.Exchange(req)
	switch {
	case err != nil:
		r.Failf("cleanup cannot be sent: %v", err)
	case ex.Err != nil:
		r.Failf("cleanup: %v (the target may still hold what this scenario created)", ex.Err)
	case ex.Status() == 404 || (ex.Status() >= 200 && ex.Status() <= 299):
	default:
		r.Failf("cleanup %s %s answered HTTP %d: the target may still hold what this scenario created", ex.Request.Method, ex.Request.URL, ex.Status())
	}
}

// Send renders and sends one request, attaches the exchange to the spec's
// report, and fails the spec when the target could not be reached or when a
// request meant to be valid breaks the spec (then the row itself is wrong).
func (r *Run) Send(req scenario.Request) *exchange.Exchange {
	GinkgoHelper()
	ex, err := r.Exchange(req)
	if err != nil {
		r.Failf("the scenario row cannot be sent: %v", err)
	}
	if ex.Err != nil {
		r.Failf("%v", ex.Err)
	}
	if !req.Invalid && len(ex.RequestViolations) > 0 {
		r.Failf("the request breaks the spec, so the row is wrong (mark it `invalid: true` if that is the point):\n%s", violations(ex.RequestViolations))
	}
	return ex
}

// Exchange renders and sends a request and reports it, without judging the
// outcome. Flows that expect a transport failure use it directly.
func (r *Run) Exchange(req scenario.Request) (*exchange.Exchange, error) {
	body, err := req.Render(r.Env.Fixtures, r.Env.Vars)
	if err != nil {
		return nil, err
	}
	path, err := r.path(req)
	if err != nil {
		return nil, err
	}
	path, err = scenario.Render("path", path, r.Env.Vars)
	if err != nil {
		return nil, err
	}
	header := http.Header{}
	for k, v := range req.Headers {
		rv, err := scenario.Render("header "+k, v, r.Env.Vars)
		if err != nil {
			return nil, err
		}
		header.Set(k, rv)
	}
	query := url.Values{}
	for k, v := range req.Query {
		rv, err := scenario.Render("query "+k, v, r.Env.Vars)
		if err != nil {
			return nil, err
		}
		query.Set(k, rv)
	}
	client := r.Env.Client
	if req.Target != "" {
		if client = r.Env.AltClients[req.Target]; client == nil {
			return nil, fmt.Errorf("no target %q in the config's alt_targets", req.Target)
		}
	}
	ex, err := client.Do(r.Ctx, exchange.Request{
		Operation: req.Operation,
		Method:    req.Method,
		Path:      path,
		Query:     query,
		Header:    header,
		Body:      body,
		Auth:      r.credential(req.Auth),
		Unchecked: req.Invalid,
	})
	if err != nil {
		return nil, err
	}
	AddReportEntry("exchange", ex.Transcript(), ReportEntryVisibilityFailureOrVerbose)
	return ex, nil
}

// path fills the operation's template from the row's params unless the row
// gives a path of its own.
func (r *Run) path(req scenario.Request) (string, error) {
	if req.Path != "" {
		return req.Path, nil
	}
	op, ok := r.Env.Client.Catalog().Operation(req.Operation)
	if !ok {
		return "", nil
	}
	p := op.Path
	for k, v := range req.Params {
		// A param is a template ({{.Var.x}}): render it before escaping, or
		// the escaped braces are no longer one.
		rv, err := scenario.Render("param "+k, v, r.Env.Vars)
		if err != nil {
			return "", err
		}
		p = strings.ReplaceAll(p, "{"+k+"}", url.PathEscape(rv))
	}
	return p, nil
}

func (r *Run) credential(mode string) *exchange.Credential {
	c := r.Env.Config.Credentials
	switch mode {
	case "none":
		return nil
	case "non-admin":
		return &exchange.Credential{Basic: true, User: c.NonAdmin.User, Password: c.NonAdmin.Password}
	case "wrong-password":
		return &exchange.Credential{Basic: true, User: c.Admin.User, Password: c.Admin.Password + "-wrong"}
	case "bearer":
		return &exchange.Credential{Token: c.Token}
	case "bad-token":
		return &exchange.Credential{Token: "invalid-" + r.Env.Vars.Run}
	}
	if c.Admin.User == "" {
		return &exchange.Credential{Token: c.Token}
	}
	return &exchange.Credential{Basic: true, User: c.Admin.User, Password: c.Admin.Password}
}

// Check judges an answer: the status, the expected JSON, the spec's rules for
// the operation, and the operation's invariants. It reports every problem at
// once.
func (r *Run) Check(ex *exchange.Exchange, want scenario.Expect) {
	GinkgoHelper()
	if problems := r.Problems(ex, want); len(problems) > 0 {
		r.Failf("HTTP %d from %s:\n  - %s", ex.Status(), ex.Request.URL, strings.Join(problems, "\n  - "))
	}
}

// Problems is Check without failing, for flows that retry or poll. With
// alternatives (any_of), the answer must meet one of them; the problems of
// every alternative are reported when it meets none.
func (r *Run) Problems(ex *exchange.Exchange, want scenario.Expect) []string {
	problems := r.problems(ex, want)
	if len(want.AnyOf) == 0 || len(problems) > 0 {
		return problems
	}
	var all []string
	for i, alt := range want.AnyOf {
		alt.NoContract = alt.NoContract || want.NoContract
		p := r.problems(ex, alt)
		if len(p) == 0 {
			return nil
		}
		all = append(all, fmt.Sprintf("alternative %d of %d: %s", i+1, len(want.AnyOf), strings.Join(p, "; ")))
	}
	return all
}

func (r *Run) problems(ex *exchange.Exchange, want scenario.Expect) []string {
	var problems []string
	if ex.ClientError && ex.Status() >= 500 {
		problems = append(problems, fmt.Sprintf("HTTP %d for a request that is wrong on purpose: a client error deserves a 4xx or the API's refusal, not a server error", ex.Status()))
	}
	if len(want.Status) > 0 && !want.Status.Has(ex.Status()) {
		problems = append(problems, fmt.Sprintf("status %d, want %s", ex.Status(), statuses(want.Status)))
	}
	for k, v := range want.Headers {
		// Media types and auth schemes are case-insensitive (RFC 9110
		// sections 8.3.1 and 11.1): APPLICATION/XML is application/xml.
		if got := ex.Response.Header.Get(k); !strings.Contains(strings.ToLower(got), strings.ToLower(v)) {
			problems = append(problems, fmt.Sprintf("header %s is %q, want it to contain %q", k, got, v))
		}
	}
	if !want.NoContract {
		for _, v := range ex.ResponseViolations {
			problems = append(problems, "breaks the spec: "+v.String())
		}
	}
	var body any
	if len(want.JSON) > 0 || ex.Operation != "" {
		var err error
		body, err = ex.JSON()
		if err != nil && len(want.JSON) > 0 {
			problems = append(problems, err.Error())
		}
	}
	if len(want.JSON) > 0 && body != nil {
		rendered, err := scenario.RenderValues(map[string]any(want.JSON), r.Env.Vars)
		if err != nil {
			problems = append(problems, "the row's expectation: "+err.Error())
		} else {
			for _, m := range expect.Match(body, rendered.(map[string]any)) {
				problems = append(problems, m.String())
			}
		}
	}
	if body != nil && ex.Operation != "" {
		problems = append(problems, invariant.ProblemsWithRequest(ex.Operation, ex.Status(), ex.Request.Body, body)...)
	}
	return problems
}

// Observe records the values at the row's observe paths: evidence of what
// the target does where the documents leave it open.
func (r *Run) Observe(ex *exchange.Exchange, paths []string) {
	if len(paths) == 0 {
		return
	}
	body, err := ex.JSON()
	var lines []string
	lines = append(lines, fmt.Sprintf("HTTP status: %d", ex.Status()))
	for _, p := range paths {
		if err != nil {
			lines = append(lines, fmt.Sprintf("%s: (body is not JSON)", p))
			continue
		}
		vals, ok, _ := expect.Lookup(body, p)
		switch {
		case !ok:
			lines = append(lines, fmt.Sprintf("%s: absent", p))
		case len(vals) == 1:
			lines = append(lines, fmt.Sprintf("%s: %s", p, show(vals[0])))
		default:
			lines = append(lines, fmt.Sprintf("%s: %s", p, show(vals)))
		}
	}
	sort.Strings(lines[1:])
	note := ""
	if r.S.Quirk != "" {
		note = " (" + r.S.Quirk + ")"
	}
	AddReportEntry("observed"+note, strings.Join(lines, "\n"), ReportEntryVisibilityFailureOrVerbose)
}

// Failf fails the spec with a message that names the scenario row.
func (r *Run) Failf(format string, args ...any) {
	GinkgoHelper()
	Fail(fmt.Sprintf("%s (%s)\n%s", r.S.ID, r.Where, fmt.Sprintf(format, args...)))
}

func violations(vs []contract.Violation) string {
	var b strings.Builder
	for _, v := range vs {
		b.WriteString("  - " + v.String() + "\n")
	}
	return b.String()
}

func statuses(s scenario.Statuses) string {
	parts := make([]string, len(s))
	for i, c := range s {
		parts[i] = fmt.Sprint(c)
	}
	return strings.Join(parts, " or ")
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
