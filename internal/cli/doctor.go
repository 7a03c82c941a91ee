package cli

// conformance doctor: before a first run, per product and with read-only
// requests only, what works and what is missing (internal/doctor), then
// what a run with the same flags would cover and skip, and why.

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/doctor"
	"github.com/oracle-users-conformance/conformance/internal/runner"
	"github.com/oracle-users-conformance/conformance/suites"
)

// Exit codes of doctor: ExitPass when a run can proceed, ExitFail when a
// check failed that a run would trip over, ExitBadConfig as for run.
func doctorCmd(args []string, stdout, stderr io.Writer) int {
	rf := newRunFlags("doctor", stderr)
	cfg, code, stop := rf.load(args, stdout, stderr)
	if stop {
		return code
	}
	if !cfg.AnyTarget() {
		fmt.Fprintf(stderr, "conformance doctor: no target: give %s, or --config FILE; without one, conformance run uses its embedded mock, which needs no doctor\n", targetHint())
		return ExitBadConfig
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(stderr, "conformance doctor: %v\n", err)
		return ExitBadConfig
	}
	catalog, err := contract.Builtin()
	if err != nil {
		fmt.Fprintf(stderr, "conformance doctor: %v\n", err)
		return ExitBadConfig
	}
	fx, err := fixturesOf(cfg.Fixtures)
	if err != nil {
		fmt.Fprintf(stderr, "conformance doctor: %v\n", err)
		return ExitBadConfig
	}
	d := &doctor.Doctor{Config: cfg, Catalog: catalog, Vars: varsCatalogue(fx), Timeout: cfg.Timeout.D()}
	fails, warns := 0, 0
	for _, name := range config.Products {
		r := cfg.Resolve(name)
		fmt.Fprintf(stdout, "%s  %s\n", name, r.URL)
		for _, f := range d.Check(context.Background(), name) {
			fmt.Fprintf(stdout, "  %-4s  %-8s %s\n", f.Verdict, f.Check, f.Sentence)
			switch f.Verdict {
			case doctor.Fail:
				fails++
			case doctor.Warn:
				warns++
			}
		}
	}
	if code := printCoverage(cfg, rf.opts, stdout, stderr); code != ExitPass {
		return code
	}
	switch {
	case fails > 0:
		fmt.Fprintf(stdout, "\nverdict: a run cannot proceed: %d %s FAIL above; %d %s\n", fails, plural(fails, "check", "checks"), warns, plural(warns, "warning", "warnings"))
		return ExitFail
	default:
		fmt.Fprintf(stdout, "\nverdict: a run can proceed (%d %s)\n", warns, plural(warns, "warning", "warnings"))
		return ExitPass
	}
}

// printCoverage summarises the plan of a run with the same flags: how
// many scenarios would run, and why the others would be skipped.
func printCoverage(cfg config.Config, opts runner.Options, stdout, stderr io.Writer) int {
	var runs, total int
	reasons := map[string]int{}
	var grouped []string
	opts.Plan = true
	opts.PlanTo = func(env *suites.Env, plan []suites.PlannedScenario) {
		total = len(plan)
		for _, ps := range plan {
			if ps.Skip == "" {
				runs++
				continue
			}
			reasons[ps.Skip]++
		}
		grouped = env.MissingVarsSummary()
	}
	if _, err := runner.Run(&testingT{}, cfg, opts, io.Discard); err != nil {
		fmt.Fprintf(stderr, "conformance doctor: %v\n", err)
		return ExitBadConfig
	}
	fmt.Fprintf(stdout, "\na run with these settings would run %d of %d scenarios and skip %d:\n", runs, total, total-runs)
	// Missing vars are said once per key, as the run says them.
	for _, g := range grouped {
		fmt.Fprintf(stdout, "  %s\n", g)
	}
	type reason struct {
		text string
		n    int
	}
	var list []reason
	for text, n := range reasons {
		if strings.HasPrefix(text, "the config lacks vars.") {
			continue
		}
		// One line per tier and flag, not per URL.
		if m := heldBack.FindStringSubmatch(text); m != nil {
			text = fmt.Sprintf("a %s request would not be sent without %s", m[1], m[2])
		}
		merged := false
		for i := range list {
			if list[i].text == text {
				list[i].n += n
				merged = true
			}
		}
		if !merged {
			list = append(list, reason{text, n})
		}
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].n != list[j].n {
			return list[i].n > list[j].n
		}
		return list[i].text < list[j].text
	})
	for _, r := range list {
		fmt.Fprintf(stdout, "  %d × %s\n", r.n, r.text)
	}
	return ExitPass
}

// heldBack is the plan's sentence for a request its tier keeps back.
var heldBack = regexp.MustCompile(`^\S+ \S+ \((\w+)\) would not be sent without (--allow-[a-z]+)$`)

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
