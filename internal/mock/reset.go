package mock

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// Resettable serves one simulator at a time and puts it back to a seed on
// demand, so the tests of a provisioning script start each case from the
// same state without restarting the mock. A reset builds a fresh Server
// from the same options (or another seed) rather than undoing changes
// store by store: every product, and every store a product gains later, is
// reset by construction.
type Resettable struct {
	mu   sync.RWMutex
	opts Options
	// cur is set under mu and read without it: every request reads it,
	// and a read lock shared by every request is a contended counter.
	cur  atomic.Pointer[Server]
	base State // the state at the last reset, for Changes
}

// NewResettable builds the first simulator.
func NewResettable(opts Options) (*Resettable, error) {
	s, err := New(opts)
	if err != nil {
		return nil, err
	}
	r := &Resettable{opts: opts, base: s.State()}
	r.cur.Store(s)
	return r, nil
}

// Current is the simulator serving now.
func (r *Resettable) Current() *Server { return r.cur.Load() }

// ServeHTTP hands the request to the simulator serving now.
func (r *Resettable) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.Current().ServeHTTP(w, req)
}

// Reset puts the mock back to its seed.
func (r *Resettable) Reset() error { return r.Load(nil) }

// Load replaces the state by another seed (nil: the seed it runs with). The
// new seed stays for later resets. On an error nothing changes.
func (r *Resettable) Load(seed *Seed) error {
	opts := r.options()
	if seed != nil {
		opts.Seed = *seed
	}
	s, err := New(opts)
	if err != nil {
		return err
	}
	r.mu.Lock()
	old := r.cur.Swap(s)
	r.opts, r.base = opts, s.State()
	r.mu.Unlock()
	// Requests still on the old simulator finish there; its running jobs
	// end and its files go.
	return old.Close()
}

func (r *Resettable) options() Options {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.opts
}

// Changes lists what differs from the state at the last reset.
func (r *Resettable) Changes() []Change {
	r.mu.RLock()
	base, cur := r.base, r.cur.Load()
	r.mu.RUnlock()
	return Diff(base, cur.State())
}

// Close releases the simulator serving now.
func (r *Resettable) Close() error { return r.Current().Close() }

// State is what the mock holds, entry by entry: "epm user jdoe", "epm file
// users.csv", "essbase user jenp", "oig user 24", each with its value as
// JSON. Passwords are never in it.
type State map[string]string

// State reads what the simulator holds now.
func (s *Server) State() State {
	st := State{}
	put := func(key string, v any) {
		b, _ := json.Marshal(v)
		st[key] = string(b)
	}
	for _, u := range s.EPM.Domain.Users() {
		put("epm user "+u.Login, u)
	}
	for _, name := range s.EPM.FileNames() {
		put("epm file "+name, "uploaded")
	}
	for _, u := range s.Essbase.Users.List() {
		u.Password = "" // kept so an update can leave it alone; never shown
		put("essbase user "+u.ID, u)
	}
	for _, k := range s.OIG.Users.Keys() {
		f, _ := s.OIG.Users.Get(k)
		for name := range f {
			if strings.Contains(strings.ToLower(name), "password") {
				delete(f, name)
			}
		}
		put("oig user "+k, f)
	}
	return st
}

// Change is one entry that differs between two states. Before or After is
// empty when the entry was created or removed.
type Change struct {
	Entry  string          `json:"entry"`
	What   string          `json:"what"` // created, changed, removed
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`
}

// Diff lists the entries that differ, sorted.
func Diff(before, after State) []Change {
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	var out []Change
	for k := range keys {
		b, inB := before[k]
		a, inA := after[k]
		switch {
		case inB && inA && a == b:
			continue
		case !inB:
			out = append(out, Change{Entry: k, What: "created", After: json.RawMessage(a)})
		case !inA:
			out = append(out, Change{Entry: k, What: "removed", Before: json.RawMessage(b)})
		default:
			out = append(out, Change{Entry: k, What: "changed", Before: json.RawMessage(b), After: json.RawMessage(a)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Entry < out[j].Entry })
	return out
}

// String says a change in one line.
func (c Change) String() string { return fmt.Sprintf("%s %s", c.Entry, c.What) }
