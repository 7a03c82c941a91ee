package cli

import (
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/coverage"
	"github.com/oracle-users-conformance/conformance/internal/generate"
	"github.com/oracle-users-conformance/conformance/internal/quirks"
	"github.com/oracle-users-conformance/conformance/internal/report"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
)

const reportUsage = `Usage:
  conformance report diff   [--json|--markdown] BEFORE.json AFTER.json
      what changed between two runs: outcome changes (regressions, fixes,
      appeared, disappeared) and recorded values (status codes, error codes,
      messages), volatile values (run suffix, job ids, hosts, times) set aside.
      Exit 0: nothing regressed; 1: something regressed (passed before, failed,
      inconclusive or known after); 2: an input is unreadable.
  conformance report merge  --report-dir OUT [--baseline FILE] A.json B.json ...
      one report from the report.json of each shard of a run; writes junit.xml,
      report.json, report.html and summary.md into OUT. The same scenario in two
      shards is an error unless one copy was not run.
  conformance report render --report-dir OUT [--baseline FILE] [--previous OLD.json] report.json
      every format again from one report.json (after applying a baseline);
      with --previous, report.html's first screen also shows what changed
      since that run (merge takes --previous too).
  merge and render exit with the verdict's code: 0 conformant or partial,
  1 not conformant, 3 inconclusive or nothing ran, 4 interrupted; 2 when an
  input or the baseline is unusable. Stale or expired baseline entries are
  reported and do not change the exit code.
`

// reportCmd is `conformance report`: reports read back from report.json.
func reportCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, reportUsage)
		return report.ExitBadConfig
	}
	switch args[0] {
	case "diff":
		return reportDiff(args[1:], stdout, stderr)
	case "merge", "render":
		return reportMerge(args[0], args[1:], stdout, stderr)
	case "bundle":
		return reportBundle(args[1:], stdout, stderr)
	case "verify":
		return reportVerify(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, reportUsage+bundleUsage)
		return report.ExitConformant
	}
	fmt.Fprintf(stderr, "conformance report: unknown command %q\n\n%s", args[0], reportUsage)
	return report.ExitBadConfig
}

func reportDiff(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("report diff", reportUsage, stderr)
	asJSON := fs.Bool("json", false, "write the drift as JSON")
	asMarkdown := fs.Bool("markdown", false, "write the drift as markdown (a pull request comment, a CI job summary)")
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return parseExit(err)
	}
	if len(files) != 2 || (*asJSON && *asMarkdown) {
		fmt.Fprintf(stderr, "conformance report diff: want BEFORE.json AFTER.json and at most one of --json, --markdown\n\n%s", reportUsage)
		return report.ExitBadConfig
	}
	runs, code := loadReports(files, "report diff", stderr)
	if runs == nil {
		return code
	}
	d := report.Diff(runs[0], runs[1])
	switch {
	case *asJSON:
		err = d.WriteJSON(stdout)
	case *asMarkdown:
		err = d.WriteMarkdown(stdout)
	default:
		err = d.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "conformance report diff: %v\n", err)
		return report.ExitBadConfig
	}
	if d.Regressed() {
		return report.ExitNotConformant
	}
	return report.ExitConformant
}

func reportMerge(name string, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("report "+name, reportUsage, stderr)
	dir := fs.String(config.ReportDirSetting.Flag, "", "where junit.xml, report.json, report.html and summary.md go (required)")
	baseline := fs.String(config.BaselineSetting.Flag, "", "apply this baseline of accepted deviations (see fixtures/baseline.example.yaml)")
	previous := fs.String("previous", "", "the report.json of a previous run: report.html's first screen shows what changed since it")
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return parseExit(err)
	}
	switch {
	case *dir == "":
		fmt.Fprintf(stderr, "conformance report %s: --%s is required\n", name, config.ReportDirSetting.Flag)
		return report.ExitBadConfig
	case len(files) == 0, name == "render" && len(files) != 1:
		fmt.Fprintf(stderr, "conformance report %s: name the report.json files\n\n%s", name, reportUsage)
		return report.ExitBadConfig
	}
	runs, code := loadReports(files, "report "+name, stderr)
	if runs == nil {
		return code
	}
	r, err := report.Merge(runs...)
	if err == nil && *baseline != "" {
		var b report.Baseline
		if b, err = report.LoadBaseline(*baseline); err == nil {
			r.ApplyBaseline(b, *baseline, time.Now())
		}
	}
	if err == nil {
		err = report.WriteAll(*dir, r)
	}
	if err == nil && *previous != "" {
		err = writeSincePrevious(*dir, *previous, r)
	}
	if err != nil {
		fmt.Fprintf(stderr, "conformance report %s: %v\n", name, err)
		return report.ExitBadConfig
	}
	fmt.Fprintf(stdout, "%s: %d scenarios, verdict %s; reports in %s\n", name, r.Counts.Total, r.Verdict, *dir)
	return report.ExitCode(r.Verdict)
}

