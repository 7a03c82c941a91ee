package exchange_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/specs"
)

const secret = "Pa55/w+rd!"

func catalog(t *testing.T) *contract.Catalog {
	t.Helper()
	c, err := contract.Load(specs.FS)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A target that echoes secrets back in headers and body: the record must
// still hold none of them, in any encoding.
func TestSecretsAreMaskedInTheTransport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Set-Cookie", "session=abc")
		w.Header().Set("X-Echo", r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"echo":` + string(body) + `,"password":"server-side","note":"` + secret + `"}`))
	}))
	defer srv.Close()
	red := exchange.NewRedactor([]string{secret}, [][2]string{{"admin", secret}})
	c, err := exchange.New(srv.URL, catalog(t), exchange.Options{Policy: exchange.Policy{AllowMutations: true}, Redactor: red})
	if err != nil {
		t.Fatal(err)
	}
	ex, err := c.Do(context.Background(), exchange.Request{
		Method: "POST", Path: "/anything",
		Header: http.Header{"Content-Type": {"application/json"}},
		Body:   []byte(`{"password":"tempPa55","nested":{"token":"t0k"},"user":"u"}`),
		Auth:   &exchange.Credential{Basic: true, User: "admin", Password: secret},
	})
	if err != nil || ex.Err != nil {
		t.Fatal(err, ex.Err)
	}
	all := shown(ex) + string(ex.Body())
	for _, s := range []string{secret, base64.StdEncoding.EncodeToString([]byte("admin:" + secret)), "tempPa55", "t0k", "server-side", "session=abc"} {
		if strings.Contains(all, s) {
			t.Errorf("record contains %q:\n%s", s, all)
		}
	}
	if !strings.Contains(shown(ex), "Authorization: Basic "+exchange.Mask) {
		t.Errorf("the scheme of Authorization should stay visible:\n%s", shown(ex))
	}
	if !strings.Contains(shown(ex), `"user":"u"`) {
		t.Errorf("non-secret fields should stay:\n%s", shown(ex))
	}
}

func TestBodyMasking(t *testing.T) {
	r := exchange.NewRedactor(nil, nil)
	cases := []struct{ ct, in, leak string }{
		{"application/x-www-form-urlencoded", "filename=a.csv&userpassword=hunter2", "hunter2"},
		{"application/xml", "<user><id>a</id><password>hunter2</password></user>", "hunter2"},
		{"text/csv", "id,name,password\r\nu1,U,hunter2\r\n", "hunter2"},
		{"application/json", `{"users":[{"password":"hunter2"}]}`, "hunter2"},
		{"application/json", `{"password":"hunter2",`, "hunter2"}, // broken JSON
	}
	for _, tc := range cases {
		out := string(r.Body(tc.ct, []byte(tc.in)))
		if strings.Contains(out, tc.leak) {
			t.Errorf("%s body keeps %q: %s", tc.ct, tc.leak, out)
		}
	}
}

// A secret that contains another is masked whole, whichever was learnt
// first, and learning one again changes nothing: no part of the longer one
// stays readable beside the mask.
func TestALongerSecretIsMaskedWhole(t *testing.T) {
	r := exchange.NewRedactor([]string{"Welcome1"}, nil)
	for range 3 {
		r.Add("Welcome1Finance")
		r.Add("Welcome1")
	}
	got := r.Text("a Welcome1Finance b Welcome1 c")
	if want := "a " + exchange.Mask + " b " + exchange.Mask + " c"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestDeadTargetIsAnErrorOnTheExchange(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c, _ := exchange.New(url, catalog(t), exchange.Options{Policy: exchange.Policy{AllowMutations: true}, Timeout: time.Second})
	ex, err := c.Do(context.Background(), exchange.Request{Operation: "updateUsersV2", Body: []byte(`{"users":[]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if ex.Err == nil || !strings.Contains(ex.Err.Error(), "could not be reached") {
		t.Fatalf("want a could-not-be-reached error, got %v", ex.Err)
	}
}

// A request already on its way when the run calls it off (an interrupt)
// goes on to its answer: the target acts on it either way, and the undos
// that follow need to know what it did. A user added by a request the
// run abandoned was applied after its undo's delete had found nothing.
func TestACalledOffRequestInFlightGetsItsAnswer(t *testing.T) {
	arrived := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		time.Sleep(300 * time.Millisecond) // the call-off comes meanwhile
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"links":[],"details":{"processed":0,"succeeded":0,"failed":0,"faileditems":[]},"status":0}`))
	}))
	defer srv.Close()
	c, _ := exchange.New(srv.URL, catalog(t), exchange.Options{Policy: exchange.Policy{AllowMutations: true}, Timeout: 5 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
	}()
	ex, err := c.Do(ctx, exchange.Request{Operation: "updateUsersV2", Body: []byte(`{"users":[]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if ex.Err != nil || ex.Status() != http.StatusOK {
		t.Fatalf("status %d, error %v: want the answer the target gave", ex.Status(), ex.Err)
	}
}

func TestSlowTargetTimesOut(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer srv.Close()
	defer close(block)
	c, _ := exchange.New(srv.URL, catalog(t), exchange.Options{Policy: exchange.Policy{AllowMutations: true}, Timeout: 100 * time.Millisecond})
	ex, _ := c.Do(context.Background(), exchange.Request{Method: "GET", Path: "/"})
	if ex.Err == nil || !strings.Contains(ex.Err.Error(), "did not answer") {
		t.Fatalf("want a timeout error, got %v", ex.Err)
	}
}

// Validation finds the operation by id even when the target lives under a
// path prefix the spec's servers know nothing about.
func TestValidationUnderABasePath(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/prefix/interop/rest/security/v2/users/update" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"links":{"href":"h","action":"PUT"},"status":7,"error":null,"details":null}`))
	}))
	defer srv.Close()
	c, _ := exchange.New(srv.URL+"/prefix/", catalog(t), exchange.Options{Policy: exchange.Policy{AllowMutations: true}})
	ex, err := c.Do(context.Background(), exchange.Request{
		Operation: "updateUsersV2",
		Header:    http.Header{"Content-Type": {"application/json"}},
		Body:      []byte(`{"users":[{"userlogin":"a"}]}`),
	})
	if err != nil || ex.Err != nil {
		t.Fatal(err, ex.Err)
	}
	if ex.Status() != 200 || len(ex.RequestViolations) != 0 {
		t.Fatalf("status %d, request violations %v", ex.Status(), ex.RequestViolations)
	}
	if len(ex.ResponseViolations) == 0 || !strings.Contains(ex.ResponseViolations[0].String(), "/status") {
		t.Fatalf("want a violation at /status, got %v", ex.ResponseViolations)
	}
}

// An escaped separator in a file name reaches the target escaped once.
func TestPathEscapesAreSentAsWritten(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.EscapedPath()
	}))
	defer srv.Close()
	c, _ := exchange.New(srv.URL+"/base", catalog(t), exchange.Options{Policy: exchange.Policy{AllowMutations: true}})
	ex, err := c.Do(context.Background(), exchange.Request{Method: "DELETE", Path: "/files/inbox%2Fusers.csv"})
	if err != nil || ex.Err != nil {
		t.Fatal(err, ex.Err)
	}
	if got != "/base/files/inbox%2Fusers.csv" {
		t.Fatalf("the target saw %q", got)
	}
}

// shown is everything the record keeps of an exchange, as reports show it.
func shown(ex *exchange.Exchange) string {
	var b strings.Builder
	for _, r := range []exchange.Recorded{ex.Request, ex.Response} {
		fmt.Fprintf(&b, "%s %s %d\n", r.Method, r.URL, r.Status)
		for k, vs := range r.Header {
			for _, v := range vs {
				fmt.Fprintf(&b, "%s: %s\n", k, v)
			}
		}
		b.WriteString(r.Body + "\n")
	}
	return b.String()
}
