package exchange

// Politeness: one product is one client of its target, however many
// scenarios use it. When the target asks to slow down (429, or 503 with
// Retry-After), nothing more is sent to that product until the time it
// named has passed, and its rate is halved; each answer that is not a
// throttle gives a little of the rate back (additive increase,
// multiplicative decrease). An always-throttling target so receives at most
// one request per Retry-After period, and the breaker stops the product
// after a few of them.

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// politeness is one product's pace: its rate limiter (nil for no limit)
// and the time before which nothing is sent.
type politeness struct {
	mu        sync.Mutex
	limiter   *window
	base      float64
	notBefore time.Time
}

// newPoliteness paces at perSecond (0: no limit); margin is how late after
// its turn a request may leave (window.go).
func newPoliteness(perSecond float64, margin time.Duration) *politeness {
	p := &politeness{}
	if perSecond > 0 {
		p.base = perSecond
		p.limiter = newWindow(perSecond, margin)
	}
	return p
}

// floorDivisor bounds the decrease: the rate never falls below base/16, so
// a target that throttles briefly does not slow the rest of a run to a halt
// (Retry-After, not the rate, is what keeps an always-throttling target
// quiet).
const floorDivisor = 16

// turn holds a request until the product may be sent to again: after the
// last Retry-After, then by the (adapted) rate. It says when the turn was,
// as the rate counted it (now, without a limit).
func (p *politeness) turn(ctx context.Context) (time.Time, error) {
	p.mu.Lock()
	d := time.Until(p.notBefore)
	p.mu.Unlock()
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return time.Time{}, fmt.Errorf("interrupted while waiting %s for Retry-After: %w", d.Round(time.Millisecond), ctx.Err())
		}
	}
	if p.limiter != nil {
		return p.limiter.Wait(ctx)
	}
	return time.Now(), nil
}

// throttled: nothing before now+d, and half the rate.
func (p *politeness) throttled(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if until := time.Now().Add(d); until.After(p.notBefore) {
		p.notBefore = until
	}
	if p.limiter != nil {
		if l := p.limiter.Limit() / 2; l >= p.base/floorDivisor {
			p.limiter.SetLimit(l)
		} else {
			p.limiter.SetLimit(p.base / floorDivisor)
		}
	}
}

// answered gives back a twentieth of the configured rate.
func (p *politeness) answered() {
	if p.limiter == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if l := p.limiter.Limit(); l < p.base {
		p.limiter.SetLimit(min(p.base, l+p.base/20))
	}
}

// Rate is the product's present rate in requests per second (0: no limit),
// as politeness adapted it.
// A pace kept by another process reports 0.
func (c *Client) Rate() float64 {
	p, ok := c.polite.(*politeness)
	if !ok || p.limiter == nil {
		return 0
	}
	return p.limiter.Limit()
}
