// Package exchange sends a scenario's request to the target, checks request
// and response against the spec operation, and keeps a record of both with
// every secret masked. The masking happens in the HTTP transport, so nothing
// downstream (reports, logs, failure messages) ever holds a secret.
package exchange

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/contract"
)

// Credential is how a request authenticates.
type Credential struct {
	Basic    bool
	User     string
	Password string
	Token    string // bearer when set
	// Tokens reads a bearer token from a file or a command when Token is
	// empty, and again once when the target says it expired.
	Tokens *TokenSource
	// Probe marks a credential meant to be refused (a wrong password, a
	// made-up token): the request's tier is "refusal", not "mutation".
	Probe bool
}

// Request is what a scenario sends. Path is relative to the target's base URL.
type Request struct {
	Operation string // operationId; "" finds it by method and path
	Method    string
	Path      string
	Query     url.Values
	Header    http.Header
	Body      []byte
	Auth      *Credential
	// Unchecked marks a request that breaks the spec on purpose (an error
	// scenario): it is not validated against the spec, whose verdict
	// would only say what the row meant (and cost a 9 MB body a parse).
	Unchecked bool
	// Role says why the request is sent (role.go); RoleUndo marks a
	// request the ledger sends to put back what a scenario changed.
	Role Role
}

// Recorded is one side of an exchange as the transport saw it, redacted.
type Recorded struct {
	Method string      `json:"method,omitempty"`
	URL    string      `json:"url,omitempty"`
	Status int         `json:"status,omitempty"`
	Header http.Header `json:"header"`
	Body   string      `json:"body,omitempty"`
}

// Exchange is the evidence of one request and its response.
type Exchange struct {
	Operation          string
	Product            string
	Role               Role
	Tier               Tier
	Request            Recorded
	Response           Recorded
	Duration           time.Duration
	RequestViolations  []contract.Violation
	ResponseViolations []contract.Violation
	// Err is why there is no usable answer: a transport failure, a request
	// the road refused (*Refused), an open breaker (*BreakerOpen), throttling
	// past the budget (*Throttled), or an answer that is not the API
	// (*NotAPI). Inconclusive reports which of these it was.
	Err error
	// ClientError is true when the request was wrong on purpose: the target
	// owes it a 4xx (or the API's refusal envelope), never a 5xx.
	ClientError bool
	// Waits are the Retry-After waits before the answer.
	Waits []time.Duration
	// Index is the exchange's place in its scenario's evidence.
	Index int

	body    []byte // redacted response body, for what is shown
	raw     []byte // the response body as received, for checks only
	rawReq  []byte // the request body as sent, for checks only
	redact  *Redactor
	json    any
	jerr    error
	decoded bool
}

// Status is the response status, 0 when there was no response.
func (e *Exchange) Status() int { return e.Response.Status }

// Body is the (redacted) response body, fit to be shown.
func (e *Exchange) Body() []byte { return e.body }

// RawBody is the response body as received. Checks read it; nothing that
// is shown or written may (a target can echo a password back).
func (e *Exchange) RawBody() []byte { return e.raw }

// RawRequestBody is the request body as sent, for checks only.
func (e *Exchange) RawRequestBody() []byte { return e.rawReq }

// Redact masks the known secrets in a text derived from raw bodies (a
// failure message quoting a value) before it is shown.
func (e *Exchange) Redact(s string) string {
	if e.redact == nil {
		return s
	}
	return e.redact.Text(s)
}

// JSON decodes the response body as received, once; numbers stay exact.
func (e *Exchange) JSON() (any, error) {
	if !e.decoded {
		e.decoded = true
		dec := json.NewDecoder(bytes.NewReader(e.raw))
		dec.UseNumber()
		e.jerr = dec.Decode(&e.json)
		if e.jerr != nil {
			e.json = nil
			e.jerr = fmt.Errorf("response body is not JSON: %w", e.jerr)
		}
	}
	return e.json, e.jerr
}

// Sent reports whether the request left the machine.
func (e *Exchange) Sent() bool {
	var r *Refused
	var b *BreakerOpen
	return !errors.As(e.Err, &r) && !errors.As(e.Err, &b)
}

