package suites

// The typed result of each scenario, filled while it runs from the row
// itself and from every exchange it sends; Ginkgo's own state is read once,
// when the spec ends, for pass and fail.

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/judge"
	"github.com/oracle-users-conformance/conformance/internal/report"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
)

// Results holds every selected scenario's record, by spec name.
type Results struct {
	mu     sync.Mutex
	byName map[string]*Record
	order  []*Record
	// Interrupted is set by the runner when a signal stops the run.
	interrupted string
}

// NewResults is an empty set of records.
func NewResults() *Results { return &Results{byName: map[string]*Record{}} }

// Record is one scenario's result in the making.
type Record struct {
	mu           sync.Mutex
	s            report.Scenario
	started      bool
	outcome      report.Outcome // set when the scenario decided it itself
	leftovers    []report.Leftover
	irreversible []string
	notes        []string // what a passing scenario could not judge (Note)
	// grouped: skipped for a reason the console says once for many rows.
	grouped bool
	// worker: one of the process's workers runs the scenario, its spec
	// only waits and replays (workers.go); ended is how it ended, nil
	// until it has.
	worker bool
	ended  *workerEnd
}

// Declare makes the record of a selected scenario.
func (rs *Results) Declare(sc *scenario.Scenario, source string) *Record {
	rec := &Record{s: report.Scenario{
		ID: sc.ID, Title: sc.Title, API: sc.API, Product: config.ProductOf(sc.API), Operation: sc.Request.Operation,
		Kind: kindOf(sc), Labels: sc.AllLabels(), Quirk: sc.Quirk, Generated: strings.HasPrefix(sc.ID, "GEN-"),
		Source: source, Outcome: report.NotRun, Reason: "the run ended before this scenario started",
	}}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.byName[sc.Name()] = rec
	rs.order = append(rs.order, rec)
	return rec
}

// Interrupt marks the run as stopped by a signal.
func (rs *Results) Interrupt(why string) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.interrupted == "" {
		rs.interrupted = why
	}
}

// Interrupted is the signal that stopped the run, or "".
func (rs *Results) Interrupted() string {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.interrupted
}

// Start marks the scenario begun.
func (r *Record) Start() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.started = true
}

func (r *Record) decide(o report.Outcome, reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.outcome == "" {
		r.outcome, r.s.Reason = o, reason
	}
}

// Exchange adds one exchange to the evidence and returns its index.
func (r *Record) Exchange(ex *exchange.Exchange) int {
	e := report.Exchange{
		Role: string(ex.Role), Operation: ex.Operation, Tier: string(ex.Tier), Method: ex.Request.Method, URL: ex.Request.URL,
		RequestHeaders: ex.Request.Header, RequestBody: clip(ex.Request.Body), Status: ex.Response.Status,
		ResponseHeaders: ex.Response.Header, ResponseBody: clip(ex.Response.Body), Millis: float64(ex.Duration.Microseconds()) / 1000,
	}
	if ex.Err != nil {
		e.Error = ex.Err.Error()
	}
	for _, w := range ex.Waits {
		e.Waits = append(e.Waits, w.Seconds())
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.s.Exchanges = append(r.s.Exchanges, e)
	return len(r.s.Exchanges) - 1
}

// Answered reports whether any of the scenario's requests got an answer.
func (r *Record) Answered() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.s.Exchanges {
		if e.Status != 0 && e.Status != 429 && e.Status != 503 {
			return true
		}
	}
	return false
}

// At is the i-th exchange of the evidence.
func (r *Record) At(i int) report.Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.s.Exchanges[i]
}

// Violations records broken rules of one exchange.
func (r *Record) Violations(i int, ps []judge.Problem) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range ps {
		r.s.Violations = append(r.s.Violations, report.Violation{Rule: string(p.Rule), Message: p.Message, Spec: p.Spec, Exchange: i})
	}
}

// Observe records an observed value.
func (r *Record) Observe(key, value, quirk string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.s.Observations = append(r.s.Observations, report.Observation{Key: key, Value: value, Quirk: quirk})
}

// Note records what a scenario could not judge although nothing failed (a
// change pending approval, Q-OIG-014): a passed scenario's reason says it.
func (r *Record) Note(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.notes = append(r.notes, s)
}

// Leftover records an undo that failed.
func (r *Record) Leftover(undo string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.leftovers = append(r.leftovers, report.Leftover{Scenario: r.s.ID, Undo: undo, Error: err.Error()})
}

// StandIns records the users the scenario runs with in place of those
// vars name (users), and those it replaced (was).
func (r *Record) StandIns(users, was map[string]string) {
	if len(users) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.s.StandIns, r.s.StandInFor = users, was
}

// Irreversible records changes no API can undo.
func (r *Record) Irreversible(changes []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.irreversible = append(r.irreversible, changes...)
}