// loadReports reads every report.json named; nil and ExitBadConfig when
// one is unreadable.
func loadReports(files []string, cmd string, stderr io.Writer) ([]*report.Run, int) {
	var runs []*report.Run
	for _, f := range files {
		r, err := report.LoadJSON(f)
		if err != nil {
			fmt.Fprintf(stderr, "conformance %s: %v\n", cmd, err)
			return nil, report.ExitBadConfig
		}
		runs = append(runs, r)
	}
	return runs, report.ExitConformant
}

const coverageUsage = `Usage:
  conformance coverage [--json] [--report report.json] [--seed N] [--fixtures DIR]
      per operation of the specs and per documented response status, the
      scenarios that exercise it; per quirk the scenarios that record it; and
      what nothing exercises. With --report, also the statuses that run's
      target really answered. Exit 0, or 2 when an input is unusable.
`

// coverageCmd is `conformance coverage`.
func coverageCmd(args []string, stdout, stderr io.Writer) int {
	flags := newFlagSet("coverage", coverageUsage, stderr)
	asJSON := flags.Bool("json", false, "write the coverage as JSON")
	reportFile := flags.String("report", "", "a report.json whose exchanges add the statuses its target answered")
	seed := flags.Int64(config.SeedSetting.Flag, config.Default().Seed, "seed of the generated scenarios (it changes values, not which rules are generated)")
	fixturesDir := flags.String(config.FixturesSetting.Flag, "", "read scenario tables and the quirks register from this directory instead of the built-in copy")
	rest, err := parseInterleaved(flags, args)
	if err != nil {
		return parseExit(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "conformance coverage: unexpected arguments %q\n\n%s", rest, coverageUsage)
		return report.ExitBadConfig
	}
	var fixtureFS fs.FS = fixtures.FS
	if *fixturesDir != "" {
		fixtureFS = os.DirFS(*fixturesDir)
	}
	c, err := computeCoverage(fixtureFS, *seed)
	if err == nil && *reportFile != "" {
		var r *report.Run
		if r, err = report.LoadJSON(*reportFile); err == nil {
			c.Observe(r, *reportFile)
		}
	}
	if err == nil {
		if *asJSON {
			err = c.WriteJSON(stdout)
		} else {
			err = c.WriteText(stdout)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "conformance coverage: %v\n", err)
		return report.ExitBadConfig
	}
	return report.ExitConformant
}

func computeCoverage(fixtureFS fs.FS, seed int64) (*coverage.Coverage, error) {
	cat, err := contract.Builtin()
	if err != nil {
		return nil, err
	}
	tables, err := scenario.LoadDir(fixtureFS, "scenarios")
	if err != nil {
		return nil, err
	}
	gen, err := generate.Tables(cat, seed)
	if err != nil {
		return nil, err
	}
	register, err := quirks.Load(fixtureFS, "quirks")
	if err != nil {
		return nil, err
	}
	return coverage.Compute(cat, append(tables, gen...), register), nil
}

// newFlagSet is a flag set whose -h shows the command's usage text, then
// its flags.
func newFlagSet(name, usageText string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageText+"\nFlags of "+name+":\n")
		fs.PrintDefaults()
	}
	return fs
}

// parseInterleaved parses flags wherever they stand among the arguments
// (`diff A.json B.json --json` as well as `diff --json A.json B.json`) and
// returns the other arguments in order.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return rest, nil
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// writeSincePrevious rewrites report.html with the drift since a previous
// run on its first screen.
func writeSincePrevious(dir, previous string, r *report.Run) error {
	prev, err := report.LoadJSON(previous)
	if err != nil {
		return err
	}
	d := report.Diff(prev, r)
	f, err := os.Create(filepath.Join(dir, "report.html"))
	if err != nil {
		return err
	}
	if err := report.WriteHTMLWith(f, r, report.HTMLExtras{Drift: &d}); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
