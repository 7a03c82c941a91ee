package ops

// The completeness test: every operation of the specs has what it needs,
// and a missing piece names the operation and the file to add. It runs
// over injected registries, so the test below it can remove one piece of
// each kind and show the check fails.

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/deviate"
	"github.com/oracle-users-conformance/conformance/internal/generate"
	"github.com/oracle-users-conformance/conformance/internal/ledger"
	"github.com/oracle-users-conformance/conformance/internal/mock"
	"github.com/oracle-users-conformance/conformance/internal/mocktest"
	"github.com/oracle-users-conformance/conformance/internal/opid"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
)

// world is everything the completeness check looks at.
type world struct {
	specs      []*contract.Operation
	ops        map[string]Operation
	mock       http.Handler
	deviations []deviate.Deviation
	rows       []*scenario.Table // the hand-written tables (fixtures/scenarios)
	generated  []*scenario.Table // the spec-generated rows, which deviations may catch too
	tolerances []deviate.Tolerance
	everywhere []string // HarmlessEverywhere
}

// product is the file stem an operation's pieces live under: the spec
// file's first word (epm-users-v1.yaml → epm).
func product(o *contract.Operation) string {
	p, _, _ := strings.Cut(o.File, "-")
	return strings.TrimSuffix(p, ".yaml")
}

// operations are every operationId a row sends.
func operations(s *scenario.Scenario) []string {
	var out []string
	for _, r := range s.Requests() {
		if r.Operation != "" && !slices.Contains(out, r.Operation) {
			out = append(out, r.Operation)
		}
	}
	return out
}

// routed reports whether the mock serves the operation: its answer to the
// operation's method and path (parameters filled with a probe value) is
// not the answer it gives a path it surely does not serve under the same
// API root, nor 405.
func routed(h http.Handler, o *contract.Operation) bool {
	params := map[string]string{}
	for _, m := range templateParams(o.Path) {
		params[m] = "conformance-probe"
	}
	params["api_version"] = "v1"
	send := func(path string) (int, string) {
		req := httptest.NewRequest(o.Method, path, bytes.NewReader(nil))
		req.SetBasicAuth("admin", "Welcome1")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		body, _ := io.ReadAll(rec.Result().Body)
		return rec.Code, strings.ReplaceAll(string(body), path, "{path}")
	}
	status, body := send(o.Fill(params))
	if status == http.StatusMethodNotAllowed {
		return false
	}
	noStatus, noBody := send(contract.APIRoot(o.Path) + "conformance-no-such-route")
	return status != noStatus || body != noBody
}

func templateParams(p string) []string {
	var out []string
	for {
		i := strings.Index(p, "{")
		j := strings.Index(p, "}")
		if i < 0 || j < i {
			return out
		}
		out = append(out, p[i+1:j])
		p = p[j+1:]
	}
}

