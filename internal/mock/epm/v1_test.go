package epm_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/mock/auth"
	"github.com/oracle-users-conformance/conformance/internal/mock/epm"
	"github.com/oracle-users-conformance/conformance/specs"
)

var catalog = sync.OnceValues(func() (*contract.Catalog, error) { return contract.Load(specs.FS) })

// v1 is a mock with the seed's accounts and users, on a real HTTP server so
// that every exchange goes through the same path as the suite's.
type v1 struct {
	t       testing.TB
	srv     *httptest.Server
	epm     *epm.Server
	fileDir string
}

func newV1(t testing.TB, opts epm.Options) *v1 {
	t.Helper()
	dir := auth.New([]auth.Account{
		{Login: "admin", Password: "Welcome1", Tokens: []string{"mock-admin-token"}, FirstName: "Service", LastName: "Administrator", Email: "admin@example.com",
			Roles: map[string][]string{auth.EPM: {"Identity Domain Administrator", "Service Administrator"}}},
		{Login: "viewer", Password: "Viewer#2026", FirstName: "Vera", LastName: "Viewer", Email: "viewer@example.com",
			Roles: map[string][]string{auth.EPM: {"Viewer"}}},
	})
	if opts.JobDuration == 0 {
		opts.JobDuration = -1
	}
	if opts.FileDir == "" {
		opts.FileDir = t.TempDir()
	}
	s := epm.New(dir, epm.Seed{Users: []epm.User{
		{Login: "jdoe", FirstName: "John", LastName: "Doe", Email: "jdoe@example.com"},
		{Login: "chris", FirstName: "Chris", LastName: "Newton", Email: "chris@example.com"},
		{Login: "alex", FirstName: "Alex", LastName: "Peter", Email: "alex@example.com"},
		{Login: "jeff", FirstName: "Jeff", LastName: "Chris", Email: "jeff@example.com"},
		{Login: "mona", FirstName: "Mona", LastName: "Lisa", Email: "mona@example.com"},
	}}, opts, nil)
	mux := http.NewServeMux()
	s.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		srv.Close()
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return &v1{t: t, srv: srv, epm: s, fileDir: opts.FileDir}
}

type req struct {
	method, path string
	ctype        string
	body         []byte
	who          string // admin (default), viewer, none, bad, bearer
	accept       string
}

type resp struct {
	status int
	body   []byte
	json   map[string]any
}

// do sends a request and checks the answer against the spec's operation.
func (m *v1) do(r req) resp {
	m.t.Helper()
	hr, err := http.NewRequest(r.method, m.srv.URL+r.path, bytes.NewReader(r.body))
	if err != nil {
		m.t.Fatal(err)
	}
	if r.ctype != "" {
		hr.Header.Set("Content-Type", r.ctype)
	}
	if r.accept != "" {
		hr.Header.Set("Accept", r.accept)
	}
	switch r.who {
	case "", "admin":
		hr.SetBasicAuth("admin", "Welcome1")
	case "viewer":
		hr.SetBasicAuth("viewer", "Viewer#2026")
	case "bad":
		hr.SetBasicAuth("admin", "wrong")
	case "bearer":
		hr.Header.Set("Authorization", "Bearer mock-admin-token")
	}
	res, err := http.DefaultClient.Do(hr)
	if err != nil {
		m.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		m.t.Fatal(err)
	}
	out := resp{status: res.StatusCode, body: body}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(body, &out.json); err != nil {
			m.t.Fatalf("%s %s: answer is not JSON: %v\n%s", r.method, r.path, err, body)
		}
	}
	if res.StatusCode == http.StatusMethodNotAllowed {
		return out // no operation describes a wrong method
	}
	c, err := catalog()
	if err != nil {
		m.t.Fatal(err)
	}
	rawPath := strings.SplitN(r.path, "?", 2)[0]
	op, _ := c.Match(r.method, rawPath)
	if op == nil {
		m.t.Fatalf("%s %s matches no operation of the specs", r.method, rawPath)
	}
	hr.Body = io.NopCloser(bytes.NewReader(r.body))
	hr.URL.RawPath = ""
	for _, v := range op.ValidateResponse(hr, rawPath, r.body, res.StatusCode, res.Header, body) {
		m.t.Errorf("contract: %s\nbody: %s", v, body)
	}
	return out
}

