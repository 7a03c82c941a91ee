// Package exchange sends a scenario's request to the target, checks request
// and response against the spec operation, and keeps a record of both with
// every secret masked. The masking happens in the HTTP transport, so nothing
// downstream (reports, logs, failure messages) ever holds a secret.
package exchange

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/oracle-users-conformance/conformance/internal/contract"
)

// Credential is how a request authenticates.
type Credential struct {
	Basic    bool
	User     string
	Password string
	Token    string // bearer when set
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
	// scenario): its request violations are recorded, not failures.
	Unchecked bool
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
	Request            Recorded
	Response           Recorded
	Duration           time.Duration
	RequestViolations  []contract.Violation
	ResponseViolations []contract.Violation
	Err                error // transport failure: no response
	// ClientError is true when the request was wrong on purpose: the target
	// owes it a 4xx (or the API's refusal envelope), never a 5xx.
	ClientError bool

	body []byte // redacted response body, for checks
	json any
	jerr error
}

// Status is the response status, 0 when there was no response.
func (e *Exchange) Status() int { return e.Response.Status }

// Body is the (redacted) response body.
func (e *Exchange) Body() []byte { return e.body }

// JSON decodes the response body once; numbers stay exact.
func (e *Exchange) JSON() (any, error) {
	if e.json == nil && e.jerr == nil {
		dec := json.NewDecoder(bytes.NewReader(e.body))
		dec.UseNumber()
		e.jerr = dec.Decode(&e.json)
		if e.jerr != nil {
			e.jerr = fmt.Errorf("response body is not JSON: %w", e.jerr)
		}
	}
	return e.json, e.jerr
}

// Transcript renders the exchange for a report: request, response, timing and
// violations, all already redacted.
func (e *Exchange) Transcript() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", e.Request.Method, e.Request.URL)
	if e.Operation != "" {
		fmt.Fprintf(&b, "   (operation %s)", e.Operation)
	}
	b.WriteString("\n")
	writeHeader(&b, e.Request.Header)
	if e.Request.Body != "" {
		b.WriteString("\n" + clip(e.Request.Body) + "\n")
	}
	b.WriteString("\n")
	if e.Err != nil {
		fmt.Fprintf(&b, "no response: %v\n", e.Err)
	} else {
		fmt.Fprintf(&b, "HTTP %d  (%s)\n", e.Response.Status, e.Duration.Round(time.Millisecond))
		writeHeader(&b, e.Response.Header)
		if e.Response.Body != "" {
			b.WriteString("\n" + clip(e.Response.Body) + "\n")
		}
	}
	for _, v := range e.RequestViolations {
		fmt.Fprintf(&b, "request breaks the spec: %s\n", v)
	}
	for _, v := range e.ResponseViolations {
		fmt.Fprintf(&b, "response breaks the spec: %s\n", v)
	}
	return b.String()
}

func writeHeader(b *strings.Builder, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			fmt.Fprintf(b, "%s: %s\n", k, v)
		}
	}
}

// clip keeps reports readable when a scenario sends thousands of users.
func clip(s string) string {
	const max = 16 << 10
	if len(s) <= max {
		return s
	}
	return s[:max] + fmt.Sprintf("\n… (%d more bytes)", len(s)-max)
}

// Options configure a client.
type Options struct {
	Timeout  time.Duration // per request; a dead target fails a scenario, never hangs it
	Rate     float64       // requests per second, 0 for no limit
	Redactor *Redactor
	// Transport is the underlying round tripper (tests inject deviations).
	Transport http.RoundTripper
}

// Client talks to one target.
type Client struct {
	base    *url.URL
	http    *http.Client
	catalog *contract.Catalog
}

