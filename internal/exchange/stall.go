package exchange

// A request's time limit measures the target's silence, not the total time:
// a 9 MB body that keeps moving is never cut off for being large, on any
// machine, however loaded; a target that stops sending or receiving bytes
// for the timeout is. The harness's own work (masking the recorded copy,
// waiting for the rate limiter, the ledger's read before a change) happens
// outside the clock: it is never the target's time.

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"
)

// Silent is a request the target left without a byte in either direction
// for the timeout, or one that trickled past its total allowance.
type Silent struct {
	Host  string
	After time.Duration
	// Trickle is true when bytes kept coming, too slowly to ever finish.
	Trickle bool
}

func (e *Silent) Error() string {
	if e.Trickle {
		return fmt.Sprintf("the target at %s kept the exchange going past %s (a trickle of bytes)", e.Host, e.After)
	}
	return fmt.Sprintf("the target at %s did not answer within %s", e.Host, e.After)
}

// Timeout makes a wrapped Silent count as a timeout (url.Error.Timeout).
func (e *Silent) Timeout() bool { return true }

// trickleAllowance is the total time an exchange may take when bytes keep
// coming: ten silences, plus time for its bodies at a rate any network this
// suite meets exceeds many times over (and so does the race detector on a
// loaded machine reading from loopback).
func trickleAllowance(stall time.Duration, bytes int) time.Duration {
	const slowest = 64 << 10 // bytes per second
	return 10*stall + time.Duration(bytes)*time.Second/slowest
}

// watch cancels an exchange after stall without progress, or past total.
type watch struct {
	stall  time.Duration
	cancel context.CancelCauseFunc
	host   string

	mu    sync.Mutex
	timer *time.Timer
	total *time.Timer
	cause error
}

func startWatch(parent context.Context, host string, stall, total time.Duration) (context.Context, *watch) {
	ctx, cancel := context.WithCancelCause(parent)
	w := &watch{stall: stall, cancel: cancel, host: host}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.timer = time.AfterFunc(stall, func() { w.fire(&Silent{Host: host, After: stall}) })
	w.total = time.AfterFunc(total, func() { w.fire(&Silent{Host: host, After: total, Trickle: true}) })
	return ctx, w
}

func (w *watch) fire(cause error) {
	w.mu.Lock()
	if w.cause == nil {
		w.cause = cause
	}
	w.mu.Unlock()
	w.cancel(cause)
}

// progress restarts the silence clock: a byte moved.
func (w *watch) progress() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cause == nil {
		w.timer.Reset(w.stall)
	}
}

func (w *watch) stop() {
	w.mu.Lock()
	w.timer.Stop()
	w.total.Stop()
	w.mu.Unlock()
	w.cancel(nil)
}

// explain replaces the context error of a cancelled exchange by why the
// watch cancelled it.
func (w *watch) explain(err error) error {
	if err == nil {
		return nil
	}
	w.mu.Lock()
	cause := w.cause
	w.mu.Unlock()
	if cause != nil { // whatever the transport called it, the watch cut it off
		return cause
	}
	return err
}

// progressReader tells the watch about every byte read through it.
type progressReader struct {
	r io.Reader
	w *watch
}

func (p progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.w.progress()
	}
	return n, err
}

type progressBody struct {
	progressReader
	c io.Closer
}

func (p progressBody) Close() error { return p.c.Close() }
