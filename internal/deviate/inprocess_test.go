package deviate_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/deviate"
	"github.com/oracle-users-conformance/conformance/internal/mock"
	"github.com/oracle-users-conformance/conformance/internal/mocktest"
	"github.com/oracle-users-conformance/conformance/internal/opid"
)

// freshMock is the shipped simulator, its own state.
func freshMock(t *testing.T) *mock.Server {
	t.Helper()
	return mocktest.New(t, mock.Options{})
}

// exchangeSet is one request of every API, refusals included, each
// answered by the mock in a way some deviation or change acts on.
var exchangeSet = []struct{ method, path, ct, header, body string }{
	{"PUT", "/interop/rest/security/v2/users/update", "application/json", "", `{"users":[{"userlogin":"jdoe","lastname":"Doe"},{"userlogin":"nobody","email":"x@y.com"}]}`},
	{"PUT", "/interop/rest/security/v1/users", "application/x-www-form-urlencoded", "", "jobtype=UPDATE_USERS&filename=missing.csv"},
	{"GET", "/interop/rest/security/v1/jobs/424242", "", "", ""},
	{"POST", "/interop/rest/11.1.2.3.600/applicationsnapshots/a.csv/contents", "application/octet-stream", "", "First Name,Last Name,Email,User Login\nA,B,a@b.com,jdoe\n"},
	{"DELETE", "/interop/rest/11.1.2.3.600/applicationsnapshots/a.csv", "", "", ""},
	{"GET", "/essbase/rest/v1/users/nosuchuser", "", "", ""},
	{"PUT", "/iam/governance/selfservice/api/v1/users", "application/json", "", `{"users":[{"requestId":"1","id":"24","fields":[{"name":"Title","value":"T"}]}]}`},
	{"PUT", "/iam/governance/selfservice/api/v1/users", "application/json", "X-Requested-By", `{"users":[{"requestId":"1","id":"9999","fields":[{"name":"Title","value":"T"}]}]}`},
}

// answersThrough sends the set to base and returns each answer as text,
// the base URL's host replaced, so two servers' answers compare.
func answersThrough(t *testing.T, base string) []string {
	t.Helper()
	// No transparent gzip: the gzip change must be seen as it is sent.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	host := strings.TrimPrefix(base, "http://")
	var out []string
	for _, e := range exchangeSet {
		req, _ := http.NewRequest(e.method, base+e.path, strings.NewReader(e.body))
		req.SetBasicAuth("admin", "Welcome1")
		req.Header.Set("Accept-Encoding", "gzip")
		if e.ct != "" {
			req.Header.Set("Content-Type", e.ct)
		}
		if e.header != "" {
			req.Header.Set(e.header, "test")
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.Header.Get("Content-Encoding") == "gzip" {
			// Compare what was compressed: the hosts inside differ.
			if zr, err := gzip.NewReader(bytes.NewReader(body)); err == nil {
				body, _ = io.ReadAll(zr)
			}
		}
		text := resp.Status + " " + resp.Header.Get("Content-Type") + " " + resp.Header.Get("Content-Encoding") +
			" " + resp.Header.Get("Connection") + " " + strings.Join(resp.TransferEncoding, ",") + " " + resp.Header.Get("Retry-After") + "\n" + string(body)
		out = append(out, strings.ReplaceAll(text, host, "HOST"))
	}
	return out
}

// Every deviation and every harmless change played in process (Wrap, the
// mock's --play) answers what the proxy answers in front of the same mock:
// the hooks are one code path. Two harmless changes keep state across
// exchanges in the registry itself (epm1-job-slower counts polls, epm1-job-ids
// maps IDs), so a second pass would see that state advanced: they are
// compared by the suite's outcome instead (internal/cli TestPlayedInProcessAsThroughTheProxy).
func TestWrapAnswersAsTheProxy(t *testing.T) {
	stateful := map[string]bool{"epm1-job-slower": true, "epm1-job-ids": true}
	type fault struct {
		name string
		ds   []deviate.Deviation
		ts   []deviate.Tolerance
	}
	var faults []fault
	for _, d := range deviate.All() {
		faults = append(faults, fault{d.Name, []deviate.Deviation{d}, nil})
	}
	for _, tol := range deviate.Tolerances() {
		if !stateful[tol.Name] {
			faults = append(faults, fault{tol.Name, nil, []deviate.Tolerance{tol}})
		}
	}
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			target := httptest.NewServer(freshMock(t))
			defer target.Close()
			u, _ := url.Parse(target.URL)
			proxy := httptest.NewServer(deviate.Serve(u, f.ds, f.ts))
			defer proxy.Close()
			inproc := httptest.NewServer(deviate.Wrap(freshMock(t), f.ds, f.ts))
			defer inproc.Close()
			// The proxy's answers name the target's host where the mock
			// writes its own host into links; normalise both.
			viaProxy := answersThrough(t, proxy.URL)
			for i := range viaProxy {
				viaProxy[i] = strings.ReplaceAll(viaProxy[i], strings.TrimPrefix(target.URL, "http://"), "HOST")
			}
			inProcess := answersThrough(t, inproc.URL)
			for i := range exchangeSet {
				if viaProxy[i] != inProcess[i] {
					t.Errorf("%s %s:\nthrough the proxy: %s\nin process:        %s", exchangeSet[i].method, exchangeSet[i].path, viaProxy[i], inProcess[i])
				}
			}
		})
	}
}

