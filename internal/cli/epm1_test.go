package cli_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/cli"
	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/deviate"
)

// A v1 job that never leaves -1 fails its scenario at the poll limit with a
// sentence naming the job and the last status seen, after progress lines,
// and the run ends (conformance() has a hard deadline): the suite never
// waits for ever as the vendor's sample does (Q-EPM1-019). Asserted on the
// output, never on timing.
func TestEPM1NeverFinishingJobFailsAtThePollLimit(t *testing.T) {
	t.Parallel()
	d, ok := deviate.Lookup("epm1-job-never-finishes")
	if !ok {
		t.Fatal("deviation epm1-job-never-finishes is not registered")
	}
	target := newMock(t)
	u, _ := url.Parse(target.URL)
	proxy := httptest.NewServer(deviate.Proxy(u, d))
	defer proxy.Close()
	dir := t.TempDir()
	r := conformance(t, nil, "run", "--config", mockConfig, "--target", proxy.URL, "--allow-mutations",
		"--label-filter", "api:epm-v1 && kind:contract && !generated", "--poll-limit", "1s", "--job-breaker", "0", "--report-dir", dir)
	if r.code != cli.ExitFail {
		t.Fatalf("exit %d, want %d\n%s%s", r.code, cli.ExitFail, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"EPM1-FLOW-001",
		"job 100", // a live line while waiting: "job 1001 in progress, 1s"
		"in progress, ",
		"still in progress after", // the failure says why
		"last status -1",          // and what it saw last
		"--poll-limit 1s",         // and which bound to change
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the output does not contain %q\n%s", want, r.stdout)
		}
	}
}

// A target whose v1 jobs never finish, at a 30 s poll limit: two jobs wait
// it out and fail saying so, then the job breaker stops the product's
// remaining job scenarios (not run, with the sentence) and the run goes on
// with the rest, so a stuck queue ends a run in minutes, not hours. The
// elapsed time is logged; what is asserted is how many scenarios waited.
func TestAStuckJobQueueOpensTheJobBreaker(t *testing.T) {
	t.Parallel()
	d, _ := deviate.Lookup("epm1-job-never-finishes")
	target := newMock(t)
	u, _ := url.Parse(target.URL)
	proxy := httptest.NewServer(deviate.Proxy(u, d))
	defer proxy.Close()
	dir := t.TempDir()
	r := conformance(t, nil, "run", "--config", mockConfig, "--target", proxy.URL, "--allow-mutations",
		"--label-filter", "api:epm-v1", "--poll-limit", "30s", "--report-dir", dir)
	if r.code != cli.ExitFail {
		t.Fatalf("exit %d, want %d\n%s%s", r.code, cli.ExitFail, r.stdout, r.stderr)
	}
	if r.report == nil {
		t.Fatal("no report.json")
	}
	waited, stopped := 0, 0
	for _, s := range r.report.Scenarios {
		switch {
		case strings.Contains(s.Reason, "still in progress after"):
			waited++
		case s.Outcome == "not run" && strings.Contains(s.Reason, "jobs in a row were still in progress"):
			stopped++
		}
	}
	// Two in a row open the breaker; the job scenarios the other workers
	// were polling reach their limit within a poll of the first two (a
	// live target gets config.DefaultWorkers at once, all submitting at
	// the start), and so may one that the worker of the first to pass the
	// limit took before the second passed it; a later one stops at its
	// next poll (TestAJobPollingWhenTheBreakerOpensStops).
	if most := config.DefaultWorkers + 1; waited < 2 || waited > most || stopped == 0 {
		t.Errorf("%d scenarios waited out the poll limit, %d were stopped by the job breaker; want 2 to %d, and the rest stopped", waited, stopped, most)
	}
	if n := strings.Count(r.stdout, "jobs in a row were still in progress"); n != 1 {
		t.Errorf("the job breaker's sentence is said %d times, want once:\n%s", n, tail(r.stdout, 20))
	}
	t.Logf("%d waited, %d not run, %s", waited, stopped, r.elapsed.Round(time.Second))
}

// A job scenario still polling when other scenarios' jobs open the job
// breaker stops at its next poll, inconclusive with the reason, instead of
// waiting out a limit of its own: with workers a stuck queue costs one poll
// limit, not two. Two job scenarios on two workers against jobs that never
// finish, the second submit held 1.5 s (so its limit ends 1.5 s after the
// first's), and the breaker opening after one job at the limit.
func TestAJobPollingWhenTheBreakerOpensStops(t *testing.T) {
	t.Parallel()
	d, _ := deviate.Lookup("epm1-job-never-finishes")
	target := newMock(t)
	u, _ := url.Parse(target.URL)
	never := deviate.Proxy(u, d)
	var submits atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/security/v1/users") && submits.Add(1) == 2 {
			time.Sleep(1500 * time.Millisecond)
		}
		never.ServeHTTP(w, r)
	}))
	defer proxy.Close()
	dir := t.TempDir()
	r := conformance(t, nil, "run", "--config", mockConfig, "--target", proxy.URL, "--allow-mutations",
		"--label-filter", "id:EPM1-FLOW-001 || id:EPM1-FLOW-002", "--workers", "2",
		"--poll-limit", "3s", "--job-breaker", "1", "--report-dir", dir)
	if r.report == nil {
		t.Fatalf("exit %d, no report.json\n%s%s", r.code, r.stdout, r.stderr)
	}
	waited, stopped := 0, 0
	for _, s := range r.report.Scenarios {
		switch {
		case s.Outcome == "failed" && strings.Contains(s.Reason, "still in progress after"):
			waited++
		case s.Outcome == "inconclusive" && strings.Contains(s.Reason, "when the job breaker of epm opened"):
			stopped++
		default:
			t.Errorf("%s: %s, %q", s.ID, s.Outcome, s.Reason)
		}
	}
	if waited != 1 || stopped != 1 {
		t.Errorf("%d waited out the limit, %d stopped when the breaker opened; want one of each\n%s", waited, stopped, tail(r.stdout, 20))
	}
	if r.code != cli.ExitFail {
		t.Errorf("exit %d, want %d (the job that waited out its limit fails)", r.code, cli.ExitFail)
	}
}
