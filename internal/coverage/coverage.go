// Package coverage says what the scenarios exercise: per operation of the
// specs and per response status the operation documents, the scenarios that
// exercise it; per entry of the quirks register, the scenarios that record
// it; and what nothing exercises. Kubernetes tracks its conformance the same
// way, per OpenAPI operation.
//
// It is derived from the scenario rows, not from a run: a scenario
// exercises operation O with status S when its main request, or one of its
// then-steps, names O (a row's default is its table's operation) and that
// request's expectation lists S (in status, or in an any_of alternative).
// Setup requests and flow rows whose expectation lists no status exercise O
// without a status: setup must answer some 2xx, and a flow decides which
// answer its expectation judges (epm1-job judges the finished job, so its
// statuses are counted for the row's operation although the poll answers
// them). Given a report.json, Observe adds what really came back: every
// exchange that names its operation counts for the status it answered,
// documented or not.
package coverage

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/quirks"
	"github.com/oracle-users-conformance/conformance/internal/report"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
)

// Derivation is the sentence every output carries, so a reader knows what
// a number means.
const Derivation = "A scenario exercises operation O with status S when its main request or a then-step names O " +
	"(default: the table's operation) and that request's expectation lists S (status or any_of). " +
	"Setup requests and flow rows without a listed status exercise O without a status. " +
	"Observed statuses come from the exchanges of a report.json."

// Coverage is the whole picture.
type Coverage struct {
	Derivation string      `json:"derivation"`
	Operations []Operation `json:"operations"`
	Quirks     []Quirk     `json:"quirks"`
	// Report is the report.json whose exchanges were observed, if any.
	Report string `json:"report,omitempty"`
	Gaps   Gaps   `json:"gaps"`
}

// Operation is one operation of the specs.
type Operation struct {
	ID     string `json:"id"`
	Method string `json:"method"`
	Path   string `json:"path"`
	Spec   string `json:"spec"` // specs/<file>
	// Statuses are the documented response statuses, in the spec's order
	// (sorted), then statuses scenarios expect or targets answered that the
	// spec does not document (Documented false): a gap in the spec.
	Statuses []Status `json:"statuses"`
	// Touched are scenarios that exercise the operation without a status
	// (setup requests, flow rows without a listed status).
	Touched []string `json:"touched,omitempty"`
}

// Status is one response status of an operation.
type Status struct {
	Code       string   `json:"code"` // "200", or a range such as "4XX", or "default"
	Documented bool     `json:"documented"`
	Scenarios  []string `json:"scenarios"`
	// Observed are the scenarios whose exchanges got this status from the
	// target in the report given.
	Observed []string `json:"observed,omitempty"`
}

// Quirk is one entry of the register and the scenarios that record it.
type Quirk struct {
	ID   string `json:"id"`
	API  string `json:"api"`
	File string `json:"file"`
	// Scenarios are the rows whose quirk: names the entry, and the rows the
	// entry itself lists, that exist.
	Scenarios []string `json:"scenarios"`
	// Missing are scenarios the entry lists that no table has.
	Missing []string `json:"missing,omitempty"`
}

// Gaps is what nothing exercises.
type Gaps struct {
	Operations []string `json:"operations"` // no scenario at all
	// Statuses are documented "operationId status" pairs no scenario expects.
	Statuses []string `json:"statuses"`
	// Unobserved are documented pairs the report's target never answered
	// (only with a report).
	Unobserved []string `json:"unobserved,omitempty"`
	Quirks     []string `json:"quirks"` // no scenario records them
}

