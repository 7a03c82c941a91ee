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
)

// Check inspects a decoded JSON answer with its HTTP status and returns the
// broken rules, each one sentence.
type Check func(status int, body any) []string

// RequestCheck is a Check that also sees the decoded JSON request body (nil
// when the request had none or it was not JSON): rules that tie an answer to
// what was asked, such as one answer entry per request entry.
type RequestCheck func(status int, request, body any) []string

var (
	byOperation = map[string][]Check{}
	withRequest = map[string][]RequestCheck{}
)

// Register adds a check for an operationId. Call from init.
func Register(operationID string, c Check) {
	byOperation[operationID] = append(byOperation[operationID], c)
}

// RegisterWithRequest adds a check that needs the request. Call from init.
func RegisterWithRequest(operationID string, c RequestCheck) {
	withRequest[operationID] = append(withRequest[operationID], c)
}

// Problems runs every check of the operation that needs no request.
func Problems(operationID string, status int, body any) []string {
	var out []string
	for _, c := range byOperation[operationID] {
		out = append(out, c(status, body)...)
	}
	return out
}

// ProblemsWithRequest runs every check of the operation; request is the
// request body as sent (JSON is decoded, anything else counts as none).
func ProblemsWithRequest(operationID string, status int, request string, body any) []string {
	out := Problems(operationID, status, body)
	checks := withRequest[operationID]
	if len(checks) == 0 {
		return out
	}
	var req any
	dec := json.NewDecoder(strings.NewReader(request))
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil {
		req = nil
	}
	for _, c := range checks {
		out = append(out, c(status, req, body)...)
	}
	return out
}

// Operations lists the operationIds that have checks.
func Operations() []string {
	out := make([]string, 0, len(byOperation))
	for k := range byOperation {
		out = append(out, k)
	}
	for k := range withRequest {
		if _, dup := byOperation[k]; !dup {
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
