package exchange

import (
	"context"
	"time"
)

// Several scenarios of a product at once (workers) wait for their turns
// together: behind a Retry-After, one period each. Once the product's
// breaker opens, none of them will be sent, so none should sit out its
// period first: waitTurn ends the wait the moment the breaker opens.

// opened is closed when the breaker opens.
func (b *breaker) opened() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.openCh == nil {
		b.openCh = make(chan struct{})
		if b.open != "" {
			close(b.openCh)
		}
	}
	return b.openCh
}

// waitTurn is the pace's turn for a request, or BreakerOpen as soon as
// the product's breaker opens, before or while it waits.
func (t *recordingTransport) waitTurn(ctx context.Context) (time.Time, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-t.breaker.opened():
			cancel()
		case <-ctx.Done():
		}
	}()
	turned, err := t.polite.turn(ctx)
	if s := t.breaker.sentence(); s != "" {
		if err == nil {
			t.polite.settled(turned)
		}
		return turned, &BreakerOpen{Sentence: s}
	}
	return turned, err
}