// Compute builds the coverage of the tables (hand-written and generated)
// over the catalog and the register.
func Compute(cat *contract.Catalog, tables []*scenario.Table, register []quirks.Quirk) *Coverage {
	c := &Coverage{Derivation: Derivation}
	index := map[string]int{}
	for _, op := range cat.Operations() {
		o := Operation{ID: op.ID, Method: op.Method, Path: op.Path, Spec: "specs/" + op.File}
		codes := op.Op.Responses.Map()
		for code := range codes {
			o.Statuses = append(o.Statuses, Status{Code: code, Documented: true})
		}
		slices.SortFunc(o.Statuses, func(a, b Status) int { return strings.Compare(a.Code, b.Code) })
		index[op.ID] = len(c.Operations)
		c.Operations = append(c.Operations, o)
	}
	ids := map[string]bool{}
	byQuirk := map[string][]string{}
	for _, t := range tables {
		for _, s := range t.Scenarios {
			ids[s.ID] = true
			if s.Quirk != "" {
				byQuirk[s.Quirk] = append(byQuirk[s.Quirk], s.ID)
			}
			main := s.Request.Operation
			if main == "" {
				main = t.Operation
			}
			c.expect(index, s.ID, main, s.Expect)
			for _, st := range s.Then {
				op := st.Request.Operation
				if op == "" {
					op = main
				}
				c.expect(index, s.ID, op, st.Expect)
			}
			for _, r := range s.Setup {
				c.touch(index, s.ID, r.Operation)
			}
		}
	}
	for _, q := range register {
		e := Quirk{ID: q.ID, API: q.API, File: q.File, Scenarios: byQuirk[q.ID]}
		for _, id := range q.Scenarios {
			if ids[id] {
				e.Scenarios = append(e.Scenarios, id)
			} else {
				e.Missing = append(e.Missing, id)
			}
		}
		slices.Sort(e.Scenarios)
		e.Scenarios = slices.Compact(e.Scenarios)
		c.Quirks = append(c.Quirks, e)
	}
	c.gaps()
	return c
}

// expect records that scenario id expects the statuses of e from op.
func (c *Coverage) expect(index map[string]int, id, op string, e scenario.Expect) {
	codes := statuses(e)
	if len(codes) == 0 {
		c.touch(index, id, op)
		return
	}
	for _, code := range codes {
		if s := c.status(index, op, code); s != nil {
			s.Scenarios = appendOnce(s.Scenarios, id)
		}
	}
}

func (c *Coverage) touch(index map[string]int, id, op string) {
	if i, ok := index[op]; ok {
		c.Operations[i].Touched = appendOnce(c.Operations[i].Touched, id)
	}
}

// status finds the entry of op for an answered or expected code: the exact
// code, else a documented range (4XX), else default, else a new
// undocumented entry. Nil when op is not in the catalog.
func (c *Coverage) status(index map[string]int, op string, code int) *Status {
	i, ok := index[op]
	if !ok {
		return nil
	}
	o := &c.Operations[i]
	exact, rng := strconv.Itoa(code), fmt.Sprintf("%dXX", code/100)
	for _, want := range []string{exact, rng, "default"} {
		for j := range o.Statuses {
			if o.Statuses[j].Code == want && (o.Statuses[j].Documented || want == exact) {
				return &o.Statuses[j]
			}
		}
	}
	o.Statuses = append(o.Statuses, Status{Code: exact})
	return &o.Statuses[len(o.Statuses)-1]
}

// statuses lists every status an expectation accepts, its alternatives'
// included.
func statuses(e scenario.Expect) []int {
	out := slices.Clone(e.Status)
	for _, alt := range e.AnyOf {
		out = append(out, statuses(alt)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Observe adds what the target of a run answered: each exchange that names
// its operation counts for the status it got.
func (c *Coverage) Observe(r *report.Run, name string) {
	index := map[string]int{}
	for i, o := range c.Operations {
		index[o.ID] = i
	}
	c.Report = name
	for _, s := range r.Scenarios {
		for _, e := range s.Exchanges {
			if e.Operation == "" || e.Status == 0 {
				continue
			}
			if st := c.status(index, e.Operation, e.Status); st != nil {
				st.Observed = appendOnce(st.Observed, s.ID)
			}
		}
	}
	c.gaps()
}

func (c *Coverage) gaps() {
	g := Gaps{}
	for _, o := range c.Operations {
		any := len(o.Touched) > 0
		for _, s := range o.Statuses {
			any = any || len(s.Scenarios) > 0
			if s.Documented && len(s.Scenarios) == 0 {
				g.Statuses = append(g.Statuses, o.ID+" "+s.Code)
			}
			if c.Report != "" && s.Documented && len(s.Observed) == 0 {
				g.Unobserved = append(g.Unobserved, o.ID+" "+s.Code)
			}
		}
		if !any {
			g.Operations = append(g.Operations, o.ID)
		}
	}
	for _, q := range c.Quirks {
		if len(q.Scenarios) == 0 {
			g.Quirks = append(g.Quirks, q.ID)
		}
	}
	c.Gaps = g
}

func appendOnce(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
