package suites_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/runner"
)

// TestConformance runs every suite against the embedded mock, as `make run`
// does, under `go test` (and so under -race in `make test`). Ginkgo's flags
// work here too: go test ./suites -args -ginkgo.label-filter=api:epm-v2.
func TestConformance(t *testing.T) {
	cfg := config.Default()
	cfg.ReportDir = filepath.Join(t.TempDir(), "reports")
	if dir := os.Getenv("CONFORMANCE_TEST_REPORT_DIR"); dir != "" {
		cfg.ReportDir = dir
	}
	out, err := runner.Run(t, cfg, runner.Options{}, os.Stdout)
	if err != nil {
		t.Fatal(err)
	}
	if out.Run.Verdict != "conformant" {
		t.Fatalf("verdict %q against the embedded mock, want conformant: %+v", out.Run.Verdict, out.Run.Counts)
	}
}
