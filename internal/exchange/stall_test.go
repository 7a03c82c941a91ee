package exchange_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/exchange"
)

// The timeout measures the target's silence: an answer whose bytes keep
// coming is read to the end however long it takes in total, and a target
// that goes quiet is given up on with the reason. (The chunks come thirty
// times faster than the silence allowed, so no machine is slow enough to
// tell the two apart wrongly.)
func TestTheTimeoutMeasuresSilenceNotTotalTime(t *testing.T) {
	const silence = 3 * time.Second
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		if r.URL.Path == "/quiet" {
			<-r.Context().Done() // until the client gives up
			return
		}
		for i := 0; i < 40; i++ { // 4 s in all, longer than the silence
			w.Write([]byte("chunk\n"))
			w.(http.Flusher).Flush()
			time.Sleep(silence / 30)
		}
	}))
	defer srv.Close()
	cl, err := exchange.New(srv.URL, catalog(t), exchange.Options{Timeout: silence})
	if err != nil {
		t.Fatal(err)
	}
	ex, err := cl.Do(context.Background(), exchange.Request{Method: "GET", Path: "/slow"})
	if err != nil {
		t.Fatal(err)
	}
	if ex.Err != nil || len(ex.RawBody()) != 40*len("chunk\n") {
		t.Fatalf("a steady answer was cut off: err %v, %d bytes", ex.Err, len(ex.RawBody()))
	}
	ex, err = cl.Do(context.Background(), exchange.Request{Method: "GET", Path: "/quiet"})
	if err != nil {
		t.Fatal(err)
	}
	var silent *exchange.Silent
	if !errors.As(ex.Err, &silent) || silent.After != silence {
		t.Fatalf("a silent target: err %v, want the silence named", ex.Err)
	}
	if !exchange.NoAnswer(ex.Err) {
		t.Fatalf("a silent target is no answer (inconclusive), got %T", ex.Err)
	}
}
