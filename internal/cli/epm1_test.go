package cli_test

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/cli"
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
		"--label-filter", "api:epm-v1 && kind:contract && !generated", "--poll-limit", "1s", "--report-dir", dir)
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