// missing lists what an operation lacks, each naming the file to add.
func missing(w world) []string {
	rowsOf := map[string][]string{} // operation → scenario IDs
	var handWritten = map[string]bool{}
	for _, tables := range [][]*scenario.Table{w.rows, w.generated} {
		for _, t := range tables {
			for i := range t.Scenarios {
				s := &t.Scenarios[i]
				for _, op := range operations(s) {
					rowsOf[op] = append(rowsOf[op], s.ID)
					if !strings.HasPrefix(s.ID, "GEN-") {
						handWritten[op] = true
					}
				}
			}
		}
	}
	catches := map[string][]string{} // operation → deviations caught by one of its rows
	byName := map[string]deviate.Deviation{}
	for _, d := range w.deviations {
		byName[d.Name] = d
		for _, op := range w.specs {
			for _, id := range d.CaughtBy {
				if slices.Contains(rowsOf[op.ID], id) && !slices.Contains(catches[op.ID], d.Name) {
					catches[op.ID] = append(catches[op.ID], d.Name)
				}
			}
		}
	}
	var out []string
	for _, o := range w.specs {
		p := product(o)
		what := fmt.Sprintf("%s (%s %s, specs/%s)", o.ID, o.Method, o.Path, o.File)
		v, ok := w.ops[o.ID]
		if !ok {
			out = append(out, fmt.Sprintf("%s has no value in internal/ops: add it to internal/ops/%s.go", what, p))
		}
		if w.mock != nil && !routed(w.mock, o) {
			out = append(out, fmt.Sprintf("%s has no mock route: add one in internal/mock/%s/", what, p))
		}
		if ok && ledger.Changes(o.Method) && v.Undo == nil {
			out = append(out, fmt.Sprintf("%s can change data and declares no undo: set Undo (ledger.NoUndo(reason) when none is possible) in internal/ops/%s.go", what, p))
		}
		if len(catches[o.ID]) == 0 {
			out = append(out, fmt.Sprintf("%s is in no deviation's scope: add a deviation whose CaughtBy names one of its scenarios in internal/deviate/%s*.go", what, p))
		}
		for _, name := range v.Deviations {
			if _, known := byName[name]; !known {
				out = append(out, fmt.Sprintf("%s names deviation %q, which internal/deviate does not register (internal/ops/%s.go)", what, name, p))
			} else if !slices.Contains(catches[o.ID], name) {
				out = append(out, fmt.Sprintf("%s names deviation %q, but no scenario of the operation is in its CaughtBy (internal/deviate/%s*.go)", what, name, p))
			}
		}
		if !handWritten[o.ID] {
			out = append(out, fmt.Sprintf("%s has no scenario: add a row to a table of fixtures/scenarios/ (%s*.yaml)", what, p))
		}
	}
	return out
}

// unattached lists the harmless changes no operation declares, and the
// declarations that name no harmless change or name one twice: each
// harmless change is declared on the operations it concerns, or once for
// all of them.
func unattached(w world) []string {
	declared := map[string][]string{} // harmless change → where it is declared
	for _, name := range w.everywhere {
		declared[name] = append(declared[name], "HarmlessEverywhere (internal/ops/ops.go)")
	}
	for _, o := range w.specs {
		for _, name := range w.ops[o.ID].Harmless {
			declared[name] = append(declared[name], fmt.Sprintf("%s (internal/ops/%s.go)", o.ID, product(o)))
		}
	}
	registered := map[string]bool{}
	var out []string
	for _, t := range w.tolerances {
		registered[t.Name] = true
		where := declared[t.Name]
		switch {
		case len(where) == 0:
			out = append(out, fmt.Sprintf("harmless change %s is declared on no operation: add it to Harmless of the operations whose answers it changes in internal/ops/<product>.go, or to HarmlessEverywhere in internal/ops/ops.go", t.Name))
		case slices.Contains(w.everywhere, t.Name) && len(where) > 1:
			out = append(out, fmt.Sprintf("harmless change %s is declared for every operation and again on %s: keep one", t.Name, strings.Join(where[1:], ", ")))
		}
	}
	for name, where := range declared {
		if !registered[name] {
			out = append(out, fmt.Sprintf("harmless change %s, declared on %s, is not registered in internal/deviate (tolerate*.go)", name, strings.Join(where, ", ")))
		}
	}
	slices.Sort(out)
	return out
}

// theWorld is the project as built.
func theWorld(t *testing.T) world {
	t.Helper()
	cat, err := contract.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := scenario.LoadDir(fixtures.FS, "scenarios")
	if err != nil {
		t.Fatal(err)
	}
	generated, err := generate.Tables(cat, 1)
	if err != nil {
		t.Fatal(err)
	}
	m := mocktest.New(t, mock.Options{})
	ops := map[string]Operation{}
	for _, o := range All() {
		ops[o.ID] = o
	}
	return world{specs: cat.Operations(), ops: ops, mock: m, deviations: deviate.All(), rows: rows, generated: generated,
		tolerances: deviate.Tolerances(), everywhere: HarmlessEverywhere}
}

func TestEveryOperationIsComplete(t *testing.T) {
	for _, m := range missing(theWorld(t)) {
		t.Error(m)
	}
}

func TestEveryHarmlessChangeIsAttached(t *testing.T) {
	for _, m := range unattached(theWorld(t)) {
		t.Error(m)
	}
}

