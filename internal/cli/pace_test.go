package cli_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/mock"
)

// --procs 4 against a live target at the default rate: the processes share
// one rate per product through their parent, so no second at the target
// holds more requests of a product than the limit (before, each process
// had its own, and a second held up to 14 at a limit of 5). One process
// with its workers (eight on a live target) shares its clients' rate the
// same way.
func TestProcsShareOneRatePerProduct(t *testing.T) {
	t.Parallel()
	for _, how := range [][]string{{"--procs", "4"}, {"--workers", fmt.Sprint(config.DefaultWorkers)}} {
		t.Run(how[0][2:], func(t *testing.T) {
			t.Parallel()
			oneRatePerProduct(t, how...)
		})
	}
}

func oneRatePerProduct(t *testing.T, how ...string) {
	var mu sync.Mutex
	arrivals := map[string][]time.Time{}
	srv, _ := startMock(t, mock.Options{}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			p := productOfPath(r.URL.Path)
			arrivals[p] = append(arrivals[p], time.Now())
			mu.Unlock()
			next.ServeHTTP(w, r)
		})
	})
	dir := t.TempDir()
	args := append([]string{"run", "--config", mockConfig, "--target", srv.URL, "--allow-mutations",
		"--label-filter", "(api:oig || api:epm-v2) && kind:contract", "--report-dir", dir}, how...)
	r := conformance(t, defaultRate, args...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, tail(r.stdout, 20), r.stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	limit := int(config.DefaultForeignRate)
	total := 0
	for p, times := range arrivals {
		total += len(times)
		// Every window of one second less stampLateness that begins at an
		// arrival: whatever their lateness, the requests it holds reached
		// the target within one second of one another.
		worst := 0
		for i := range times {
			n := 0
			for j := i; j < len(times) && times[j].Sub(times[i]) < time.Second-stampLateness; j++ {
				n++
			}
			worst = max(worst, n)
		}
		if worst > limit {
			var at []string
			for _, x := range times {
				at = append(at, x.Sub(times[0]).Round(time.Millisecond).String())
			}
			t.Errorf("%s: %d requests within one second, over the limit of %d (at %s)", p, worst, limit, strings.Join(at, " "))
		}
		t.Logf("%s: %d requests, at most %d in a second", p, len(times), worst)
	}
	if total < 3*limit {
		t.Fatalf("only %d requests reached the target: too few to tell", total)
	}
}

// stampLateness bounds how late the handler above may stamp an arrival:
// it runs in this race-instrumented test process, beside the other
// packages' tests on a loaded machine, and once stamped three requests
// within a millisecond after a stall (load average 15), six in 0.93 s
// where the road had sent five a second. A request stamped up to this late
// arrived no earlier than this before its stamp, so a window this much
// shorter than a second still holds only requests that reached the target
// within one second. Four processes or eight workers with a rate each (14
// in a second before the parents' pace) still fill it several times over.
const stampLateness = 200 * time.Millisecond

// defaultRate undoes the tests' CONFORMANCE_RATE=0 (cleanEnv): the default
// a live target gets.
var defaultRate = []string{fmt.Sprintf("%s=%g", config.RateSetting.Env, config.DefaultForeignRate)}
