package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/cli"
	"github.com/oracle-users-conformance/conformance/internal/config"
)

// init against the mock writes a config with which a run that may change
// data passes; it proposes users only from what the target lists, never an
// account of the config nor an administrator, and never writes a secret.
func TestInitWritesAConfigARunPassesWith(t *testing.T) {
	t.Parallel()
	target := childMock(t)
	creds := []string{"CONFORMANCE_USER=admin", "CONFORMANCE_PASSWORD=Welcome1",
		"CONFORMANCE_NONADMIN_USER=viewer", "CONFORMANCE_NONADMIN_PASSWORD=Viewer#2026"}
	out := filepath.Join(t.TempDir(), "conformance.yaml")
	r := conformance(t, creds, "init", "--target", target, "--out", out)
	if r.code != cli.ExitPass {
		t.Fatalf("init: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if strings.Contains(text, "Welcome1") || strings.Contains(text, "Viewer#2026") {
		t.Fatalf("the starter config holds a password:\n%s", text)
	}
	cfg, err := config.Load(out)
	if err != nil {
		t.Fatalf("the starter config does not load: %v\n%s", err, text)
	}
	for k, v := range cfg.Vars {
		if strings.EqualFold(v, "admin") || strings.EqualFold(v, "viewer") {
			t.Errorf("vars.%s = %s: an account of the config or an administrator is proposed", k, v)
		}
	}
	_, varsPart, _ := strings.Cut(text, "\nvars:\n")
	for _, line := range strings.Split(varsPart, "\n") {
		if m := regexp.MustCompile(`^  ([a-z_0-9]+): `).FindStringSubmatch(line); m != nil && !strings.Contains(line, "# suggested: ") {
			t.Errorf("vars.%s is set without being marked a suggestion: %q", m[1], line)
		}
	}
	// A second init does not overwrite the first.
	if again := conformance(t, creds, "init", "--target", target, "--out", out); again.code != cli.ExitBadConfig {
		t.Errorf("init over an existing file: exit %d, want 2", again.code)
	}

	dir := t.TempDir()
	run := conformance(t, creds, "run", "--config", out, "--allow-mutations", "--report-dir", dir)
	if run.code != cli.ExitPass {
		t.Fatalf("run with the starter config: exit %d\n%s\n%s", run.code, tail(run.stdout, 40), run.stderr)
	}
	if run.summary.Passed == 0 {
		t.Errorf("run with the starter config passed no scenario: %+v", run.summary)
	}

	// The proposals come from the list operations the field-fidelity work
	// adds to the mock (Essbase Search Users, GET /essbase/rest/v1/users;
	// Identity Governance Get Users, GET …/users). Without them init says
	// "could not list" and names no users, which the run above skips.
	for _, op := range []struct{ product, key, op string }{
		{"essbase", "essbase_user_1", "essbaseListUsers (GET /essbase/rest/v1/users)"},
		{"oig", "oig_user_1", "oigListUsers (GET /iam/governance/selfservice/api/v1/users)"},
	} {
		if strings.Contains(r.stdout, op.product) && strings.Contains(r.stdout, "could not list") && cfg.Vars[op.key] == "" {
			defer t.Skipf("!! SKIPPED the %s proposals: the mock on this branch lacks the list operation %s; init said %q. Re-check after the merge that adds it.",
				op.product, op.op, firstLine(r.stdout, op.product+" ", "could not list"))
			continue
		}
		if cfg.Vars[op.key] == "" {
			t.Errorf("init proposed no %s although the %s users could be listed:\n%s", op.key, op.product, r.stdout)
		}
	}
}

func firstLine(s, prefix, containing string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) && strings.Contains(l, containing) {
			return strings.TrimSpace(l)
		}
	}
	return ""
}
