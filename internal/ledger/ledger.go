// Package ledger undoes what a scenario creates or changes, csi-sanity
// style: every request that can change data registers its undo before it
// is sent (at the road: exchange.Client.Before), and the undos run newest
// first after the scenario, also when it failed, timed out or the run was
// interrupted. What an undo could not put back is a Failure the report
// lists; what no API can put back (EPM has no way to read a user) is said
// once as Irreversible.
//
// The rules are per operation (essbase.go, oig.go, epm.go), named by
// operationId and checked against the spec catalog at start (Validate).
package ledger

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
)

// Sender sends a request the ledger builds (a read before a change, an
// undo) through the same road as every other request, so it is recorded
// and judged like them.
type Sender func(ctx context.Context, c *exchange.Client, r exchange.Request) (*exchange.Exchange, error)

// Ledger is one scenario's undos.
type Ledger struct {
	send  Sender
	admin *exchange.Credential

	mu           sync.Mutex
	entries      []entry
	created      map[string]bool
	irreversible []string
	epmUsers     map[string]EPMUser // epmrestore.go

	// What the scenario's reads showed after its last change (seen.go):
	// an undo whose work a read already showed done sends nothing.
	seq        int
	lastChange int
	reads      map[string]seenRead
	deletes    map[string]*exchange.Exchange
}

type entry struct {
	desc string
	do   func(ctx context.Context) error
	// cause is the request whose change the undo puts back, once sent.
	cause *exchange.Exchange
	// before, when set, runs before any undo of the scenario does (an
	// undo's own request is a change that would make every read before it
	// stale): it reports whether the scenario's own reads showed the undo
	// needless, and may keep what they showed for the undo (seen.go).
	before func() (needless bool)
}

// Failure is an undo that did not put things back.
type Failure struct {
	Undo string
	Err  error
}

// New is an empty ledger whose reads and undos go through send, as admin.
func New(send Sender, admin *exchange.Credential) *Ledger {
	return &Ledger{send: send, admin: admin, created: map[string]bool{}, reads: map[string]seenRead{}, deletes: map[string]*exchange.Exchange{}}
}

type key struct{}

// With puts the ledger in the context the scenario's requests carry.
func With(ctx context.Context, l *Ledger) context.Context { return context.WithValue(ctx, key{}, l) }

// From is the ledger of the context, or nil.
func From(ctx context.Context) *Ledger {
	l, _ := ctx.Value(key{}).(*Ledger)
	return l
}

// Register adds an undo; it runs before every undo registered earlier.
func (l *Ledger) Register(desc string, do func(ctx context.Context) error) {
	l.RegisterFor(nil, desc, do)
}

// RegisterFor adds the undo of one request's change: it is skipped when
// the target certainly did not act on that request (it never arrived, or
// was throttled).
func (l *Ledger) RegisterFor(cause *exchange.Exchange, desc string, do func(ctx context.Context) error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, entry{desc: desc, do: do, cause: cause})
}

// Irreversible records a change no API can undo.
func (l *Ledger) Irreversible(desc string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.irreversible = append(l.irreversible, desc)
}

// IrreversibleChanges are the changes recorded as impossible to undo.
func (l *Ledger) IrreversibleChanges() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.irreversible...)
}

// Len is the number of undos registered and not yet run.
func (l *Ledger) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}

// Unwind runs every undo, newest first, and empties the ledger. An undo
// that fails does not stop the others.
func (l *Ledger) Unwind(ctx context.Context) []Failure {
	l.mu.Lock()
	entries := l.entries
	l.entries = nil
	l.mu.Unlock()
	// Decided before any undo runs: an undo's own request is a change
	// that would make every read before it look stale.
	needless := make([]bool, len(entries))
	for i, e := range entries {
		needless[i] = e.before != nil && e.before()
	}
	var out []Failure
	for i := len(entries) - 1; i >= 0; i-- {
		if e := entries[i]; e.cause != nil && exchange.NotActedOn(e.cause) || needless[i] {
			continue // the change was never made
		}
		if err := entries[i].do(ctx); err != nil {
			out = append(out, Failure{Undo: entries[i].desc, Err: err})
		}
	}
	return out
}

