package bodycap

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func refusing(limit int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := Read(w, r, limit)
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
		case err != nil:
			http.Error(w, err.Error(), http.StatusBadRequest)
		default:
			_, _ = w.Write(body)
		}
	})
}

// lateReader is a client connection whose reads of the answer wait a
// second: what a loaded machine did to the client's goroutine that reads,
// while the one that writes the body met the closed connection first (a
// Go server waits half a second for the rest of a body it refused).
type lateReader struct{ net.Conn }

func (c lateReader) Read(p []byte) (int, error) {
	time.Sleep(time.Second)
	return c.Conn.Read(p)
}

// slowBody is 9 MiB sent as a loaded client sends it: longer than the
// half a second a Go server waits for the rest before it closes a
// connection it refused.
type slowBody struct{ left int }

func (b *slowBody) Read(p []byte) (int, error) {
	if b.left == 0 {
		return 0, io.EOF
	}
	time.Sleep(4 * time.Millisecond)
	n := min(len(p), b.left, 32<<10)
	for i := range n {
		p[i] = 'e'
	}
	b.left -= n
	return n, nil
}

// A client still sending when the limit is passed gets the 413, every
// time, and the connection stays usable; a body within the limit is read
// whole.
func TestTheClientHearsTheRefusal(t *testing.T) {
	srv := httptest.NewServer(refusing(1 << 10))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		return lateReader{c}, err
	}}}
	for i := range 1 {
		size := 9 << 20
		req, _ := http.NewRequest(http.MethodPost, srv.URL, io.NopCloser(&slowBody{left: size}))
		req.ContentLength = int64(size)
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("round %d: %v; want the 413", i, err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("round %d: status %d, want 413", i, res.StatusCode)
		}
	}
	res, err := client.Post(srv.URL, "text/plain", strings.NewReader("short"))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !bytes.Equal(got, []byte("short")) {
		t.Fatalf("%d %q, want the body back", res.StatusCode, got)
	}
}

// Exactly at the limit is within it; one byte more is not.
func TestTheLimitIsInclusive(t *testing.T) {
	for size, want := range map[int]int{1024: http.StatusOK, 1025: http.StatusRequestEntityTooLarge} {
		rec := httptest.NewRecorder()
		refusing(1024).ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(strings.Repeat("x", size))))
		if rec.Code != want {
			t.Errorf("%d bytes: %d, want %d", size, rec.Code, want)
		}
	}
}
