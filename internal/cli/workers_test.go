package cli_test

import (
	"sync"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/cli"
)

// The whole suite against the embedded mock with four workers in one
// process gives every scenario the outcome the run of one scenario at a
// time gives: scenarios at once never interfere (a user one of them
// changes is held alone, each worker names what it creates with its own
// suffix). The two runs go side by side.
func TestWorkersAgreeWithOneAtATime(t *testing.T) {
	t.Parallel()
	runs := map[string][]string{"one at a time": nil, "four workers": {"--workers", "4"}}
	got := map[string]string{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for name, extra := range runs {
		wg.Go(func() {
			dir := t.TempDir()
			r, err := runWithin(4*time.Minute, nil, append([]string{"run", "--report-dir", dir}, extra...)...)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				t.Error(err)
			case r.report == nil || r.code != cli.ExitPass:
				t.Errorf("%s: exit %d\n%s%s", name, r.code, tail(r.stdout, 30), r.stderr)
			default:
				got[name] = outcomes(r.report)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	if got["four workers"] != got["one at a time"] {
		t.Fatalf("four workers:\n%s\none at a time:\n%s", got["four workers"], got["one at a time"])
	}
	t.Logf("identical: %.80s…", got["one at a time"])
}