func (m *v1) upload(name string, data []byte) resp {
	m.t.Helper()
	return m.do(req{method: "POST", path: "/interop/rest/11.1.2.3.600/applicationsnapshots/" + url.PathEscape(name) + "/contents", ctype: "application/octet-stream", body: data})
}

func (m *v1) submit(who, filename string) resp {
	m.t.Helper()
	form := url.Values{"jobtype": {"UPDATE_USERS"}, "filename": {filename}}.Encode()
	return m.do(req{method: "PUT", path: "/interop/rest/security/v1/users", ctype: "application/x-www-form-urlencoded", body: []byte(form), who: who})
}

// wait polls the Job Status link of a submit answer until the job is done.
func (m *v1) wait(submitted resp) resp {
	m.t.Helper()
	if got := submitted.json["status"]; got != float64(-1) {
		m.t.Fatalf("submit: status %v, want -1: %s", got, submitted.body)
	}
	links := submitted.json["links"].([]any)
	href := links[1].(map[string]any)["href"].(string)
	path := strings.TrimPrefix(href, m.srv.URL)
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := m.do(req{method: "GET", path: path})
		if r.json["status"] != float64(-1) {
			return r
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("job %s still in progress after 10s", path)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (m *v1) run(name string, data []byte) resp {
	m.t.Helper()
	if r := m.upload(name, data); r.json["status"] != float64(0) {
		m.t.Fatalf("upload %s: %s", name, r.body)
	}
	return m.wait(m.submit("admin", name))
}

type failure struct{ user, details string }

func items(r resp) []failure {
	var out []failure
	list, _ := r.json["items"].([]any)
	for _, it := range list {
		m := it.(map[string]any)
		out = append(out, failure{m["UserName"].(string), m["Error_Details"].(string)})
	}
	return out
}

const hdr = "First Name,Last Name,Email,User Login\n"

func TestSubmitAnswerHasTheDocumentedLinks(t *testing.T) {
	// Long enough that the first poll comes while the job runs, however
	// loaded the machine (50 ms was not, under -race beside other tests).
	m := newV1(t, epm.Options{JobDuration: 2 * time.Second})
	m.upload("users.csv", []byte(hdr+"John,Doe,jdoe@example.com,jdoe\n"))
	r := m.submit("admin", "users.csv")
	if r.status != 200 || r.json["status"] != float64(-1) || r.json["details"] != nil || r.json["items"] != nil {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	links := r.json["links"].([]any)
	self, status := links[0].(map[string]any), links[1].(map[string]any)
	if self["rel"] != "self" || self["action"] != "UPDATE" || !strings.HasSuffix(self["href"].(string), "/interop/rest/security/v1/users") {
		t.Errorf("self link: %v", self)
	}
	if d := self["data"].(map[string]any); d["jobType"] != "UPDATE_USERS" || d["filename"] != "users.csv" {
		t.Errorf("self data: %v", d)
	}
	if status["rel"] != "Job Status" || status["action"] != "GET" || status["data"] != nil ||
		!strings.Contains(status["href"].(string), "/interop/rest/security/v1/jobs/") {
		t.Errorf("Job Status link: %v", status)
	}
	// Still running: JobDuration holds it at -1.
	path := strings.TrimPrefix(status["href"].(string), m.srv.URL)
	if p := m.do(req{method: "GET", path: path}); p.json["status"] != float64(-1) {
		t.Errorf("first poll: %s; want status -1", p.body)
	}
	done := m.wait(r)
	if done.json["status"] != float64(0) || done.json["details"] != "Processed - 1, Succeeded - 1, Failed - 0." || done.json["items"] != nil {
		t.Errorf("done: %s", done.body)
	}
	if u, _ := m.epm.Domain.Get("jdoe"); u.Email != "jdoe@example.com" || u.FirstName != "John" {
		t.Errorf("jdoe = %+v", u)
	}
}

// TestFixtures runs every file of fixtures/csv/epm-v1 as its README says.
func TestFixtures(t *testing.T) {
	type want struct {
		status                       int
		processed, succeeded, failed int
		details                      string // substring, for status 1
		items                        []failure
	}
	notFound := func(u string) failure {
		return failure{u, " User " + u + " not found. Verify that the user exists. "}
	}
	cases := map[string]want{
		"utf8.csv":                   {0, 3, 3, 0, "", nil},
		"utf8-bom.csv":               {0, 2, 2, 0, "", nil},
		"ansi-1252.csv":              {0, 3, 3, 0, "", nil},
		"ansi-late.csv":              {0, 51, 51, 0, "", nil},
		"crlf.csv":                   {0, 2, 2, 0, "", nil},
		"quoted-spaces.csv":          {0, 2, 2, 0, "", nil},
		"quoted-commas.csv":          {0, 2, 2, 0, "", nil},
		"doubled-quotes.csv":         {0, 1, 1, 0, "", nil},
		"quoted-linebreak.csv":       {0, 2, 2, 0, "", nil},
		"header-only.csv":            {0, 0, 0, 0, "", nil},
		"typo-header.csv":            {0, 1, 1, 0, "", nil},
		"duplicate-rows.csv":         {0, 2, 2, 0, "", nil},
		"case-insensitive-login.csv": {0, 2, 2, 0, "", nil},
		"blank-lines.csv":            {0, 1, 1, 0, "", nil},
		"unknown-users.csv":          {0, 3, 2, 1, "", []failure{notFound("ghost")}},
		"own-row.csv":                {0, 2, 1, 1, "", []failure{{"admin", " User admin is the user running this job. The file must not include the account of the user who executes this command. "}}},
		"invalid-email.csv":          {0, 2, 1, 1, "", []failure{{"chris", " Invalid email chris.example.com for user chris. Provide valid email. "}}},
		"viewer-row.csv":             {0, 1, 1, 0, "", nil},
		"missing-column.csv":         {0, 3, 2, 1, "", []failure{{"", " Invalid record at line 3: missing column: 3 fields where the header has 4 (no User Login). "}}},
		"extra-column.csv":           {0, 2, 1, 1, "", []failure{{"chris@example.com", " Invalid record at line 3: extra column: 5 fields where the header has 4; a value with a comma must be in double quotes. "}}},
		"mixed-encoding.csv":         {0, 2, 1, 1, "", []failure{{"chris", " Invalid record at line 3: wrong encoding: bytes that are not valid UTF-8, but line 2 already had UTF-8 text; a file must use one encoding. "}}},
		"empty.csv":                  {1, 0, 0, 0, "Failed to update users. Input file empty.csv is not a valid user file: line 1: the file is empty", nil},
		"wrong-header.csv":           {1, 0, 0, 0, `line 1: wrong header: unknown column "Name"`, nil},
		"broken-quoting.csv":         {1, 0, 0, 0, "line 3: broken quoting", nil},
	}
	files, err := fs.Glob(fixtures.FS, "csv/epm-v1/*.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(cases) {
		t.Errorf("%d fixture files, %d cases: every fixture needs an expected outcome", len(files), len(cases))
	}
	for _, f := range files {
		name := strings.TrimPrefix(f, "csv/epm-v1/")
		t.Run(name, func(t *testing.T) {
			w, ok := cases[name]
			if !ok {
				t.Fatalf("no expected outcome for %s", name)
			}
			data := fixtureCSV(t, f)
			m := newV1(t, epm.Options{})
			before, _ := m.epm.Domain.Get("jdoe")
			r := m.run(name, data)
			if got := r.json["status"]; got != float64(w.status) {
				t.Fatalf("status %v, want %d: %s", got, w.status, r.body)
			}
			details, _ := r.json["details"].(string)
			if w.status != 0 {
				if !strings.Contains(details, w.details) {
					t.Errorf("details %q, want it to contain %q", details, w.details)
				}
				if after, _ := m.epm.Domain.Get("jdoe"); after != before {
					t.Errorf("a refused file changed jdoe: %+v -> %+v", before, after)
				}
				return
			}
			if want := fmt.Sprintf("Processed - %d, Succeeded - %d, Failed - %d.", w.processed, w.succeeded, w.failed); details != want {
				t.Errorf("details %q, want %q", details, want)
			}
			got := items(r)
			if len(got) != w.failed || fmt.Sprint(got) != fmt.Sprint(w.items) {
				t.Errorf("items %q, want %q", got, w.items)
			}
		})
	}
}

func TestRowsReplaceEveryProperty(t *testing.T) {
	m := newV1(t, epm.Options{})
	data := fixtureCSV(t, "csv/epm-v1/ansi-1252.csv")
	m.run("ansi.csv", data)
	want := map[string]epm.User{
		"jdoe":  {Login: "jdoe", FirstName: "Renée", LastName: "O’Brien", Email: "renee.obrien@example.com"},
		"chris": {Login: "chris", FirstName: "François", LastName: "Müller", Email: "francois.muller@example.com"},
		"jeff":  {Login: "jeff", FirstName: "“Jeff”", LastName: "Chris", Email: "jeff.chris@example.com"},
	}
	for login, w := range want {
		if u, _ := m.epm.Domain.Get(login); u != w {
			t.Errorf("%s = %+v, want %+v", login, u, w)
		}
	}
	m.run("dups.csv", []byte(hdr+"A,B,first@example.com,JDOE\nC,,second@example.com,jdoe\n"))
	if u, _ := m.epm.Domain.Get("jdoe"); u != (epm.User{Login: "jdoe", FirstName: "C", Email: "second@example.com"}) {
		t.Errorf("after duplicates jdoe = %+v; want the last row, empty last name, stored login spelling", u)
	}
}

func TestSubmitRefusals(t *testing.T) {
	m := newV1(t, epm.Options{})
	m.upload("users.csv", []byte(hdr+"John,Doe,jdoe@example.com,jdoe\n"))
	form := func(v url.Values) []byte { return []byte(v.Encode()) }
	const path = "/interop/rest/security/v1/users"
	const ctype = "application/x-www-form-urlencoded"
	cases := []struct {
		name    string
		r       req
		status  int
		vstatus float64
		details string
	}{
		{"no credentials", req{method: "PUT", path: path, ctype: ctype, body: form(url.Values{"jobtype": {"UPDATE_USERS"}, "filename": {"users.csv"}}), who: "none"}, 401, 0, ""},
		{"wrong password", req{method: "PUT", path: path, ctype: ctype, body: form(url.Values{"jobtype": {"UPDATE_USERS"}, "filename": {"users.csv"}}), who: "bad"}, 401, 0, ""},
		{"viewer lacks the roles", req{method: "PUT", path: path, ctype: ctype, body: form(url.Values{"jobtype": {"UPDATE_USERS"}, "filename": {"users.csv"}}), who: "viewer"}, 200, 1, "Authorization failed"},
		{"json body", req{method: "PUT", path: path, ctype: "application/json", body: []byte(`{"jobtype":"UPDATE_USERS","filename":"users.csv"}`)}, 415, 1, "application/x-www-form-urlencoded"},
		{"no jobtype", req{method: "PUT", path: path, ctype: ctype, body: form(url.Values{"filename": {"users.csv"}})}, 200, 1, "jobtype is required"},
		{"wrong jobtype", req{method: "PUT", path: path, ctype: ctype, body: form(url.Values{"jobtype": {"ADD_USERS"}, "filename": {"users.csv"}})}, 200, 1, `jobtype "ADD_USERS" is not supported`},
		{"no filename", req{method: "PUT", path: path, ctype: ctype, body: form(url.Values{"jobtype": {"UPDATE_USERS"}})}, 200, 1, "filename is required"},
		{"broken form", req{method: "PUT", path: path, ctype: ctype, body: []byte("jobtype=%zz")}, 400, 1, "could not be read"},
		{"api version v2", req{method: "PUT", path: "/interop/rest/security/v2/users", ctype: ctype, body: form(url.Values{"jobtype": {"UPDATE_USERS"}, "filename": {"users.csv"}})}, 404, 1, "version v2"},
		{"wrong method", req{method: "POST", path: path, ctype: ctype}, 405, 1, "Use PUT"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := m.do(tc.r)
			if r.status != tc.status {
				t.Fatalf("HTTP %d, want %d: %s", r.status, tc.status, r.body)
			}
			if tc.status == 401 {
				return
			}
			if r.json["status"] != tc.vstatus || !strings.Contains(fmt.Sprint(r.json["details"]), tc.details) {
				t.Errorf("answer %s; want status %v and details with %q", r.body, tc.vstatus, tc.details)
			}
		})
	}
	// Bearer works as Basic does.
	form2 := url.Values{"jobtype": {"UPDATE_USERS"}, "filename": {"users.csv"}}.Encode()
	r := m.do(req{method: "PUT", path: path, ctype: ctype + "; charset=UTF-8", body: []byte(form2), who: "bearer"})
	if m.wait(r).json["status"] != float64(0) {
		t.Error("bearer submit did not succeed")
	}
}

func TestJobFailures(t *testing.T) {
	m := newV1(t, epm.Options{})
	r := m.wait(m.submit("admin", "missing.csv"))
	if r.json["status"] != float64(1) || r.json["details"] != "Failed to update users. Input file missing.csv not found. Specify a valid file name." || r.json["items"] != nil {
		t.Errorf("missing file: %s", r.body)
	}
	for _, p := range []string{"/interop/rest/security/v1/jobs/999999", "/interop/rest/security/v1/jobs/abc"} {
		if r := m.do(req{method: "GET", path: p}); r.status != 404 || r.json["status"] != float64(1) || !strings.Contains(r.json["details"].(string), "not found") {
			t.Errorf("%s: %d %s", p, r.status, r.body)
		}
	}
	if r := m.do(req{method: "GET", path: "/interop/rest/security/v1/jobs/1001", who: "none"}); r.status != 401 {
		t.Errorf("job without credentials: %d", r.status)
	}
}

func TestUploadAndDelete(t *testing.T) {
	m := newV1(t, epm.Options{MaxUpload: 1000})
	body := []byte(hdr + "John,Doe,jdoe@example.com,jdoe\n")
	if r := m.upload("a.csv", body); r.status != 200 || r.json["status"] != float64(0) || r.json["details"] != nil {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	if r := m.upload("a.csv", body); r.status != 200 || r.json["status"] != float64(1) || !strings.Contains(r.json["details"].(string), "already exists") {
		t.Errorf("second upload: %d %s", r.status, r.body)
	}
	// Names as they travel (escaped); each decodes to something that leads
	// out of its folder or names none (Q-EPM1-033). A literal /../ never
	// reaches the handler: the mux cleans the path first.
	for _, name := range []string{"%2E%2E", "a%5C%5Cb.csv", "%5Ca.csv", "a%2F", "..%2Fx", "%2E%2E%5Cx", "a%5C..%5Cb", "a%00b"} {
		path := "/interop/rest/11.1.2.3.600/applicationsnapshots/" + name + "/contents"
		if r := m.do(req{method: "POST", path: path, ctype: "application/octet-stream", body: body}); r.status != 400 || r.json["status"] != float64(1) {
			t.Errorf("upload %q: %d %s", name, r.status, r.body)
		}
		if r := m.do(req{method: "DELETE", path: "/interop/rest/11.1.2.3.600/applicationsnapshots/" + name}); r.status != 400 {
			t.Errorf("delete %q: %d %s", name, r.status, r.body)
		}
	}
	if r := m.do(req{method: "POST", path: "/interop/rest/11.1.2.3.600/applicationsnapshots/b.csv/contents", ctype: "application/x-www-form-urlencoded", body: body}); r.status != 415 {
		t.Errorf("form upload: %d %s", r.status, r.body)
	}
	if r := m.do(req{method: "POST", path: "/interop/rest/11.1.2.3.600/applicationsnapshots/b.csv/contents", ctype: "application/octet-stream", body: body, who: "none"}); r.status != 401 {
		t.Errorf("upload without credentials: %d", r.status)
	}
	big := bytes.Repeat([]byte("x"), 1001)
	if r := m.upload("big.csv", big); r.status != 413 || r.json["status"] != float64(1) {
		t.Errorf("big upload: %d %s", r.status, r.body)
	}
	if r := m.upload("my..users.csv", body); r.json["status"] != float64(0) {
		t.Errorf("two dots inside a name are harmless: %s", r.body)
	}
	if r := m.upload("big.csv", body); r.json["status"] != float64(0) {
		t.Errorf("a refused upload must leave the name free: %s", r.body)
	}
	// text/csv is accepted, and the contract checks its rows.
	if r := m.do(req{method: "POST", path: "/interop/rest/11.1.2.3.600/applicationsnapshots/t.csv/contents", ctype: "text/csv", body: body}); r.json["status"] != float64(0) {
		t.Errorf("text/csv upload: %s", r.body)
	}
	del := func(name string) resp {
		return m.do(req{method: "DELETE", path: "/interop/rest/11.1.2.3.600/applicationsnapshots/" + name})
	}
	r := del("a.csv")
	if r.status != 200 || r.json["status"] != float64(0) || r.json["details"] != nil {
		t.Errorf("delete: %d %s", r.status, r.body)
	}
	if l := r.json["links"].([]any)[0].(map[string]any); l["action"] != "DELETE" || l["rel"] != "self" || l["data"] != nil {
		t.Errorf("delete link: %v", l)
	}
	// A missing file: HTTP 200, status 1, details (Q-EPM1-034).
	if r := del("a.csv"); r.status != 200 || r.json["status"] != float64(1) || !strings.Contains(details(r), "not found") {
		t.Errorf("second delete: %d %s", r.status, r.body)
	}
	if r := m.upload("a.csv", body); r.json["status"] != float64(0) {
		t.Errorf("upload after delete: %s", r.body)
	}
	// The job does not delete the file (Q-EPM1-001).
	m.wait(m.submit("admin", "a.csv"))
	if r := del("a.csv"); r.status != 200 {
		t.Errorf("the file must outlive its job: %d %s", r.status, r.body)
	}
}

func TestChunkedUpload(t *testing.T) {
	m := newV1(t, epm.Options{})
	chunk := func(name, q, data string) resp {
		return m.do(req{method: "POST", path: "/interop/rest/11.1.2.3.600/applicationsnapshots/" + name + "/contents?q=" + url.QueryEscape(q), ctype: "application/octet-stream", body: []byte(data)})
	}
	if r := chunk("c.csv", `{"isFirst":true,"isLast":false,"chunkSize":10}`, hdr); r.json["status"] != float64(0) {
		t.Fatalf("first chunk: %s", r.body)
	}
	// Not complete yet: a job does not see it.
	if r := m.wait(m.submit("admin", "c.csv")); r.json["status"] != float64(1) {
		t.Errorf("incomplete file used by a job: %s", r.body)
	}
	if r := chunk("c.csv", `{"isFirst":false,"isLast":true,"chunkSize":10}`, "John,Doe,jdoe@example.com,jdoe\n"); r.json["status"] != float64(0) {
		t.Fatalf("last chunk: %s", r.body)
	}
	if r := m.wait(m.submit("admin", "c.csv")); r.json["details"] != "Processed - 1, Succeeded - 1, Failed - 0." {
		t.Errorf("chunked file: %s", r.body)
	}
	if r := chunk("c.csv", `{"isFirst":false,"isLast":true}`, "x"); r.json["status"] != float64(1) {
		t.Errorf("chunk after the last: %s", r.body)
	}
	if r := chunk("d.csv", `{"isFirst":false,"isLast":true}`, "x"); r.json["status"] != float64(1) || !strings.Contains(r.json["details"].(string), "isFirst") {
		t.Errorf("chunk without a first: %s", r.body)
	}
	if r := chunk("e.csv", `{"isFirst":`, "x"); r.status != 400 {
		t.Errorf("q not JSON: %d %s", r.status, r.body)
	}
}

func TestCloseRemovesFilesAndEndsJobs(t *testing.T) {
	m := newV1(t, epm.Options{JobDuration: time.Hour})
	m.upload("a.csv", []byte(hdr+"A,B,a@example.com,ghost\n"))
	m.submit("admin", "a.csv")
	if entries, _ := os.ReadDir(m.fileDir); len(entries) != 1 {
		t.Fatalf("file store: %d entries in %s, want its directory", len(entries), m.fileDir)
	}
	start := time.Now()
	if err := m.epm.Close(); err != nil {
		t.Fatal(err)
	}
	// The job would last an hour: a Close that waited for it would take
	// that long, so a minute tells the two apart on any machine, however
	// loaded (a tighter bound would time the machine, not Close).
	if time.Since(start) > time.Minute {
		t.Errorf("Close waited %v for a job", time.Since(start))
	}
	if err := m.epm.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if entries, _ := os.ReadDir(m.fileDir); len(entries) != 0 {
		t.Errorf("Close left %d entries in %s", len(entries), m.fileDir)
	}
	if r := m.upload("b.csv", []byte(hdr)); r.status == 200 && r.json["status"] == float64(0) {
		t.Errorf("upload after Close stored a file: %s", r.body)
	}
}
