package runner

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/ledger"
	"github.com/oracle-users-conformance/conformance/internal/report"
	"github.com/oracle-users-conformance/conformance/suites"
)

// buildReport is the typed result of the run, from the records the
// scenarios kept while they ran.
func buildReport(cfg config.Config, opts Options, env *suites.Env, runID string, started time.Time) *report.Run {
	scenarios, leftovers, irreversible := env.Results.Scenarios()
	run := &report.Run{
		Version: report.Version, Tool: "conformance", Started: started.UTC().Format(time.RFC3339),
		Seconds: float64(time.Since(started).Milliseconds()) / 1000, RunID: runID, Seed: cfg.Seed,
		LabelFilter: cfg.LabelFilter, Interrupted: env.Results.Interrupted(), Scenarios: scenarios, Leftovers: leftovers,
	}
	if opts.Shard != "" {
		run.Shards = []string{opts.Shard}
	}
	notRun := map[string]int{}
	for _, s := range scenarios {
		if s.Outcome == report.NotRun {
			notRun[s.Product]++
		}
	}
	for _, name := range config.Products {
		p := env.Products[name]
		rp := report.Product{Name: name, URL: p.URL, Covered: p.Client != nil}
		if p.Client != nil {
			if s := p.Client.Breaker(); s != "" {
				rp.Breaker = fmt.Sprintf("%s; %d scenarios not run", s, notRun[name])
			}
		}
		run.Products = append(run.Products, rp)
	}
	if note := epmRestoredNote(env, leftovers); note != "" {
		run.Notes = append(run.Notes, note)
	}
	if len(irreversible) > 0 {
		if len(ledger.DeclaredEPMUsers(env.Vars.Var)) > 0 {
			run.Notes = append(run.Notes, fmt.Sprintf("%d requests named EPM users whose attributes the config's vars do not declare (no documented API reads a user back), so they were not put back if they exist: %s", len(irreversible), strings.Join(irreversible, "; ")))
		} else {
			run.Notes = append(run.Notes, fmt.Sprintf("%d requests changed EPM users that no documented API can read back, so no undo could put them back: the users the config's vars and shard_vars name keep the values the scenarios gave them", len(irreversible)))
		}
	}
	waits, total := 0, 0.0
	for _, s := range scenarios {
		for _, e := range s.Exchanges {
			waits += len(e.Waits)
			for _, w := range e.Waits {
				total += w
			}
		}
	}
	run.Throttled = report.Throttle{Waits: waits, Seconds: total}
	if waits > 0 {
		run.Notes = append(run.Notes, fmt.Sprintf("the targets asked to slow down %d times; the run waited %.1f s for Retry-After", waits, total))
	}
	return run
}

// PrintSummary writes the end of the console: the verdict, the counts, the
// scenarios to look at, and where the reports are.
func PrintSummary(w io.Writer, run *report.Run, dir string) {
	fmt.Fprintf(w, "\nConformance summary: %s\n", run.Verdict)
	if run.Interrupted != "" {
		fmt.Fprintf(w, "  interrupted by %s: the scenarios not reached are reported as not run\n", run.Interrupted)
	}
	for _, p := range run.Products {
		switch {
		case !p.Covered:
			fmt.Fprintf(w, "  %-8s not covered\n", p.Name)
		case p.Breaker != "":
			fmt.Fprintf(w, "  %-8s stopped: %s\n", p.Name, p.Breaker)
		}
	}
	apis := make([]string, 0, len(run.Counts.ByAPI))
	for a := range run.Counts.ByAPI {
		apis = append(apis, a)
	}
	sort.Strings(apis)
	for _, a := range apis {
		c := run.Counts.ByAPI[a]
		var parts []string
		for _, o := range report.Outcomes {
			if c[o] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", c[o], o))
			}
		}
		fmt.Fprintf(w, "  %-10s %s\n", a, strings.Join(parts, ", "))
	}
	if v := run.VersionsLine(); v != "" {
		fmt.Fprintf(w, "  vendor releases: %s\n", v)
	}
	for _, n := range run.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	for _, l := range run.Leftovers {
		fmt.Fprintf(w, "  NOT UNDONE (%s): %s: %s\n", l.Scenario, l.Undo, l.Error)
	}
	// Failures one by one (each is a broken promise to look at);
	// inconclusive scenarios by reason (a dead network says one thing).
	shown := 0
	for _, s := range run.Scenarios {
		if s.Outcome != report.Failed {
			continue
		}
		if shown == 0 {
			fmt.Fprintln(w, "  failed (the row to edit, then the reason; report.html has the transcripts):")
		}
		if shown++; shown > 25 {
			continue
		}
		fmt.Fprintf(w, "    %s  %s\n      %s\n", s.ID, s.Source, oneLine(s.Reason, 200))
	}
	if shown > 25 {
		fmt.Fprintf(w, "    … and %d more in %s/summary.md\n", shown-25, dir)
	}
	byReason := map[string][]string{}
	var reasons []string
	for _, s := range run.Scenarios {
		if s.Outcome == report.Inconclusive {
			r := oneLine(s.Reason, 200)
			if byReason[r] == nil {
				reasons = append(reasons, r)
			}
			byReason[r] = append(byReason[r], s.ID)
		}
	}
	for _, r := range reasons {
		ids := byReason[r]
		more := ""
		if len(ids) > 5 {
			ids, more = ids[:5], fmt.Sprintf(" and %d more", len(byReason[r])-5)
		}
		fmt.Fprintf(w, "  inconclusive %d: %s\n    (%s%s)\n", len(byReason[r]), r, strings.Join(ids, ", "), more)
	}
	b := run.Counts.By
	names := []string{}
	for _, f := range report.Files {
		names = append(names, f.Name)
	}
	fmt.Fprintf(w, "reports written to %s (%s, effective-config.yaml)\n", dir, strings.Join(names, ", "))
	fmt.Fprintf(w, "%d passed, %d failed, %d skipped\n", b[report.Passed], b[report.Failed], b[report.Skipped]+b[report.NotRun]+b[report.Inconclusive]+b[report.Known])
}

func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}
