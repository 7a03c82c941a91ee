package cli_test

import (
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/cli"
	"github.com/oracle-users-conformance/conformance/internal/deviate"
)

// An Essbase refusal's codes and wording are observed, not asserted
// (Q-ESS-008): through a target that words them differently the rows stay
// green, and `report diff` shows the change as observations, not as a
// regression.
func TestEssbaseErrorCodesAreObservedNotAsserted(t *testing.T) {
	t.Parallel()
	const rows = "id:ESS-ADD-004 || id:ESS-ERROR-001 || id:ESS-PERM-001"
	tol, _ := deviate.LookupTolerance("essbase-error-codes")
	u, _ := url.Parse(newMock(t).URL)
	proxy := httptest.NewServer(deviate.Serve(u, nil, []deviate.Tolerance{tol}))
	t.Cleanup(proxy.Close)
	before, after := t.TempDir(), t.TempDir()
	for dir, target := range map[string]string{before: newMock(t).URL, after: proxy.URL} {
		r := cliRun(t, 2*time.Minute, nil, "run", "--config", mockConfig, "--target", target, "--allow-mutations",
			"--rate", "0", "--label-filter", rows, "--report-dir", dir)
		if r.code != cli.ExitPass || r.summary.Passed != 3 {
			t.Fatalf("exit %d, %d passed against %s\n%s", r.code, r.summary.Passed, target, tail(r.stdout, 20))
		}
	}
	d := conformance(t, nil, "report", "diff", filepath.Join(before, "report.json"), filepath.Join(after, "report.json"))
	if d.code != cli.ExitPass {
		t.Fatalf("report diff exit %d: other codes and wording are no regression\n%s%s", d.code, d.stdout, d.stderr)
	}
	for _, id := range []string{"ESS-ADD-004", "ESS-ERROR-001", "ESS-PERM-001"} {
		if !strings.Contains(d.stdout, id+" ") || !strings.Contains(d.stdout, "errorCode") || !strings.Contains(d.stdout, "errorMessage") {
			t.Errorf("report diff does not show %s's errorCode and errorMessage changing:\n%s", id, d.stdout)
		}
	}
}
