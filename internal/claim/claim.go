// Package claim hands out a --procs run's scenarios to its processes as
// they ask, one process each, and keeps two processes from touching the
// same user at once.
//
// Static shards (--shard K/N) must keep every scenario naming a user in
// the part that owns the user, and a few users named by many scenarios
// (an OIG test user, the EPM users one CSV names together) put most of a
// run into one part: that part's serial time became the run's. Here every
// process walks every scenario; the first to ask for a scenario runs it,
// the others record it as run elsewhere, and a scenario waits only while
// another one holds a user it names. Scenarios that change nothing share
// their users with each other; one that changes data holds them alone.
//
// A scenario may offer other sets of users it could run with as well
// (config shard_vars: jdoe2 for jdoe): the board gives it the first set
// whose users are all free, so a scenario waits only while every set it
// offers is held, and the many scenarios naming one test user spread over
// its stand-ins instead of queueing for it.
package claim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
)

// Request asks for one scenario.
type Request struct {
	Scenario string   `json:"scenario"`
	Users    []string `json:"users,omitempty"`
	// Alternatives are other sets of users the scenario could run with
	// instead of Users, in order of preference after Users.
	Alternatives [][]string `json:"alternatives,omitempty"`
	// Changes is true for a scenario that can change data: it holds its
	// users alone.
	Changes bool `json:"changes,omitempty"`
	// Proc is the asking process, so what it holds is freed if it dies.
	Proc int `json:"proc"`
}

// Answer says whether the asking process runs the scenario.
type Answer struct {
	Run bool `json:"run"`
	// Set is the users the scenario runs with: 0 for Users, k for
	// Alternatives[k-1].
	Set int `json:"set,omitempty"`
}

// Board is the parent's record of who runs what and who holds which user.
type Board struct {
	mu      sync.Mutex
	changed *sync.Cond
	owner   map[string]int   // scenario -> process running or having run it
	holding map[string]*held // scenario -> the users it holds, while it runs
	alone   map[string]bool  // users held by a scenario that changes data
	shared  map[string]int   // users held by scenarios that change nothing: how many
}

// NewBoard is an empty board.
func NewBoard() *Board {
	b := &Board{owner: map[string]int{}, holding: map[string]*held{}, alone: map[string]bool{}, shared: map[string]int{}}
	b.changed = sync.NewCond(&b.mu)
	return b
}

// held is what a running scenario holds.
type held struct {
	proc    int
	users   []string
	changes bool
}

// Claim gives the scenario to the asking process unless another has it;
// the process then waits until the users of one set the scenario offers
// are free, and learns which set it runs with.
func (b *Board) Claim(ctx context.Context, r Request) (run bool, set int, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if p, ok := b.owner[r.Scenario]; ok {
		return p == r.Proc && b.holding[r.Scenario] != nil, 0, nil
	}
	b.owner[r.Scenario] = r.Proc
	stop := context.AfterFunc(ctx, func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.changed.Broadcast()
	})
	defer stop()
	sets := append([][]string{r.Users}, r.Alternatives...)
	for {
		// A process that stopped waiting is never given users it would
		// not know it holds.
		if ctx.Err() != nil {
			return false, 0, ctx.Err()
		}
		if set = b.freeSet(sets, r.Changes); set >= 0 {
			break
		}
		b.changed.Wait()
	}
	b.hold(r, sets[set])
	return true, set, nil
}

// hold records the users a scenario runs with as held by it.
func (b *Board) hold(r Request, users []string) {
	h := &held{proc: r.Proc, users: users, changes: r.Changes}
	for _, u := range h.users {
		if h.changes {
			b.alone[u] = true
		} else {
			b.shared[u]++
		}
	}
	b.holding[r.Scenario] = h
}

// freeSet is the first set whose users are all free, or -1.
func (b *Board) freeSet(sets [][]string, changes bool) int {
	for i, users := range sets {
		if b.free(users, changes) {
			return i
		}
	}
	return -1
}

func (b *Board) free(users []string, changes bool) bool {
	for _, u := range users {
		if b.alone[u] || changes && b.shared[u] > 0 {
			return false
		}
	}
	return true
}

// Release frees the users of a scenario that finished.
func (b *Board) Release(scenario string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.release(scenario)
}

func (b *Board) release(scenario string) {
	h := b.holding[scenario]
	if h == nil {
		return
	}
	delete(b.holding, scenario)
	for _, u := range h.users {
		if h.changes {
			delete(b.alone, u)
		} else if b.shared[u]--; b.shared[u] <= 0 {
			delete(b.shared, u)
		}
	}
	b.changed.Broadcast()
}

// Gone frees whatever a process that ended still held.
func (b *Board) Gone(proc int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for s, h := range b.holding {
		if h.proc == proc {
			b.release(s)
		}
	}
}

// Handler serves the board to the processes: POST /claim with a Request,
// answered with an Answer once the users are free; POST /release with the
// scenario's ID.
func (b *Board) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /claim", func(w http.ResponseWriter, r *http.Request) {
		var req Request
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Scenario == "" {
			http.Error(w, "a claim names its scenario", http.StatusBadRequest)
			return
		}
		run, set, err := b.Claim(r.Context(), req)
		if err != nil {
			return // the process went away
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(Answer{Run: run, Set: set})
	})
	mux.HandleFunc("POST /release", func(w http.ResponseWriter, r *http.Request) {
		var req Request
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Scenario == "" {
			http.Error(w, "a release names its scenario", http.StatusBadRequest)
			return
		}
		b.Release(req.Scenario)
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}

// Client asks a board over HTTP, as process Proc.
type Client struct {
	URL  string
	Proc int
	HTTP *http.Client
}

// ErrElsewhere is a scenario another process runs.
var ErrElsewhere = errors.New("run by another process of this run")

// Take claims a scenario and waits for the users of one set it offers. It
// returns the set it runs with (0 for Users, k for Alternatives[k-1]) and
// the release to call when the scenario (its undos included) is done,
// ErrElsewhere when another process has it, or why the board could not be
// asked.
func (c *Client) Take(ctx context.Context, r Request) (set int, release func(), err error) {
	r.Proc = c.Proc
	var a Answer
	if err := c.post(ctx, "/claim", r, &a); err != nil {
		return 0, nil, fmt.Errorf("asking the parent process for scenario %s: %w", r.Scenario, err)
	}
	if !a.Run {
		return 0, nil, ErrElsewhere
	}
	if a.Set < 0 || a.Set > len(r.Alternatives) {
		return 0, nil, fmt.Errorf("asking the parent process for scenario %s: it answered set %d of %d", r.Scenario, a.Set, len(r.Alternatives)+1)
	}
	return a.Set, func() {
		_ = c.post(context.WithoutCancel(ctx), "/release", Request{Scenario: r.Scenario, Proc: c.Proc}, nil)
	}, nil
}

func (c *Client) post(ctx context.Context, path string, body any, out any) error {
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	if out != nil {
		return json.NewDecoder(resp.Body).Decode(out)
	}
	return nil
}
