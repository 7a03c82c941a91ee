package exchange

// Politeness: one product is one client of its target, however many
// scenarios use it. When the target asks to slow down (429, or 503 with
// Retry-After), nothing more is sent to that product until the time it
// named has passed, and its rate is halved; each answer that is not a
// throttle gives a little of the rate back (additive increase,
// multiplicative decrease). An always-throttling target so receives at most
// one request per Retry-After period, and the breaker stops the product
// after a few of them. Several scenarios at once (workers, processes) wait
// for the same time: until a request sent after the throttle is answered,
// their turns come one Retry-After period apart, not all at once.

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
	// spacing, while the target throttles (since the last 429 or 503,
	// until a request sent after it is answered), is its Retry-After: the
	// time between two turns.
	spacing time.Duration
	since   time.Time
	// gate lets one waiting request at a time take its turn while the
	// target throttles.
	gate chan struct{}
	// first holds a product's requests to one on its way at a time until
	// the target has answered one: several scenarios at once must not
	// send a wave before the first answer could say Retry-After.
	// firstAt is the turn of the request holding it.
	first   chan struct{}
	firstAt time.Time
	heard   bool
}

// newPoliteness paces at perSecond (0: no limit); margin is how late after
// its turn a request may leave (window.go).
func newPoliteness(perSecond float64, margin time.Duration) *politeness {
	p := &politeness{}
	p.gate, p.first = make(chan struct{}, 1), make(chan struct{}, 1)
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
// as the rate counted it (now, without a limit). While the target
// throttles, the waiting requests go through the gate one at a time, and
// each turn puts the next one a Retry-After period later.
func (p *politeness) turn(ctx context.Context) (time.Time, error) {
	p.mu.Lock()
	probe := !p.heard
	p.mu.Unlock()
	if probe {
		select {
		case p.first <- struct{}{}:
		case <-ctx.Done():
			return time.Time{}, fmt.Errorf("interrupted while waiting for the target's first answer: %w", ctx.Err())
		}
		at, err := p.gated(ctx)
		p.mu.Lock()
		defer p.mu.Unlock()
		if err != nil || p.heard {
			<-p.first // answered meanwhile (by a request sent earlier), or no turn
		} else {
			p.firstAt = at // held until its request is settled
		}
		return at, err
	}
	return p.gated(ctx)
}

// gated is turn once the first answer came (or for the first request).
func (p *politeness) gated(ctx context.Context) (time.Time, error) {
	gated := false
	defer func() {
		if gated {
			<-p.gate
		}
	}()
	for {
		p.mu.Lock()
		throttling := p.spacing > 0
		d := time.Until(p.notBefore)
		p.mu.Unlock()
		if throttling && !gated {
			select {
			case p.gate <- struct{}{}:
				gated = true
			case <-ctx.Done():
				return time.Time{}, fmt.Errorf("interrupted while waiting for Retry-After: %w", ctx.Err())
			}
			continue // the time may have moved while others went
		}
		if d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return time.Time{}, fmt.Errorf("interrupted while waiting %s for Retry-After: %w", d.Round(time.Millisecond), ctx.Err())
			}
		}
		p.mu.Lock()
		if p.spacing > 0 && !gated || time.Now().Before(p.notBefore) {
			// Throttled, or throttled again, while it waited.
			p.mu.Unlock()
			continue
		}
		p.mu.Unlock()
		at := time.Now()
		if p.limiter != nil {
			var err error
			if at, err = p.limiter.Wait(ctx); err != nil {
				return at, err
			}
			// The rate's wait is long enough for another scenario's
			// request to be throttled meanwhile: then this turn is given
			// back and the request waits as the throttle says.
			p.mu.Lock()
			again := p.spacing > 0 && !gated || time.Now().Before(p.notBefore)
			p.mu.Unlock()
			if again {
				p.limiter.cancel(at)
				continue
			}
		}
		if gated {
			p.mu.Lock()
			if next := at.Add(p.spacing); p.spacing > 0 && next.After(p.notBefore) {
				p.notBefore = next
			}
			p.mu.Unlock()
		}
		return at, nil
	}
}

// settled: the request whose turn was at turned has its answer, or none
// will come; the next may leave (before the first answer, one at a time).
func (p *politeness) settled(turned time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.settle(turned)
}

func (p *politeness) settle(turned time.Time) {
	if !p.firstAt.IsZero() && p.firstAt.Equal(turned) {
		p.firstAt = time.Time{}
		<-p.first
	}
}

// throttled: nothing before now+d, and half the rate.
func (p *politeness) throttled(turned time.Time, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	defer p.settle(turned)
	now := time.Now()
	if until := now.Add(d); until.After(p.notBefore) {
		p.notBefore = until
	}
	p.spacing, p.since = d, now
	if p.limiter != nil {
		if l := p.limiter.Limit() / 2; l >= p.base/floorDivisor {
			p.limiter.SetLimit(l)
		} else {
			p.limiter.SetLimit(p.base / floorDivisor)
		}
	}
}

// answered gives back a twentieth of the configured rate. An answer to a
// request whose turn came after the last throttle ends the throttling
// (an answer to one sent before it says nothing of the target's present).
func (p *politeness) answered(turned time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.heard = true
	p.settle(turned)
	if p.spacing > 0 && !turned.Before(p.since) {
		p.spacing = 0
		if now := time.Now(); p.notBefore.After(now) {
			p.notBefore = now
		}
	}
	if p.limiter == nil {
		return
	}
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
