package cli_test

// The run before an upgrade against the run after it: drift between two
// runs, a baseline of accepted deviations, and shards merged into the run
// they split.

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/cli"
	"github.com/oracle-users-conformance/conformance/internal/deviate"
	"github.com/oracle-users-conformance/conformance/internal/report"
)

// Two clean runs do not drift; a deviating one does, naming its scenarios
// and what they observed, and exits non-zero; a baseline accepting those
// scenarios turns the gate green and reports them as known.
func TestDriftAndBaseline(t *testing.T) {
	t.Parallel()
	const filter = "api:epm-v2"
	srv := newMock(t)
	clean := func() string {
		dir := t.TempDir()
		r := cliRun(t, 2*time.Minute, nil, "run", "--config", mockConfig, "--target", srv.URL, "--allow-mutations", "--rate", "0",
			"--label-filter", filter, "--report-dir", dir)
		if r.code != cli.ExitPass {
			t.Fatalf("clean run: exit %d\n%s", r.code, tail(r.stdout, 20))
		}
		return filepath.Join(dir, "report.json")
	}
	before, again := clean(), clean()
	d := cliRun(t, time.Minute, nil, "report", "diff", before, again)
	if d.code != 0 || !strings.Contains(strings.ToLower(d.stdout), "no change") && strings.TrimSpace(d.stdout) != "" {
		t.Fatalf("diff of two clean runs: exit %d\n%s%s", d.code, d.stdout, d.stderr)
	}

	dev, ok := deviate.Lookup("epm2-partial-as-failure")
	if !ok {
		t.Fatal("no deviation epm2-partial-as-failure")
	}
	u, _ := url.Parse(srv.URL)
	proxy := httptest.NewServer(deviate.Proxy(u, dev))
	defer proxy.Close()
	dir := t.TempDir()
	after := cliRun(t, 2*time.Minute, nil, "run", "--config", mockConfig, "--target", proxy.URL, "--allow-mutations", "--rate", "0",
		"--label-filter", filter, "--report-dir", dir)
	if after.code != cli.ExitFail || after.report == nil {
		t.Fatalf("deviating run: exit %d", after.code)
	}
	var failed []string
	for _, s := range after.report.Scenarios {
		if s.Outcome == report.Failed {
			failed = append(failed, s.ID)
		}
	}
	d = cliRun(t, time.Minute, nil, "report", "diff", "--json", before, filepath.Join(dir, "report.json"))
	if d.code != 1 {
		t.Fatalf("diff against the deviating run: exit %d, want 1\n%s%s", d.code, d.stdout, d.stderr)
	}
	for _, id := range failed {
		if !strings.Contains(d.stdout, id) {
			t.Errorf("the drift does not name %s", id)
		}
	}
	if !strings.Contains(d.stdout, "status") {
		t.Errorf("the drift names no observation change:\n%s", d.stdout)
	}

	var b strings.Builder
	for _, id := range failed {
		fmt.Fprintf(&b, "- id: %s\n  reason: accepted for this test\n  review: 2099-01-01\n", id)
	}
	baseline := filepath.Join(t.TempDir(), "baseline.yaml")
	writeFile(t, baseline, b.String())
	dir2 := t.TempDir()
	known := cliRun(t, 2*time.Minute, nil, "run", "--config", mockConfig, "--target", proxy.URL, "--allow-mutations", "--rate", "0",
		"--label-filter", filter, "--report-dir", dir2, "--baseline", baseline)
	if known.code != cli.ExitPass || known.report == nil || known.report.Counts.By[report.Known] != len(failed) {
		t.Fatalf("with the baseline: exit %d, counts %v, want %d known\n%s", known.code, known.report.Counts.By, len(failed), tail(known.stdout, 15))
	}
}

// A run split into three shards and merged is the unsharded run, scenario
// for scenario. The unsharded run is the one TestSeparatelyStartedMock
// judges too (shippedRun): the same command against the same kind of
// mock, run once.
func TestThreeShardsMergeIntoTheRun(t *testing.T) {
	t.Parallel()
	target := childMock(t)
	runOf := func(extra ...string) (string, *report.Run) {
		dir := t.TempDir()
		args := append([]string{"run", "--config", mockConfig, "--target", target, "--allow-mutations", "--rate", "0", "--report-dir", dir}, extra...)
		r := cliRun(t, 3*time.Minute, nil, args...)
		if r.report == nil || r.code != cli.ExitPass {
			t.Fatalf("%v: exit %d\n%s", extra, r.code, tail(r.stdout, 20))
		}
		return filepath.Join(dir, "report.json"), r.report
	}
	run, err := shippedRun()
	if err != nil {
		t.Fatal(err)
	}
	if run.code != cli.ExitPass {
		t.Fatalf("the unsharded run: exit %d\n%s", run.code, tail(run.stdout, 20))
	}
	whole, err := report.LoadJSON(run.reportJSON())
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	seen := map[string]int{}
	for k := 1; k <= 3; k++ {
		p, r := runOf("--shard", fmt.Sprintf("%d/3", k))
		parts = append(parts, p)
		for _, s := range r.Scenarios {
			seen[s.ID]++
		}
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s ran in %d shards", id, n)
		}
	}
	out := t.TempDir()
	m := cliRun(t, time.Minute, nil, append([]string{"report", "merge", "--report-dir", out}, parts...)...)
	if m.code != cli.ExitPass {
		t.Fatalf("merge: exit %d\n%s%s", m.code, m.stdout, m.stderr)
	}
	merged, err := report.LoadJSON(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := outcomes(merged), outcomes(whole); got != want {
		t.Errorf("merged shards differ from the whole run:\nmerged %s\nwhole  %s", got, want)
	}
}

func outcomes(r *report.Run) string {
	var lines []string
	for _, s := range r.Scenarios {
		lines = append(lines, s.ID+"="+string(s.Outcome))
	}
	sort.Strings(lines)
	return fmt.Sprintf("%d scenarios: %s", len(lines), strings.Join(lines, " "))
}
