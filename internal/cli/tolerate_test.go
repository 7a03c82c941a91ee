package cli_test

import (
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/cli"
	"github.com/oracle-users-conformance/conformance/internal/deviate"
)

// Every harmless change keeps the whole suite green, every API and every
// mutating scenario included: a change that keeps every documented promise
// must not turn the gate red. A scenario failing here is over-specified;
// loosen it to what the document says and record the decision in
// fixtures/quirks. Each run is against a mock that plays one change
// (conformance mock --play), which answers as the proxy playing it would
// (TestPlayedInProcessAsThroughTheProxy, and answer by answer in
// internal/deviate).
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
	for _, run := range runTolerances(t, tols, "!size:large", childLimit) {
		t.Run(run.tol.Name, func(t *testing.T) { run.check(t) })
	}
}

// toleranceRun is one whole-suite run through one harmless change.
type toleranceRun struct {
	tol deviate.Tolerance
	res result
	err error
}

// runTolerances runs the suite (the scenarios filter selects, all for "")
// through each harmless change, each in its own child process against its
// own mock, itself a child playing the change, limit at once. A run spends
// about two thirds of its time waiting (v1 jobs finishing, polls), so a few
// at once keep two cores busy; all seventeen at once cost a fifth more CPU
// than eight (measured beside the rest of make test, whose other tests
// keep the cores busy anyway). The size:large scenarios need a lower
// limit, or the 10 s request timeout of the mock config is reached under
// load.
func runTolerances(t *testing.T, tols []deviate.Tolerance, filter string, limit int) []*toleranceRun {
	t.Helper()
	runs := make([]*toleranceRun, len(tols))
	jobs := make([]func(), len(tols))
	for i, tol := range tols {
		dir := t.TempDir()
		run := &toleranceRun{tol: tol}
		runs[i] = run
		jobs[i] = func() { run.res, run.err = runPlayed(tol.Name, filter, dir) }
	}
	fanOut(limit, jobs)
	return runs
}

// check fails unless every scenario ran and passed; it returns how many.
func (run *toleranceRun) check(t *testing.T) int {
	t.Helper()
	tol, r := run.tol, run.res
	if run.err != nil {
		t.Fatal(run.err)
	}
	if tol.Leeway == "" {
		t.Errorf("harmless change %s does not say what leaves it free (Leeway)", tol.Name)
	}
	if r.code != cli.ExitPass || r.summary.Failed != 0 {
		t.Fatalf("exit %d, %d failed through the harmless change %s (%s): %v\n"+
			"a scenario that fails here asks more than the documents promise: loosen it and record the decision in fixtures/quirks\n%s%s",
			r.code, r.summary.Failed, tol.Name, tol.Summary, r.summary.FailedIDs, r.stdout, r.stderr)
	}
	if r.summary.Passed == 0 || r.summary.Skipped != 0 {
		t.Fatalf("through %s: %d passed, %d skipped; want every scenario run and green", tol.Name, r.summary.Passed, r.summary.Skipped)
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
