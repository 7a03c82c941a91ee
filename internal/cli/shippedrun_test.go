package cli_test

import (
	"os"
	"path/filepath"
	"sync"
)

// scratch is a directory TestMain makes for the whole test binary and
// removes at its end: for what outlives one test (the shared run below).
var scratch string

// shippedRun is one whole run of the suite with the shipped config against
// a plain mock started separately (a child process), its reports in a
// directory of its own. Two tests need exactly this run and judge it each
// in its own way, so it runs once: TestSeparatelyStartedMock (exit,
// verdict, nothing skipped, the JUnit cases) and
// TestThreeShardsMergeIntoTheRun (its shards, merged, give its outcomes).
var shippedRun = sync.OnceValues(func() (shipped, error) {
	target, stop, err := mockChild()
	if err != nil {
		return shipped{}, err
	}
	defer stop()
	dir, err := os.MkdirTemp(scratch, "shipped-run-")
	if err != nil {
		return shipped{}, err
	}
	r, err := runConformance(nil, "run", "--config", mockConfig, "--target", target, "--allow-mutations", "--report-dir", dir)
	return shipped{result: r, reportDir: dir}, err
})

type shipped struct {
	result
	reportDir string
}

func (s shipped) reportJSON() string { return filepath.Join(s.reportDir, "report.json") }