// Options configure a client.
type Options struct {
	// Product names the service this client talks to (epm, essbase, oig),
	// for the evidence and the breaker's sentence.
	Product  string
	Timeout  time.Duration // per request; a dead target fails a scenario, never hangs it
	Rate     float64       // requests per second, 0 for no limit
	Redactor *Redactor
	// Policy decides what may leave the machine (road.go). The zero value
	// sends only reads.
	Policy Policy
	// Breaker opens after this many consecutive transport failures or
	// non-API answers (0: never).
	Breaker int
	// Throttle is shared by every client of a run: one budget of waits.
	Throttle *Throttle
	// TLS: an extra CA bundle on top of the system roots, or no checking.
	CAFile   string
	Insecure bool
	// AllowPlainHTTP lets credentials go over http:// to a host that is not
	// loopback.
	AllowPlainHTTP bool
	// Transport is the underlying round tripper (tests inject deviations).
	Transport http.RoundTripper
}

// Client talks to one product's target. Every request of a run goes through
// Do: what may be sent, what is recorded and how it is masked, throttling
// and the breaker are decided here and nowhere else.
type Client struct {
	base    *url.URL
	http    *http.Client
	catalog *contract.Catalog
	opts    Options
	breaker *breaker
	polite  Pace
	// Before is called for every request the policy lets through, before
	// it is sent; an error stops it (the undo ledger registers here).
	Before func(ctx context.Context, ex *Exchange, r Request) error
}

// New builds a client for the target base URL.
func New(base string, catalog *contract.Catalog, opts Options) (*Client, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("target %q is not an http(s) URL", base)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = strings.TrimSuffix(u.RawPath, "/")
	if opts.Timeout <= 0 {
		opts.Timeout = config.Default().Timeout.D() // the run's default, for callers that give none
	}
	if opts.Redactor == nil {
		opts.Redactor = NewRedactor(nil, nil)
	}
	next := opts.Transport
	if next == nil {
		t, err := transport(opts)
		if err != nil {
			return nil, err
		}
		next = t
	}
	// The second is widened as the parent's of --procs is (pace.go): with
	// several scenarios at once (workers), a request whose goroutine a
	// loaded machine kept waiting can leave that long after its turn,
	// next to the following turn's (window.go).
	polite := newPoliteness(opts.Rate, staleTurn+roadSlack)
	b := &breaker{limit: opts.Breaker, product: opts.Product, host: u.Host}
	rt := &recordingTransport{next: next, redact: opts.Redactor, polite: polite, breaker: b, stall: opts.Timeout, host: u.Host}
	return &Client{
		polite: polite,
		base:   u,
		http: &http.Client{
			// No Client.Timeout: it would count the harness's own work and
			// a large body's transfer as the target's time (stall.go).
			Transport: rt,
			// Redirects are answers to check, not to follow: credentials
			// never go to another host, whatever Location says.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		catalog: catalog,
		opts:    opts,
		breaker: b,
	}, nil
}

// transport is Go's default transport with the product's TLS settings.
func transport(opts Options) (http.RoundTripper, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	// Several scenarios at once (workers) each keep a connection to the
	// product: with Go's default of two idle ones per host, every other
	// request would dial anew.
	t.MaxIdleConnsPerHost = 32
	if opts.CAFile == "" && !opts.Insecure {
		return t, nil
	}
	cfg, err := TLSConfig(opts.CAFile, opts.Insecure)
	if err != nil {
		return nil, err
	}
	t.TLSClientConfig = cfg
	return t, nil
}

// TLSConfig trusts the system roots plus the PEM certificates of caFile
// (none when ""), or anything when insecure: the product's tls settings,
// as every request of a run and doctor's checks use them.
func TLSConfig(caFile string, insecure bool) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: insecure} //nolint:gosec // the user's explicit switch; every run warns
	if caFile == "" {
		return cfg, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("tls.ca_file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("tls.ca_file %s holds no PEM certificate", caFile)
	}
	cfg.RootCAs = pool
	return cfg, nil
}

// Base is the target's base URL.
func (c *Client) Base() *url.URL { return c.base }

// Product is the service this client talks to.
func (c *Client) Product() string { return c.opts.Product }

// Catalog is the spec catalog the client validates against.
func (c *Client) Catalog() *contract.Catalog { return c.catalog }

// Policy is what this client lets through.
func (c *Client) Policy() Policy { return c.opts.Policy }

// Breaker is the sentence said when the breaker opened, or "".
func (c *Client) Breaker() string { return c.breaker.sentence() }

