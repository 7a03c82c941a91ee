// Package invariant holds the rules every answer of an operation must keep,
// whatever the scenario: the arithmetic of a batch summary, the shape of a
// failure envelope. They run on every exchange, hand-written or generated, so
// a deviation shows even in scenarios that were written for something else.
package invariant

import (
	"fmt"
	"sort"

	"github.com/oracle-users-conformance/conformance/internal/expect"
)

// Check inspects a decoded JSON answer with its HTTP status and returns the
// broken rules, each one sentence.
type Check func(status int, body any) []string

var byOperation = map[string][]Check{}

// Register adds a check for an operationId. Call from init.
func Register(operationID string, c Check) {
	byOperation[operationID] = append(byOperation[operationID], c)
}

// Problems runs every check of the operation.
func Problems(operationID string, status int, body any) []string {
	var out []string
	for _, c := range byOperation[operationID] {
		out = append(out, c(status, body)...)
	}
	return out
}

// Operations lists the operationIds that have checks.
func Operations() []string {
	out := make([]string, 0, len(byOperation))
	for k := range byOperation {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// num reads a number at a path, and whether it was there.
func num(body any, path string) (float64, bool) {
	vals, ok, _ := expect.Lookup(body, path)
	if !ok || len(vals) != 1 {
		return 0, false
	}
	var f float64
	_, err := fmt.Sscan(fmt.Sprint(vals[0]), &f)
	return f, err == nil
}

func at(body any, path string) (any, bool) {
	vals, ok, _ := expect.Lookup(body, path)
	if !ok || len(vals) != 1 {
		return nil, false
	}
	return vals[0], true
}
