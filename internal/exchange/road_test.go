package exchange_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/opid"
)

// What may leave the machine is decided from what a request sends: without
// an opt-in only reads reach the target, whatever the caller labels it.
func TestThePolicyDecidesAtTheRoad(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Method)
	}))
	defer srv.Close()
	admin := &exchange.Credential{Basic: true, User: "a", Password: "p"}
	probe := &exchange.Credential{Basic: true, User: "a", Password: "wrong", Probe: true}
	cases := []struct {
		policy exchange.Policy
		req    exchange.Request
		tier   exchange.Tier
		sent   bool
	}{
		{exchange.Policy{}, exchange.Request{Method: "GET", Path: "/x", Auth: admin}, exchange.TierRead, true},
		{exchange.Policy{}, exchange.Request{Method: "HEAD", Path: "/x", Auth: admin}, exchange.TierRead, true},
		{exchange.Policy{}, exchange.Request{Method: "POST", Path: "/x", Auth: admin}, exchange.TierMutation, false},
		{exchange.Policy{}, exchange.Request{Method: "DELETE", Path: "/x", Auth: admin}, exchange.TierMutation, false},
		{exchange.Policy{}, exchange.Request{Method: "PUT", Path: "/x"}, exchange.TierRefusal, false},
		{exchange.Policy{AllowRefusals: true}, exchange.Request{Method: "PUT", Path: "/x"}, exchange.TierRefusal, true},
		{exchange.Policy{AllowRefusals: true}, exchange.Request{Method: "PUT", Path: "/x", Auth: probe}, exchange.TierRefusal, true},
		{exchange.Policy{AllowRefusals: true}, exchange.Request{Method: "PUT", Path: "/x", Auth: admin, Unchecked: true}, exchange.TierRefusal, true},
		{exchange.Policy{AllowRefusals: true}, exchange.Request{Method: "PUT", Path: "/x", Auth: admin}, exchange.TierMutation, false},
		{exchange.Policy{AllowMutations: true}, exchange.Request{Method: "PATCH", Path: "/x", Auth: admin}, exchange.TierMutation, true},
		{exchange.Policy{}, exchange.Request{Method: "DELETE", Path: "/x", Auth: admin, Role: exchange.RoleUndo}, exchange.TierMutation, true},
	}
	for i, c := range cases {
		got = nil
		cl, err := exchange.New(srv.URL, catalog(t), exchange.Options{Policy: c.policy})
		if err != nil {
			t.Fatal(err)
		}
		ex, err := cl.Do(context.Background(), c.req)
		if err != nil {
			t.Fatal(err)
		}
		if ex.Tier != c.tier {
			t.Errorf("%d: tier %s, want %s", i, ex.Tier, c.tier)
		}
		var refused *exchange.Refused
		if sent := len(got) == 1; sent != c.sent || errors.As(ex.Err, &refused) == c.sent {
			t.Errorf("%d: %s with %+v: sent %v (err %v), want sent %v", i, c.req.Method, c.policy, sent, ex.Err, c.sent)
		}
	}
}

// Credentials never travel in clear text to a host that is not loopback.
func TestNoCredentialsOverPlainHTTPToAnotherHost(t *testing.T) {
	cl, err := exchange.New("http://192.0.2.1", catalog(t), exchange.Options{Product: "epm", Policy: exchange.Policy{AllowMutations: true}})
	if err != nil {
		t.Fatal(err)
	}
	ex, _ := cl.Do(context.Background(), exchange.Request{Method: "GET", Path: "/x", Auth: &exchange.Credential{Basic: true, User: "a", Password: "p"}})
	var refused *exchange.Refused
	if !errors.As(ex.Err, &refused) || !strings.Contains(refused.Reason, "clear text") {
		t.Fatalf("sent credentials over http to 192.0.2.1: %v", ex.Err)
	}
}

// After a handful of failures in a row the product is given up on, and the
// sentence says what happened once.
func TestTheBreakerOpens(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	url := srv.URL
	srv.Close()
	cl, _ := exchange.New(url, catalog(t), exchange.Options{Product: "epm", Breaker: 3, Timeout: time.Second})
	for i := 0; i < 3; i++ {
		ex, _ := cl.Do(context.Background(), exchange.Request{Method: "GET", Path: "/x"})
		var tr *exchange.Transport
		if !errors.As(ex.Err, &tr) {
			t.Fatalf("attempt %d: %v", i, ex.Err)
		}
	}
	ex, _ := cl.Do(context.Background(), exchange.Request{Method: "GET", Path: "/x"})
	var open *exchange.BreakerOpen
	if !errors.As(ex.Err, &open) || !strings.Contains(open.Sentence, "EPM at ") || !strings.Contains(open.Sentence, "refused 3 connections in a row") {
		t.Fatalf("breaker: %v", ex.Err)
	}
	if ex.Sent() {
		t.Error("a request past the breaker counts as sent")
	}
}