// Resolve builds the URL, operation and tier a request would have, without
// sending it: --plan lists exactly what Do would send.
func (c *Client) Resolve(r Request) (method, full string, op *contract.Operation, tier Tier, err error) {
	if r.Operation != "" {
		var ok bool
		if op, ok = c.catalog.Operation(r.Operation); !ok {
			return "", "", nil, "", fmt.Errorf("no operation %q in specs/", r.Operation)
		}
		if r.Method == "" {
			r.Method = op.Method
		}
		if r.Path == "" {
			r.Path = op.Path
		}
	}
	u, relPath, err := c.url(r)
	if err != nil {
		return "", "", nil, "", err
	}
	if op != nil && !strings.EqualFold(op.Method, r.Method) {
		op = nil
	}
	if op == nil && r.Operation == "" {
		op, _ = c.catalog.Match(r.Method, relPath)
	}
	return r.Method, u.String(), op, TierOfOperation(r, op), nil
}

func (c *Client) url(r Request) (*url.URL, string, error) {
	u := *c.base
	relPath, rawQuery, _ := strings.Cut(r.Path, "?")
	// The row's path is sent as written, escapes included: a file name
	// with %2F must reach the target as %2F, not as %252F or a slash.
	decoded, err := url.PathUnescape(relPath)
	if err != nil {
		return nil, "", fmt.Errorf("path %q: %w", relPath, err)
	}
	u.Path = c.base.Path + decoded
	u.RawPath = c.base.EscapedPath() + relPath
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, "", fmt.Errorf("query of %q: %w", r.Path, err)
	}
	for k, vs := range r.Query {
		q[k] = append(q[k], vs...)
	}
	u.RawQuery = q.Encode()
	return &u, relPath, nil
}

// Do sends one request and returns the evidence. Why there is no usable
// answer is in Exchange.Err, not the error: the error is for a request the
// harness could not even build.
func (c *Client) Do(ctx context.Context, r Request) (*Exchange, error) {
	method, full, op, tier, err := c.Resolve(r)
	if err != nil {
		return nil, err
	}
	r.Method = method
	if r.Path == "" && op != nil {
		r.Path = op.Path
	}
	_, relPath, _ := c.url(r)
	ex := &Exchange{ClientError: r.Unchecked, Product: c.opts.Product, Role: r.Role, Tier: tier, redact: c.opts.Redactor, rawReq: r.Body}
	if op != nil {
		ex.Operation = op.ID
	}
	ex.Request = Recorded{Method: method, URL: c.opts.Redactor.Text(full)}
	if reason := c.opts.Policy.refuses(tier, r.Role == RoleUndo); reason != "" {
		ex.Err = &Refused{Method: method, URL: ex.Request.URL, Tier: tier, Reason: reason}
		return ex, nil
	}
	if r.Auth != nil && !c.opts.AllowPlainHTTP && c.base.Scheme == "http" && !loopback(c.base.Hostname()) {
		ex.Err = &Refused{Method: method, URL: ex.Request.URL, Tier: tier,
			Reason: fmt.Sprintf("credentials would travel in clear text to %s; use https, or set products.%s.allow_plain_http", c.base.Host, c.opts.Product)}
		return ex, nil
	}
	if s := c.breaker.sentence(); s != "" {
		ex.Err = &BreakerOpen{Sentence: s}
		return ex, nil
	}
	if s := c.opts.Throttle.spent(); s != "" {
		ex.Err = &Throttled{Budget: s, NotSent: true}
		return ex, nil
	}
	if c.Before != nil && r.Role != RoleUndo {
		if err := c.Before(ctx, ex, r); err != nil {
			if NoAnswer(err) {
				// The read before the change got no usable answer (or was
				// refused): the change is not sent either.
				ex.Err = err
				return ex, nil
			}
			return nil, err
		}
	}
	auth, err := c.authorize(r.Auth)
	if err != nil {
		ex.Err = fmt.Errorf("no token for %s: %w", c.opts.Product, err)
		return ex, nil
	}
	for attempt := 0; ; attempt++ {
		req, err := c.build(ctx, method, full, r, auth)
		if err != nil {
			return nil, err
		}
		if op != nil && attempt == 0 && !r.Unchecked {
			ex.RequestViolations = op.ValidateRequest(req, relPath, r.Body)
		}
		resp, rec, d, err := c.send(ctx, req)
		// Whatever ends this attempt, the pace learns it was settled
		// (after answered or throttled, when one of them is said).
		defer c.polite.settled(rec.turned)
		ex.Duration += d
		ex.Request = rec.request
		if ex.Request.Method == "" { // never reached the transport
			ex.Request = Recorded{Method: method, URL: c.opts.Redactor.Text(full)}
		}
		var open *BreakerOpen
		if errors.As(err, &open) {
			ex.Err = open // never sent: the other scenarios' answers opened it
			return ex, nil
		}
		if err != nil {
			ex.Err = c.describe(err)
			// A request the run itself called off (an interrupt ends the
			// scenarios under way, several at once with workers) says
			// nothing of the target: counted, it would open the breaker
			// before the undos that must follow.
			if ctx.Err() == nil {
				c.breaker.failed(c.describeFor(err))
			}
			return ex, nil
		}
		ex.Response = rec.response
		ex.body = rec.responseBody
		ex.raw = rec.raw
		ex.decoded, ex.json, ex.jerr = false, nil, nil
		var silent *Silent
		if errors.As(rec.readErr, &silent) {
			ex.Err = &Transport{Err: silent}
			if ctx.Err() == nil {
				c.breaker.failed(fmt.Sprintf("did not answer %d requests in a row within %s", c.breaker.count()+1, c.opts.Timeout))
			}
			return ex, nil
		}
		if rec.readErr != nil {
			ex.Err = &Transport{Err: fmt.Errorf("the target at %s broke off its answer: %w", c.base.Host, rec.readErr)}
			if ctx.Err() == nil { // not the run calling it off
				c.breaker.failed(fmt.Sprintf("broke off %d answers in a row", c.breaker.count()+1))
			}
			return ex, nil
		}
		// A bearer token from a file or a command is read again, once, when
		// the target says it expired.
		if resp.StatusCode == http.StatusUnauthorized && attempt == 0 && auth.refresh != nil && expired(resp, ex.raw) {
			if auth, err = auth.refresh(); err == nil {
				c.polite.settled(rec.turned)
				continue
			}
		}
		if throttled(resp.StatusCode, resp.Header) {
			wait, ok := c.opts.Throttle.wait(resp)
			c.polite.throttled(rec.turned, c.opts.Throttle.capped(resp))
			c.breaker.failed(fmt.Sprintf("answered %d to %d requests in a row, though each Retry-After was honoured", resp.StatusCode, c.breaker.count()+1))
			if s := c.breaker.sentence(); s != "" || !ok {
				ex.Err = &Throttled{Status: resp.StatusCode, Waits: len(ex.Waits), Budget: c.opts.Throttle.budgetText()}
				return ex, nil
			}
			// The wait itself is the product's: the next request of any
			// scenario waits for it at the road (polite.go).
			ex.Waits = append(ex.Waits, wait)
			continue
		}
		c.polite.answered(rec.turned)
		if na := notAPI(op, resp, ex.raw); na != nil {
			ex.Err = na
			c.breaker.failed("answered with a page that is not the API (" + na.ContentType + ")")
			return ex, nil
		}
		c.breaker.ok()
		if op != nil {
			ex.ResponseViolations = op.ValidateResponse(req, relPath, r.Body, resp.StatusCode, resp.Header, ex.raw)
		}
		return ex, nil
	}
}

