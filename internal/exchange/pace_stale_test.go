package exchange

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// A turn the parent gave longer ago than staleTurn is not used: the
// process asks for another, so a process the machine held up cannot send
// next to the following turn's request.
func TestAStaleTurnIsAskedForAgain(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		granted := time.Now()
		if calls.Add(1) == 1 {
			granted = granted.Add(-time.Second) // held up on the way
		}
		w.Header().Set(grantedHeader, strconv.FormatInt(granted.UnixNano(), 10))
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	if _, err := RemotePace(srv.URL, "epm").turn(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 2 {
		t.Fatalf("asked the parent %d times, want 2: a stale turn and a fresh one", n)
	}
}

// The parent says when a turn was as its window counted it, not when its
// goroutine woke: a parent the machine held up must not make a child's
// late request look fresh.
func TestTheParentGivesTheTurnsCountedTime(t *testing.T) {
	srv := httptest.NewServer(PaceHandler(map[string]Pace{"epm": NewSharedPace(2)}))
	defer srv.Close()
	var turns []int64
	for i := 0; i < 2; i++ {
		resp, err := http.Get(srv.URL + "/await?product=epm")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		ns, err := strconv.ParseInt(resp.Header.Get(grantedHeader), 10, 64)
		if err != nil {
			t.Fatalf("no turn time in the answer: %v", err)
		}
		turns = append(turns, ns)
	}
	if d := time.Duration(turns[1] - turns[0]); d != 250*time.Millisecond {
		t.Fatalf("two turns at 2/s are %s apart, want exactly 250ms (1/(2R), as the window reserved them)", d)
	}
}
