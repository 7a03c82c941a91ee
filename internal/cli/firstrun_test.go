package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/cli"
	"github.com/oracle-users-conformance/conformance/internal/report"
	"github.com/oracle-users-conformance/conformance/internal/varscat"
)

// The first thing a new user does: a URL and an account, nothing else. The
// run reads what it can, skips the rest saying why, exits 0 or 3 (never 2,
// the exit of a config that stops everything), and says each missing var
// once, not once per scenario.
func TestFirstRunWithOnlyTargetAndCredentials(t *testing.T) {
	t.Parallel()
	target := childMock(t)
	dir := t.TempDir()
	r := conformance(t, []string{"CONFORMANCE_USER=admin", "CONFORMANCE_PASSWORD=Welcome1"},
		"run", "--target", target, "--report-dir", dir)
	if r.code != cli.ExitPass && r.code != cli.ExitInconclusive {
		t.Fatalf("exit %d, want 0 or 3\nstdout:\n%s\nstderr:\n%s", r.code, tail(r.stdout, 30), r.stderr)
	}
	cat, err := varscat.Load(fixtures.FS)
	if err != nil {
		t.Fatal(err)
	}
	// At most one console line per missing key.
	key := regexp.MustCompile(`vars\.([a-z0-9_]+)`)
	lines := map[string]int{}
	for _, l := range strings.Split(r.stdout+r.stderr, "\n") {
		seen := map[string]bool{}
		for _, m := range key.FindAllStringSubmatch(l, -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				lines[m[1]]++
			}
		}
	}
	for k, n := range lines {
		if n > 1 {
			t.Errorf("vars.%s is named on %d console lines, want one", k, n)
		}
	}
	grouped := regexp.MustCompile(`^  note: (vars\.epm_user_1 \(` + regexp.QuoteMeta(cat["epm_user_1"].About) + `\): (\d+) scenarios skipped)$`)
	var sentence string
	for _, l := range strings.Split(r.stdout, "\n") {
		if m := grouped.FindStringSubmatch(l); m != nil {
			sentence = m[1]
		}
	}
	if sentence == "" {
		t.Fatalf("no grouped line for vars.epm_user_1 in:\n%s", tail(r.stdout, 30))
	}
	if r.report == nil {
		t.Fatal("no report.json")
	}
	noted := false
	for _, n := range r.report.Notes {
		noted = noted || n == sentence
	}
	if !noted {
		t.Errorf("report.json notes %q lack %q", r.report.Notes, sentence)
	}
	md, err := os.ReadFile(filepath.Join(dir, "summary.md"))
	if err != nil || !strings.Contains(string(md), sentence) {
		t.Errorf("summary.md lacks %q (%v)", sentence, err)
	}
	// Every scenario ran, or was skipped for a reason this run has: a tier
	// kept its request back, a var or an account the config lacks, a
	// decision of the quirks register about this target's users.
	passed := 0
	for _, s := range r.report.Scenarios {
		switch s.Outcome {
		case report.Passed:
			passed++
		case report.Skipped:
			if !strings.Contains(s.Reason, "was not sent") && !strings.HasPrefix(s.Reason, "the config lacks vars.") &&
				!strings.Contains(s.Reason, "config lacks what this scenario needs") && !strings.Contains(s.Reason, "(Q-") {
				t.Errorf("%s skipped for %q", s.ID, s.Reason)
			}
		default:
			t.Errorf("%s %s: %s", s.ID, s.Outcome, s.Reason)
		}
	}
	if passed == 0 {
		t.Error("no scenario passed: the read-tier scenarios that need no var did not run")
	}
}

// What stops everything still stops with exit 2, naming the problem: a var
// no scenario uses (a typo), a bad URL, an unreadable file.
func TestFirstRunBadConfigStillStops(t *testing.T) {
	t.Parallel()
	srv := newMock(t)
	typo := filepath.Join(t.TempDir(), "typo.yaml")
	if err := os.WriteFile(typo, []byte("vars: {epm_usr_1: jdoe}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	creds := []string{"CONFORMANCE_USER=admin", "CONFORMANCE_PASSWORD=Welcome1"}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown var key", []string{"--config", typo, "--target", srv.URL}, "vars.epm_usr_1 is used by no scenario"},
		{"bad URL", []string{"--target", "https://epm acme.example"}, "contains white space"},
		{"unreadable config", []string{"--config", filepath.Join(t.TempDir(), "missing.yaml")}, "missing.yaml"},
	} {
		r := conformance(t, creds, append([]string{"run", "--report-dir", t.TempDir()}, c.args...)...)
		if r.code != cli.ExitBadConfig || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 naming %q", c.name, r.code, r.stderr, c.want)
		}
	}
}
