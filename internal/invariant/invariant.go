// Package invariant holds the rules every answer of an operation must keep,
// whatever the scenario: the arithmetic of a batch summary, the shape of a
// failure envelope. They run on every exchange, hand-written or generated, so
// a deviation shows even in scenarios that were written for something else.
package invariant

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/oracle-users-conformance/conformance/internal/expect"
	"github.com/oracle-users-conformance/conformance/internal/judge"
)

// Check inspects a decoded JSON answer with its HTTP status and returns the
// broken rules, each one sentence.
type Check func(status int, body any) []string

// RequestCheck is a Check that also sees the decoded JSON request body (nil
// when the request had none or it was not JSON): rules that tie an answer to
// what was asked, such as one answer entry per request entry.
type RequestCheck func(status int, request, body any) []string

// Rule is one invariant: a Check, or a RequestCheck when it needs the
// request.
type Rule struct {
	Check       Check
	WithRequest RequestCheck
}

// Install registers an operation's rules (internal/ops calls it, once per
// operation).
func Install(operationID string, rules []Rule) {
	for _, r := range rules {
		if r.WithRequest != nil {
			RegisterWithRequest(operationID, r.WithRequest)
		} else {
			Register(operationID, r.Check)
		}
	}
}

// Register adds a check for an operationId to the judge's registry. Call
// from init. The judge decodes the answer once, JSON, XML or CSV alike, so
// an invariant holds for every media type the operation answers in.
func Register(operationID string, c Check) {
	registered = append(registered, operationID)
	judge.Register(judge.Check{Name: judge.RuleInvariant, Operation: operationID, Run: func(s *judge.Subject) []string {
		if s.Body == nil {
			return nil
		}
		return c(s.Status, s.Body)
	}})
}

// RegisterWithRequest adds a check that needs the request. Call from init.
func RegisterWithRequest(operationID string, c RequestCheck) {
	registered = append(registered, operationID)
	judge.Register(judge.Check{Name: judge.RuleInvariant, Operation: operationID, Run: func(s *judge.Subject) []string {
		if s.Body == nil {
			return nil
		}
		return c(s.Status, s.Request, s.Body)
	}})
}

var registered []string

// Problems runs an operation's invariants over one decoded answer, for
// unit tests of the rules.
func Problems(operationID string, status int, body any) []string {
	return ProblemsWithRequest(operationID, status, "", body)
}

// ProblemsWithRequest is Problems with the request body as sent (JSON).
func ProblemsWithRequest(operationID string, status int, request string, body any) []string {
	var req any
	dec := json.NewDecoder(strings.NewReader(request))
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil {
		req = nil
	}
	return judge.Only(judge.RuleInvariant, operationID, &judge.Subject{Status: status, Body: body, Request: req})
}

// Operations lists the operationIds that have checks.
func Operations() []string {
	seen := map[string]bool{}
	var out []string
	for _, k := range registered {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
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
