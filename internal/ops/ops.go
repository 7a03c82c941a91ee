// Package ops holds one Go value per operation of the specs: what is code
// about it, where the spec (specs/*.yaml) holds what is data. Each
// product's operations are registered from one file (epm.go, essbase.go,
// oig.go), and registering one installs its undo in the ledger and its
// invariants in the judge, so nothing about an operation is wired
// anywhere else. The completeness test (complete_test.go) fails, naming
// the operation and the file to add, when an operation of the specs lacks
// a value here, a mock route, an undo, a deviation or a scenario.
package ops

import (
	"sort"

	"github.com/oracle-users-conformance/conformance/internal/invariant"
	"github.com/oracle-users-conformance/conformance/internal/ledger"
)

// Operation is what code knows of one spec operation.
type Operation struct {
	// ID is the operationId (internal/opid).
	ID string
	// Undo is how the ledger puts back what a request of the operation
	// changes: ledger.NoUndo(reason) when nothing can, nil for an
	// operation that changes nothing (GET).
	Undo *ledger.Rule
	// Invariants hold for every answer of the operation.
	Invariants []invariant.Rule
	// Deviations name deviations (internal/deviate) that break this
	// operation's behaviour; each must be caught by one of its scenarios.
	Deviations []string
	// Flows name the suite flows (suites/) that drive the operation
	// beyond one request, if any.
	Flows []string
	// Harmless names the harmless changes (internal/deviate, tolerate*.go)
	// that concern this operation's answers in particular: a target may
	// make them, and every scenario must stay green through each. Those
	// that concern every operation's answers are in HarmlessEverywhere.
	Harmless []string
}

// HarmlessEverywhere are the harmless changes that concern every
// operation's answers alike (their JSON style, headers, transfer and
// connection), declared once here rather than on each operation. The
// completeness test checks that every harmless change is declared here or
// on an operation.
var HarmlessEverywhere = []string{
	"json-keys-reordered", "json-pretty-printed", "json-escaped", "json-extra-fields",
	"list-order", // links are in every answer; items, faileditems and fields where they are
	"content-type-charset", "content-type-case", "extra-headers", "server-date-headers",
	"chunked", "gzip", "connection-close",
}

var registry = map[string]Operation{}

// Register declares an operation and installs its undo and invariants.
// Call from init, once per operation.
func Register(o Operation) {
	if _, dup := registry[o.ID]; dup {
		panic("ops: registered twice: " + o.ID)
	}
	registry[o.ID] = o
	if o.Undo != nil {
		r := *o.Undo
		r.Operation = o.ID
		ledger.Register(r)
	}
	invariant.Install(o.ID, o.Invariants)
}

// Lookup finds an operation by operationId.
func Lookup(id string) (Operation, bool) {
	o, ok := registry[id]
	return o, ok
}

// All lists every registered operation by ID.
func All() []Operation {
	out := make([]Operation, 0, len(registry))
	for _, o := range registry {
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func undo(r ledger.Rule) *ledger.Rule { return &r }
