package cli_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/cli"
	"github.com/oracle-users-conformance/conformance/internal/deviate"
)

// Every harmless change keeps the whole suite green, every API and every
// mutating scenario included: a change that keeps every documented promise
// must not turn the gate red. A scenario failing here is over-specified;
// loosen it to what the document says and record the decision in
// fixtures/quirks. Each run is against a mock that plays the changes
// (conformance mock --play), which answers as the proxy playing them would
// (TestPlayedInProcessAsThroughTheProxy, and answer by answer in
// internal/deviate).
//
// The changes are played several at a time (togetherRuns), which is itself
// a harmless change; a run that goes red plays each of its changes alone,
// so the failure names the change, or says that only the combination
// fails. make sensitivity still runs every change alone over the whole
// suite.
//
// Here the size:large scenarios (10,000-row jobs, bodies over 8 MiB) are
// left out: they cost most of a run's CPU, and what they send back is
// shaped like the small ones' answers. make sensitivity runs every change
// over all of them.
func TestEveryToleranceKeepsTheSuiteGreen(t *testing.T) {
	if writingSensitivity() {
		t.Skip("TestSensitivity runs the harmless changes when it records them")
	}
	t.Parallel()
	tols := deviate.Tolerances()
	if len(tols) < 10 {
		t.Errorf("%d harmless changes registered; the catalogue needs at least 10", len(tols))
	}
	for _, tol := range tols {
		if tol.Leeway == "" {
			t.Errorf("harmless change %s does not say what leaves it free (Leeway)", tol.Name)
		}
	}
	if p := togetherProblems(togetherRuns, tols); len(p) > 0 {
		t.Fatal(strings.Join(p, "\n"))
	}
	const filter = "!size:large"
	for _, run := range runTolerances(t, togetherRuns, filter, childLimit) {
		t.Run(strings.Join(run.changes, "+"), func(t *testing.T) {
			if run.green() {
				t.Logf("%d scenarios green through %d changes at once", run.res.summary.Passed, len(run.changes))
				return
			}
			alone := make([][]string, len(run.changes))
			for i, c := range run.changes {
				alone[i] = []string{c}
			}
			anyAlone := false
			for _, a := range runTolerances(t, alone, filter, childLimit) {
				anyAlone = anyAlone || !a.green()
				t.Run(a.changes[0], func(t *testing.T) { a.check(t) })
			}
			if !anyAlone {
				t.Errorf("each change passes alone, together they do not:")
				run.check(t)
			}
		})
	}
}

// togetherRuns are the runs make test plays the harmless changes in, each
// in the order the changes apply to an answer. A run holds changes none of
// which can hide another:
//   - at most one JSON style (pretty-printed, escaped, keys reordered), and
//     after every other change that rewrites JSON, which writes it again in
//     its own style; a change of content (an added member, a list's order,
//     a message) survives the rewrites after it;
//   - list-order and per-user-order apart: reversing a list its rotation
//     rotated puts its first element back;
//   - the two Content-Type changes apart (both rewrite the one header);
//   - epm1-job-ids apart from json-escaped, whose "\/" would hide the job
//     links it renames;
//   - gzip last: after it no answer is JSON any more to the others.
var togetherRuns = [][]string{
	{"json-extra-fields", "error-messages", "epm1-job-slower", "json-pretty-printed", "server-date-headers", "content-type-case", "chunked"},
	{"list-order", "essbase-error-codes", "epm1-job-ids", "json-keys-reordered", "extra-headers", "connection-close"},
	{"per-user-order", "json-escaped", "content-type-charset", "gzip"},
}

// jsonStyles are the changes that only restyle JSON: what a later JSON
// rewrite would undo.
var jsonStyles = map[string]bool{"json-pretty-printed": true, "json-escaped": true, "json-keys-reordered": true}

// togetherProblems holds the runs to the registry and to the rules above:
// every change in exactly one run, no run with two changes that hide each
// other, a JSON style after every JSON rewrite of its run, gzip last.
func togetherProblems(runs [][]string, tols []deviate.Tolerance) []string {
	var problems []string
	in := map[string]int{}
	apart := [][2]string{{"list-order", "per-user-order"}, {"content-type-case", "content-type-charset"}, {"epm1-job-ids", "json-escaped"}}
	rewrites := map[string]bool{"json-extra-fields": true, "error-messages": true, "epm1-job-slower": true, "list-order": true,
		"essbase-error-codes": true, "per-user-order": true}
	for i, run := range runs {
		at := map[string]int{}
		styles := 0
		for j, c := range run {
			in[c]++
			at[c] = j
			if jsonStyles[c] {
				styles++
			}
		}
		if styles > 1 {
			problems = append(problems, fmt.Sprintf("run %d plays %d JSON styles: the last would hide the others", i+1, styles))
		}
		for _, pair := range apart {
			if _, a := at[pair[0]]; a {
				if _, b := at[pair[1]]; b {
					problems = append(problems, fmt.Sprintf("run %d plays %s and %s, which hide each other", i+1, pair[0], pair[1]))
				}
			}
		}
		for c, j := range at {
			for s, k := range at {
				if jsonStyles[s] && rewrites[c] && j > k {
					problems = append(problems, fmt.Sprintf("run %d plays %s after %s, whose style it writes over", i+1, c, s))
				}
			}
			if g, ok := at["gzip"]; ok && j > g {
				problems = append(problems, fmt.Sprintf("run %d plays %s after gzip", i+1, c))
			}
		}
	}
	for _, tol := range tols {
		if in[tol.Name] != 1 {
			problems = append(problems, fmt.Sprintf("harmless change %s is in %d of togetherRuns, want 1 (a new change: find it a run whose changes it cannot hide, or hide behind)", tol.Name, in[tol.Name]))
		}
		delete(in, tol.Name)
	}
	for c := range in {
		problems = append(problems, fmt.Sprintf("togetherRuns names %s, which is not a registered harmless change", c))
	}
	sort.Strings(problems)
	return problems
}