func (c *Client) build(ctx context.Context, method, full string, r Request, auth authorization) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, full, bytes.NewReader(r.Body))
	if err != nil {
		return nil, fmt.Errorf("build %s %s: %w", method, r.Path, err)
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	auth.apply(req)
	return req, nil
}

func (c *Client) send(ctx context.Context, req *http.Request) (*http.Response, *record, time.Duration, error) {
	rec := &record{}
	start := time.Now()
	resp, err := c.http.Do(req.WithContext(withRecord(ctx, rec)))
	d := time.Since(start)
	if err != nil {
		return nil, rec, d, err
	}
	resp.Body.Close()
	return resp, rec, d, nil
}

// describe turns a transport error into one sentence, without the URL's
// credentials (there are none: they travel in headers).
func (c *Client) describe(err error) error {
	var ue *url.Error
	var oe *net.OpError
	dial := errors.As(err, &oe) && oe.Op == "dial"
	if errors.As(err, &ue) {
		var silent *Silent
		if errors.As(err, &silent) {
			return &Transport{Err: silent, Dial: dial}
		}
		if ue.Timeout() {
			return &Transport{Err: fmt.Errorf("the target at %s did not answer within %s", c.base.Host, c.opts.Timeout), Dial: dial}
		}
		return &Transport{Err: fmt.Errorf("the target at %s could not be reached: %v", c.base.Host, ue.Err), Dial: dial}
	}
	return &Transport{Err: err, Dial: dial}
}

