// Package judge owns the checking of exchanges. Every exchange any flow
// sends — the row's request, its setup and then-steps, a flow's own reads,
// job polls, the ledger's undos — is judged here, by one registry of
// checks: the contract (the OpenAPI operation), the no-5xx rule for a
// request wrong on purpose, the row's expectations, and the invariants of
// each operation. A check that applies to every exchange is one Register
// call in this file or beside it; a check of one operation names its
// operationId, which Validate confirms against the spec catalog at start.
package judge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/expect"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
)

// Subject is one exchange as the checks see it: decoded once, from the
// bytes actually sent and received (never the redacted report copy).
type Subject struct {
	Ex *exchange.Exchange
	Op *contract.Operation
	// Status and Header of the answer.
	Status int
	Header http.Header
	// Body is the decoded answer: JSON as is, XML and CSV decoded by the
	// operation's schema for that status (contract's decoders); nil when
	// the answer has no body or cannot be decoded (BodyErr says why).
	Body    any
	BodyErr error
	// Request is the decoded request body, the same way.
	Request any
	// Want is the row's expectation; nil for exchanges the row does not
	// judge itself (setup, polls, reads, undos): those still meet every
	// check that needs no expectation.
	Want *scenario.Expect
	Vars scenario.Vars
}

// Check is one rule over a subject; it returns broken rules, one sentence
// each.
type Check struct {
	// Name is the rule's name in reports (rules.go).
	Name Rule
	// Operation is the operationId the check applies to; "" is every
	// exchange.
	Operation string
	Run       func(s *Subject) []string
}

var (
	mu     sync.RWMutex
	checks []Check
)

// Register adds a check. Call from init.
func Register(c Check) {
	mu.Lock()
	defer mu.Unlock()
	checks = append(checks, c)
}

// Validate reports checks registered under an operationId the specs do not
// have: such a check would never run, and nothing would say so.
func Validate(cat *contract.Catalog) error {
	mu.RLock()
	defer mu.RUnlock()
	var bad []string
	for _, c := range checks {
		if c.Operation != "" {
			if _, ok := cat.Operation(c.Operation); !ok {
				bad = append(bad, fmt.Sprintf("%s check for %q", c.Name, c.Operation))
			}
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return fmt.Errorf("checks name operations that are not in specs/: %s", strings.Join(bad, ", "))
	}
	return nil
}

// Problem is one broken rule, named.
type Problem struct {
	Rule    Rule
	Message string
	// Spec points at the operation in its spec file for contract problems.
	Spec string
}

func (p Problem) String() string { return p.Message }

// New decodes an exchange for judging.
func New(ex *exchange.Exchange, cat *contract.Catalog, want *scenario.Expect, vars scenario.Vars) *Subject {
	s := &Subject{Ex: ex, Status: ex.Status(), Header: ex.Response.Header, Want: want, Vars: vars}
	if ex.Operation != "" {
		s.Op, _ = cat.Operation(ex.Operation)
	}
	s.Body, s.BodyErr = decodeAnswer(s.Op, ex.Status(), ex.Response.Header, ex.RawBody())
	s.Request = decodeRequest(s.Op, ex.Request.Header, ex.RawRequestBody())
	return s
}

// Judge runs every check that applies and returns the problems, with
// secrets that a target echoed masked.
func (s *Subject) Judge() []Problem {
	mu.RLock()
	defer mu.RUnlock()
	var out []Problem
	for _, c := range checks {
		if c.Operation != "" && (s.Op == nil || s.Op.ID != c.Operation) {
			continue
		}
		for _, m := range c.Run(s) {
			p := Problem{Rule: c.Name, Message: s.Ex.Redact(m)}
			if c.Name == RuleContract && s.Op != nil {
				p.Spec = SpecPointer(s.Op)
			}
			out = append(out, p)
		}
	}
	return out
}

// SpecPointer names the operation in its spec file, as a JSON pointer.
func SpecPointer(op *contract.Operation) string {
	p := strings.ReplaceAll(strings.ReplaceAll(op.Path, "~", "~0"), "/", "~1")
	return fmt.Sprintf("specs/%s#/paths/%s/%s", op.File, p, strings.ToLower(op.Method))
}

// decodeAnswer decodes a response body by its media type.
func decodeAnswer(op *contract.Operation, status int, h http.Header, raw []byte) (any, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	mt := exchange.MediaType(h.Get("Content-Type"))
	var schema *openapi3.SchemaRef
	if op != nil && op.Op != nil && op.Op.Responses != nil {
		if ref := op.Op.Responses.Status(status); ref != nil && ref.Value != nil {
			if c := ref.Value.Content.Get(mt); c != nil {
				schema = c.Schema
			}
		}
	}
	return decode(mt, h, raw, schema)
}

func decodeRequest(op *contract.Operation, h http.Header, raw []byte) any {
	if len(raw) == 0 {
		return nil
	}
	mt := exchange.MediaType(h.Get("Content-Type"))
	var schema *openapi3.SchemaRef
	if op != nil && op.Op != nil && op.Op.RequestBody != nil && op.Op.RequestBody.Value != nil {
		if c := op.Op.RequestBody.Value.Content.Get(mt); c != nil {
			schema = c.Schema
		}
	}
	v, err := decode(mt, h, raw, schema)
	if err != nil {
		return nil
	}
	return v
}

func decode(mt string, h http.Header, raw []byte, schema *openapi3.SchemaRef) (any, error) {
	switch {
	case strings.Contains(mt, "json"), mt == "":
		var v any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("response body is not JSON: %w", err)
		}
		return v, nil
	case strings.Contains(mt, "xml"):
		if schema == nil {
			return nil, fmt.Errorf("no schema describes the %s body", mt)
		}
		return contract.XMLBodyDecoder(bytes.NewReader(raw), h, schema, nil)
	case mt == "text/csv":
		return contract.CSVBodyDecoder(bytes.NewReader(raw), h, schema, nil)
	}
	return nil, fmt.Errorf("a %s body is not decoded", mt)
}

