package clientcheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/mock/auth"
	"github.com/oracle-users-conformance/conformance/internal/report"
)

// keepBody bounds what is kept of one body in the record (the report shows
// requests, it does not archive them) and keepFile what is kept of one
// uploaded file for its checks.
const (
	keepBody = 16 << 10
	keepFile = 32 << 20
)

// Checker records every exchange that passes through it and judges the
// client that sent them.
type Checker struct {
	next    http.Handler
	catalog *contract.Catalog
	red     *exchange.Redactor
	tokens  map[string]string // bearer token -> login

	mu      sync.Mutex
	started time.Time
	seq     int
	count   int                // requests judged since the last reset
	files   map[string]*upload // by file name, as the client wrote it
	jobs    map[string]*job    // by the path of the Job Status link
	found   map[string][]finding
	seen    map[string]bool // obligations some request exercised
}

// record is one exchange, redacted.
type record struct {
	n  int
	at time.Time
	ex report.Exchange
}

// upload is a file the client uploaded and has not deleted.
type upload struct {
	content []byte
	deleted bool
}

// job is an update job the mock started for the client.
type job struct {
	submit *record
	file   string
	polls  []*record
	done   bool // a poll saw it finish
	fast   bool // reported too fast already
}

// finding is one broken obligation, at one request.
type finding struct {
	rec *record
	msg string
}

// Options say who can log in, so the checker knows the executing account
// of a request and masks every password and token.
type Options struct {
	Accounts []*auth.Account
}

// New wraps next. The catalog is the built-in specs.
func New(next http.Handler, opts Options) (*Checker, error) {
	cat, err := contract.Builtin()
	if err != nil {
		return nil, err
	}
	c := &Checker{next: next, catalog: cat, tokens: map[string]string{}, red: exchange.NewRedactor(nil, nil)}
	c.Learn(opts.Accounts)
	c.Reset()
	return c, nil
}

// Learn makes more accounts known (another seed loaded): their passwords
// and tokens are masked from now on, and their tokens name their login.
func (c *Checker) Learn(accounts []*auth.Account) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, a := range accounts {
		c.red.Add(a.Password)
		for _, t := range a.Tokens {
			c.red.Add(t)
			c.tokens[t] = a.Login
		}
	}
}

// Reset forgets every request: the report starts again (the mock's reset
// calls it, so a report covers one test's requests).
func (c *Checker) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.started = time.Now()
	c.count = 0
	c.files = map[string]*upload{}
	c.jobs = map[string]*job{}
	c.found = map[string][]finding{}
	c.seen = map[string]bool{}
}

// caller is the login a request authenticates as, "" when none.
func (c *Checker) caller(r *http.Request) string {
	if u, _, ok := r.BasicAuth(); ok {
		return u
	}
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return c.tokens[strings.TrimSpace(tok)]
	}
	return ""
}

// capture keeps the status and the first bytes of an answer.
type capture struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *capture) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *capture) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if room := keepBody - w.body.Len(); room > 0 {
		w.body.Write(b[:min(room, len(b))])
	}
	return w.ResponseWriter.Write(b)
}

// Flush lets a chunked answer through.
func (w *capture) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// ServeHTTP records the exchange, passes it on, and judges it.
func (c *Checker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(r.Body, keepFile+1))
		rest := r.Body
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), rest), rest}
	}
	cw := &capture{ResponseWriter: w}
	c.next.ServeHTTP(cw, r)
	c.judge(at, r, body, cw)
}