// The rules of togetherRuns can fail: a change left out, one named twice,
// two styles in one run, a pair that hides each other, a rewrite after a
// style, gzip not last, a name no change has.
func TestTogetherRunsCheckCanFail(t *testing.T) {
	tols := deviate.Tolerances()
	broken := [][]string{
		{"json-pretty-printed", "json-escaped", "json-extra-fields", "gzip", "chunked"},
		{"list-order", "per-user-order", "chunked", "no-such-change"},
	}
	all := strings.Join(togetherProblems(broken, tols), "\n")
	for _, want := range []string{"2 JSON styles", "list-order and per-user-order", "json-extra-fields after json-pretty-printed",
		"chunked after gzip", "chunked is in 2", "server-date-headers is in 0", "no-such-change"} {
		if !strings.Contains(all, want) {
			t.Errorf("no problem says %q:\n%s", want, all)
		}
	}
}

// toleranceRun is one whole-suite run through harmless changes played at
// once.
type toleranceRun struct {
	changes []string
	res     result
	err     error
}

// runTolerances runs the suite (the scenarios filter selects, all for "")
// through each set of harmless changes, each in its own child process
// against its own mock, itself a child playing the changes, limit at once.
// A run spends about two thirds of its time waiting (v1 jobs finishing,
// polls), so a few at once keep two cores busy; all seventeen at once cost
// a fifth more CPU than eight (measured beside the rest of make test, whose
// other tests keep the cores busy anyway). The size:large scenarios need a
// lower limit, or the 10 s request timeout of the mock config is reached
// under load.
func runTolerances(t *testing.T, sets [][]string, filter string, limit int) []*toleranceRun {
	t.Helper()
	runs := make([]*toleranceRun, len(sets))
	jobs := make([]func(), len(sets))
	for i, set := range sets {
		dir := t.TempDir()
		run := &toleranceRun{changes: set}
		runs[i] = run
		jobs[i] = func() { run.res, run.err = runPlayed(strings.Join(set, ","), filter, dir) }
	}
	fanOut(limit, jobs)
	return runs
}

// green says whether every scenario ran and passed.
func (run *toleranceRun) green() bool {
	r := run.res
	return run.err == nil && r.code == cli.ExitPass && r.summary.Failed == 0 && r.summary.Passed > 0 && r.summary.Skipped == 0
}

// check fails unless every scenario ran and passed; it returns how many.
func (run *toleranceRun) check(t *testing.T) int {
	t.Helper()
	r, names := run.res, strings.Join(run.changes, ", ")
	if run.err != nil {
		t.Fatal(run.err)
	}
	if r.code != cli.ExitPass || r.summary.Failed != 0 {
		t.Fatalf("exit %d, %d failed through the harmless change %s: %v\n"+
			"a scenario that fails here asks more than the documents promise: loosen it and record the decision in fixtures/quirks\n%s%s",
			r.code, r.summary.Failed, names, r.summary.FailedIDs, r.stdout, r.stderr)
	}
	if r.summary.Passed == 0 || r.summary.Skipped != 0 {
		t.Fatalf("through %s: %d passed, %d skipped; want every scenario run and green", names, r.summary.Passed, r.summary.Skipped)
	}
	return r.summary.Passed
}

// proxy -list keeps deviations and harmless changes apart, and the proxy
// needs at least one of --deviation and --tolerate, each a known name.
func TestProxyListsAndChecksBothKinds(t *testing.T) {
	t.Parallel()
	r := conformance(t, nil, "proxy", "-list")
	dev, tol := strings.Index(r.stdout, "deviations (--deviation)"), strings.Index(r.stdout, "harmless changes (--tolerate)")
	if r.code != cli.ExitPass || dev < 0 || tol < dev {
		t.Fatalf("exit %d; want the deviations, then the harmless changes:\n%s", r.code, r.stdout)
	}
	if d := deviate.All()[0].Name; !strings.Contains(r.stdout[dev:tol], d) {
		t.Errorf("deviation %s is not listed among the deviations", d)
	}
	if c := deviate.Tolerances()[0].Name; !strings.Contains(r.stdout[tol:], c) {
		t.Errorf("harmless change %s is not listed among the harmless changes", c)
	}
	for name, args := range map[string][]string{
		"neither":                 {"proxy", "--addr", "127.0.0.1:0"},
		"unknown harmless change": {"proxy", "--addr", "127.0.0.1:0", "--tolerate", "no-such-change"},
		"a deviation as a change": {"proxy", "--addr", "127.0.0.1:0", "--tolerate", deviate.All()[0].Name},
	} {
		if r := conformance(t, nil, args...); r.code != cli.ExitBadConfig || strings.TrimSpace(r.stderr) == "" {
			t.Errorf("%s: exit %d, stderr %q; want %d and a reason", name, r.code, r.stderr, cli.ExitBadConfig)
		}
	}
}