// A sign-in page is not the API: the exchange says so instead of being
// judged against the spec.
func TestAnHTMLPageIsNotTheAPI(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<!DOCTYPE html><title>Sign in</title>"))
	}))
	defer srv.Close()
	cl, _ := exchange.New(srv.URL, catalog(t), exchange.Options{Policy: exchange.Policy{AllowMutations: true}})
	ex, _ := cl.Do(context.Background(), exchange.Request{Operation: "updateUsersV2", Body: []byte(`{"users":[]}`),
		Header: http.Header{"Content-Type": {"application/json"}}, Auth: &exchange.Credential{Basic: true, User: "a", Password: "p"}})
	var na *exchange.NotAPI
	if !errors.As(ex.Err, &na) || na.Status != 200 {
		t.Fatalf("want NotAPI, got %v", ex.Err)
	}
}

// 429 with Retry-After is waited for and sent again; the wait is evidence.
// Past the budget the exchange is throttled, never a pass or a fail.
func TestThrottlingIsHonouredWithinTheBudget(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	th := &exchange.Throttle{MaxWait: time.Second, Budget: time.Second}
	cl, _ := exchange.New(srv.URL, catalog(t), exchange.Options{Throttle: th})
	ex, _ := cl.Do(context.Background(), exchange.Request{Method: "GET", Path: "/x"})
	if ex.Err != nil || ex.Status() != 200 || len(ex.Waits) != 2 {
		t.Fatalf("status %d, waits %v, err %v", ex.Status(), ex.Waits, ex.Err)
	}
	if w, _ := th.Totals(); w != 2 {
		t.Errorf("throttle counted %d waits", w)
	}

	always := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer always.Close()
	tight := &exchange.Throttle{MaxWait: 10 * time.Millisecond, Budget: 25 * time.Millisecond}
	cl, _ = exchange.New(always.URL, catalog(t), exchange.Options{Throttle: tight})
	ex, _ = cl.Do(context.Background(), exchange.Request{Method: "GET", Path: "/x"})
	var th2 *exchange.Throttled
	if !errors.As(ex.Err, &th2) || len(ex.Waits) != 2 {
		t.Fatalf("want throttled after 2 waits, got %v with %v", ex.Err, ex.Waits)
	}
}

// A token from a command is read again once when the target says it
// expired, and every token read is masked.
func TestATokenFromACommandIsRenewedOnce(t *testing.T) {
	dir := t.TempDir()
	counter := filepath.Join(dir, "n")
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Get("Authorization"))
		if len(seen) == 1 {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="The access token expired"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("X-Echo", r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	red := exchange.NewRedactor(nil, nil)
	src := &exchange.TokenSource{Command: "echo x >> " + counter + "; echo tok-$(wc -l < " + counter + ")", Redact: red}
	cl, _ := exchange.New(srv.URL, catalog(t), exchange.Options{Redactor: red})
	ex, _ := cl.Do(context.Background(), exchange.Request{Method: "GET", Path: "/x", Auth: &exchange.Credential{Tokens: src}})
	if ex.Status() != 200 || len(seen) != 2 || seen[0] != "Bearer tok-1" || seen[1] != "Bearer tok-2" {
		t.Fatalf("status %d, tokens sent %v", ex.Status(), seen)
	}
	if strings.Contains(shown(ex), "tok-2") {
		t.Errorf("the renewed token reached the record:\n%s", shown(ex))
	}
	if _, err := os.Stat(counter); err != nil {
		t.Fatal(err)
	}
}

// The spec, not a row, says an operation changes nothing: the token
// service's POST is a read, the same path with another method is not, and a
// POST of any other operation stays a mutation.
func TestAnOperationThatChangesNothingIsARead(t *testing.T) {
	cat := catalog(t)
	token, ok := cat.Operation(opid.OigGetToken)
	if !ok || token.ChangesNothing == "" {
		t.Fatalf("specs: %s is not marked x-changes-nothing", opid.OigGetToken)
	}
	update, _ := cat.Operation(opid.OigUpdateUsers)
	admin := &exchange.Credential{}
	for _, c := range []struct {
		name string
		r    exchange.Request
		op   *contract.Operation
		want exchange.Tier
	}{
		{"token POST", exchange.Request{Method: "POST", Auth: admin}, token, exchange.TierRead},
		{"token DELETE", exchange.Request{Method: "DELETE", Auth: admin}, token, exchange.TierMutation},
		{"bulk update PUT", exchange.Request{Method: "PUT", Auth: admin}, update, exchange.TierMutation},
		{"unknown POST", exchange.Request{Method: "POST", Auth: admin}, nil, exchange.TierMutation},
	} {
		if got := exchange.TierOfOperation(c.r, c.op); got != c.want {
			t.Errorf("%s: tier %s, want %s", c.name, got, c.want)
		}
	}
}
