package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/cli"
	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/deviate"
	"github.com/oracle-users-conformance/conformance/internal/generate"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
	"github.com/oracle-users-conformance/conformance/specs"
)

// The sensitivity record says, for each deviation, which scenarios fail
// through it (found by running it over its whole scope) and, for each
// harmless change, how many scenarios stayed green through it (the whole
// suite). `make sensitivity` sets writeEnv and rewrites the record and
// SENSITIVITY.md; `make test` only runs each deviation over the scenarios
// the record names, and checks that the record still covers every scenario.
const writeEnv = "CONFORMANCE_SENSITIVITY_WRITE"

var (
	sensitivityFile = filepath.Join("..", "deviate", "sensitivity.json")
	sensitivityDoc  = filepath.Join("..", "..", "SENSITIVITY.md")
)

// childLimit is how many deviation runs the sensitivity test keeps going
// at once, and how many whole-suite runs make sensitivity does.
const childLimit = 8

func writingSensitivity() bool { return os.Getenv(writeEnv) == "1" }

// sensitivity is the record (internal/deviate/sensitivity.json). What a
// deviation or change is (summary, scope) stays in internal/deviate; the
// record holds only what the runs found.
type sensitivity struct {
	Deviations map[string]deviationRecord `json:"deviations"`
	Tolerances map[string]toleranceRecord `json:"tolerances"`
}

type deviationRecord struct {
	Fails []string `json:"fails"` // the scenarios that fail through it, sorted
}

type toleranceRecord struct {
	Green int `json:"green"` // scenarios that passed through it; none failed or was skipped
}