// A play scoped to an operation and the next N requests acts on those
// only, then is spent.
func TestPlayerScope(t *testing.T) {
	p := deviate.NewPlayer(freshMock(t))
	if err := p.Set([]deviate.Play{{Name: "maintenance", Operation: "essbaseGetUser", Next: 2}}); err != nil {
		t.Fatal(err)
	}
	get := func(path string) int {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", path, nil)
		r.SetBasicAuth("admin", "Welcome1")
		p.ServeHTTP(w, r)
		return w.Code
	}
	codes := []int{get("/iam/governance/selfservice/api/v1/users/24"), get("/essbase/rest/v1/users/jenp"), get("/essbase/rest/v1/users/jenp"), get("/essbase/rest/v1/users/jenp")}
	if codes[0] != 200 || codes[1] != 503 || codes[2] != 503 || codes[3] != 200 {
		t.Errorf("OIG, then three Essbase GETs: %v; want 200, 503, 503, 200", codes)
	}
	if len(p.Plays()) != 0 {
		t.Errorf("a spent play is still listed: %v", p.Plays())
	}
	// Under a base path (the Shared Services Essbase is under
	// /shared-services) the request is still the operation's.
	if err := p.Set([]deviate.Play{{Name: "maintenance", Product: "essbase", Operation: opid.EssbaseGetUser, Next: 1}}); err != nil {
		t.Fatal(err)
	}
	if code := get("/shared-services/essbase/rest/v1/users/jenp"); code != 503 {
		t.Errorf("a GET of a user under /shared-services answered %d with the play scoped to essbase and %s; want 503", code, opid.EssbaseGetUser)
	}
	for _, bad := range []deviate.Play{{Name: "nope"}, {Name: "throttled", Product: "sap"}, {Name: "throttled", Operation: "noSuchOp"}} {
		if err := p.Set([]deviate.Play{bad}); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	if _, err := deviate.ParsePlays("throttled:next=0"); err == nil {
		t.Error("next=0 accepted")
	}
	plays, err := deviate.ParsePlays("throttled:product=epm:op=updateUsersV2:next=3, gzip")
	if err != nil || len(plays) != 2 || plays[0].Product != "epm" || plays[0].Operation != "updateUsersV2" || plays[0].Next != 3 || plays[1].Name != "gzip" {
		t.Errorf("ParsePlays: %+v, %v", plays, err)
	}
}

// The incidents do what they say against the mock: a half-failed batch
// answers status 0 with every second user failed through the mock's own
// rules, and a failed job reports status 1.
func TestIncidents(t *testing.T) {
	p := deviate.NewPlayer(freshMock(t))
	if err := p.Set([]deviate.Play{{Name: "epm2-half-failed"}, {Name: "oig-half-failed"}}); err != nil {
		t.Fatal(err)
	}
	send := func(method, path, ct, hdr, body string) string {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		r.SetBasicAuth("admin", "Welcome1")
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		if hdr != "" {
			r.Header.Set(hdr, "test")
		}
		p.ServeHTTP(w, r)
		return w.Body.String()
	}
	v2 := send("PUT", "/interop/rest/security/v2/users/update", "application/json", "", `{"users":[{"userlogin":"jdoe","lastname":"A"},{"userlogin":"chris","lastname":"B"}]}`)
	if !strings.Contains(v2, `"status":0`) || !strings.Contains(v2, `"failed":1`) || !strings.Contains(v2, `"userlogin":"chris"`) {
		t.Errorf("epm2-half-failed: %s; want status 0, chris failed", v2)
	}
	oig := send("PUT", "/iam/governance/selfservice/api/v1/users", "application/json", "X-Requested-By",
		`{"users":[{"requestId":"1","id":"24","fields":[{"name":"Title","value":"T"}]},{"requestId":"2","id":"25","fields":[{"name":"Title","value":"T"}]}]}`)
	if strings.Count(oig, "SUCCESS") != 1 || strings.Count(oig, "FAIL") != 1 {
		t.Errorf("oig-half-failed: %s; want one SUCCESS and one FAIL", oig)
	}
	if err := p.Set([]deviate.Play{{Name: "epm1-job-fails"}}); err != nil {
		t.Fatal(err)
	}
	send("POST", "/interop/rest/11.1.2.3.600/applicationsnapshots/j.csv/contents", "application/octet-stream", "", "First Name,Last Name,Email,User Login\nA,B,a@b.com,jdoe\n")
	submit := send("PUT", "/interop/rest/security/v1/users", "application/x-www-form-urlencoded", "", "jobtype=UPDATE_USERS&filename=j.csv")
	i := strings.Index(submit, "/interop/rest/security/v1/jobs/")
	if i < 0 {
		t.Fatalf("no job link: %s", submit)
	}
	link := submit[i : i+strings.IndexByte(submit[i:], '"')]
	for try := 0; try < 200; try++ {
		job := send("GET", link, "", "", "")
		if strings.Contains(job, `"status":-1`) {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		if !strings.Contains(job, `"status":1`) || !strings.Contains(job, `"items":null`) {
			t.Errorf("epm1-job-fails: %s; want status 1, no items", job)
		}
		return
	}
	t.Fatal("the job never finished")
}
