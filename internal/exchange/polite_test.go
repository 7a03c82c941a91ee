package exchange_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/exchange"
)

// Throttled, the product's rate halves (multiplicative decrease); each
// answer that is not a throttle gives a twentieth back (additive increase),
// never beyond the configured rate.
func TestTheRoadSlowsDownWhenThrottledAndRecovers(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	cl, err := exchange.New(srv.URL, catalog(t), exchange.Options{Rate: 100, Breaker: 5, Throttle: &exchange.Throttle{MaxWait: 1, Budget: 1 << 40}})
	if err != nil {
		t.Fatal(err)
	}
	ex, err := cl.Do(context.Background(), exchange.Request{Method: "GET", Path: "/x"})
	if err != nil || ex.Err != nil || ex.Status() != http.StatusNoContent || len(ex.Waits) != 2 {
		t.Fatalf("want two waits then the answer: %v %v status %d waits %d", err, ex.Err, ex.Status(), len(ex.Waits))
	}
	// Two halvings (100 → 25), then one answer gave back 5.
	if got := cl.Rate(); got != 30 {
		t.Fatalf("rate %v after two throttles and one answer, want 30", got)
	}
	for i := 0; i < 40; i++ {
		if _, err := cl.Do(context.Background(), exchange.Request{Method: "GET", Path: "/x"}); err != nil {
			t.Fatal(err)
		}
	}
	if got := cl.Rate(); got != 100 {
		t.Fatalf("rate %v after many answers, want back at the configured 100", got)
	}
}

// Several scenarios of one product at once (workers) against a target that
// keeps throttling: the first request is alone on its way until its answer
// (which could say Retry-After) is in, and from then on their requests
// reach it one Retry-After period apart, not all at once when it ends.
func TestThrottledRequestsOfManyScenariosComeOnePeriodApart(t *testing.T) {
	const period = 300 * time.Millisecond // Retry-After 1 s, capped by MaxWait
	var mu sync.Mutex
	var arrivals []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		arrivals = append(arrivals, time.Now())
		mu.Unlock()
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	cl, err := exchange.New(srv.URL, catalog(t), exchange.Options{Rate: 100, Breaker: 5, Throttle: &exchange.Throttle{MaxWait: period, Budget: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	const scenarios = 4
	var wg sync.WaitGroup
	for range scenarios {
		wg.Go(func() { _, _ = cl.Do(context.Background(), exchange.Request{Method: "GET", Path: "/x"}) })
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(arrivals) < scenarios {
		t.Fatalf("%d requests arrived, want at least one of each of the %d scenarios", len(arrivals), scenarios)
	}
	// Nothing left before the first answer came, and every one after the
	// throttle came a period after the one before. Half a period is the
	// bound: a loaded machine can delay one arrival, never bring two
	// together (a wave would come at the rate's 5 ms).
	for i := 1; i < len(arrivals); i++ {
		if gap := arrivals[i].Sub(arrivals[i-1]); gap < period/2 {
			t.Errorf("request %d came %s after the previous, inside the Retry-After period of %s", i+1, gap, period)
		}
	}
}