func TestSensitivity(t *testing.T) {
	t.Parallel()
	ids := scenarioIDs(t)
	if writingSensitivity() {
		rec := recordSensitivity(t)
		if t.Failed() {
			t.Fatal("not recorded: the runs above must pass first")
		}
		checkRecord(t, rec, ids)
		data, err := json.MarshalIndent(rec, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(sensitivityFile, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(sensitivityDoc, []byte(renderSensitivity(rec, ids)), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s and %s", sensitivityFile, sensitivityDoc)
		return
	}
	rec := readSensitivity(t)
	checkRecord(t, rec, ids)
	doc, err := os.ReadFile(sensitivityDoc)
	if err != nil || string(doc) != renderSensitivity(rec, ids) {
		t.Errorf("SENSITIVITY.md does not match %s: run make sensitivity", sensitivityFile)
	}
	if t.Failed() {
		return // the runs below would only repeat it
	}
	ds := deviate.All()
	filters := make([]string, len(ds))
	for i, d := range ds {
		filters[i] = idFilter(rec.Deviations[d.Name].Fails)
	}
	runs := runDeviations(t, ds, filters)
	// A deviation that leaves state behind (a DELETE that keeps the user)
	// makes some scenarios fail only after another one ran; the order of a
	// run is random. A recorded scenario that did not fail gets a second
	// run with the others that did not, which is still a run in which it
	// must fail.
	var againDs []deviate.Deviation
	var againFilters []string
	for _, run := range runs {
		if left := run.notFailed(rec.Deviations[run.d.Name].Fails); len(left) > 0 {
			againDs = append(againDs, run.d)
			againFilters = append(againFilters, idFilter(left))
		}
	}
	second := map[string]*deviationRun{}
	for _, run := range runDeviations(t, againDs, againFilters) {
		second[run.d.Name] = run
	}
	for _, run := range runs {
		t.Run(run.d.Name, func(t *testing.T) {
			fails := rec.Deviations[run.d.Name].Fails
			again, ok := second[run.d.Name]
			if !ok {
				run.check(t, fails)
				return
			}
			left := run.notFailed(fails)
			t.Logf("%d recorded scenarios passed through %s and get a second run: %v", len(left), run.d.Name, left)
			run.check(t, nil)
			again.check(t, left)
		})
	}
}

// notFailed lists the IDs of want the run did not fail.
func (run *deviationRun) notFailed(want []string) []string {
	failed := map[string]bool{}
	for _, id := range run.res.summary.FailedIDs {
		failed[id] = true
	}
	var out []string
	for _, id := range want {
		if !failed[id] {
			out = append(out, id)
		}
	}
	return out
}

// checkRecord holds the record to the registries and the tables, without
// running anything: each deviation and change recorded, each deviation's
// hand-written CaughtBy among the scenarios it fails, and every scenario
// failing through some deviation.
func checkRecord(t *testing.T, rec sensitivity, ids []string) {
	t.Helper()
	for _, p := range recordProblems(rec, ids) {
		t.Error(p)
	}
}

func recordProblems(rec sensitivity, ids []string) []string {
	var problems []string
	errorf := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	const rerun = "run make sensitivity"
	known := map[string]bool{}
	for _, id := range ids {
		known[id] = true
	}
	caught := map[string]bool{}
	for _, d := range deviate.All() {
		r, ok := rec.Deviations[d.Name]
		if !ok || len(r.Fails) == 0 {
			errorf("deviation %s has no recorded scenario that fails through it: %s", d.Name, rerun)
			continue
		}
		if len(d.CaughtBy) == 0 || d.Scope == "" {
			errorf("deviation %s names no scope or no scenario that must catch it", d.Name)
		}
		fails := map[string]bool{}
		for _, id := range r.Fails {
			fails[id], caught[id] = true, true
			if !known[id] {
				errorf("deviation %s is recorded to fail %s, which no table has any more: %s", d.Name, id, rerun)
			}
		}
		for _, id := range d.CaughtBy {
			if !fails[id] {
				errorf("%s must fail through %s (CaughtBy), but the record does not say it does: %s", id, d.Name, rerun)
			}
		}
	}
	for name := range rec.Deviations {
		if _, ok := deviate.Lookup(name); !ok {
			errorf("the record names deviation %s, which is not registered: %s", name, rerun)
		}
	}
	for _, tol := range deviate.Tolerances() {
		if _, ok := rec.Tolerances[tol.Name]; !ok {
			errorf("harmless change %s is not recorded: %s", tol.Name, rerun)
		}
	}
	for name := range rec.Tolerances {
		if _, ok := deviate.LookupTolerance(name); !ok {
			errorf("the record names harmless change %s, which is not registered: %s", name, rerun)
		}
	}
	var missed []string
	for _, id := range ids {
		if !caught[id] {
			missed = append(missed, id)
		}
	}
	if len(missed) > 0 {
		errorf("no recorded deviation makes these scenarios fail, so nothing shows they can: %s\n"+
			"add a deviation in internal/deviate under which each fails (an existing one may already do), then %s",
			strings.Join(missed, " "), rerun)
	}
	return problems
}

// The record check can fail: a scenario no recorded deviation breaks, a
// deviation or a harmless change left out, a recorded name that is not
// registered, each says to run make sensitivity.
func TestSensitivityCheckCanFail(t *testing.T) {
	t.Parallel()
	ids := scenarioIDs(t)
	rec := readSensitivity(t)
	if p := recordProblems(rec, ids); len(p) > 0 {
		t.Fatalf("the record itself has problems: %v", p)
	}
	d := deviate.All()[0]
	dropped := rec.Deviations[d.Name].Fails[0]
	broken := sensitivity{Deviations: map[string]deviationRecord{}, Tolerances: map[string]toleranceRecord{}}
	for name, r := range rec.Deviations {
		var fails []string
		for _, id := range r.Fails {
			if id != dropped {
				fails = append(fails, id)
			}
		}
		if name != deviate.All()[1].Name {
			broken.Deviations[name] = deviationRecord{Fails: fails}
		}
	}
	for name, r := range rec.Tolerances {
		broken.Tolerances[name] = r
	}
	broken.Deviations["no-such-deviation"] = deviationRecord{Fails: []string{dropped}}
	delete(broken.Tolerances, deviate.Tolerances()[0].Name)
	all := strings.Join(recordProblems(broken, append(ids, "EPM2-NEW-001")), "\n")
	for _, want := range []string{"EPM2-NEW-001", deviate.All()[1].Name, "no-such-deviation", deviate.Tolerances()[0].Name} {
		if !strings.Contains(all, want) {
			t.Errorf("no problem names %s:\n%s", want, all)
		}
	}
	if strings.Count(all, "make sensitivity") < 4 {
		t.Errorf("the problems do not all say to run make sensitivity:\n%s", all)
	}
}

// recordSensitivity runs every deviation over its whole scope and every
// harmless change over the whole suite.
func recordSensitivity(t *testing.T) sensitivity {
	t.Helper()
	rec := sensitivity{Deviations: map[string]deviationRecord{}, Tolerances: map[string]toleranceRecord{}}
	ds := deviate.All()
	filters := make([]string, len(ds))
	for i, d := range ds {
		filters[i] = d.Scope
	}
	tols := deviate.Tolerances()
	var druns []*deviationRun
	var truns []*toleranceRun
	// Both sets at once: the runs mostly wait.
	fanIn := make(chan struct{}, 2)
	go func() { druns = runDeviations(t, ds, filters); fanIn <- struct{}{} }()
	each := make([][]string, len(tols))
	for i, tol := range tols {
		each[i] = []string{tol.Name}
	}
	go func() { truns = runTolerances(t, each, "", 4); fanIn <- struct{}{} }()
	<-fanIn
	<-fanIn
	// A scenario may fail over its whole scope only because an earlier one
	// left something behind (a user a DELETE kept), and the order of a run
	// is random. So the scenarios that failed are run again together; where
	// that gives another set, the deviation leaves state behind, and each
	// of its scenarios is run alone: the record keeps those that fail on
	// their own, which make test can then select and see fail.
	together := make([]string, len(druns))
	for i, run := range druns {
		together[i] = idFilter(run.res.summary.FailedIDs)
	}
	reruns := runDeviations(t, ds, together)
	var aloneDs []deviate.Deviation
	var aloneFilters []string
	for i, run := range druns {
		if !sameIDs(run.res.summary.FailedIDs, reruns[i].res.summary.FailedIDs) {
			for _, id := range run.res.summary.FailedIDs {
				aloneDs = append(aloneDs, run.d)
				aloneFilters = append(aloneFilters, idFilter([]string{id}))
			}
		}
	}
	alone := map[string][]string{}
	for _, run := range runDeviations(t, aloneDs, aloneFilters) {
		alone[run.d.Name] = append(alone[run.d.Name], run.res.summary.FailedIDs...)
	}
	for i, run := range druns {
		t.Run("deviation/"+run.d.Name, func(t *testing.T) {
			if !run.check(t, run.d.CaughtBy) {
				return
			}
			fails := reruns[i].res.summary.FailedIDs
			if ids, stateful := alone[run.d.Name]; stateful {
				fails = ids
				t.Logf("%s leaves state behind: of the %d scenarios that failed through it, %d fail alone",
					run.d.Name, len(run.res.summary.FailedIDs), len(ids))
			}
			fails = append([]string(nil), fails...)
			sort.Strings(fails)
			must := map[string]bool{}
			for _, id := range fails {
				must[id] = true
			}
			for _, id := range run.d.CaughtBy {
				if !must[id] {
					t.Errorf("%s fails through %s only after other scenarios, not alone: CaughtBy should name scenarios that fail on their own", id, run.d.Name)
				}
			}
			rec.Deviations[run.d.Name] = deviationRecord{Fails: fails}
		})
	}
	for _, run := range truns {
		t.Run("tolerance/"+run.changes[0], func(t *testing.T) {
			rec.Tolerances[run.changes[0]] = toleranceRecord{Green: run.check(t)}
		})
	}
	return rec
}

// deviationRun is one run of the suite, selected by filter, through one
// deviation.
type deviationRun struct {
	d      deviate.Deviation
	filter string
	res    result
	err    error
}

func runDeviations(t *testing.T, ds []deviate.Deviation, filters []string) []*deviationRun {
	t.Helper()
	runs := make([]*deviationRun, len(ds))
	jobs := make([]func(), len(ds))
	for i, d := range ds {
		dir := t.TempDir()
		run := &deviationRun{d: d, filter: filters[i]}
		runs[i] = run
		jobs[i] = func() { run.res, run.err = runPlayed(d.Name, filters[i], dir, d.RunArgs...) }
	}
	fanOut(childLimit, jobs)
	return runs
}

// check fails unless the run failed, naming in its output the scenarios
// that must fail, and each of them failed. It reports whether all held.
func (run *deviationRun) check(t *testing.T, mustFail []string) bool {
	t.Helper()
	d, r := run.d, run.res
	if run.err != nil {
		t.Fatal(run.err)
	}
	if r.code != cli.ExitFail {
		t.Fatalf("exit code %d through %s, want %d (the suite must fail)\n%s%s", r.code, d.Name, cli.ExitFail, r.stdout, r.stderr)
	}
	failed := map[string]bool{}
	for _, id := range r.summary.FailedIDs {
		failed[id] = true
	}
	for _, id := range mustFail {
		if !failed[id] {
			t.Errorf("%s did not fail through %s (%s); failed: %v", id, d.Name, d.Summary, r.summary.FailedIDs)
		}
		if !strings.Contains(r.stdout, id) {
			t.Errorf("the run's output does not name %s", id)
		}
	}
	return !t.Failed()
}

func readSensitivity(t *testing.T) sensitivity {
	t.Helper()
	data, err := os.ReadFile(sensitivityFile)
	if err != nil {
		t.Fatalf("%v: run make sensitivity", err)
	}
	var rec sensitivity
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil {
		t.Fatalf("%s: %v", sensitivityFile, err)
	}
	return rec
}

// scenarioIDs lists every scenario of a run with the default seed:
// hand-written, then generated.
func scenarioIDs(t *testing.T) []string {
	t.Helper()
	tables, err := scenario.LoadDir(fixtures.FS, "scenarios")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := contract.Load(specs.FS)
	if err != nil {
		t.Fatal(err)
	}
	generated, err := generate.Tables(cat, 1)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, tb := range append(tables, generated...) {
		for _, s := range tb.Scenarios {
			ids = append(ids, s.ID)
		}
	}
	return ids
}

// renderSensitivity writes SENSITIVITY.md from the record and the
// registries, so the document says nothing the record does not.
func renderSensitivity(rec sensitivity, ids []string) string {
	var b strings.Builder
	generated := 0
	for _, id := range ids {
		if strings.HasPrefix(id, "GEN-") {
			generated++
		}
	}
	fmt.Fprintf(&b, "# Sensitivity and tolerance\n\n")
	fmt.Fprintf(&b, "Written by `make sensitivity` from `internal/deviate/sensitivity.json` and the\n")
	fmt.Fprintf(&b, "registries of `internal/deviate`; do not edit. `make sensitivity` ran each\n")
	fmt.Fprintf(&b, "deviation over its whole scope and each harmless change over the whole suite.\n")
	fmt.Fprintf(&b, "`make test` checks that this file is current, runs each deviation over the\n")
	fmt.Fprintf(&b, "scenarios recorded for it, and the harmless changes over the whole suite but\n")
	fmt.Fprintf(&b, "the `size:large` scenarios, several at once where none can hide another\n")
	fmt.Fprintf(&b, "(each alone when such a run goes red).\n\n")
	fmt.Fprintf(&b, "The suite has %d scenarios (%d hand-written, %d generated from the specs).\n", len(ids), len(ids)-generated, generated)
	fmt.Fprintf(&b, "Each fails through at least one of the %d deviations, so each is shown able\n", len(rec.Deviations))
	fmt.Fprintf(&b, "to fail; none fails through any of the %d harmless changes, so none asks\n", len(rec.Tolerances))
	fmt.Fprintf(&b, "more than the documents promise.\n\n")

	fmt.Fprintf(&b, "## Harmless changes: every scenario stays green\n\n")
	fmt.Fprintf(&b, "`conformance proxy --tolerate NAME` plays one in front of a target.\n\n")
	fmt.Fprintf(&b, "| change | what the proxy does | why it is harmless | green |\n|---|---|---|---|\n")
	for _, tol := range deviate.Tolerances() {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %d of %d |\n", tol.Name, cell(tol.Summary), cell(tol.Leeway), rec.Tolerances[tol.Name].Green, len(ids))
	}

	fmt.Fprintf(&b, "\n## Deviations: the scenarios that fail through each\n\n")
	fmt.Fprintf(&b, "`conformance proxy --deviation NAME` plays one in front of a target. Listed\n")
	fmt.Fprintf(&b, "are the scenarios that failed through it over its whole scope and again when\n")
	fmt.Fprintf(&b, "run together; for a deviation that leaves state behind (its failures depend on\n")
	fmt.Fprintf(&b, "the random order), those that fail alone. The scenarios it must make fail\n")
	fmt.Fprintf(&b, "(`CaughtBy`, hand-written) are in bold.\n\n")
	byScenario := map[string][]string{}
	for _, d := range deviate.All() {
		must := map[string]bool{}
		for _, id := range d.CaughtBy {
			must[id] = true
		}
		fails := rec.Deviations[d.Name].Fails
		fmt.Fprintf(&b, "### `%s`\n\n%s. Scope `%s`; %d fail:\n", d.Name, strings.TrimSuffix(d.Summary, "."), d.Scope, len(fails))
		for i, id := range fails {
			byScenario[id] = append(byScenario[id], d.Name)
			sep := ", "
			if i == 0 {
				sep = ""
			}
			if must[id] {
				fmt.Fprintf(&b, "%s**%s**", sep, id)
			} else {
				fmt.Fprintf(&b, "%s%s", sep, id)
			}
		}
		b.WriteString("\n\n")
	}

	fmt.Fprintf(&b, "## Every scenario and the deviations it fails through\n\n| scenario | deviations |\n|---|---|\n")
	for _, id := range ids {
		fmt.Fprintf(&b, "| %s | %s |\n", id, strings.Join(byScenario[id], ", "))
	}
	return b.String()
}

// sameIDs reports whether two lists hold the same IDs.
func sameIDs(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]bool{}
	for _, id := range a {
		seen[id] = true
	}
	for _, id := range b {
		if !seen[id] {
			return false
		}
	}
	return true
}

// idFilter selects exactly the scenarios with these IDs (the id: label of
// every row); no IDs select nothing.
func idFilter(ids []string) string {
	if len(ids) == 0 {
		return "id:NONE"
	}
	terms := make([]string, len(ids))
	for i, id := range ids {
		terms[i] = "id:" + id
	}
	return strings.Join(terms, " || ")
}

// cell keeps a table cell on one line.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
