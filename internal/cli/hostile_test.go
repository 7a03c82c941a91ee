package cli_test

// Targets that are down, slow, throttling or not the API at all: the run
// says "inconclusive" (exit 3), never "not conformant", ends within its
// bound, writes every report, and keeps the console short.

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/cli"
	"github.com/oracle-users-conformance/conformance/internal/report"
)

// consoleBound is how many lines a run may print: one per scenario that
// finished, plus the head and the summary. Scenarios not run past a breaker
// print nothing each; the breaker's sentence is said once.
const consoleBound = 348 + 60

func TestHostileTargetsAreInconclusiveNotFailures(t *testing.T) {
	t.Parallel()
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()

	cases := []struct {
		name    string
		url     func(t *testing.T) string
		args    []string
		bound   time.Duration
		breaker bool // the run must stop each product with one sentence
		want    string
	}{
		{name: "refuse", url: func(*testing.T) string { return deadURL }, bound: 30 * time.Second, breaker: true, want: "refused 5 connections in a row"},
		{name: "reset", url: serve(func(w http.ResponseWriter, r *http.Request) {
			if c, _, err := w.(http.Hijacker).Hijack(); err == nil {
				if tc, ok := c.(*net.TCPConn); ok {
					_ = tc.SetLinger(0)
				}
				c.Close()
			}
		}), bound: 30 * time.Second, breaker: true, want: "in a row"},
		{name: "stall", url: serve(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}), args: []string{"--timeout", "1s"}, bound: 45 * time.Second, breaker: true, want: "within 1s"},
		{name: "truncate", url: serve(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "400")
			_, _ = w.Write([]byte(`{"status":0,`))
		}), bound: 30 * time.Second, breaker: true, want: "in a row"},
		{name: "html", url: serve(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte("<!DOCTYPE html><html><title>Sign in</title><form>…</form></html>"))
		}), bound: 30 * time.Second, breaker: true, want: "not the API"},
		{name: "garbage", url: serve(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte{0x1f, 0x8b, 0x00, 0xff, 0xfe, 'x', 0x00})
		}), bound: 30 * time.Second, breaker: true, want: "not the API"},
		{name: "redirect", url: serve(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://sso.example.invalid/login", http.StatusFound)
		}), bound: 30 * time.Second, breaker: true, want: "redirect to sso.example.invalid"},
		{name: "throttle", url: serve(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		}), args: []string{"--config", "THROTTLE"}, bound: 45 * time.Second, want: "throttled"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			args := []string{"run", "--config", mockConfig, "--target", c.url(t), "--allow-mutations", "--rate", "0", "--report-dir", dir}
			for i := 0; i < len(c.args); i++ {
				if c.args[i] == "--config" {
					// A config whose throttle budget is small: the waits are
					// honoured, then the answer is reported as throttled.
					cfg := filepath.Join(t.TempDir(), "throttle.yaml")
					base, _ := os.ReadFile(mockConfig)
					writeFile(t, cfg, string(base)+"throttle: {max_wait: 1s, budget: 3s}\n")
					args[2] = cfg
					i++
					continue
				}
				args = append(args, c.args[i])
			}
			r := cliRun(t, 2*time.Minute, nil, args...)
			if r.code != cli.ExitInconclusive {
				t.Fatalf("exit %d, want %d (inconclusive)\n%s\n%s", r.code, cli.ExitInconclusive, tail(r.stdout, 20), r.stderr)
			}
			if r.elapsed > c.bound {
				// Logged, not asserted: how long a run takes is the
				// machine's business (speed is measured in BENCHMARKS.md).
				t.Logf("the run took %s, over its usual bound of %s", r.elapsed.Round(time.Second), c.bound)
			}
			if r.report == nil {
				t.Fatal("no report.json")
			}
			for _, f := range []string{"junit.xml", "report.json", "report.html", "summary.md", "summary.json"} {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Errorf("%s not written: %v", f, err)
				}
			}
			by := r.report.Counts.By
			if by[report.Failed] != 0 || by[report.Passed] != 0 || by[report.Inconclusive] == 0 {
				t.Errorf("outcomes %v: want inconclusive and not run only", by)
			}
			if r.report.Verdict != report.VerdictInconclusive {
				t.Errorf("verdict %q", r.report.Verdict)
			}
			if !strings.Contains(r.stdout, c.want) {
				t.Errorf("the console does not say %q:\n%s", c.want, tail(r.stdout, 15))
			}
			if lines := strings.Count(r.stdout, "\n"); lines > consoleBound {
				t.Errorf("%d console lines, over %d", lines, consoleBound)
			}
			if c.breaker {
				if by[report.NotRun] == 0 {
					t.Errorf("no scenario was stopped by a breaker: %v", by)
				}
				for _, p := range r.report.Products {
					if p.Breaker == "" || !strings.Contains(p.Breaker, "scenarios not run") {
						t.Errorf("product %s: breaker %q", p.Name, p.Breaker)
					}
				}
				// The breaker's sentence, once per product.
				if n := strings.Count(r.stdout, "!! "); n != 3 {
					t.Errorf("the console has %d breaker lines, want one per product:\n%s", n, tail(r.stdout, 20))
				}
			} else if r.report.Throttled.Waits == 0 {
				t.Errorf("no Retry-After wait recorded")
			}
			t.Logf("%s: %s, %v, %d console lines", c.name, r.elapsed.Round(100*time.Millisecond), by, strings.Count(r.stdout, "\n"))
		})
	}
}

// serve starts a misbehaving server for the test.
func serve(h http.HandlerFunc) func(t *testing.T) string {
	return func(t *testing.T) string {
		srv := httptest.NewServer(h)
		t.Cleanup(func() { srv.CloseClientConnections(); srv.Close() })
		return srv.URL
	}
}
