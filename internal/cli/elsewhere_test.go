package cli_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/cli"
	"github.com/oracle-users-conformance/conformance/internal/report"
)

// A tenant's own data never fails the suite: users "created elsewhere"
// hold IDs, names and group names the input rules refuse on create
// (spaces, a period, ; , = + * ? [ ] | < > \ " ' /, over 256 characters),
// and OIG users odd field values. Input rules are checked on what the suite
// sends and what a target accepts (Q-ESS-001), so the whole suite passes
// against such a tenant.
func TestUsersCreatedElsewherePassTheWholeSuite(t *testing.T) {
	t.Parallel()
	// Two such tenants: one with the shipped accounts and vars (the users
	// the vars name hold the odd data), one with accounts of its own.
	for seedFile, config := range map[string]string{
		"mock/elsewhere-seed.yaml":              mockConfig,
		"mock/elsewhere-own-accounts-seed.yaml": filepath.Join("..", "..", "fixtures", "targets", "elsewhere-own-accounts-seed.yaml"),
	} {
		t.Run(seedFile, func(t *testing.T) {
			t.Parallel()
			seed, err := fixtures.FS.ReadFile(seedFile)
			if err != nil {
				t.Fatal(err)
			}
			target := seededMock(t, seed)
			// One scenario at a time: these seeds hold the users vars
			// name, not the shard_vars stand-ins several workers would
			// also run with.
			r := cliRun(t, 4*time.Minute, nil, "run", "--config", config, "--target", target, "--allow-mutations", "--rate", "0", "--workers", "1", "--report-dir", t.TempDir())
			if r.report == nil || r.code != cli.ExitPass || r.report.Counts.By[report.Failed] != 0 || r.report.Counts.By[report.Inconclusive] != 0 {
				t.Fatalf("exit %d against users created elsewhere (%s)\n%s%s", r.code, seedFile, tail(r.stdout, 40), r.stderr)
			}
			for _, sc := range r.report.Scenarios {
				if sc.Outcome == report.Skipped && !strings.Contains(sc.Reason, "Q-") {
					t.Errorf("%s skipped without a quirk to say why: %s", sc.ID, sc.Reason)
				}
			}
		})
	}
}
