package cli

import (
	"bytes"
	"sync"
	"testing"
)

// Every record written reaches the underlying writer, whole and in order,
// by Close at the latest.
func TestTheLogBufferLosesNothing(t *testing.T) {
	var out bytes.Buffer
	var mu sync.Mutex
	b := newLogBuffer(writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return out.Write(p) }))
	var want bytes.Buffer
	for i := 0; i < 10000; i++ {
		line := []byte("request method=POST path=/interop/rest/security/v2/users/update status=200\n")
		want.Write(line)
		if _, err := b.Write(line); err != nil {
			t.Fatal(err)
		}
	}
	b.Close()
	mu.Lock()
	defer mu.Unlock()
	if !bytes.Equal(out.Bytes(), want.Bytes()) {
		t.Fatalf("%d bytes reached the writer, want %d", out.Len(), want.Len())
	}
}

// A line written after Close (a request still finishing while the mock
// stops) reaches the writer too, after the lines written before.
func TestTheLogBufferWritesAfterClose(t *testing.T) {
	var out bytes.Buffer
	var mu sync.Mutex
	b := newLogBuffer(writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return out.Write(p) }))
	if _, err := b.Write([]byte("before\n")); err != nil {
		t.Fatal(err)
	}
	b.Close()
	if _, err := b.Write([]byte("after\n")); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if got := out.String(); got != "before\nafter\n" {
		t.Fatalf("the writer got %q", got)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
