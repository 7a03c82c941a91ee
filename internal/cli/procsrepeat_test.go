package cli_test

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/cli"
)

// repeatEnv sets how many times TestProcsRunsAgree runs the whole suite;
// make soak sets it to 10, make test leaves the default.
const repeatEnv = "CONFORMANCE_TEST_PROCS_REPEAT"

// The whole suite under --procs 4, run again and again against the
// embedded mock the processes share, gives the same outcome for every
// scenario every time: parallel processes never interfere (every user a
// scenario touches has one owner, found at plan time), so what one run
// says, the next says too. make test runs it twice; make soak ten times.
func TestProcsRunsAgree(t *testing.T) {
	t.Parallel()
	n := 2
	if v := os.Getenv(repeatEnv); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 2 {
			t.Fatalf("%s=%q: want a number of runs, at least 2", repeatEnv, v)
		}
	}
	var first string
	for i := 1; i <= n; i++ {
		dir := t.TempDir()
		r := cliRun(t, 5*time.Minute, nil, "run", "--procs", "4", "--report-dir", dir)
		if r.report == nil || r.code != cli.ExitPass {
			t.Fatalf("run %d of %d: exit %d\n%s%s", i, n, r.code, tail(r.stdout, 30), r.stderr)
		}
		got := outcomes(r.report)
		if i == 1 {
			first = got
			continue
		}
		if got != first {
			t.Fatalf("run %d of %d under --procs 4 differs from run 1:\nrun %d: %s\nrun 1: %s", i, n, i, got, first)
		}
	}
	t.Logf("%d runs under --procs 4, identical: %.80s…", n, first)
}
