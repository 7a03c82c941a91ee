package exchange

// The road's rules: what may leave the machine (tiers and the policy), when
// a product is given up on (the breaker), how throttling is honoured, and
// which answers are not the API at all. Each refusal is a typed error on
// the exchange, so the suite can tell "skipped", "not run" and
// "inconclusive" apart from "failed".

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/oracle-users-conformance/conformance/internal/contract"
)

// Tier is how much a request can change on the target.
type Tier string

const (
	// TierRead cannot change data (GET, HEAD).
	TierRead Tier = "read"
	// TierRefusal is a request a conforming target must refuse before it
	// acts: no or deliberately wrong credentials, or a body that breaks the
	// spec on purpose. A deviating target could still act on it.
	TierRefusal Tier = "refusal"
	// TierMutation is every other request: it may create or change data.
	TierMutation Tier = "mutation"
)

// TierOf derives a request's tier from what it sends, never from labels:
// a new row cannot forget to say it changes data.
func TierOf(r Request) Tier { return TierOfOperation(r, nil) }

// TierOfOperation is TierOf for a request of a known operation: one whose
// spec says it changes nothing (x-changes-nothing, such as Identity
// Governance's token service, which only issues a token) is a read
// whatever its method, as a GET is. The spec says it, not a row.
func TierOfOperation(r Request, op *contract.Operation) Tier {
	if op != nil && op.ChangesNothing != "" && strings.EqualFold(op.Method, r.Method) {
		return TierRead
	}
	switch strings.ToUpper(r.Method) {
	case http.MethodGet, http.MethodHead:
		return TierRead
	}
	if r.Auth == nil || r.Auth.Probe || r.Unchecked {
		return TierRefusal
	}
	return TierMutation
}

// Policy is what a client lets through. The embedded mock allows all;
// a live target allows reads only unless the user opts in.
type Policy struct {
	AllowMutations bool
	AllowRefusals  bool
}

// Allows reports whether the tier may be sent.
func (p Policy) Allows(t Tier) bool { return p.refuses(t, false) == "" }

func (p Policy) refuses(t Tier, undo bool) string {
	switch {
	case undo, t == TierRead, p.AllowMutations:
		return ""
	case t == TierRefusal && p.AllowRefusals:
		return ""
	case t == TierRefusal:
		return "a conforming target must refuse it before acting, but a deviating one could act on it: not sent without --allow-refusals (or --allow-mutations)"
	}
	return "it can change data on the target: not sent without --allow-mutations"
}

// Refused is a request the road did not send.
type Refused struct {
	Method, URL string
	Tier        Tier
	Reason      string
}

func (e *Refused) Error() string {
	return fmt.Sprintf("%s %s (%s) was not sent: %s", e.Method, e.URL, e.Tier, e.Reason)
}

// BreakerOpen is a request not sent because its product stopped answering.
type BreakerOpen struct{ Sentence string }

func (e *BreakerOpen) Error() string { return e.Sentence }

// Throttled is an answer still 429/503 when the wait budget ran out.
type Throttled struct {
	Status int
	Waits  int
	Budget string
	// NotSent is a request not sent because the run's budget of waits was
	// already spent: the scenario is inconclusive, with Budget the reason.
	NotSent bool
}

func (e *Throttled) Error() string {
	if e.NotSent {
		return "not sent: " + e.Budget
	}
	return fmt.Sprintf("throttled: HTTP %d after %d waits for Retry-After (%s)", e.Status, e.Waits, e.Budget)
}

// NotAPI is an answer that is not the API: a sign-in page, a proxy's
// error page.
type NotAPI struct {
	Status      int
	ContentType string
}

func (e *NotAPI) Error() string {
	return fmt.Sprintf("HTTP %d answered with %s, which is not the API (a sign-in page or a proxy in the way?)", e.Status, e.ContentType)
}

// Transport is a failure to get any answer: refused, reset, DNS, TLS,
// timeout. Dial is true when no connection was made, so the request
// cannot have reached the target.
type Transport struct {
	Err  error
	Dial bool
}

// NotActedOn reports whether the target certainly did not act on an
// exchange's request: it never arrived, or the answer asked to come back
// later (429, or 503 with Retry-After), so there is nothing to undo.
func NotActedOn(ex *Exchange) bool {
	var th *Throttled
	return NeverArrived(ex) || errors.As(ex.Err, &th) || throttled(ex.Status(), http.Header(ex.Response.Header))
}

// NeverArrived reports whether an exchange's request certainly did not
// reach the target: refused at the road, past a breaker, or no connection.
func NeverArrived(ex *Exchange) bool {
	var tr *Transport
	return !ex.Sent() || errors.As(ex.Err, &tr) && tr.Dial
}

func (e *Transport) Error() string { return e.Err.Error() }
func (e *Transport) Unwrap() error { return e.Err }

// NoAnswer reports whether err (possibly wrapped) is one of the road's
// reasons for having no usable answer, as opposed to a harness error.
func NoAnswer(err error) bool {
	var (
		ref *Refused
		bo  *BreakerOpen
		th  *Throttled
		na  *NotAPI
		tr  *Transport
	)
	return errors.As(err, &ref) || errors.As(err, &bo) || errors.As(err, &th) || errors.As(err, &na) || errors.As(err, &tr)
}