// A harmless change that loses its declaration, or a declaration that
// names no harmless change, is found.
func TestAttachmentNoticesWhatIsRemoved(t *testing.T) {
	w := theWorld(t)
	cases := map[string]func(w *world){
		"essbase-error-codes is declared on no operation": func(w *world) {
			ops := map[string]Operation{}
			for id, o := range w.ops {
				o.Harmless = slices.DeleteFunc(slices.Clone(o.Harmless), func(n string) bool { return n == "essbase-error-codes" })
				ops[id] = o
			}
			w.ops = ops
		},
		"gzip is declared on no operation": func(w *world) {
			w.everywhere = slices.DeleteFunc(slices.Clone(w.everywhere), func(n string) bool { return n == "gzip" })
		},
		"json-no-such-change, declared on HarmlessEverywhere": func(w *world) {
			w.everywhere = append(slices.Clone(w.everywhere), "json-no-such-change")
		},
		"gzip is declared for every operation and again on essbaseAbout": func(w *world) {
			ops := map[string]Operation{}
			for id, o := range w.ops {
				if id == opid.EssbaseAbout {
					o.Harmless = append(slices.Clone(o.Harmless), "gzip")
				}
				ops[id] = o
			}
			w.ops = ops
		},
	}
	for want, change := range cases {
		t.Run(want, func(t *testing.T) {
			c := w
			change(&c)
			got := unattached(c)
			if !slices.ContainsFunc(got, func(m string) bool { return strings.Contains(m, want) }) {
				t.Errorf("the change went unnoticed; the check found:\n%s", strings.Join(got, "\n"))
			}
		})
	}
}

// Each kind of missing piece is found: the check above cannot pass by
// looking at nothing.
func TestCompletenessNoticesWhatIsRemoved(t *testing.T) {
	const victim = "essbaseDeleteUser"
	w := theWorld(t)
	op, _ := Lookup(victim)

	cases := map[string]func(w *world){
		"no value in internal/ops": func(w *world) {
			w.ops = without(w.ops, victim)
		},
		"no mock route": func(w *world) {
			// What a ServeMux answers once the DELETE pattern is gone and
			// GET and PUT still serve the path.
			inner := w.mock
			w.mock = http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/essbase/") {
					http.Error(rw, "Method Not Allowed", http.StatusMethodNotAllowed)
					return
				}
				inner.ServeHTTP(rw, r)
			})
		},
		"declares no undo": func(w *world) {
			o := op
			o.Undo = nil
			w.ops = without(w.ops, victim)
			w.ops[victim] = o
		},
		"in no deviation's scope": func(w *world) {
			var kept []deviate.Deviation
			for _, d := range w.deviations {
				if !slices.ContainsFunc(d.CaughtBy, func(id string) bool { return rowUses(w, id, victim) }) {
					kept = append(kept, d)
				}
			}
			w.deviations = kept
		},
		"has no scenario": func(w *world) {
			w.rows = dropRows(w.rows, victim)
		},
	}
	for want, remove := range cases {
		t.Run(want, func(t *testing.T) {
			c := w
			remove(&c)
			got := missing(c)
			if !slices.ContainsFunc(got, func(m string) bool { return strings.HasPrefix(m, victim+" ") && strings.Contains(m, want) }) {
				t.Errorf("removing it went unnoticed; the check found:\n%s", strings.Join(got, "\n"))
			}
		})
	}
}

func without(m map[string]Operation, id string) map[string]Operation {
	out := map[string]Operation{}
	for k, v := range m {
		if k != id {
			out[k] = v
		}
	}
	return out
}

func rowUses(w *world, id, op string) bool {
	for _, tables := range [][]*scenario.Table{w.rows, w.generated} {
		for _, t := range tables {
			for i := range t.Scenarios {
				if t.Scenarios[i].ID == id && slices.Contains(operations(&t.Scenarios[i]), op) {
					return true
				}
			}
		}
	}
	return false
}

func dropRows(tables []*scenario.Table, op string) []*scenario.Table {
	var out []*scenario.Table
	for _, t := range tables {
		c := *t
		c.Scenarios = nil
		for i := range t.Scenarios {
			if !slices.Contains(operations(&t.Scenarios[i]), op) {
				c.Scenarios = append(c.Scenarios, t.Scenarios[i])
			}
		}
		out = append(out, &c)
	}
	return out
}
