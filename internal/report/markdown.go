package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// markdownListLimit keeps summary.md under what CI job summaries accept
// (GitHub's is 1 MiB) even when a whole API fails; report.html lists all.
const markdownListLimit = 100

// WriteMarkdown writes summary.md, a CI job summary: the verdict and exit
// code, counts per API and outcome, the scenarios that failed, were
// inconclusive, not run or known (each with its reason and the row to
// edit), skipped ones grouped by reason, leftovers, notes and the baseline.
func WriteMarkdown(w io.Writer, r *Run) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## Conformance: %s\n\n", r.Verdict)
	var facts []string
	if r.RunID != "" {
		facts = append(facts, "run `"+r.RunID+"`")
	}
	facts = append(facts, "seed "+strconv.FormatInt(r.Seed, 10))
	if r.Started != "" {
		facts = append(facts, "started "+r.Started)
	}
	facts = append(facts, strconv.FormatFloat(r.Seconds, 'f', 1, 64)+" s")
	if r.LabelFilter != "" {
		facts = append(facts, "label filter `"+r.LabelFilter+"`")
	}
	if len(r.Shards) > 0 {
		facts = append(facts, "shards "+strings.Join(r.Shards, ", "))
	}
	fmt.Fprintf(&b, "%s. Exit code %d.\n\n", strings.Join(facts, " · "), ExitCode(r.Verdict))
	if v := r.VersionsLine(); v != "" {
		fmt.Fprintf(&b, "Vendor releases: %s\n\n", v)
	}
	if r.Interrupted != "" {
		fmt.Fprintf(&b, "**Interrupted:** %s\n\n", mdText(r.Interrupted))
	}
	for _, p := range r.Products {
		if !p.Covered {
			fmt.Fprintf(&b, "- %s was not covered by the config.\n", p.Name)
		}
		if p.Breaker != "" {
			fmt.Fprintf(&b, "- %s: %s\n", p.Name, mdText(p.Breaker))
		}
	}
	writeCountsTable(&b, r)
	lists := []struct {
		outcome Outcome
		title   string
	}{{Failed, "Failed"}, {Inconclusive, "Inconclusive"}, {NotRun, "Not run"}, {Known, "Known deviations (baseline)"}}
	for _, l := range lists {
		var items []string
		for _, s := range r.Scenarios {
			if s.Outcome == l.outcome {
				items = append(items, scenarioLine(s))
			}
		}
		writeList(&b, fmt.Sprintf("%s (%d)", l.title, len(items)), items)
	}
	writeList(&b, fmt.Sprintf("Skipped (%d), by reason", r.Counts.By[Skipped]), skipReasons(r))
	var left []string
	for _, l := range r.Leftovers {
		left = append(left, fmt.Sprintf("`%s`: %s: %s", l.Scenario, mdText(l.Undo), mdText(l.Error)))
	}
	writeList(&b, "Leftovers: the target may still hold these", left)
	var notes []string
	for _, n := range r.Notes {
		notes = append(notes, mdText(n))
	}
	writeList(&b, "Notes", notes)
	if bl := r.Baseline; bl != nil {
		fmt.Fprintf(&b, "### Baseline `%s`\n\n%d known, %d stale, %d expired.\n\n", bl.File, len(bl.Known), len(bl.Stale), len(bl.Expired))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeCountsTable(b *strings.Builder, r *Run) {
	b.WriteString("\n| API |")
	for _, o := range Outcomes {
		b.WriteString(" " + string(o) + " |")
	}
	b.WriteString(" total |\n|---|")
	b.WriteString(strings.Repeat("--:|", len(Outcomes)+1))
	b.WriteByte('\n')
	row := func(name string, by map[Outcome]int) {
		b.WriteString("| " + name + " |")
		total := 0
		for _, o := range Outcomes {
			fmt.Fprintf(b, " %d |", by[o])
			total += by[o]
		}
		fmt.Fprintf(b, " %d |\n", total)
	}
	for _, api := range r.APIs() {
		row(api, r.Counts.ByAPI[api])
	}
	row("**all**", r.Counts.By)
	b.WriteByte('\n')
}

func scenarioLine(s Scenario) string {
	line := fmt.Sprintf("`%s` %s", s.ID, mdText(s.Title))
	if s.Outcome == Known && s.Known != nil {
		line += fmt.Sprintf(": %s (review %s)", mdText(s.Known.Reason), s.Known.Review)
	} else if s.Reason != "" {
		line += ": " + mdText(s.Reason)
	}
	if s.Source != "" {
		line += " (`" + s.Source + "`)"
	}
	return line
}

// skipReasons groups skipped scenarios by reason, most frequent first:
// skipping is usually one reason for many rows (mutations not allowed).
func skipReasons(r *Run) []string {
	n := map[string]int{}
	var order []string
	for _, s := range r.Scenarios {
		if s.Outcome != Skipped {
			continue
		}
		if n[s.Reason] == 0 {
			order = append(order, s.Reason)
		}
		n[s.Reason]++
	}
	sortByCount(order, n)
	var out []string
	for _, reason := range order {
		out = append(out, fmt.Sprintf("%d × %s", n[reason], mdText(reason)))
	}
	return out
}

// sortByCount sorts keys by their count, largest first, keeping the first
// seen first among equals.
func sortByCount(keys []string, n map[string]int) {
	slices.SortStableFunc(keys, func(a, b string) int { return cmp.Compare(n[b], n[a]) })
}

func writeList(b *strings.Builder, title string, items []string) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(b, "### %s\n\n", title)
	for i, it := range items {
		if i == markdownListLimit {
			fmt.Fprintf(b, "- … and %d more: report.html lists them all\n", len(items)-markdownListLimit)
			break
		}
		b.WriteString("- " + it + "\n")
	}
	b.WriteByte('\n')
}

// mdText makes a value one safe line of markdown: reasons may hold
// newlines, table bars and angle brackets from a response body.
var mdEscaper = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "|", "\\|", "<", "&lt;", ">", "&gt;")

func mdText(s string) string { return mdEscaper.Replace(s) }
