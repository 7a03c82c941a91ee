package deviate

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Play is one deviation, harmless change or incident played on demand, and
// where: a product, an operation, the next N requests in that scope. The
// zero scope plays it on every request until it is cleared.
type Play struct {
	Name string `json:"name"`
	// Product is epm, essbase or oig, as the specs' file names say.
	Product string `json:"product,omitempty"`
	// Operation is an operationId of specs/.
	Operation string `json:"operation,omitempty"`
	// Next plays it on the next N requests in scope only; 0 is no limit.
	Next int `json:"next,omitempty"`
	// Left is how many of those N remain (reported, not read).
	Left int `json:"left,omitempty"`
	// Kind is deviation, harmless change or incident (reported, not read).
	Kind string `json:"kind,omitempty"`
}

// ParsePlays reads the --play syntax: NAME[:product=P][:op=ID][:next=N],
// comma-separated.
func ParsePlays(s string) ([]Play, error) {
	var out []Play
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		parts := strings.Split(item, ":")
		p := Play{Name: parts[0]}
		for _, kv := range parts[1:] {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "product":
				p.Product = v
			case "op", "operation":
				p.Operation = v
			case "next":
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 {
					return nil, fmt.Errorf("play %q: next=%q is not a positive number", item, v)
				}
				p.Next = n
			default:
				return nil, fmt.Errorf("play %q: unknown scope %q (product=, op=, next=)", item, k)
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// Products are the product names a play may be scoped to, as the spec
// files begin.
var Products = []string{"epm", "essbase", "oig"}

// active is one play with its hooks and its remaining count.
type active struct {
	Play
	hooks hooks
}

// Player plays chosen faults in front of an in-process handler; the set
// can change while it serves (the mock's control endpoint).
type Player struct {
	h     http.Handler
	mu    sync.Mutex
	plays []*active
	// n is len(plays), kept under mu and read without it: nearly every
	// request meets no play, and a mutex that every request of the mock
	// takes makes them wait on each other (BENCHMARKS.md, section 2).
	n atomic.Int64
}

// NewPlayer wraps a handler; it plays nothing until told.
func NewPlayer(h http.Handler) *Player { return &Player{h: h} }

// resolve checks a play's name and scope and finds its hooks.
func resolve(p Play) (*active, error) {
	a := &active{Play: p}
	if d, ok := Lookup(p.Name); ok {
		a.Kind, a.hooks = "deviation", compose([]Deviation{d}, nil, nil)
	} else if t, ok := LookupTolerance(p.Name); ok {
		a.Kind, a.hooks = "harmless change", compose(nil, []Tolerance{t}, nil)
	} else if in, ok := LookupIncident(p.Name); ok {
		a.Kind, a.hooks = "incident", compose(nil, nil, []Incident{in})
	} else {
		return nil, fmt.Errorf("no deviation, harmless change or incident %q (conformance mock -list-plays)", p.Name)
	}
	if p.Product != "" && !contains(Products, p.Product) {
		return nil, fmt.Errorf("play %s: product %q is not one of %s", p.Name, p.Product, strings.Join(Products, ", "))
	}
	if p.Operation != "" {
		if _, ok := catalog().Operation(p.Operation); !ok {
			return nil, fmt.Errorf("play %s: no operation %q in specs/", p.Name, p.Operation)
		}
	}
	if p.Next < 0 {
		return nil, fmt.Errorf("play %s: next must not be negative", p.Name)
	}
	a.Left = p.Next
	return a, nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// Set replaces what is played; on an error nothing changes.
func (p *Player) Set(plays []Play) error {
	var next []*active
	for _, pl := range plays {
		a, err := resolve(pl)
		if err != nil {
			return err
		}
		next = append(next, a)
	}
	p.mu.Lock()
	p.plays = next
	p.n.Store(int64(len(p.plays)))
	p.mu.Unlock()
	return nil
}

// Add plays more on top of what is played.
func (p *Player) Add(plays []Play) error {
	var more []*active
	for _, pl := range plays {
		a, err := resolve(pl)
		if err != nil {
			return err
		}
		more = append(more, a)
	}
	p.mu.Lock()
	p.plays = append(p.plays, more...)
	p.n.Store(int64(len(p.plays)))
	p.mu.Unlock()
	return nil
}

// Plays lists what is played now, with what remains of each.
func (p *Player) Plays() []Play {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]Play, 0, len(p.plays))
	for _, a := range p.plays {
		out = append(out, a.Play)
	}
	return out
}

// scopeOf is the product and operation of a request, from the specs. A
// target may serve the API under a base path (the mock's Essbase in
// Shared Services mode is under /shared-services, a live one under any
// prefix), so the path is tried from each of its segments on.
func scopeOf(r *http.Request) (product, operation string) {
	for p := r.URL.Path; p != ""; {
		if product, operation = scopeOfPath(r.Method, p); product != "" {
			return product, operation
		}
		i := strings.Index(p[1:], "/")
		if i < 0 {
			break
		}
		p = p[i+1:]
	}
	return "", ""
}

func scopeOfPath(method, path string) (product, operation string) {
	if op, _ := catalog().Match(method, path); op != nil {
		product, _, _ = strings.Cut(op.File, "-")
		return product, op.ID
	}
	// A path no operation has with this method (a wrong method, an unknown
	// path) still belongs to the product whose paths it shares.
	for _, op := range catalog().Operations() {
		if prefix, _, _ := strings.Cut(op.Path, "{"); strings.HasPrefix(path, strings.TrimSuffix(prefix, "/")) {
			product, _, _ = strings.Cut(op.File, "-")
			return product, ""
		}
	}
	return "", ""
}

// take picks the plays whose scope holds the request, counting one off
// each limited one, and composes their hooks.
func (p *Player) take(r *http.Request) hooks {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.plays) == 0 {
		return hooks{}
	}
	// Placing the request needs the specs' catalog; a play with no
	// product or operation holds every request, and costs no lookup.
	var product, operation string
	for _, a := range p.plays {
		if a.Product != "" || a.Operation != "" {
			product, operation = scopeOf(r)
			break
		}
	}
	// By kind, as compose orders them: incidents answer first, and a
	// harmless change never hides a deviation.
	byKind := map[string]*hooks{"incident": {}, "deviation": {}, "harmless change": {}}
	kept := p.plays[:0]
	for _, a := range p.plays {
		in := (a.Product == "" || a.Product == product) && (a.Operation == "" || a.Operation == operation)
		if in {
			k := byKind[a.Kind]
			k.answers = append(k.answers, a.hooks.answers...)
			k.requests = append(k.requests, a.hooks.requests...)
			k.responses = append(k.responses, a.hooks.responses...)
			k.chunked = k.chunked || a.hooks.chunked
			k.closing = k.closing || a.hooks.closing
			if a.Next > 0 {
				a.Left--
				if a.Left == 0 {
					continue // spent: dropped from the set
				}
			}
		}
		kept = append(kept, a)
	}
	var hk hooks
	for _, kind := range []string{"incident", "deviation", "harmless change"} {
		k := byKind[kind]
		hk.answers = append(hk.answers, k.answers...)
		hk.requests = append(hk.requests, k.requests...)
		hk.responses = append(hk.responses, k.responses...)
		hk.chunked = hk.chunked || k.chunked
		hk.closing = hk.closing || k.closing
	}
	p.plays = kept
	p.n.Store(int64(len(p.plays)))
	return hk
}

// ServeHTTP plays what is in scope of this request.
func (p *Player) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.n.Load() == 0 { // Set and Add store it before they return
		p.h.ServeHTTP(w, r)
		return
	}
	hk := p.take(r)
	if hk.empty() {
		p.h.ServeHTTP(w, r)
		return
	}
	hk.serve(p.h, w, r)
}
