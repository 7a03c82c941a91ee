package suites

import (
	"bytes"
	"fmt"
	"github.com/oracle-users-conformance/conformance/internal/opid"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/oracle-users-conformance/conformance/internal/csvfile"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/expect"
	"github.com/oracle-users-conformance/conformance/internal/report"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
)

// The EPM Cloud Update Users v1 flow (Update Users (v1) (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users.html)): upload the
// CSV file, submit the job (PUT, a form naming the file), follow the "Job
// Status" link while status is -1, judge the finished job, delete the file.
//
// A row picks it with `flow: epm1-job`; its `with:` says what to upload and
// how to submit:
//
//	file: csv/epm-v1/utf8.csv   a fixtures file, uploaded byte for byte
//	rows: "10000"               or N rows generated at run time (csvfile.Writer),
//	unknown_every: "20"         every Nth of them naming a user that does not exist
//	content_type: text/csv      the upload's Content-Type (application/octet-stream)
//	upload_invalid: "true"      the upload breaks the spec on purpose (an empty
//	                            file is a missing request body to the spec)
//	jobtype: UPDATE_USERS       the form's jobtype ("-" leaves the field out)
//	filename: NAME              the form's filename (a template; default the uploaded
//	                            name; "-" leaves the field out)
//	submit: job|refused|none|upload
//	                            job (default): require status -1 and poll;
//	                            refused: the row's expect judges the submit answer,
//	                            which must not start a job; none: upload only;
//	                            upload: the row's request is the upload and its
//	                            expect judges the upload's answer
//	submit_observe: P1,P2       paths recorded from the submit answer
//
// A row whose request is the upload itself (operation epmUploadFile, as the
// generated CSV variants are) has that request uploaded under the run's file
// name. Otherwise the row's request is the submit: its auth, headers and body
// are used, the body defaulting to jobtype=UPDATE_USERS&filename=<name>.
// The row's expect and observe apply to the finished job's answer; its then
// steps run last, and a param whose value is "$file" is the uploaded name.
func init() {
	with := make([]string, 0, len(epm1With))
	for k := range epm1With {
		with = append(with, k)
	}
	sort.Strings(with)
	RegisterFlow("epm1-job", Flow{Run: epm1JobFlow, With: with, Mutates: true, Vars: epm1Vars})
}

const (
	epm1Form    = "application/x-www-form-urlencoded"
	epm1JobLink = "Job Status"
	epm1FileRef = "$file"
)

// epm1With are the keys a row's with may use; any other is a typo.
var epm1With = map[string]bool{"file": true, "rows": true, "unknown_every": true, "content_type": true, "upload_invalid": true,
	"jobtype": true, "filename": true, "submit": true, "submit_observe": true}

func epm1JobFlow(r *Run) {
	with := r.S.With
	mode := with["submit"]
	switch mode {
	case "", "job", "refused", "none", "upload":
	default:
		r.Failf("with.submit %q is not job, refused, none or upload", mode)
	}
	if s := r.Product.jobs.sentence(); s != "" && (mode == "" || mode == "job") {
		r.notRun(s)
	}
	r.Prepare()
	name := ""
	if mode == "upload" {
		// The row's request is the upload and what is judged (the generated
		// rows of epmUploadFile): only the name is the flow's.
		if r.S.Request.Operation != opid.EpmUploadFile {
			r.Failf("with.submit upload needs a row whose request is %s", opid.EpmUploadFile)
		}
		name = r.epm1FileName()
		req := r.S.Request
		req.Path, req.Params = "", map[string]string{"name": name}
		ex := r.Send(req)
		r.Check(ex, r.S.Expect)
		r.Observe(ex, r.S.Observe)
		r.epm1Then(name)
		return
	}
	if upload, ok := r.epm1UploadRequest(); ok {
		name = r.epm1FileName()
		upload.Params = map[string]string{"name": name}
		// The ledger deletes the file once the scenario is over, whatever
		// happens next: the vendor document says it "should be deleted after
		// the API executes", without saying by whom (Q-EPM1-001). Its
		// answer is judged when recorded (RoleUpload), like every exchange
		// that is not the row's own.
		ex := r.sendAs(upload, exchange.RoleUpload)
		if r.answered(ex) && (ex.Status() != 200 || epm1Status(ex) != "0") {
			r.Broke(ex, "uploading %s answered HTTP %d, status %s, so the job cannot run:\n  - %s",
				name, ex.Status(), epm1Status(ex), strings.Join(append(r.Problems(ex, scenario.Expect{}), epm1Details(ex)), "\n  - "))
		}
	}
	if mode == "none" {
		r.epm1Then(name)
		return
	}
	ex := r.Send(r.epm1SubmitRequest(name))
	if mode == "refused" {
		r.Check(ex, r.S.Expect)
		r.Observe(ex, r.S.Observe)
		if href, ok := link(ex, epm1JobLink); ok {
			r.Broke(ex, "the refused submit started a job anyway (Job Status link %s): a refusal must change no user (Q-EPM1-005)", href)
		}
		r.epm1Then(name)
		return
	}
	// The submit answer (Example 1): status -1 and the link to poll.
	if r.answered(ex) {
		problems := r.Problems(ex, scenario.Expect{Status: scenario.Statuses{200}})
		if st := epm1Status(ex); st != "-1" {
			problems = append(problems, fmt.Sprintf("status %s, want -1 (the job was not started: %s)", st, epm1Details(ex)))
		}
		if _, ok := link(ex, epm1JobLink); !ok {
			problems = append(problems, `no link with rel "Job Status": the answer gives no way to learn the job's outcome`)
		}
		r.Observe(ex, splitPaths(with["submit_observe"]))
		if len(problems) > 0 {
			r.Broke(ex, "the submit answered HTTP %d:\n  - %s", ex.Status(), strings.Join(problems, "\n  - "))
		}
	}
	final := r.epm1Poll(ex, r.S.Request.Auth)
	r.Check(final, r.S.Expect)
	r.Observe(final, r.S.Observe)
	r.epm1Then(name)
}

