package deviate_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/deviate"
)

// answers stand for a target: a v2 batch with failed items and an error,
// and a finished v1 job.
var answers = map[string]string{
	"/interop/rest/security/v2/users/update": `{"links":{"href":"http://t/interop/rest/security/v2/users/update","action":"PUT"},"status":0,` +
		`"error":{"errorcode":"EPMCSS-21143","errormessage":"Invalid email. Provide valid email / é"},` +
		`"details":{"processed":2,"succeeded":0,"failed":2,"faileditems":[{"userlogin":"a","errorcode":"EPMCSS-21143","errormessage":"m"},{"userlogin":"b","errorcode":"EPMCSS-21143","errormessage":"m"}]}}`,
	"/interop/rest/security/v1/jobs/1001": `{"links":[{"rel":"self","href":"http://t/interop/rest/security/v1/jobs/1001","data":null,"action":"GET"}],` +
		`"status":0,"details":"Processed - 1, Succeeded - 1, Failed - 0.","items":null}`,
	// An Essbase refusal (answered 400 by the target below).
	"/essbase/rest/v1/users/a%20b": `{"errorCode":"INVALID_ID","errorMessage":"The user ID \"a b\" holds a space / é."}`,
}

type seen struct {
	status  int
	header  http.Header
	body    []byte // as sent, before any decoding
	chunked bool
	closed  bool
}

func fetch(t *testing.T, base, path string) seen {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	req.Header.Set("Accept-Encoding", "gzip") // set by hand, so the transport does not decode
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	resp.Header.Del("Date")
	return seen{resp.StatusCode, resp.Header, body, len(resp.TransferEncoding) > 0, resp.Close}
}

// Every harmless change changes something a client sees, or the whole-suite
// run through it (internal/cli) would prove nothing; and the changes that
// only restyle JSON keep its value.
func TestEveryToleranceChangesSomething(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasPrefix(r.URL.Path, "/essbase/") {
			w.WriteHeader(http.StatusBadRequest)
		}
		fmt.Fprint(w, answers[r.URL.EscapedPath()])
	}))
	defer target.Close()
	u, _ := url.Parse(target.URL)
	plain := httptest.NewServer(deviate.Serve(u, nil, nil))
	defer plain.Close()
	restyles := map[string]bool{"json-keys-reordered": true, "json-pretty-printed": true, "json-escaped": true}
	for _, tol := range deviate.Tolerances() {
		t.Run(tol.Name, func(t *testing.T) {
			proxy := httptest.NewServer(deviate.Serve(u, nil, []deviate.Tolerance{tol}))
			defer proxy.Close()
			changed := false
			for path := range answers {
				before, after := fetch(t, plain.URL, path), fetch(t, proxy.URL, path)
				if !reflect.DeepEqual(before, after) {
					changed = true
				}
				if restyles[tol.Name] {
					if bytes.Equal(before.body, after.body) || !sameJSON(t, before.body, after.body) {
						t.Errorf("%s: the body should be written differently with the same value:\n%s\n%s", path, before.body, after.body)
					}
				}
			}
			if !changed {
				t.Errorf("%s changes nothing a client sees", tol.Name)
			}
		})
	}
}

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("not JSON any more: %v\n%s", err, b)
	}
	return reflect.DeepEqual(va, vb)
}

// A job renamed in the answers is asked for under its old name.
func TestRenumberedJobsMapBack(t *testing.T) {
	var asked []string
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = append(asked, r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, answers["/interop/rest/security/v1/jobs/1001"])
	}))
	defer target.Close()
	u, _ := url.Parse(target.URL)
	tol, _ := deviate.LookupTolerance("epm1-job-ids")
	proxy := httptest.NewServer(deviate.Serve(u, nil, []deviate.Tolerance{tol}))
	defer proxy.Close()
	first := fetch(t, proxy.URL, "/interop/rest/security/v1/jobs/1001")
	var m struct {
		Links []struct{ Href string } `json:"links"`
	}
	if err := json.Unmarshal(first.body, &m); err != nil || len(m.Links) == 0 {
		t.Fatalf("answer %s: %v", first.body, err)
	}
	renamed := m.Links[0].Href[strings.Index(m.Links[0].Href, "/interop"):]
	if renamed == "/interop/rest/security/v1/jobs/1001" {
		t.Fatalf("the job kept its ID: %s", renamed)
	}
	fetch(t, proxy.URL, renamed)
	if asked[1] != "/interop/rest/security/v1/jobs/1001" {
		t.Fatalf("the renamed job %s reached the target as %s", renamed, asked[1])
	}
}

// gzip is played only where the request offers it.
func TestGzipOnlyWhereAccepted(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"status":0}`)
	}))
	defer target.Close()
	u, _ := url.Parse(target.URL)
	tol, _ := deviate.LookupTolerance("gzip")
	proxy := httptest.NewServer(deviate.Serve(u, nil, []deviate.Tolerance{tol}))
	defer proxy.Close()
	for accept, want := range map[string]bool{"gzip": true, "br, GZIP;q=0.5": true, "gzip;q=0": false, "identity": false, "": false} {
		req, _ := http.NewRequest(http.MethodGet, proxy.URL+"/x", nil)
		req.Header.Set("Accept-Encoding", accept)
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Content-Encoding") == "gzip"; got != want {
			t.Errorf("Accept-Encoding %q: gzip %v, want %v", accept, got, want)
		}
	}
}
