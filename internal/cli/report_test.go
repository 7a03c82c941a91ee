package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/cli"
	"github.com/oracle-users-conformance/conformance/internal/report"
)

// shard is a small run of one shard: one scenario per outcome given.
func shard(t *testing.T, dir, name, shardName string, scenarios ...report.Scenario) string {
	t.Helper()
	r := &report.Run{Tool: "conformance test", Started: "2026-12-01T21:00:00Z", RunID: "cnftest1", Seed: 1,
		Shards: []string{shardName}, Products: []report.Product{{Name: "oig", URL: "http://127.0.0.1:1", Covered: true}}, Scenarios: scenarios}
	r.Finish()
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := report.WriteJSON(f, r); err != nil {
		t.Fatal(err)
	}
	return path
}

func oigScenario(id string, o report.Outcome, status int) report.Scenario {
	return report.Scenario{ID: id, Title: "t", API: "oig", Product: "oig", Operation: "oigUpdateUsers", Source: "fixtures/scenarios/oig.yaml:1",
		Outcome: o, Exchanges: []report.Exchange{{Role: "request", Operation: "oigUpdateUsers", Method: "PUT", URL: "http://127.0.0.1:1/iam/governance/selfservice/api/v1/users", Status: status}}}
}

func runCLI(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := cli.Main(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestReportDiffExitCodes(t *testing.T) {
	dir := t.TempDir()
	before := shard(t, dir, "before.json", "1/1", oigScenario("OIG-ERROR-001", report.Passed, 400), oigScenario("OIG-ERROR-002", report.Failed, 200))
	fixed := shard(t, dir, "fixed.json", "1/1", oigScenario("OIG-ERROR-001", report.Passed, 400), oigScenario("OIG-ERROR-002", report.Passed, 400))
	worse := shard(t, dir, "worse.json", "1/1", oigScenario("OIG-ERROR-001", report.Failed, 200), oigScenario("OIG-ERROR-002", report.Failed, 200))
	if code, out, errs := runCLI("report", "diff", before, fixed); code != report.ExitConformant || !strings.Contains(out, "fixes (1)") {
		t.Errorf("a fix: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ := runCLI("report", "diff", before, worse, "--json") // flags may follow the files
	var d report.Drift
	if code != report.ExitNotConformant || json.Unmarshal([]byte(out), &d) != nil || len(d.Regressions) != 1 {
		t.Errorf("a regression: exit %d\n%s", code, out)
	}
	if code, out, _ := runCLI("report", "diff", "--markdown", before, worse); code != 1 || !strings.HasPrefix(out, "## Conformance drift: 1 regressed") {
		t.Errorf("markdown: exit %d\n%s", code, out)
	}
	garbage := filepath.Join(dir, "garbage.json")
	if err := os.WriteFile(garbage, []byte("<testsuites/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"report", "diff", before, garbage},
		{"report", "diff", before, filepath.Join(dir, "missing.json")},
		{"report", "diff", before},
		{"report", "diff", "--json", "--markdown", before, worse},
		{"report", "nonsense"},
	} {
		if code, _, errs := runCLI(args...); code != report.ExitBadConfig || errs == "" {
			t.Errorf("%v: exit %d (want 2 and a message), stderr %q", args, code, errs)
		}
	}
}

func TestReportMergeAndRender(t *testing.T) {
	dir := t.TempDir()
	a := shard(t, dir, "a.json", "1/2", oigScenario("OIG-ERROR-001", report.Passed, 400), oigScenario("OIG-ERROR-002", report.NotRun, 0))
	b := shard(t, dir, "b.json", "2/2", oigScenario("OIG-ERROR-002", report.Failed, 200))
	out := filepath.Join(dir, "merged")
	code, stdout, stderr := runCLI("report", "merge", "--report-dir", out, a, b)
	if code != report.ExitNotConformant {
		t.Fatalf("merge of a failing run: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, f := range []string{"junit.xml", "report.json", "report.html", "summary.md"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("merge did not write %s", f)
		}
	}
	m, err := report.LoadJSON(filepath.Join(out, "report.json"))
	if err != nil || m.Counts.Total != 2 || len(m.Shards) != 2 {
		t.Fatalf("merged report %+v, %v", m, err)
	}
	// The same failure, accepted in a baseline, renders conformant.
	baseline := filepath.Join(dir, "baseline.yaml")
	if err := os.WriteFile(baseline, []byte("- {id: OIG-ERROR-002, reason: SR 3-1 open, review: 2999-01-01}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	again := filepath.Join(dir, "again")
	if code, stdout, stderr := runCLI("report", "render", filepath.Join(out, "report.json"), "--report-dir", again, "--baseline", baseline); code != report.ExitConformant {
		t.Fatalf("render with the baseline: exit %d\n%s%s", code, stdout, stderr)
	}
	if md, _ := os.ReadFile(filepath.Join(again, "summary.md")); !bytes.Contains(md, []byte("Known deviations (baseline) (1)")) {
		t.Errorf("summary.md after the baseline:\n%s", md)
	}
	for name, args := range map[string][]string{
		"overlapping shards": {"report", "merge", "--report-dir", out, b, b},
		"no report dir":      {"report", "merge", a, b},
		"render of two":      {"report", "render", "--report-dir", out, a, b},
		"a bad baseline":     {"report", "render", "--report-dir", out, "--baseline", a, a},
	} {
		if code, _, errs := runCLI(args...); code != report.ExitBadConfig || errs == "" {
			t.Errorf("%s: exit %d (want 2 and a message), stderr %q", name, code, errs)
		}
	}
}

func TestCoverageCommand(t *testing.T) {
	code, out, errs := runCLI("coverage")
	if code != 0 || !strings.HasPrefix(out, "How it is derived: ") || !strings.Contains(out, "essbaseAddUsers") || !strings.Contains(out, "not exercised") {
		t.Fatalf("coverage: exit %d\n%.1500s%s", code, out, errs)
	}
	dir := t.TempDir()
	r := shard(t, dir, "r.json", "1/1", oigScenario("OIG-ERROR-001", report.Passed, 400))
	code, out, errs = runCLI("coverage", "--json", "--report", r)
	var c struct {
		Report string `json:"report"`
		Gaps   struct {
			Unobserved []string `json:"unobserved"`
		} `json:"gaps"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &c) != nil || c.Report != r || len(c.Gaps.Unobserved) == 0 {
		t.Fatalf("coverage --json --report: exit %d %s\n%.800s", code, errs, out)
	}
	if code, _, _ := runCLI("coverage", "--report", filepath.Join(dir, "missing.json")); code != report.ExitBadConfig {
		t.Errorf("a missing report: exit %d", code)
	}
	if code, _, _ := runCLI("coverage", "extra"); code != report.ExitBadConfig {
		t.Errorf("an extra argument: exit %d", code)
	}
}