// epm1UploadRequest is the upload the row asks for, if any.
func (r *Run) epm1UploadRequest() (scenario.Request, bool) {
	with := r.S.With
	ct := with["content_type"]
	if ct == "" {
		ct = "application/octet-stream" // REST APIs for Oracle Enterprise Performance Management Cloud (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/), Upload
	}
	req := scenario.Request{Operation: opid.EpmUploadFile, Headers: map[string]string{"Content-Type": ct}}
	switch {
	case r.S.Request.Operation == opid.EpmUploadFile:
		req = r.S.Request
		req.Auth, req.Path = "", ""
		if req.Headers["Content-Type"] == "" {
			req.Headers = copyHeaders(req.Headers, "Content-Type", ct)
		}
	case with["file"] != "":
		req.BodyFile = with["file"]
	case with["rows"] != "":
		body, err := r.epm1Rows(with["rows"], with["unknown_every"])
		if err != nil {
			r.Failf("with.rows: %v", err)
		}
		req.Body = body
	default:
		return req, false
	}
	req.Invalid = req.Invalid || with["upload_invalid"] == "true"
	return req, true
}

// epm1Vars: generated rows (with.rows) name the five EPM users.
func epm1Vars(with map[string]string) []string {
	if with["rows"] == "" {
		return nil
	}
	return []string{"epm_user_1", "epm_user_2", "epm_user_3", "epm_user_4", "epm_user_5"}
}