func (l *Ledger) markCreated(k string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.created[k] = true
}

func (l *Ledger) wasCreated(k string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.created[k]
}

// Rule registers the undos of one request before it is sent. It may send
// reads through the ledger first; an *exchange.Refused stops the request.
// A rule without Apply declares that the operation's change cannot be
// undone; Plan says why.
type Rule struct {
	Operation string
	// Plan says in a few words what the rule registers, for --plan.
	Plan  string
	Apply func(ctx context.Context, l *Ledger, c *exchange.Client, ex *exchange.Exchange, r exchange.Request) error
}

var rules = map[string]Rule{}

// Register adds the rule of r.Operation; internal/ops calls it for every
// operation that can change data, each declared once there.
func Register(r Rule) {
	if _, dup := rules[r.Operation]; dup {
		panic("ledger: rule registered twice: " + r.Operation)
	}
	rules[r.Operation] = r
}

// NoUndo is the rule of an operation whose change cannot be undone, with
// the reason.
func NoUndo(reason string) Rule { return Rule{Plan: "none: " + reason} }

// PlanFor says what undo a request of the operation registers, or "".
func PlanFor(operation string) string { return rules[operation].Plan }

// NoRule is the error of a request whose operation can change data but
// has no rule: the ledger would undo nothing, so the request is not sent.
type NoRule struct{ Operation string }

func (e *NoRule) Error() string {
	return fmt.Sprintf("operation %s can change data but the ledger has no undo for it: declare its undo, or why it has none, in internal/ops", e.Operation)
}

// Validate reports rules for operations the specs do not have.
func Validate(cat *contract.Catalog) error {
	var bad []string
	for op := range rules {
		if _, ok := cat.Operation(op); !ok {
			bad = append(bad, op)
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return fmt.Errorf("ledger rules name operations that are not in specs/: %s", strings.Join(bad, ", "))
	}
	return nil
}

// Before is the road's hook: it finds the rule of the request's operation
// and applies it with the ledger of the request's context. An operation
// whose spec method can change data and that has no rule stops the
// request (NoRule), never silently undoes nothing.
func Before(ctx context.Context, ex *exchange.Exchange, c *exchange.Client, r exchange.Request) error {
	l := From(ctx)
	if l == nil {
		return nil
	}
	if ex.Tier == exchange.TierRead {
		l.sawRead(c, ex, r)
		return nil
	}
	// After the rule's own reads: the change is sent next.
	defer l.changing()
	rule, ok := rules[ex.Operation]
	if !ok {
		if op, known := c.Catalog().Operation(ex.Operation); known && Changes(op.Method) {
			return &NoRule{Operation: ex.Operation}
		}
		return nil
	}
	if rule.Apply == nil {
		return nil
	}
	return rule.Apply(ctx, l, c, ex, r)
}

// Changes reports whether an operation of that method can change data
// (anything but GET, HEAD and OPTIONS).
func Changes(method string) bool {
	switch strings.ToUpper(method) {
	case "GET", "HEAD", "OPTIONS":
		return false
	}
	return true
}

// path fills an operation's path template.
func path(c *exchange.Client, op string, params map[string]string) string {
	o, ok := c.Catalog().Operation(op)
	if !ok {
		panic("ledger: no operation " + op) // Validate runs at start
	}
	return o.Fill(params)
}

// params reads the path parameters of a request of an operation.
func params(c *exchange.Client, op, reqPath string) map[string]string {
	o, ok := c.Catalog().Operation(op)
	if !ok {
		return nil
	}
	rel, _, _ := strings.Cut(reqPath, "?")
	m, _ := o.PathParams(rel)
	return m
}

// gone is an answer that says the thing is not there: done.
func gone(status int) bool { return status == 404 }

func ok2xx(status int) bool { return status >= 200 && status <= 299 }

// undoFailed turns an undo's exchange into an error, or nil.
func undoFailed(ex *exchange.Exchange, err error, accept func(int) bool) error {
	if err != nil {
		return err
	}
	if ex.Err != nil {
		return ex.Err
	}
	if !accept(ex.Status()) {
		return fmt.Errorf("%s %s answered HTTP %d", ex.Request.Method, ex.Request.URL, ex.Status())
	}
	return nil
}