// The checks that apply to every exchange.
func init() {
	Register(Check{Name: RuleNo5xx, Run: func(s *Subject) []string {
		if s.Ex.ClientError && s.Status >= 500 {
			return []string{fmt.Sprintf("HTTP %d for a request that is wrong on purpose: a client error deserves a 4xx or the API's refusal, not a server error", s.Status)}
		}
		return nil
	}})
	Register(Check{Name: RuleContract, Run: func(s *Subject) []string {
		if s.Want != nil && s.Want.NoContract {
			return nil
		}
		var out []string
		for _, v := range s.Ex.ResponseViolations {
			out = append(out, "breaks the spec: "+v.String())
		}
		return out
	}})
	Register(Check{Name: RuleExpect, Run: expectations})
}

// expectations is the row's own expectation: status, headers, JSON, with
// alternatives (any_of) of which the answer must meet one.
func expectations(s *Subject) []string {
	if s.Want == nil {
		return nil
	}
	p := s.meets(*s.Want)
	if len(s.Want.AnyOf) == 0 || len(p) > 0 {
		return p
	}
	var all []string
	for i, alt := range s.Want.AnyOf {
		ap := s.meets(alt)
		if len(ap) == 0 {
			return nil
		}
		all = append(all, fmt.Sprintf("alternative %d of %d: %s", i+1, len(s.Want.AnyOf), strings.Join(ap, "; ")))
	}
	return all
}

func (s *Subject) meets(want scenario.Expect) []string {
	var problems []string
	if len(want.Status) > 0 && !want.Status.Has(s.Status) {
		problems = append(problems, fmt.Sprintf("status %d, want %s", s.Status, statuses(want.Status)))
	}
	for k, v := range want.Headers {
		// Media types and auth schemes are case-insensitive (RFC 9110
		// sections 8.3.1 and 11.1): APPLICATION/XML is application/xml.
		if got := s.Header.Get(k); !strings.Contains(strings.ToLower(got), strings.ToLower(v)) {
			problems = append(problems, fmt.Sprintf("header %s is %q, want it to contain %q", k, got, v))
		}
	}
	if len(want.JSON) == 0 {
		return problems
	}
	if s.BodyErr != nil || s.Body == nil {
		msg := "the answer has no body to match"
		if s.BodyErr != nil {
			msg = s.BodyErr.Error()
		}
		return append(problems, msg)
	}
	rendered, err := scenario.RenderValues(map[string]any(want.JSON), s.Vars)
	if err != nil {
		return append(problems, "the row's expectation: "+err.Error())
	}
	for _, m := range expect.Match(s.Body, rendered.(map[string]any)) {
		problems = append(problems, m.String())
	}
	return problems
}

func statuses(s scenario.Statuses) string {
	parts := make([]string, len(s))
	for i, c := range s {
		parts[i] = fmt.Sprint(c)
	}
	return strings.Join(parts, " or ")
}

// Only runs the checks of one name and operation over a subject built by
// hand, for unit tests of the rules themselves.
func Only(name Rule, operationID string, s *Subject) []string {
	mu.RLock()
	defer mu.RUnlock()
	var out []string
	for _, c := range checks {
		if c.Name == name && c.Operation == operationID {
			out = append(out, c.Run(s)...)
		}
	}
	return out
}
