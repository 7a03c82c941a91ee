package exchange_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

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
