package suites

// Workers: scenarios at once inside one process. Ginkgo runs a process's
// specs one after another, so against a target 200 ms away a serial run
// sends one request at a time and leaves most of each product's rate
// unused. Here a pool of goroutines runs the selected scenarios
// (env.Selected is exactly what runs: the runner applied the label filter
// and the shard), each scenario taking the users it names from a board
// (internal/claim, in memory) so two scenarios sharing a user that one of
// them changes never run at once. A free worker takes a scenario whose
// users are free rather than wait behind a busy one, and begins with the
// scenarios of its home product, so every product's rate is in use.
//
// Each scenario's spec stays one Ginkgo It: it waits for its scenario
// (which a worker takes first of all from the moment the spec waits) and
// replays what the worker buffered: the log, the timeline's entries, then
// the end (Fail or Skip with the same message). The record's outcome and
// time are the worker's own (Results.Finish), not the spec's wait.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"sync"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
)

// Workers asks a run to run N scenarios at once in this process.
type Workers struct {
	N int
	// Runs are the run suffixes ({{.Run}}) of the workers, one each, so
	// two workers never create one name at once.
	Runs []string
	// Hold takes the users a scenario names if one set of users it may
	// run with is free: the vars it runs with, and the release to call
	// once its undos are done; ok is false while other scenarios hold
	// them (then nothing is taken).
	Hold func(sc *scenario.Scenario) (vars map[string]string, release func(), ok bool)
	// Home is the product worker k (from 1) takes scenarios of first,
	// "" for none.
	Home func(k int) string
	// Learn, if set, is told the vars (run suffix and users) a scenario
	// is about to run with, before it sends anything: the secrets its
	// rows send with them become known then, once, for the worker that
	// runs it, not for each worker's suffix at the start.
	Learn func(sc *scenario.Scenario, vars scenario.Vars)
}

// pool runs the scenarios on the workers.
type pool struct {
	env   *Env
	once  sync.Once
	ctx   context.Context
	stop  context.CancelFunc
	wg    sync.WaitGroup
	began bool

	mu      sync.Mutex
	changed *sync.Cond
	// pending are the scenarios no worker has taken, in the order their
	// specs run.
	pending []*scenario.Scenario
	jobs    map[*scenario.Scenario]*job
	// wanted is the scenario whose spec is waiting for it: taken first.
	wanted *scenario.Scenario
}

// job is one scenario of the pool.
type job struct {
	rec     *Record
	where   string
	flow    Flow
	running bool
	done    chan struct{}
	host    *bufferedHost // once done
}

func newPool(env *Env) *pool {
	p := &pool{env: env, jobs: map[*scenario.Scenario]*job{}}
	p.changed = sync.NewCond(&p.mu)
	return p
}

// add declares a scenario the pool will run.
func (p *pool) add(sc *scenario.Scenario, rec *Record, where string, flow Flow) {
	rec.mu.Lock()
	rec.worker = true
	rec.mu.Unlock()
	p.pending = append(p.pending, sc)
	p.jobs[sc] = &job{rec: rec, where: where, flow: flow, done: make(chan struct{})}
}

// begin starts the workers, at the first spec. Their context ends at an
// interrupt: a running scenario then ends, its undos run (they do not
// inherit the cancellation), and no further one starts.
func (p *pool) begin() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.began = true
	if prio := p.env.Priority; prio != nil {
		// The specs run in priority order: so do the workers.
		slices.SortStableFunc(p.pending, func(a, b *scenario.Scenario) int { return prio(b) - prio(a) })
	}
	p.ctx, p.stop = signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	context.AfterFunc(p.ctx, func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.changed.Broadcast()
	})
	n := p.env.Workers.N
	p.wg.Add(n)
	for k := 1; k <= n; k++ {
		go func() {
			defer p.wg.Done()
			p.work(k)
		}()
	}
}

// Wait lets the scenarios still running end, after their undos, before the
// reports are written; none starts any more. A run without workers has
// nothing to wait for.
func (env *Env) Wait() {
	p := env.pool
	if p == nil {
		return
	}
	p.mu.Lock()
	began := p.began
	p.mu.Unlock()
	if !began {
		return
	}
	p.stop()
	p.wg.Wait()
}

func (p *pool) work(k int) {
	home := ""
	if p.env.Workers.Home != nil {
		home = p.env.Workers.Home(k)
	}
	for {
		sc, j, vars, release := p.next(home)
		if sc == nil {
			return
		}
		p.run(sc, j, vars, release, p.env.Workers.Runs[k-1])
	}
}

// next takes the scenario a worker runs next: the one a spec waits for,
// else the first of its home product, else the first of any, whose users
// are free; it waits while none is, and gives nil once nothing is left
// or the run was interrupted.
func (p *pool) next(home string) (*scenario.Scenario, *job, map[string]string, func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		if p.ctx.Err() != nil || len(p.pending) == 0 {
			return nil, nil, nil, nil
		}
		for _, i := range p.preference(home) {
			sc := p.pending[i]
			vars, release, ok := p.env.Workers.Hold(sc)
			if !ok {
				continue
			}
			p.pending = slices.Delete(p.pending, i, i+1)
			j := p.jobs[sc]
			j.running = true
			return sc, j, vars, release
		}
		p.changed.Wait()
	}
}

// preference are the indexes of the pending scenarios in the order a
// worker of home considers them.
func (p *pool) preference(home string) []int {
	out := make([]int, 0, len(p.pending))
	var rest []int
	for i, sc := range p.pending {
		switch {
		case sc == p.wanted:
			out = append([]int{i}, out...)
		case home != "" && config.ProductOf(sc.API) == home:
			out = append(out, i)
		default:
			rest = append(rest, i)
		}
	}
	return append(out, rest...)
}

