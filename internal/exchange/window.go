package exchange

// window is a product's rate as a target counts it: at most R requests in
// any one second. A token bucket of burst 1 (x/time/rate) keeps requests
// 1/R apart, so a turn nobody was ready to take is lost for good, and a
// run that is anywhere short of ready at every turn stays below R. A window
// keeps the promise itself and lets a late request use a turn that went
// by, as long as the second it falls in holds fewer than R. Turns are
// reserved in order (first come, first served) and never closer than
// 1/(2R), so even a catch-up is no burst.
//
// margin widens the second: under --procs the parent gives the turns and
// a child sends up to margin later (a stale turn is asked for again,
// pace.go), so R turns in any 1 s + margin put at most R requests into
// any second at the target.

import (
	"context"
	"math"
	"sync"
	"time"
)

type window struct {
	mu       sync.Mutex
	perSec   float64
	margin   time.Duration
	reserved []time.Time // turns given or promised, oldest first
}

func newWindow(perSecond float64, margin time.Duration) *window {
	return &window{perSec: perSecond, margin: margin}
}

// shape is how many turns fit into one span, and how long the span is:
// R in 1 s for R ≥ 1, else one in 1/R, each widened by the margin.
func (w *window) shape() (n int, span, gap time.Duration) {
	n = max(1, int(math.Floor(w.perSec)))
	span = time.Duration(float64(n)/w.perSec*float64(time.Second)) + w.margin
	gap = time.Duration(float64(time.Second) / (2 * w.perSec))
	return n, span, gap
}

// reserve takes the earliest turn at or after now that keeps the window's
// promise with every turn reserved before it.
func (w *window) reserve(now time.Time) time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, span, gap := w.shape()
	// Turns older than a span no longer bound anything.
	drop := 0
	for drop < len(w.reserved) && !w.reserved[drop].After(now.Add(-span)) {
		drop++
	}
	w.reserved = w.reserved[drop:]
	at := now
	if k := len(w.reserved); k > 0 {
		if next := w.reserved[k-1].Add(gap); next.After(at) {
			at = next
		}
		if k >= n {
			if next := w.reserved[k-n].Add(span); next.After(at) {
				at = next
			}
		}
	}
	w.reserved = append(w.reserved, at)
	return at
}

// cancel gives back a turn its request will not use: those reserved after
// it stay where they are, which can only space them more.
func (w *window) cancel(at time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, t := range w.reserved {
		if t.Equal(at) {
			w.reserved = append(w.reserved[:i], w.reserved[i+1:]...)
			return
		}
	}
}

// Wait blocks until the next turn, or until ctx ends, and says when the
// turn was: the time the window counted, however late this goroutine woke.
func (w *window) Wait(ctx context.Context) (time.Time, error) {
	at := w.reserve(time.Now())
	d := time.Until(at)
	if d <= 0 {
		return at, nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return at, nil
	case <-ctx.Done():
		w.cancel(at)
		return time.Time{}, ctx.Err()
	}
}

// Limit is the present rate in requests per second.
func (w *window) Limit() float64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.perSec
}

// SetLimit changes the rate for the turns reserved from now on.
func (w *window) SetLimit(perSecond float64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.perSec = perSecond
}
