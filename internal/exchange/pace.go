package exchange

// One rate per product across processes: `--procs N` runs N processes of
// one run, and a target must see one client, not N. The parent process
// keeps each product's pace (rate, Retry-After, slowing down) and serves it
// over loopback; each child's road asks it before every request and tells
// it what the target answered.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Pace decides when a product's next request may leave: politeness.go's
// rate and Retry-After, kept in this process or in the parent's.
type Pace interface {
	// turn waits until a request may leave and says when its turn was,
	// as the pace counted it.
	turn(ctx context.Context) (time.Time, error)
	// throttled reports a throttle (429, 503 with Retry-After) asking to
	// wait d, answered an answer that was none, and settled that no
	// answer came: each to the request whose turn was at turned.
	throttled(turned time.Time, d time.Duration)
	answered(turned time.Time)
	settled(turned time.Time)
}

// NewSharedPace is a product's pace at perSecond requests per second (0:
// no limit) kept by the parent of several processes: its second is
// widened by how late a child may send after its turn (window.go), so the
// target never counts more than perSecond in a second.
//
// Its requests are not held to one at a time before the first answer
// (politeness.first): a child's request that gets none would not say so.
func NewSharedPace(perSecond float64) Pace {
	p := newPoliteness(perSecond, staleTurn+roadSlack)
	p.heard = true
	return p
}

// SetPace makes the client wait its turn by p instead of its own pace:
// clients of one product in several processes share the parent's.
func (c *Client) SetPace(p Pace) {
	c.polite = p
	if rt, ok := c.http.Transport.(*recordingTransport); ok {
		rt.polite = p
	}
}

// PaceHandler serves the paces of a run's products to its processes:
// GET /await?product=P answers once P may send (the wait is the parent's
// limiter, so all processes share it); POST /throttled?product=P&ms=D and
// POST /answered?product=P report what the target said.
func PaceHandler(paces map[string]Pace) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := paces[r.URL.Query().Get("product")]
		if !ok {
			http.Error(w, "no such product", http.StatusNotFound)
			return
		}
		switch r.URL.Path {
		case "/await":
			at, err := p.turn(r.Context())
			if err != nil {
				http.Error(w, err.Error(), http.StatusServiceUnavailable)
				return
			}
			// The turn's time as the window counted it, so a late
			// wake-up here counts against the child's margin too.
			w.Header().Set(grantedHeader, strconv.FormatInt(at.UnixNano(), 10))
		case "/throttled":
			ms, _ := strconv.ParseInt(r.URL.Query().Get("ms"), 10, 64)
			p.throttled(time.Time{}, time.Duration(ms)*time.Millisecond)
		case "/answered":
			ns, _ := strconv.ParseInt(r.URL.Query().Get("turned"), 10, 64)
			p.answered(time.Unix(0, ns))
		default:
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// RemotePace is the pace of product kept by the parent at base.
func RemotePace(base, product string) Pace {
	return &remotePace{base: base, product: url.QueryEscape(product),
		http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
}

type remotePace struct {
	base, product string
	http          *http.Client
}

func (p *remotePace) call(ctx context.Context, method, path, extra string) (http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, method, p.base+path+"?product="+p.product+extra, nil)
	if err != nil {
		return nil, err
	}
	resp, err := p.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("the run's pace (parent process): %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return nil, fmt.Errorf("the run's pace (parent process) answered HTTP %d", resp.StatusCode)
	}
	return resp.Header, nil
}

// grantedHeader carries when the parent gave a turn, and staleTurn is how
// old a turn may be when the request leaves. A process the machine kept
// from running between the turn and its request would otherwise send it
// next to the following turn's, two requests in the time of one: a stale
// turn is dropped and another asked for, as often as it takes (the parent
// counted the stale one, so the rate can only come out lower, never
// higher).
const (
	grantedHeader = "X-Conformance-Pace-Granted"
	staleTurn     = 100 * time.Millisecond
	// roadSlack is the child's own road between the check of its turn
	// and the request on the wire (recording, redaction, a connection).
	roadSlack = 50 * time.Millisecond
)

func (p *remotePace) turn(ctx context.Context) (time.Time, error) {
	for {
		h, err := p.call(ctx, "GET", "/await", "")
		if err != nil {
			return time.Time{}, err
		}
		ns, err := strconv.ParseInt(h.Get(grantedHeader), 10, 64)
		if err != nil {
			return time.Now(), nil
		}
		if at := time.Unix(0, ns); time.Since(at) <= staleTurn {
			return at, nil
		}
	}
}

// The reports are best effort: a lost one makes the pace less adaptive,
// never the run wrong.
// settled: the parent gives turns by its window and Retry-After alone.
func (p *remotePace) settled(time.Time) {}

func (p *remotePace) throttled(_ time.Time, d time.Duration) {
	_, _ = p.call(context.Background(), "POST", "/throttled", "&ms="+strconv.FormatInt(d.Milliseconds(), 10))
}

func (p *remotePace) answered(turned time.Time) {
	_, _ = p.call(context.Background(), "POST", "/answered", "&turned="+strconv.FormatInt(turned.UnixNano(), 10))
}

// ShareProduct makes c, a client of another base URL of main's product (an
// alternative target such as Essbase under /shared-services), share main's
// pace and breaker: the product is one client to its vendor, asked at one
// rate, honouring one Retry-After, and stopped by one breaker, whichever of
// its URLs a scenario uses.
func (c *Client) ShareProduct(main *Client) {
	c.SetPace(main.polite)
	c.breaker = main.breaker
	if rt, ok := c.http.Transport.(*recordingTransport); ok {
		rt.breaker = main.breaker
	}
}
