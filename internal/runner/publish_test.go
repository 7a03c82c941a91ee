package runner

import (
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/report"
	"github.com/oracle-users-conformance/conformance/suites"
)

// A publish whose reports cannot be written exits 2, whatever the verdict:
// CI must not go on trusting the last run's files. The folder here is a
// file, so no report can be written in it.
func TestPublishThatCannotWriteExits2(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "reports")
	if err := os.WriteFile(dir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.ReportDir = dir
	products := map[string]*suites.Product{}
	for _, name := range config.Products {
		products[name] = &suites.Product{}
	}
	p := &prepared{cfg: cfg, env: &suites.Env{Config: cfg, Products: products, Results: suites.NewResults()}}
	out := p.publish(Options{}, io.Discard, time.Now())
	if out.ExitCode != report.ExitBadConfig {
		t.Errorf("exit %d after the reports could not be written, want %d", out.ExitCode, report.ExitBadConfig)
	}

	// The same publish into a folder that can be written exits by the
	// verdict, so the code above comes from the failed write.
	p.cfg.ReportDir = t.TempDir()
	if out := p.publish(Options{}, io.Discard, time.Now()); out.ExitCode == report.ExitBadConfig {
		t.Errorf("exit %d after the reports were written", out.ExitCode)
	}
}