// run runs one scenario on this worker, its users held, and publishes
// what it did.
func (p *pool) run(sc *scenario.Scenario, j *job, vars map[string]string, release func(), run string) {
	h := &bufferedHost{}
	start := time.Now()
	r := p.env.newRun(p.ctx, sc, j.rec, j.where, runSender{})
	r.host, r.Vars.Run = h, run
	// Registered first, so it runs last: the users stay held until the
	// undos have put them back.
	h.cleanup(func(context.Context) { release() })
	r.useVars(vars)
	if learn := p.env.Workers.Learn; learn != nil {
		learn(sc, r.Vars)
	}
	h.do(func() { p.env.body(r, j.flow) })
	h.unwind(p.ctx)
	end := h.ending()
	if p.ctx.Err() != nil {
		// As a serial spec's: interrupted while it ran, its undos done.
		end = hostEnd{state: types.SpecStateInterrupted, msg: "interrupted"}
	}
	j.rec.mu.Lock()
	j.rec.ended = &workerEnd{state: end.state, msg: end.msg, took: time.Since(start)}
	j.rec.mu.Unlock()
	p.mu.Lock()
	defer p.mu.Unlock()
	j.running, j.host = false, h
	close(j.done)
	p.changed.Broadcast() // its users are free again
}

// await is a spec waiting for its scenario; it gives what the worker
// buffered, or nil when the scenario never started (the run was
// interrupted first).
func (p *pool) await(ctx context.Context, sc *scenario.Scenario) *bufferedHost {
	p.once.Do(p.begin)
	p.mu.Lock()
	j := p.jobs[sc]
	p.wanted = sc
	p.changed.Broadcast()
	p.mu.Unlock()
	select {
	case <-j.done:
	case <-ctx.Done():
		p.mu.Lock()
		running := j.running
		p.mu.Unlock()
		if !running {
			select {
			case <-j.done:
			default:
				return nil
			}
		}
		// Its undos are under way: the spec ends after them, as a
		// serial spec's would.
		<-j.done
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return j.host
}

// workerEnd is how a scenario a worker ran ended, and its own time.
type workerEnd struct {
	state types.SpecState
	msg   string
	took  time.Duration
}

// hostEnd is the panic that ends a scenario on a worker (Ginkgo's Fail and
// Skip end a spec with a panic too), recovered by bufferedHost.do.
type hostEnd struct {
	state types.SpecState
	msg   string
}

// bufferedHost keeps what a scenario on a worker asks of Ginkgo until its
// spec replays it.
type bufferedHost struct {
	mu       sync.Mutex
	out      bytes.Buffer
	entries  [][2]string
	cleanups []func(ctx context.Context)
	end      *hostEnd
}

func (h *bufferedHost) fail(msg string) { panic(hostEnd{state: types.SpecStateFailed, msg: msg}) }
func (h *bufferedHost) skip(msg string) { panic(hostEnd{state: types.SpecStateSkipped, msg: msg}) }

func (h *bufferedHost) entry(name, value string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.entries = append(h.entries, [2]string{name, value})
}

func (h *bufferedHost) log() io.Writer { return hostLog{h} }

func (h *bufferedHost) cleanup(f func(ctx context.Context)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.cleanups = append(h.cleanups, f)
}

// hostLog is the buffer's writer, safe for the scenario's goroutines.
type hostLog struct{ h *bufferedHost }

func (l hostLog) Write(b []byte) (int, error) {
	l.h.mu.Lock()
	defer l.h.mu.Unlock()
	return l.h.out.Write(b)
}

// do runs f, turning the panic that ends it into the scenario's end. As
// with Ginkgo, the first end stands: a cleanup failing after the scenario
// failed or was skipped does not change its outcome; one failing after it
// passed fails it. Any other panic is the scenario's code's, as Ginkgo
// would report it.
func (h *bufferedHost) do(f func()) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		e, ok := v.(hostEnd)
		if !ok {
			e = hostEnd{state: types.SpecStatePanicked, msg: fmt.Sprintf("the scenario's code panicked: %v\n%s", v, debug.Stack())}
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.end == nil {
			h.end = &e
		}
	}()
	f()
}

// unwind runs the cleanups, last registered first, each whatever the
// others did.
func (h *bufferedHost) unwind(ctx context.Context) {
	h.mu.Lock()
	fs := slices.Clone(h.cleanups)
	h.cleanups = nil
	h.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		h.do(func() { fs[i](ctx) })
	}
}

// ending is how the scenario ended: passed unless something ended it.
func (h *bufferedHost) ending() hostEnd {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.end == nil {
		return hostEnd{state: types.SpecStatePassed}
	}
	return *h.end
}

// replay shows Ginkgo's current spec what the worker did: its log, its
// timeline, and its end with the same message.
func (h *bufferedHost) replay() {
	if h == nil {
		return
	}
	h.mu.Lock()
	out, entries, end := h.out.Bytes(), h.entries, h.end
	h.mu.Unlock()
	_, _ = GinkgoWriter.Write(out)
	for _, e := range entries {
		AddReportEntry(e[0], e[1], ReportEntryVisibilityFailureOrVerbose)
	}
	if end == nil {
		return
	}
	switch end.state {
	case types.SpecStateSkipped:
		Skip(end.msg)
	default:
		Fail(end.msg)
	}
}