// New builds a client for the target base URL.
func New(base string, catalog *contract.Catalog, opts Options) (*Client, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("target %q is not an http(s) URL", base)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.Redactor == nil {
		opts.Redactor = NewRedactor(nil, nil)
	}
	base2 := opts.Transport
	if base2 == nil {
		base2 = http.DefaultTransport
	}
	var limiter *rate.Limiter
	if opts.Rate > 0 {
		limiter = rate.NewLimiter(rate.Limit(opts.Rate), 1)
	}
	rt := &recordingTransport{next: base2, redact: opts.Redactor, limiter: limiter}
	return &Client{
		base: u,
		http: &http.Client{
			Transport: rt,
			Timeout:   opts.Timeout,
			// Redirects are answers to check, not to follow.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		catalog: catalog,
	}, nil
}

// Base is the target's base URL.
func (c *Client) Base() *url.URL { return c.base }

// Catalog is the spec catalog the client validates against.
func (c *Client) Catalog() *contract.Catalog { return c.catalog }

// Do sends one request and returns the evidence. A transport failure is in
// Exchange.Err, not the error: the error is for a request the harness could
// not even build.
func (c *Client) Do(ctx context.Context, r Request) (*Exchange, error) {
	var op *contract.Operation
	if r.Operation != "" {
		var ok bool
		if op, ok = c.catalog.Operation(r.Operation); !ok {
			return nil, fmt.Errorf("no operation %q in specs/", r.Operation)
		}
		if r.Method == "" {
			r.Method = op.Method
		}
		if r.Path == "" {
			r.Path = op.Path
		}
	}
	u := *c.base
	relPath, rawQuery, _ := strings.Cut(r.Path, "?")
	// The row's path is sent as written, escapes included: a file name
	// with %2F must reach the target as %2F, not as %252F or a slash.
	decoded, err := url.PathUnescape(relPath)
	if err != nil {
		return nil, fmt.Errorf("path %q: %w", relPath, err)
	}
	u.Path = c.base.Path + decoded
	u.RawPath = c.base.EscapedPath() + relPath
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, fmt.Errorf("query of %q: %w", r.Path, err)
	}
	for k, vs := range r.Query {
		q[k] = append(q[k], vs...)
	}
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, r.Method, u.String(), bytes.NewReader(r.Body))
	if err != nil {
		return nil, fmt.Errorf("build %s %s: %w", r.Method, r.Path, err)
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if a := r.Auth; a != nil {
		switch {
		case a.Token != "":
			req.Header.Set("Authorization", "Bearer "+a.Token)
		case a.Basic:
			req.SetBasicAuth(a.User, a.Password)
		}
	}
	// Requests whose method does not match the operation (a wrong-method
	// scenario) are matched by path alone: no operation, no contract check.
	if op != nil && !strings.EqualFold(op.Method, r.Method) {
		op = nil
	}
	if op == nil && r.Operation == "" {
		op, _ = c.catalog.Match(r.Method, relPath)
	}
	ex := &Exchange{ClientError: r.Unchecked}
	if op != nil {
		ex.Operation = op.ID
		ex.RequestViolations = op.ValidateRequest(req, relPath, r.Body)
	}
	rec := &record{}
	start := time.Now()
	resp, err := c.http.Do(req.WithContext(withRecord(ctx, rec)))
	ex.Duration = time.Since(start)
	ex.Request = rec.request
	if err != nil {
		ex.Err = c.describe(err)
		if ex.Request.Method == "" { // never reached the transport
			ex.Request = Recorded{Method: r.Method, URL: u.String()}
		}
		return ex, nil
	}
	resp.Body.Close()
	ex.Response = rec.response
	ex.body = rec.responseBody
	if rec.readErr != nil {
		ex.Err = fmt.Errorf("reading the response body: %w", rec.readErr)
		return ex, nil
	}
	if op != nil {
		ex.ResponseViolations = op.ValidateResponse(req, relPath, r.Body, resp.StatusCode, resp.Header, ex.body)
	}
	return ex, nil
}

// describe turns a transport error into one sentence, without the URL's
// credentials (there are none: they travel in headers).
func (c *Client) describe(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return fmt.Errorf("the target at %s did not answer within %s", c.base.Host, c.http.Timeout)
		}
		return fmt.Errorf("the target at %s could not be reached: %v", c.base.Host, ue.Err)
	}
	return err
}

// record is filled by the transport for one request.
type record struct {
	request      Recorded
	response     Recorded
	responseBody []byte
	readErr      error
}

type recordKey struct{}

func withRecord(ctx context.Context, r *record) context.Context {
	return context.WithValue(ctx, recordKey{}, r)
}

// recordingTransport is where redaction happens: it sees the request exactly
// as sent and the response exactly as received, and stores only masked copies.
type recordingTransport struct {
	next    http.RoundTripper
	redact  *Redactor
	limiter *rate.Limiter
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
	if t.limiter != nil {
		if err := t.limiter.Wait(req.Context()); err != nil {
			return nil, err
		}
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(nil))
	rec.readErr = rerr
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