// epm1Rows writes n rows cycling over the target's five EPM users (vars
// epm_user_1..5) with csvfile.Writer, every unknownEvery-th naming a user
// no target has.
func (r *Run) epm1Rows(n, unknownEvery string) (string, error) {
	rows, err := strconv.Atoi(n)
	if err != nil || rows < 0 {
		return "", fmt.Errorf("%q is not a number of rows", n)
	}
	every := 0
	if unknownEvery != "" {
		if every, err = strconv.Atoi(unknownEvery); err != nil || every < 1 {
			return "", fmt.Errorf("unknown_every %q is not a positive number", unknownEvery)
		}
	}
	var users []string
	for i := 1; i <= 5; i++ {
		u := r.Vars.Var[fmt.Sprintf("epm_user_%d", i)]
		if u == "" {
			return "", fmt.Errorf("the target config has no var epm_user_%d", i)
		}
		users = append(users, u)
	}
	var b bytes.Buffer
	b.Grow(rows * 64)
	w, err := csvfile.NewWriter(&b)
	if err != nil {
		return "", err
	}
	for i := 1; i <= rows; i++ {
		login := users[(i-1)%len(users)]
		if every > 0 && i%every == 0 {
			login = fmt.Sprintf("cnf-%s-absent-%d", r.Vars.Run, i)
		}
		row := csvfile.Row{FirstName: "Volume", LastName: fmt.Sprintf("Row %05d", i),
			Email: fmt.Sprintf("volume.%s.%d@example.com", r.Vars.Run, i), UserLogin: login}
		if err := w.Write(row); err != nil {
			return "", err
		}
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return b.String(), nil
}

// epm1SubmitRequest is the PUT: the row's request, its form defaulting to
// what the vendor's samples send.
func (r *Run) epm1SubmitRequest(name string) scenario.Request {
	req := r.S.Request
	if req.Operation == "" || req.Operation == opid.EpmUploadFile {
		req = scenario.Request{Operation: opid.UpdateUsersV1, Auth: r.S.Request.Auth}
	}
	if req.Params["api_version"] == "" {
		req.Params = copyHeaders(req.Params, "api_version", "v1") // this API is version v1
	}
	if req.Body != "" || req.BodyFile != "" || req.BodyTmpl != "" {
		return req
	}
	form := url.Values{}
	if jt := r.S.With["jobtype"]; jt != "-" {
		if jt == "" {
			jt = "UPDATE_USERS"
		}
		form.Set("jobtype", jt)
	}
	filename := name
	if f, ok := r.S.With["filename"]; ok {
		var err error
		if filename, err = scenario.Render("with.filename", f, r.Vars); err != nil {
			r.Failf("%v", err)
		}
	}
	if filename != "-" {
		form.Set("filename", filename)
	}
	// The Groovy sample's order: jobtype first. Encode sorts, which agrees.
	req.Body = form.Encode()
	if req.Headers["Content-Type"] == "" {
		req.Headers = copyHeaders(req.Headers, "Content-Type", epm1Form)
	}
	return req
}

// epm1Poll follows the submit answer's Job Status link every
// Poll.Interval while the job answers -1, up to Poll.Limit (Q-EPM1-019: the
// vendor's sample polls forever; we never do). Every answer, also the
// intermediate ones, is checked against the spec and the invariants. A
// planned poll has no answer to wait on: it is the one request planned.
func (r *Run) epm1Poll(submit *exchange.Exchange, auth string) *exchange.Exchange {
	GinkgoHelper()
	path, note, err := r.sender.follow(r, submit, epm1JobLink, "the submit")
	if err != nil {
		r.Broke(nil, "%v", err)
	}
	if note != "" {
		r.sender.logf(r, "%s: %s\n", r.S.ID, note)
	}
	job := path[strings.LastIndex(path, "/")+1:]
	interval, limit := r.Env.Config.Poll.Interval.D(), r.Env.Config.Poll.Limit.D()
	start := time.Now()
	deadline := start.Add(limit)
	var lastSaid time.Duration
	req := scenario.Request{Operation: opid.GetUsersJobV1, Method: "GET", Path: path, Auth: auth}
	for n := 1; ; n++ {
		ex := r.sendAs(req, exchange.RolePoll)
		if !r.answered(ex) {
			return ex
		}
		if p := r.Problems(ex, scenario.Expect{Status: scenario.Statuses{200}}); len(p) > 0 {
			r.Failf("polling job %s (poll %d), HTTP %d from %s:\n  - %s", job, n, ex.Status(), ex.Request.URL, strings.Join(p, "\n  - "))
		}
		st := epm1Status(ex)
		if st != "-1" {
			r.Product.jobs.finished()
			fmt.Fprintf(r.host.log(), "%s: job %s finished with status %s after %s (%d polls)\n", r.S.ID, job, st, time.Since(start).Round(time.Millisecond), n)
			return ex
		}
		elapsed := time.Since(start)
		if elapsed >= progressFirst && (lastSaid == 0 || elapsed-lastSaid >= progressEvery) {
			lastSaid = elapsed
			r.Env.Console.Progress("%s job %s in progress, %s", r.S.ID, job, elapsed.Round(time.Second))
		}
		fmt.Fprintf(r.host.log(), "%s: job %s in progress (status -1) after %s, poll %d; polling every %s up to %s\n",
			r.S.ID, job, elapsed.Round(time.Millisecond), n, interval, limit)
		// Other scenarios' jobs opened the product's job breaker while this
		// one polled: the queue is stuck, and waiting out this job's own
		// limit would only add it to the run (with workers, a limit more).
		// The job was not given its limit, so what it saw is no verdict.
		// One reason for all of them, so the console says it once with
		// their IDs; the job and its polls are in the scenario's log.
		if s := r.Product.jobs.sentence(); s != "" {
			r.Env.Console.Once(s)
			r.sender.end(r, report.Inconclusive, fmt.Sprintf("its job was still in progress when the job breaker of %s opened: stopped before its own poll limit", r.Product.Name))
		}
		if !time.Now().Add(interval).Before(deadline) {
			r.Product.jobs.exceeded(r.Product.Name, limit, r.Env.Config.Poll.Breaker)
			r.Broke(ex, "job %s still in progress after %s (%d polls every %s, --poll-limit %s): last status %s, details %s",
				job, elapsed.Round(time.Millisecond), n, interval, limit, st, epm1Details(ex))
		}
		select {
		case <-time.After(interval):
		case <-r.Ctx.Done():
			r.Failf("job %s: the scenario's time ran out while polling (%d polls): last status %s", job, n, st)
		}
	}
}

// progressEvery is how often a person watching the console hears that a
// job is still running.
const (
	progressFirst = 500 * time.Millisecond
	progressEvery = 5 * time.Second
)

// linkPath turns a link's href into a path relative to the target: the
// link is followed as the target gave it, but always sent to the configured
// target (a proxy, a load balancer or a live service may name its internal
// host), and a relative href is resolved against the target. The document's
// own example begins the href with a blank, which is ignored.
func (r *Run) linkPath(href string) (path, note string, err error) {
	u, err := url.Parse(strings.TrimSpace(href))
	if err != nil {
		return "", "", err
	}
	base := r.Product.Client.Base()
	abs := base.ResolveReference(u)
	if u.IsAbs() && u.Host != base.Host {
		note = fmt.Sprintf("the Job Status link names host %s; its path is followed on the target %s", u.Host, base.Host)
	}
	path = abs.Path
	if base.Path != "" {
		if u.IsAbs() || strings.HasPrefix(u.Path, "/") {
			// An absolute path is the target's own view of itself; behind a
			// proxy that adds the base path it lacks it, and is followed
			// under the base path (with a note).
			path = u.Path
			if strings.HasPrefix(path, base.Path+"/") {
				path = strings.TrimPrefix(path, base.Path)
			} else {
				note = strings.TrimPrefix(note+"; ", "; ") + fmt.Sprintf("the Job Status link's path %s lacks the target's base path %s; it is followed under it", path, base.Path)
			}
		} else {
			path = strings.TrimPrefix(path, base.Path)
		}
	}
	if path == "" || path == "/" {
		return "", "", fmt.Errorf("it has no path")
	}
	if abs.RawQuery != "" {
		path += "?" + abs.RawQuery
	}
	return path, note, nil
}

// epm1Then runs the row's further steps; a param "$file" names the upload.
func (r *Run) epm1Then(name string) {
	GinkgoHelper()
	for _, st := range r.S.Then {
		req := st.Request
		if len(req.Params) > 0 {
			params := make(map[string]string, len(req.Params))
			for k, v := range req.Params {
				if v == epm1FileRef {
					if name == "" {
						r.Failf("a then step names %s but the row uploads nothing", epm1FileRef)
					}
					v = name
				}
				params[k] = v
			}
			req.Params = params
		}
		ex := r.sendAs(req, exchange.RoleThen)
		r.Check(ex, st.Expect)
		r.Observe(ex, st.Observe)
	}
}

var unsafeName = regexp.MustCompile(`[^a-z0-9.-]+`)

// epm1FileName is unique per run and per scenario, so runs and scenarios
// never meet on a shared target (an existing name is refused, not
// overwritten: Q-EPM1-009).
func (r *Run) epm1FileName() string {
	id := unsafeName.ReplaceAllString(strings.ToLower(r.S.ID), "-")
	return "cnf-" + r.Vars.Run + "-" + strings.Trim(id, "-") + ".csv"
}

// epm1Status is the answer's status as written ("" when absent).
func epm1Status(ex *exchange.Exchange) string {
	body, err := ex.JSON()
	if err != nil {
		return "(no JSON body)"
	}
	vals, ok, _ := expect.Lookup(body, "status")
	if !ok || len(vals) != 1 {
		return "(absent)"
	}
	return fmt.Sprint(vals[0])
}

// epm1Details is the answer's details, for messages.
func epm1Details(ex *exchange.Exchange) string {
	body, err := ex.JSON()
	if err != nil {
		return show(string(ex.Body()))
	}
	vals, ok, _ := expect.Lookup(body, "details")
	if !ok || len(vals) != 1 {
		return "(absent)"
	}
	return show(vals[0])
}

// link finds the href of an answer's first link with that rel.
func link(ex *exchange.Exchange, rel string) (string, bool) {
	body, err := ex.JSON()
	if err != nil {
		return "", false
	}
	m, _ := body.(map[string]any)
	links, _ := m["links"].([]any)
	for _, l := range links {
		lm, _ := l.(map[string]any)
		if lm["rel"] == rel {
			href, ok := lm["href"].(string)
			return href, ok && strings.TrimSpace(href) != ""
		}
	}
	return "", false
}

func splitPaths(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func copyHeaders(h map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(h)+1)
	for hk, hv := range h {
		out[hk] = hv
	}
	out[k] = v
	return out
}
