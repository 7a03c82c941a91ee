package clientcheck

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/mock/auth"
	"github.com/oracle-users-conformance/conformance/internal/report"
)

func TestUnquotedSpaces(t *testing.T) {
	for csv, want := range map[string]int{
		"First Name,Last Name,Email,User Login\n\"Mary Ann\",Doe,m@x.com,jdoe\n":               0, // the header is the page's own, unquoted
		"First Name,Last Name,Email,User Login\nMary Ann,Doe,m@x.com,jdoe\n":                   1,
		"First Name,Last Name,Email,User Login\r\n Mary , Doe ,m@x.com,jdoe\r\n":               0, // blanks around a value are trimmed
		"First Name,Last Name,Email,User Login\n\"Mary\nAnn\",van Doe,m@x.com,jdoe\nA B,C,d,e": 2,
		"First Name,Last Name,Email,User Login\n\"Mary \"\"Ann\"\"\",Doe,m@x.com,jdoe\n":       0,
		"First Name,Last Name,Email,User Login\n\"Mary Ann\",\"van Doe\",m@x.com,\"j doe\"\n":  0,
		"First Name,Last Name,Email,User Login\n\"Mary Ann\",\"van Doe\",m@x.com,j\tdoe\n":     1,
	} {
		if got := unquotedSpaces([]byte(csv)); len(got) != want {
			t.Errorf("%q: %v, want %d findings", csv, got, want)
		}
	}
}

func TestNotANSIOrUTF8(t *testing.T) {
	for in, bad := range map[string]bool{
		"plain ascii":             false,
		"Ren\xc3\xa9e":            false, // UTF-8
		"Ren\xe9e O\x92Brien":     false, // Windows-1252
		"\xff\xfeA\x00":           true,  // UTF-16LE with BOM
		"A\x00B\x00":              true,  // UTF-16 without BOM
		"Ren\xe9e \x81 undefined": true,
	} {
		if got := notANSIOrUTF8([]byte(in)) != ""; got != bad {
			t.Errorf("%q: refused %v, want %v", in, got, bad)
		}
	}
}

// ok answers every request 200 with a finished job, so the checker's
// cross-request rules can be driven without the mock.
var ok = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/security/v1/users"):
		_, _ = w.Write([]byte(`{"status":-1,"details":null,"items":null,"links":[{"rel":"Job Status","href":"http://x/interop/rest/security/v1/jobs/7","action":"GET","data":null}]}`))
	default:
		_, _ = w.Write([]byte(`{"status":0,"details":null,"links":[]}`))
	}
})

