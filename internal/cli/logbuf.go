package cli

import (
	"io"
	"sync"
	"time"
)

// logBuffer keeps the mock's request log off its hot path: a record is
// copied into memory, and a goroutine of its own writes the bytes to the
// terminal (or file), in order, once 64 KiB have gathered or logFlushEvery
// has passed, one write system call per buffer. No request waits for that
// system call: with a bufio.Writer the request whose line filled the
// buffer wrote it out, holding the lock every other request's line then
// waited for (BENCHMARKS.md, section 2). Nothing is lost: Close writes
// what is left.
type logBuffer struct {
	mu     sync.Mutex
	w      io.Writer
	buf    []byte      // lines not handed to the writer yet
	out    chan []byte // buffers for the writer goroutine, in order
	free   chan []byte // buffers it has written, for reuse
	closed bool        // after Close, lines go straight to w
	// drained is closed when the writer has written every buffer.
	drained chan struct{}
	done    chan struct{}
	wg      sync.WaitGroup
}

const (
	logFlushEvery = 100 * time.Millisecond
	logChunk      = 64 << 10
	// logQueue buffers may wait for the writer before a line waits for it
	// (a terminal slower than the mock): about 1 MiB.
	logQueue = 16
)

func newLogBuffer(w io.Writer) *logBuffer {
	b := &logBuffer{w: w, buf: make([]byte, 0, logChunk), out: make(chan []byte, logQueue),
		free: make(chan []byte, logQueue), drained: make(chan struct{}), done: make(chan struct{})}
	b.wg.Add(2)
	go func() { // the writer
		defer b.wg.Done()
		defer close(b.drained)
		for p := range b.out {
			_, _ = w.Write(p)
			select {
			case b.free <- p[:0]:
			default:
			}
		}
	}()
	go func() { // lines reach the writer within logFlushEvery
		defer b.wg.Done()
		t := time.NewTicker(logFlushEvery)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				b.flush()
			case <-b.done:
				return
			}
		}
	}()
	return b
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		<-b.drained // after every line written before Close
		return b.w.Write(p)
	}
	b.buf = append(b.buf, p...)
	if len(b.buf) >= logChunk {
		b.handOver()
	}
	return len(p), nil
}

// handOver gives the lines gathered so far to the writer; b.mu is held,
// so buffers reach it in the order their lines were written.
func (b *logBuffer) handOver() {
	if len(b.buf) == 0 {
		return
	}
	b.out <- b.buf
	select {
	case next := <-b.free:
		b.buf = next
	default:
		b.buf = make([]byte, 0, logChunk)
	}
}

func (b *logBuffer) flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.closed {
		b.handOver()
	}
}

// Close writes what is left and stops both goroutines; lines written
// after it go straight to the writer.
func (b *logBuffer) Close() {
	close(b.done)
	b.mu.Lock()
	b.handOver()
	b.closed = true
	close(b.out)
	b.mu.Unlock()
	b.wg.Wait()
}
