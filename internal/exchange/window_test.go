package exchange

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"
)

// The window's turns, taken by many goroutines at once, never put more
// than R into any span of 1 s + margin, and never two closer than 1/(2R).
func TestTheWindowKeepsItsPromise(t *testing.T) {
	w := newWindow(20, 100*time.Millisecond)
	var mu sync.Mutex
	var got []time.Time
	var wg sync.WaitGroup
	now := time.Now()
	for i := 0; i < 60; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			at := w.reserve(now)
			mu.Lock()
			got = append(got, at)
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.Slice(got, func(i, j int) bool { return got[i].Before(got[j]) })
	span := time.Second + 100*time.Millisecond
	for i := range got {
		if i > 0 && got[i].Sub(got[i-1]) < 25*time.Millisecond {
			t.Fatalf("turns %d and %d are %s apart, want at least 1/(2R) = 25ms", i-1, i, got[i].Sub(got[i-1]))
		}
		n := 0
		for j := i; j < len(got) && got[j].Sub(got[i]) < span; j++ {
			n++
		}
		if n > 20 {
			t.Fatalf("%d turns within %s from turn %d, want at most 20", n, span, i)
		}
	}
	// 60 turns at 20 per 1.1 s: the last is due after two full spans.
	if last := got[len(got)-1].Sub(now); last < 2*span || last > 3*span {
		t.Fatalf("the 60th turn is %s after the first asked, want between %s and %s", last, 2*span, 3*span)
	}
}

// A turn nobody took is not lost: after a quiet spell the next request
// leaves at once, where a burst-1 token bucket would already have spent it.
func TestALateRequestUsesATurnThatWentBy(t *testing.T) {
	w := newWindow(5, 0)
	base := time.Now()
	for i := 0; i < 4; i++ {
		w.reserve(base) // four of five turns of this second, at 0, 100, 200, 300 ms
	}
	at := w.reserve(base.Add(350 * time.Millisecond))
	if !at.Equal(base.Add(400 * time.Millisecond)) {
		t.Fatalf("the fifth turn came %s after the first, want 400ms (its gap, no more)", at.Sub(base))
	}
	if at := w.reserve(base.Add(500 * time.Millisecond)); !at.Equal(base.Add(time.Second)) {
		t.Fatalf("the sixth turn came %s after the first, want 1s (five in any second)", at.Sub(base))
	}
}

// Below one request per second the window holds one turn per 1/R.
func TestASlowWindowSpacesItsTurns(t *testing.T) {
	w := newWindow(0.5, 0)
	base := time.Now()
	w.reserve(base)
	if at := w.reserve(base); !at.Equal(base.Add(2 * time.Second)) {
		t.Fatalf("at 0.5/s the second turn came after %s, want 2s", at.Sub(base))
	}
}

// A wait whose context ends gives its turn back.
func TestACancelledWaitGivesItsTurnBack(t *testing.T) {
	w := newWindow(1, 0)
	if _, err := w.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := w.Wait(ctx); err == nil {
		t.Fatal("a wait for a turn a second away returned before its context ended")
	}
	w.mu.Lock()
	n := len(w.reserved)
	w.mu.Unlock()
	if n != 1 {
		t.Fatalf("%d turns reserved after the cancelled wait, want 1 (the one taken)", n)
	}
}
