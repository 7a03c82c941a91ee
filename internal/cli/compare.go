package cli

// conformance compare: the same scenarios against two configurations,
// each side in its own child processes of this binary (Ginkgo's RunSpecs
// runs once per process), each under its own safety tier.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"

	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/report"
)

var compareUsage = `Usage:
  conformance compare --a A.yaml --b B.yaml [--name-a test --name-b prod] [--repeat 2]
                      [--label-filter F] [--report-dir DIR] [--json|--markdown]
      runs the same scenarios against two configurations, each keeping its own
      safety tier (a read-only side shows what it skipped as skipped, not as a
      difference), and reports side by side: outcomes that differ, recorded
      values that differ (status, error code, message, header values, job
      durations), what only one side has, and the vendor releases of each
      (essbase 21.4 → 21.5). With --repeat 2 each side runs twice and values
      that differ between two runs of the same side are volatile, not compared.
      Writes DIR/compare.json, DIR/compare.md, DIR/report.html (side B's report
      with the comparison first) and each side's reports in DIR/<name>/<run>/.
      The environment's ` + config.EnvPrefix + `* variables reach both sides: keep what
      differs between them (URLs, accounts, allow_mutations) in the two files.
      Exit 0: no difference; 1: the sides differ; 2: bad arguments or a side's
      configuration is unusable; 3: a side wrote no report (nothing comparable).
`

var sideName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

func compareCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("compare", compareUsage, stderr)
	cfgA := fs.String("a", "", "config of side A (e.g. the test environment that has the update)")
	cfgB := fs.String("b", "", "config of side B (e.g. production)")
	nameA := fs.String("name-a", "a", "name of side A in the outputs")
	nameB := fs.String("name-b", "b", "name of side B in the outputs")
	repeat := fs.Int("repeat", 1, "runs per side; 2 or more learns which values are volatile")
	filter := fs.String(config.LabelFilterSetting.Flag, "", "Ginkgo label filter, for both sides")
	dir := fs.String(config.ReportDirSetting.Flag, filepath.Join(config.Default().ReportDir, "compare"), "where the comparison and each side's reports go")
	asJSON := fs.Bool("json", false, "write the comparison to stdout as JSON instead of a table")
	asMarkdown := fs.Bool("markdown", false, "write the comparison to stdout as markdown instead of a table")
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return parseExit(err)
	}
	switch {
	case len(rest) > 0:
		fmt.Fprintf(stderr, "conformance compare: unexpected arguments %q\n\n%s", rest, compareUsage)
		return ExitBadConfig
	case *cfgA == "" || *cfgB == "":
		fmt.Fprintf(stderr, "conformance compare: --a and --b name the two configurations\n\n%s", compareUsage)
		return ExitBadConfig
	case *repeat < 1 || *repeat > 5:
		fmt.Fprintln(stderr, "conformance compare: --repeat is 1 to 5")
		return ExitBadConfig
	case *nameA == *nameB || !sideName.MatchString(*nameA) || !sideName.MatchString(*nameB):
		fmt.Fprintln(stderr, "conformance compare: --name-a and --name-b are two different names of letters, digits, '.', '_' or '-'")
		return ExitBadConfig
	case *asJSON && *asMarkdown:
		fmt.Fprintln(stderr, "conformance compare: at most one of --json, --markdown")
		return ExitBadConfig
	}
	sides := []struct{ name, config string }{{*nameA, *cfgA}, {*nameB, *cfgB}}
	runs := make([][]*report.Run, 2)
	for k := 1; k <= *repeat; k++ {
		for i, side := range sides {
			out := filepath.Join(*dir, side.name, fmt.Sprint(k))
			r, code := runSide(side.name, side.config, out, *filter, stderr)
			if r == nil {
				return code
			}
			fmt.Fprintf(stderr, "compare: %s run %d: %s (%s)\n", side.name, k, r.Verdict, out)
			runs[i] = append(runs[i], r)
		}
	}
	c := report.Compare(*nameA, *nameB, runs[0], runs[1])
	if err := writeComparison(*dir, c, runs[1][0]); err != nil {
		fmt.Fprintf(stderr, "conformance compare: %v\n", err)
		return ExitBadConfig
	}
	switch {
	case *asJSON:
		err = c.WriteJSON(stdout)
	case *asMarkdown:
		err = c.WriteMarkdown(stdout)
	default:
		err = c.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "conformance compare: %v\n", err)
		return ExitBadConfig
	}
	if c.Differs() {
		return ExitFail
	}
	return ExitPass
}

// runSide runs the suite once against one side's config in a child
// process; its console goes to stderr so stdout keeps the comparison.
func runSide(name, configFile, dir, filter string, stderr io.Writer) (*report.Run, int) {
	args := []string{"run", "--config", configFile, config.ReportDirSetting.Arg(dir)}
	if filter != "" {
		args = append(args, config.LabelFilterSetting.Arg(filter))
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = os.Environ()
	var console bytes.Buffer
	cmd.Stdout, cmd.Stderr = &console, &console
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		fmt.Fprintf(stderr, "conformance compare: running side %s: %v\n", name, err)
		return nil, ExitBadConfig
	}
	if cmd.ProcessState.ExitCode() == ExitBadConfig {
		fmt.Fprintf(stderr, "conformance compare: side %s (%s) stopped on its configuration:\n%s", name, configFile, console.String())
		return nil, ExitBadConfig
	}
	r, err := report.LoadJSON(filepath.Join(dir, "report.json"))
	if err != nil {
		fmt.Fprintf(stderr, "conformance compare: side %s wrote no report: %v\n%s", name, err, console.String())
		return nil, ExitInconclusive
	}
	return r, ExitPass
}

// writeComparison writes compare.json, compare.md and report.html (side
// B's run with the comparison on its first screen).
func writeComparison(dir string, c *report.Comparison, b *report.Run) error {
	var js, md, page bytes.Buffer
	if err := errors.Join(c.WriteJSON(&js), c.WriteMarkdown(&md), report.WriteHTMLWith(&page, b, report.HTMLExtras{Comparison: c})); err != nil {
		return err
	}
	for name, data := range map[string][]byte{"compare.json": js.Bytes(), "compare.md": md.Bytes(), "report.html": page.Bytes()} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