// describeFor is the breaker's words for what kept failing.
func (c *Client) describeFor(err error) string {
	var ue *url.Error
	msg := err.Error()
	if errors.As(err, &ue) {
		msg = ue.Err.Error()
		if ue.Timeout() {
			return fmt.Sprintf("did not answer %d requests in a row within %s", c.breaker.count()+1, c.opts.Timeout)
		}
	}
	switch {
	case strings.Contains(msg, "connection refused"):
		return fmt.Sprintf("refused %d connections in a row", c.breaker.count()+1)
	case strings.Contains(msg, "connection reset"), strings.Contains(msg, "EOF"):
		return fmt.Sprintf("reset %d connections in a row", c.breaker.count()+1)
	case strings.Contains(msg, "no such host"):
		return "is not a known host name"
	case strings.Contains(msg, "certificate"), strings.Contains(msg, "tls"):
		return "failed the TLS handshake: " + msg
	}
	return fmt.Sprintf("failed %d requests in a row (%s)", c.breaker.count()+1, msg)
}

// loopback reports whether a host name is this machine.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// record is filled by the transport for one request.
type record struct {
	request      Recorded
	response     Recorded
	responseBody []byte
	raw          []byte
	readErr      error
	// turned is when the pace gave the request its turn (polite.go).
	turned time.Time
}

type recordKey struct{}

func withRecord(ctx context.Context, r *record) context.Context {
	return context.WithValue(ctx, recordKey{}, r)
}

// recordingTransport is where redaction happens: it sees the request exactly
// as sent and the response exactly as received, and stores masked copies
// for everything that is shown; the raw answer is kept for checks only.
type recordingTransport struct {
	next   http.RoundTripper
	redact *Redactor
	polite Pace
	// breaker is the product's: a request that waited for its turn while
	// other scenarios' requests opened it is not sent.
	breaker *breaker
	stall   time.Duration // Options.Timeout: the longest silence
	host    string
}

// maxResponse caps how much of a response is read: a misbehaving target
// cannot exhaust the runner's memory.
const maxResponse = 64 << 20

func (t *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rec, _ := req.Context().Value(recordKey{}).(*record)
	if rec == nil {
		rec = &record{}
	}
	var reqBody []byte
	if req.GetBody != nil {
		if b, err := req.GetBody(); err == nil {
			reqBody, _ = io.ReadAll(b)
			b.Close()
		}
	}
	rec.request = Recorded{
		Method: req.Method,
		URL:    t.redact.Text(req.URL.String()),
		Header: t.redact.Header(req.Header),
		Body:   printable(t.redact.Body(req.Header.Get("Content-Type"), reqBody)),
	}
	turned, err := t.waitTurn(req.Context())
	if err != nil {
		return nil, err
	}
	rec.turned = turned
	// The clock starts here, after the harness's own work. From here the
	// request is on its way, and the run calling it off (an interrupt)
	// would not call off what the target does with it: an add cancelled
	// in flight was applied after its undo's delete had found nothing (a
	// user left behind). So it goes on to its answer, which the undos
	// need, bounded by the watch's silence limit as every request is.
	ctx, w := startWatch(context.WithoutCancel(req.Context()), t.host, t.stall, trickleAllowance(t.stall, len(reqBody)))
	defer w.stop()
	req = req.WithContext(ctx)
	if req.Body != nil && req.Body != http.NoBody {
		req.Body = progressBody{progressReader{req.Body, w}, req.Body}
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, w.explain(err)
	}
	w.progress() // the answer began
	body, rerr := io.ReadAll(io.LimitReader(progressReader{resp.Body, w}, maxResponse))
	rerr = w.explain(rerr)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(nil))
	rec.readErr = rerr
	rec.raw = body
	rec.responseBody = t.redact.Body(resp.Header.Get("Content-Type"), body)
	rec.response = Recorded{
		Status: resp.StatusCode,
		Header: t.redact.Header(resp.Header),
		Body:   printable(rec.responseBody),
	}
	return resp, nil
}

// printable keeps text bodies as they are and summarises binary ones.
func printable(b []byte) string {
	if bytes.IndexByte(b, 0) >= 0 {
		return fmt.Sprintf("(%d bytes of binary data)", len(b))
	}
	return string(b)
}

// MediaType is the bare media type of a Content-Type value.
func MediaType(contentType string) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(contentType))
	}
	return mt
}

// Answer is an exchange as a fake road would return it (a planned run's
// sender, a test's): the operation, the status and the body as received.
func Answer(op string, status int, body []byte) *Exchange {
	return &Exchange{Operation: op, Response: Recorded{Status: status, Body: string(body)}, body: body, raw: body}
}