func (c *Checker) judge(at time.Time, r *http.Request, body []byte, cw *capture) {
	// What needs no shared state (masking, the spec's validation) is done
	// before the lock, so concurrent clients are not judged one at a time.
	reqBody, _ := report.Clip(string(c.red.Body(r.Header.Get("Content-Type"), body)), keepBody)
	rec := &record{at: at, ex: report.Exchange{
		Role: "client", Method: r.Method, URL: c.red.Text(r.URL.RequestURI()),
		RequestHeaders: c.red.Header(r.Header), RequestBody: reqBody,
		Status: cw.status, ResponseHeaders: c.red.Header(cw.Header()),
		ResponseBody: string(c.red.Body(cw.Header().Get("Content-Type"), cw.body.Bytes())),
	}}
	path := strings.TrimPrefix(r.URL.Path, "/shared-services")
	op, pathKnown := c.catalog.Match(r.Method, path)
	var violations []contract.Violation
	if op != nil {
		rec.ex.Operation = op.ID
		violations = op.ValidateRequest(r, path, body)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++ // never reset: a request number names one request for the mock's life
	rec.n = c.seq
	c.count++
	if op == nil {
		c.undocumented(rec, r.Method, path, pathKnown)
		return
	}
	c.contract(rec, op, violations)
	switch op.ID {
	case "epmUploadFile":
		c.uploaded(op, path, body, cw)
	case "epmDeleteFile":
		if params, ok := op.PathParams(path); ok && accepted(cw) {
			if f := c.files[params["name"]]; f != nil {
				f.deleted = true
			}
			c.deletedAfterJobs(params["name"])
		}
	case "updateUsersV1":
		c.submitted(rec, r, body, cw)
	case "getUsersJobV1":
		c.pollOfJob(rec, r, cw)
	case "updateUsersV2":
		c.seen[ObNoURLEncode.ID] = true
		mt := strings.ToLower(r.Header.Get("Content-Type"))
		t := bytes.TrimSpace(body)
		if strings.Contains(mt, "x-www-form-urlencoded") || bytes.HasPrefix(t, []byte("%7B")) || bytes.HasPrefix(t, []byte("users=")) {
			c.add(ObNoURLEncode, rec, fmt.Sprintf("the payload was sent URL-encoded (Content-Type %q)", r.Header.Get("Content-Type")))
		}
	case "oigUpdateUsers":
		c.seen[ObRequestedBy.ID] = true
		if _, ok := r.Header[http.CanonicalHeaderKey("X-Requested-By")]; !ok {
			c.add(ObRequestedBy, rec, "the PUT carries no X-Requested-By header")
		}
	}
}

// contract judges the request side of the operation. A missing
// X-Requested-By is CLIENT-OIG-002's finding alone.
func (c *Checker) contract(rec *record, op *contract.Operation, violations []contract.Violation) {
	ob, ok := contractObligation(apiOf(op))
	if !ok {
		return
	}
	c.seen[ob.ID] = true
	for _, v := range violations {
		if strings.EqualFold(v.Path, "header X-Requested-By") {
			continue
		}
		c.add(ob, rec, fmt.Sprintf("%s (spec %s, operation %s)", c.red.Text(v.String()), "specs/"+op.File, op.ID))
	}
}

// undocumented judges a request no operation of the specs has: a wrong
// method on a documented path, or a path under a product's APIs that no
// document names (a typo the mock answers 404 or 405).
func (c *Checker) undocumented(rec *record, method, path string, pathKnown bool) {
	// The operation whose path shares the longest prefix with the request
	// names its API: /interop/rest/ (the Migration API versions) lies
	// above every EPM path, and must not claim a typo under the security
	// APIs.
	var best *contract.Operation
	longest := -1
	for _, op := range c.catalog.Operations() {
		prefix, _, _ := strings.Cut(op.Path, "{")
		if !pathKnown && !strings.HasPrefix(path, strings.TrimSuffix(prefix, "/")+"/") {
			continue
		}
		if _, ok := op.PathParams(path); pathKnown && !ok {
			continue
		}
		if len(prefix) > longest {
			best, longest = op, len(prefix)
		}
	}
	if best == nil {
		return
	}
	ob, ok := contractObligation(apiOf(best))
	if !ok {
		return
	}
	c.seen[ob.ID] = true
	what := "no operation of specs/ has this path (it lies under the paths of specs/" + best.File + ")"
	if pathKnown {
		what = method + " is not documented for this path (specs/" + best.File + ")"
	}
	c.add(ob, rec, what)
}

// apiOf names an operation's API from its spec file: epm-users-v1.yaml is
// epm-v1, essbase-users.yaml essbase.
func apiOf(op *contract.Operation) string {
	name := strings.TrimSuffix(op.File, ".yaml")
	if v, ok := strings.CutPrefix(name, "epm-users-"); ok {
		return "epm-" + v
	}
	product, _, _ := strings.Cut(name, "-")
	return product
}

// accepted reports an answer that did what was asked: HTTP 2xx and, for
// EPM's JSON, status 0 (EPM refuses with HTTP 200 and status 1).
func accepted(cw *capture) bool {
	if cw.status < 200 || cw.status > 299 {
		return false
	}
	var m struct {
		Status *int `json:"status"`
	}
	if json.Unmarshal(cw.body.Bytes(), &m) == nil && m.Status != nil {
		return *m.Status == 0
	}
	return true
}

func (c *Checker) uploaded(op *contract.Operation, path string, body []byte, cw *capture) {
	params, ok := op.PathParams(path)
	if !ok || !accepted(cw) {
		return
	}
	name := params["name"]
	f := c.files[name]
	if f == nil || f.deleted {
		f = &upload{}
		c.files[name] = f
	}
	if room := keepFile - len(f.content); room > 0 {
		f.content = append(f.content, body[:min(room, len(body))]...)
	}
}

// submitted judges the file of an update job when the job starts.
func (c *Checker) submitted(rec *record, r *http.Request, body []byte, cw *capture) {
	form, _ := url.ParseQuery(string(body))
	name := form.Get("filename")
	link := jobLink(cw.body.Bytes())
	if link == "" || name == "" {
		return // refused: no job, nothing of the file was used
	}
	j := &job{submit: rec, file: name}
	c.jobs[link] = j
	for _, ob := range []Obligation{ObFileDeleted, ObOwnRow, ObQuoteSpaces, ObEncoding, ObPollOutcome} {
		c.seen[ob.ID] = true
	}
	f := c.files[name]
	if f == nil {
		return
	}
	if why := notANSIOrUTF8(f.content); why != "" {
		c.add(ObEncoding, rec, fmt.Sprintf("file %s: %s", name, why))
	}
	for _, s := range unquotedSpaces(f.content) {
		c.add(ObQuoteSpaces, rec, fmt.Sprintf("file %s, %s holds a space and is not enclosed in double quotation marks", name, s))
	}
	if who := c.caller(r); who != "" {
		for _, line := range ownRows(f.content, who) {
			c.add(ObOwnRow, rec, fmt.Sprintf("file %s, line %d updates %s, the account that submitted the job", name, line, who))
		}
	}
}

// jobLink is the path of the "Job Status" link of a submit answer.
func jobLink(answer []byte) string {
	var m struct {
		Links []struct {
			Rel  string `json:"rel"`
			Href string `json:"href"`
		} `json:"links"`
	}
	if json.Unmarshal(answer, &m) != nil {
		return ""
	}
	for _, l := range m.Links {
		if l.Rel == "Job Status" {
			if u, err := url.Parse(strings.TrimSpace(l.Href)); err == nil {
				return u.Path
			}
		}
	}
	return ""
}

// pollOfJob counts a GET of a Job Status link and judges its pace.
func (c *Checker) pollOfJob(rec *record, r *http.Request, cw *capture) {
	j := c.jobs[r.URL.Path]
	if j == nil || r.Method != http.MethodGet {
		return
	}
	c.seen[ObPollPace.ID] = true
	if n := len(j.polls); n > 0 && !j.fast {
		if gap := rec.at.Sub(j.polls[n-1].at); gap < MinPollInterval {
			j.fast = true
			c.add(ObPollPace, rec, fmt.Sprintf("job %s polled %s after the previous poll (request #%d); at least %s apart", r.URL.Path, gap.Round(time.Millisecond), j.polls[n-1].n, MinPollInterval))
		}
	}
	j.polls = append(j.polls, rec)
	var m struct {
		Status *int `json:"status"`
	}
	if cw.status == http.StatusOK && json.Unmarshal(cw.body.Bytes(), &m) == nil && m.Status != nil && *m.Status != -1 {
		j.done = true
	}
}

// deletedAfterJobs marks the file's jobs as cleaned up.
func (c *Checker) deletedAfterJobs(name string) {
	for _, j := range c.jobs {
		if j.file == name {
			j.file = "" // deleted after it was used
		}
	}
}

// add records a finding. Its words come from what the client sent (a file
// name, a field), so they are masked like the record.
func (c *Checker) add(ob Obligation, rec *record, msg string) {
	c.found[ob.ID] = append(c.found[ob.ID], finding{rec: rec, msg: c.red.Text(msg)})
}