// notAPI recognises an HTML page where the operation documents none, and a
// redirect to another host (a single sign-on page): neither is the API's
// answer, and the redirect is never followed, so no credential goes there.
func notAPI(op *contract.Operation, resp *http.Response, body []byte) *NotAPI {
	ct := resp.Header.Get("Content-Type")
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		if loc, err := resp.Location(); err == nil && resp.Request != nil && loc.Host != resp.Request.URL.Host {
			return &NotAPI{Status: resp.StatusCode, ContentType: "a redirect to " + loc.Host}
		}
	}
	if mt := MediaType(ct); mt != "text/html" {
		return garbage(mt, resp.StatusCode, body)
	}
	if resp.StatusCode >= 400 && op != nil && op.Op != nil && op.Op.Responses != nil {
		if ref := op.Op.Responses.Status(resp.StatusCode); ref != nil && ref.Value != nil {
			if _, ok := ref.Value.Content["text/html"]; ok {
				return nil // documented (OIG's front ends answer errors as pages)
			}
		}
	}
	return &NotAPI{Status: resp.StatusCode, ContentType: MediaType(ct)}
}

// garbage recognises binary bytes where the API speaks text (JSON, XML,
// CSV): a body with NUL bytes or that is not UTF-8 is no answer of these
// APIs at all. Text that merely breaks the schema is the target's answer,
// and is judged.
func garbage(mt string, status int, body []byte) *NotAPI {
	if len(body) == 0 || mt == "application/octet-stream" {
		return nil
	}
	if bytes.IndexByte(body, 0) >= 0 || !utf8.Valid(body) && !strings.Contains(mt, "csv") {
		return &NotAPI{Status: status, ContentType: "binary bytes labelled " + nonEmpty(mt, "nothing")}
	}
	return nil
}

func nonEmpty(s, dflt string) string {
	if s == "" {
		return dflt
	}
	return s
}

// breaker counts consecutive failures of one product.
type breaker struct {
	mu       sync.Mutex
	limit    int
	n        int
	open     string
	product  string
	host     string
	lastDesc string
	// openCh is closed when the breaker opens (breakerwait.go).
	openCh chan struct{}
}

func (b *breaker) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.n
}

func (b *breaker) failed(desc string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n++
	if b.limit > 0 && b.n >= b.limit && b.open == "" {
		b.open = fmt.Sprintf("%s at %s %s", productTitle(b.product), b.host, desc)
		if b.openCh != nil {
			close(b.openCh)
		}
	}
}

func (b *breaker) ok() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.open == "" {
		b.n = 0
	}
}

func (b *breaker) sentence() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.open
}

func productTitle(p string) string {
	switch p {
	case "epm":
		return "EPM"
	case "essbase":
		return "Essbase"
	case "oig":
		return "OIG"
	}
	return p
}

// Throttle is the run's budget of waits for Retry-After, shared by every
// client so that a throttling estate cannot stretch a run without bound.
type Throttle struct {
	MaxWait time.Duration
	Budget  time.Duration

	mu    sync.Mutex
	used  time.Duration
	waits int
	gone  string // why the budget is spent, once it is
}

// spent says why no request may be sent any more, or "".
func (t *Throttle) spent() string {
	if t == nil {
		return ""
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.gone
}

// capped is how long an answer asks to wait, at most MaxWait.
func (t *Throttle) capped(resp *http.Response) time.Duration {
	d := retryAfter(resp.Header.Get("Retry-After"))
	if t != nil && d > t.MaxWait {
		d = t.MaxWait
	}
	return d
}

// Totals are the waits so far.
func (t *Throttle) Totals() (waits int, total time.Duration) {
	if t == nil {
		return 0, 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.waits, t.used
}

// throttled reports an answer that asks the caller to come back later:
// 429 always, 503 when it says when (a 503 without Retry-After is an answer
// like any other and is judged).
func throttled(status int, h http.Header) bool {
	return status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable && h.Get("Retry-After") != ""
}

// wait is how long to wait before sending again, if the budget allows.
func (t *Throttle) wait(resp *http.Response) (time.Duration, bool) {
	if t == nil || !throttled(resp.StatusCode, resp.Header) {
		return 0, false
	}
	d := retryAfter(resp.Header.Get("Retry-After"))
	if d > t.MaxWait {
		d = t.MaxWait
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.used+d > t.Budget {
		// From now on nothing is sent: the target keeps asking the run to
		// go away, and each remaining scenario says so (inconclusive).
		t.gone = fmt.Sprintf("the run's throttle budget is spent (%s of waits for Retry-After, at most %s a wait); the target kept asking to slow down", t.used.Round(time.Millisecond), t.Budget)
		return 0, false
	}
	t.used += d
	t.waits++
	return d, true
}

func (t *Throttle) budgetText() string {
	if t == nil {
		return "no waits configured"
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return fmt.Sprintf("%s of the run's %s budget used, at most %s a wait", t.used.Round(time.Millisecond), t.Budget, t.MaxWait)
}

// retryAfter reads seconds or an HTTP date; absent or unreadable is 1 s.
func retryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
		return 0
	}
	return time.Second
}