// Finish reads Ginkgo's verdict on a spec into its record and prints the
// scenario's console line.
func (rs *Results) Finish(sr SpecReport, console *Console) {
	rs.mu.Lock()
	rec := rs.byName[sr.LeafNodeText]
	interrupted := rs.interrupted
	rs.mu.Unlock()
	if rec == nil {
		return
	}
	rec.mu.Lock()
	state, message, took := sr.State, sr.Failure.Message, sr.RunTime
	if rec.worker && rec.started {
		// A worker's scenario ended as the worker saw it, in its own time
		// rather than its spec's wait; one still running when the specs
		// stopped (an interrupt) ends after its undos, which the run
		// waits for (Env.Wait).
		state, message, took = types.SpecStateInterrupted, "", 0
		if e := rec.ended; e != nil {
			state, message, took = e.state, e.msg, e.took
		}
	}
	rec.s.Seconds = round3(took.Seconds())
	switch {
	case !rec.started:
		rec.s.Outcome = report.NotRun
	case state == types.SpecStateInterrupted || interrupted != "" && state.Is(types.SpecStateFailureStates):
		rec.s.Outcome, rec.s.Reason = report.NotRun, "interrupted ("+nonEmpty(interrupted, "signal")+") while it ran; its undos ran"
	case rec.outcome != "":
		// The scenario decided itself: skipped by the road, not run past a
		// breaker, inconclusive for want of an answer.
		rec.s.Outcome = rec.outcome
	case state == types.SpecStatePassed:
		rec.s.Outcome, rec.s.Reason = report.Passed, strings.Join(rec.notes, " ")
	case state == types.SpecStateTimedout:
		// Only the run's backstop can time a scenario out (no scenario has
		// a limit of its own: every wait on the target is bounded at the
		// road), and time spent waiting is never the vendor's fault.
		rec.s.Outcome, rec.s.Reason = report.Inconclusive, "the run's time ran out while the scenario waited: "+message
	case state.Is(types.SpecStateFailureStates):
		rec.s.Outcome, rec.s.Reason = report.Failed, reasonOf(rec.s.ID, message)
	case state == types.SpecStateSkipped:
		rec.s.Outcome, rec.s.Reason = report.Skipped, message
	}
	line := console.line(rec.s)
	quiet := (rec.s.Outcome == report.NotRun || rec.grouped && rec.s.Outcome == report.Skipped) && !console.verbose
	rec.mu.Unlock()
	// Scenarios not run past a breaker or an interrupt were said once, by
	// the sentence that stopped them; the summary counts them.
	console.finished(line, !quiet)
}

// Scenarios are the records as the model, in declaration order.
func (rs *Results) Scenarios() (out []report.Scenario, leftovers []report.Leftover, irreversible []string) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, r := range rs.order {
		r.mu.Lock()
		s := r.s
		if !r.started && rs.interrupted != "" {
			s.Reason = "interrupted (" + rs.interrupted + ") before it started"
		}
		out = append(out, s)
		leftovers = append(leftovers, r.leftovers...)
		irreversible = append(irreversible, r.irreversible...)
		r.mu.Unlock()
	}
	return out, leftovers, irreversible
}

// reasonOf drops the "ID (file:line)" header Failf puts first: the report
// has both already.
func reasonOf(id, msg string) string {
	if first, rest, ok := strings.Cut(msg, "\n"); ok && strings.HasPrefix(first, id+" (") {
		return rest
	}
	return msg
}

// clip keeps the evidence readable when a scenario sends thousands of
// users: the first report.BodyLimit bytes, and how much was left out.
func clip(s string) string {
	kept, left := report.Clip(s, report.BodyLimit)
	if left == 0 {
		return s
	}
	return kept + fmt.Sprintf("\n… (%d more bytes not kept)", left)
}

func round3(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }

func nonEmpty(s, dflt string) string {
	if s == "" {
		return dflt
	}
	return s
}

// Console is what a person watching the run sees: one line per finished
// scenario, progress while a job is polled, nothing for what the filter
// left out.
type Console struct {
	mu      sync.Mutex
	w       io.Writer
	verbose bool
	said    map[string]bool
	// tty: w is a terminal, which gets a status line (progress.go).
	tty      bool
	progress progress
}

// NewConsole writes to w; verbose adds each failure's reason in full.
func NewConsole(w io.Writer, verbose bool) *Console {
	return &Console{w: w, verbose: verbose, said: map[string]bool{}, tty: isTerminal(w)}
}

func (c *Console) line(s report.Scenario) string {
	reason := s.Reason
	if !c.verbose {
		reason = strings.Join(strings.Fields(reason), " ")
		if len(reason) > 160 {
			reason = reason[:160] + "…"
		}
	}
	l := fmt.Sprintf("%-46s %-12s %6.2fs", s.ID, s.Outcome, s.Seconds)
	if reason != "" { // a passed scenario's reason is a note (Record.Note)
		l += "  " + reason
	}
	return l
}

func (c *Console) println(s string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tty && c.progress.total > 0 {
		fmt.Fprint(c.w, clearLine)
	}
	fmt.Fprintln(c.w, s)
	c.drawStatus()
}

// Once prints a sentence the first time it is said (a breaker opening).
func (c *Console) Once(s string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.said[s] {
		c.said[s] = true
		if c.tty && c.progress.total > 0 {
			fmt.Fprint(c.w, clearLine)
		}
		fmt.Fprintln(c.w, "!! "+s)
		c.drawStatus()
	}
}

// Progress prints a live line for something that waits.
func (c *Console) Progress(format string, args ...any) {
	c.println("   … " + fmt.Sprintf(format, args...))
}

// inconclusiveReason names why an exchange gave no usable answer.
func inconclusiveReason(err error) (report.Outcome, string) {
	var ref *exchange.Refused
	var bo *exchange.BreakerOpen
	switch {
	case errors.As(err, &ref):
		return report.Skipped, ref.Error()
	case errors.As(err, &bo):
		return report.NotRun, bo.Sentence
	}
	return report.Inconclusive, err.Error()
}
