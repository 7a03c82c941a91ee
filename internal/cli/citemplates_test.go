package cli_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/oracle-users-conformance/conformance/internal/cli"
)

var (
	workflow = filepath.Join("..", "..", ".github", "workflows", "conformance.yml")
	gitlabCI = filepath.Join("..", "..", ".gitlab-ci.yml")
)

// The GitHub Actions workflow passes actionlint (a Go tool pinned in
// go.mod's tool block), and actionlint is shown able to fail on a broken
// copy of it.
func TestWorkflowPassesActionlint(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("!! SKIPPED: no go command to run actionlint with (go tool actionlint)")
	}
	lint := func(path string) (int, string) {
		cmd := exec.Command("go", "tool", "actionlint", "-no-color", path)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		if err != nil && cmd.ProcessState == nil {
			t.Skipf("!! SKIPPED: go tool actionlint could not start: %v", err)
		}
		return cmd.ProcessState.ExitCode(), out.String()
	}
	code, out := lint(workflow)
	if code == 2 || code == 3 || strings.Contains(out, "go: ") && !strings.Contains(out, "conformance.yml") {
		t.Skipf("!! SKIPPED: go tool actionlint could not be built or run (exit %d): %s", code, out)
	}
	if code != 0 {
		t.Fatalf("actionlint on %s: exit %d\n%s", workflow, code, out)
	}
	data, err := os.ReadFile(workflow)
	if err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(t.TempDir(), "broken.yml")
	if err := os.WriteFile(broken, bytes.Replace(data, []byte("runs-on:"), []byte("run-on:"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := lint(broken); code != 1 {
		t.Errorf("actionlint on a workflow without runs-on: exit %d, want 1\n%s", code, out)
	}
}

// Both templates run the gate in parallel parts, merge them, publish
// junit.xml and summary.md, and fail on the merge's exit code; GitLab's
// parts find their index with --shard auto.
func TestCITemplatesShardMergeAndFail(t *testing.T) {
	t.Parallel()
	gh, err := os.ReadFile(workflow)
	if err != nil {
		t.Fatal(err)
	}
	gl, err := os.ReadFile(gitlabCI)
	if err != nil {
		t.Fatal(err)
	}
	var pipeline map[string]any
	if err := yaml.Unmarshal(gl, &pipeline); err != nil {
		t.Fatalf("%s: %v", gitlabCI, err)
	}
	shard, _ := pipeline["conformance:shard"].(map[string]any)
	verdict, _ := pipeline["conformance:verdict"].(map[string]any)
	if shard == nil || verdict == nil {
		t.Fatalf("%s lacks the jobs conformance:shard and conformance:verdict", gitlabCI)
	}
	if n, _ := shard["parallel"].(int); n < 2 {
		t.Errorf("conformance:shard has parallel %v, want at least 2", shard["parallel"])
	}
	script := func(job map[string]any) string {
		var lines []string
		for _, l := range job["script"].([]any) {
			lines = append(lines, l.(string))
		}
		return strings.Join(lines, "\n")
	}
	if s := script(shard); !strings.Contains(s, "run $config --shard auto") {
		t.Errorf("the GitLab part does not run --shard auto:\n%s", s)
	}
	if s := script(verdict); !strings.Contains(s, "report merge --report-dir merged") || !strings.Contains(s, "exit $code") {
		t.Errorf("the GitLab verdict does not merge and fail on the verdict:\n%s", s)
	}
	if art := verdict["artifacts"].(map[string]any)["reports"].(map[string]any); art["junit"] != "merged/junit.xml" {
		t.Errorf("the GitLab verdict publishes junit %v", art["junit"])
	}
	for _, want := range []string{"--shard \"$SHARD/$SHARDS\"", "report merge --report-dir reports", "reports/summary.md >> \"$GITHUB_STEP_SUMMARY\"", "report_paths: reports/junit.xml", "exit \"$CODE\""} {
		if !bytes.Contains(gh, []byte(want)) {
			t.Errorf("%s lacks %s", workflow, want)
		}
	}

	// What the GitLab part runs, on its second node of three, plans shard 2/3.
	r := conformance(t, []string{"CI_NODE_INDEX=2", "CI_NODE_TOTAL=3"}, "run", "--shard", "auto", "--plan")
	if r.code != cli.ExitPass || !strings.Contains(r.stdout, "this is shard 2/3") {
		t.Errorf("--shard auto on GitLab's node 2 of 3: exit %d\n%s%s", r.code, tail(r.stdout, 10), r.stderr)
	}
	if r := conformance(t, nil, "run", "--shard", "auto", "--plan"); r.code != cli.ExitBadConfig || !strings.Contains(r.stderr, "CI_NODE_INDEX") {
		t.Errorf("--shard auto outside CI: exit %d, stderr %q", r.code, r.stderr)
	}
}
