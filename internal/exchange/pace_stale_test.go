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
	if err := RemotePace(srv.URL, "epm").await(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 2 {
		t.Fatalf("asked the parent %d times, want 2: a stale turn and a fresh one", n)
	}
}
