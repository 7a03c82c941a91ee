package cli_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/cli"
	"github.com/oracle-users-conformance/conformance/internal/report"
)

// An always-429 target at the default live rate: time spent waiting on it
// is never the vendor's non-conformance (exit 3, nothing failed), each
// product is asked at most once per Retry-After period, its breaker stops
// it after a few, and every report is written.
func TestAnAlwaysThrottlingTargetIsAskedOncePerRetryAfter(t *testing.T) {
	t.Parallel()
	const retryAfter = time.Second
	var mu sync.Mutex
	arrivals := map[string][]time.Time{}
	url := serve(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		p := productOfPath(r.URL.Path)
		arrivals[p] = append(arrivals[p], time.Now())
		mu.Unlock()
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
	})(t)
	dir := t.TempDir()
	// No --rate: the default a live target gets.
	r := cliRun(t, 5*time.Minute, defaultRate, "run", "--config", mockConfig, "--target", url, "--allow-mutations", "--report-dir", dir)
	if r.code != cli.ExitInconclusive {
		t.Fatalf("exit %d, want %d (inconclusive)\n%s\n%s", r.code, cli.ExitInconclusive, tail(r.stdout, 20), r.stderr)
	}
	for _, f := range []string{"junit.xml", "report.json", "report.html", "summary.md", "summary.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	if r.report == nil {
		t.Fatal("no report.json")
	}
	if by := r.report.Counts.By; by[report.Failed] != 0 || by[report.Inconclusive] == 0 {
		t.Errorf("outcomes %v: want inconclusive and not run, nothing failed", by)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range []string{"epm", "essbase", "oig"} {
		times := arrivals[p]
		if len(times) == 0 || len(times) > 5 { // the breaker's default limit
			t.Errorf("%s received %d requests, want 1..5 before its breaker opened", p, len(times))
		}
		// The next request leaves only after the answer to the previous
		// one arrived and its Retry-After passed: a lower bound, which a
		// slow machine only makes larger.
		for i := 1; i < len(times); i++ {
			if gap := times[i].Sub(times[i-1]); gap < retryAfter-50*time.Millisecond {
				t.Errorf("%s: request %d came %s after the previous, inside its Retry-After of %s", p, i+1, gap, retryAfter)
			}
		}
	}
	for _, p := range r.report.Products {
		if p.Breaker == "" || !strings.Contains(p.Breaker, "Retry-After") {
			t.Errorf("product %s: breaker %q, want the throttling named", p.Name, p.Breaker)
		}
	}
	t.Logf("requests per product: epm %d, essbase %d, oig %d; %s", len(arrivals["epm"]), len(arrivals["essbase"]), len(arrivals["oig"]), r.elapsed.Round(time.Second))
}

func productOfPath(p string) string {
	switch {
	case strings.HasPrefix(p, "/interop"):
		return "epm"
	case strings.HasPrefix(p, "/iam"):
		return "oig"
	}
	return "essbase"
}