func send(c *Checker, method, path, ct, body string, hdr ...string) {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.SetBasicAuth("admin", "pw")
	if ct != "" {
		r.Header.Set("Content-Type", ct)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	c.ServeHTTP(httptest.NewRecorder(), r)
}

func failed(run *report.Run) []string {
	var out []string
	for _, s := range run.Scenarios {
		if s.Outcome == report.Failed {
			out = append(out, s.ID)
		}
	}
	return out
}

// Two polls of one job less than MinPollInterval apart are too fast; a job
// never polled is not followed to its outcome; a v2 payload sent
// URL-encoded is flagged.
func TestAcrossRequests(t *testing.T) {
	c, err := New(ok, Options{})
	if err != nil {
		t.Fatal(err)
	}
	upload := func() {
		send(c, "POST", "/interop/rest/11.1.2.3.600/applicationsnapshots/u.csv/contents", "application/octet-stream", "First Name,Last Name,Email,User Login\nA,B,a@b.com,jdoe\n")
	}
	upload()
	send(c, "PUT", "/interop/rest/security/v1/users", "application/x-www-form-urlencoded", "jobtype=UPDATE_USERS&filename=u.csv")
	if got := failed(c.Report()); strings.Join(got, ",") != "CLIENT-EPM1-002,CLIENT-EPM1-007" {
		t.Errorf("submitted, not polled, not deleted: %v", got)
	}
	send(c, "GET", "/interop/rest/security/v1/jobs/7", "", "")
	send(c, "GET", "/interop/rest/security/v1/jobs/7", "", "")
	send(c, "DELETE", "/interop/rest/11.1.2.3.600/applicationsnapshots/u.csv", "", "")
	if got := failed(c.Report()); strings.Join(got, ",") != "CLIENT-EPM1-006" {
		t.Errorf("polled twice at once, then deleted: %v, want only CLIENT-EPM1-006", got)
	}

	c.Reset()
	upload()
	send(c, "PUT", "/interop/rest/security/v1/users", "application/x-www-form-urlencoded", "jobtype=UPDATE_USERS&filename=u.csv")
	send(c, "GET", "/interop/rest/security/v1/jobs/7", "", "")
	c.mu.Lock()
	for _, j := range c.jobs { // as if the first poll came a second earlier
		j.polls[0].at = j.polls[0].at.Add(-MinPollInterval)
	}
	c.mu.Unlock()
	send(c, "GET", "/interop/rest/security/v1/jobs/7", "", "")
	send(c, "DELETE", "/interop/rest/11.1.2.3.600/applicationsnapshots/u.csv", "", "")
	send(c, "PUT", "/interop/rest/security/v2/users/update", "application/x-www-form-urlencoded", "users=%5B%7B%22userlogin%22%3A%22jdoe%22%7D%5D")
	got := failed(c.Report())
	if strings.Join(got, ",") != "CLIENT-EPM2-001,CLIENT-EPM2-002" {
		t.Errorf("polled a second apart, deleted, v2 URL-encoded: %v, want the v2 contract and CLIENT-EPM2-002", got)
	}
}

// A request no operation of the specs has is the product's contract
// finding: a typo in a path, a method the path does not document.
func TestUndocumentedRequests(t *testing.T) {
	c, err := New(ok, Options{})
	if err != nil {
		t.Fatal(err)
	}
	send(c, "PUT", "/interop/rest/security/v2/user/update", "application/json", `{"users":[]}`)
	send(c, "DELETE", "/iam/governance/selfservice/api/v1/users", "", "", "X-Requested-By", "x")
	send(c, "GET", "/somewhere/else", "", "")
	got := failed(c.Report())
	if strings.Join(got, ",") != "CLIENT-EPM1-001,CLIENT-OIG-001" {
		t.Errorf("%v; want the EPM typo under CLIENT-EPM1-001 (the security APIs' prefix) and the OIG DELETE under CLIENT-OIG-001", got)
	}
}

// A caller known by a bearer token is still the executing account: its row
// in the file is a finding, and the token never reaches the report.
func TestOwnRowOfABearerCaller(t *testing.T) {
	c, err := New(ok, Options{Accounts: []*auth.Account{{Login: "svc_admin", Password: "pw-secret", Tokens: []string{"tok-secret"}}}})
	if err != nil {
		t.Fatal(err)
	}
	bearer := func(method, path, ct, body string) {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		r.Header.Set("Authorization", "Bearer tok-secret")
		r.Header.Set("Content-Type", ct)
		c.ServeHTTP(httptest.NewRecorder(), r)
	}
	bearer("POST", "/interop/rest/11.1.2.3.600/applicationsnapshots/o.csv/contents", "application/octet-stream",
		"First Name,Last Name,Email,User Login\nS,A,s@a.com,SVC_ADMIN\nA,B,a@b.com,jdoe\n")
	bearer("PUT", "/interop/rest/security/v1/users", "application/x-www-form-urlencoded", "jobtype=UPDATE_USERS&filename=o.csv")
	// A file name holding a secret: the findings about it are masked too.
	bearer("PUT", "/interop/rest/security/v1/users", "application/x-www-form-urlencoded", "jobtype=UPDATE_USERS&filename=tok-secret.csv")
	run := c.Report()
	var own *report.Scenario
	for i := range run.Scenarios {
		if run.Scenarios[i].ID == ObOwnRow.ID {
			own = &run.Scenarios[i]
		}
	}
	if own == nil || own.Outcome != report.Failed || len(own.Violations) != 1 || !strings.Contains(own.Violations[0].Message, "line 2") {
		t.Errorf("own row of a bearer caller: %+v", own)
	}
	data, _ := json.Marshal(run)
	if strings.Contains(string(data), "tok-secret") || strings.Contains(string(data), "pw-secret") {
		i := strings.Index(string(data), "tok-secret")
		t.Errorf("the report holds the token or the password: …%s…", string(data)[max(0, i-200):min(len(data), i+50)])
	}
}
