package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// Comparison is the same scenarios run against two environments (say the
// test environment that already has a vendor update, and production that
// does not yet), side by side. It is Diff between the two sides, less what
// cannot be a vendor change:
//
//   - a scenario one side skipped (its safety tier kept it back, or it is
//     not covered there) is listed under Skipped, not as a difference;
//   - a value that differed between two runs of the same side (--repeat 2)
//     is volatile, as Diffy learns noise, and is listed under Volatile.
//
// Before in each change is side A, After side B.
type Comparison struct {
	A string `json:"a"`
	B string `json:"b"`
	// Repeat is how many times each side ran.
	Repeat int `json:"repeat"`
	// Versions are the vendor releases, A → B: the headline.
	Versions []VersionChange `json:"versions,omitempty"`
	// Outcomes are scenarios that ran on both sides and ended differently.
	Outcomes []OutcomeChange `json:"outcomes"`
	// Observations are recorded values (status codes, error codes,
	// messages, header values, job durations) that differ.
	Observations []ObservationChange `json:"observations"`
	// OnlyA and OnlyB are scenarios one side has and the other lacks.
	OnlyA []OutcomeChange `json:"only_a"`
	OnlyB []OutcomeChange `json:"only_b"`
	// Skipped are scenarios skipped (or not run) on one side or both, with
	// that side's reason: not compared.
	Skipped []SkippedSide `json:"skipped"`
	// Volatile are the values ("ID key") and outcomes ("ID outcome") that
	// differed between two runs of the same side: noise, not compared.
	Volatile []string `json:"volatile,omitempty"`
}

// SkippedSide is a scenario one side did not run.
type SkippedSide struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Side   string `json:"side"` // the side's name, or both names joined by " and "
	Reason string `json:"reason,omitempty"`
}

// Differs reports whether the two environments differ where both ran:
// `conformance compare` exits 1 then.
func (c *Comparison) Differs() bool {
	return len(c.Outcomes)+len(c.Observations)+len(c.OnlyA)+len(c.OnlyB) > 0
}

// Compare compares side A's runs with side B's. The first run of each side
// is the one compared; the others (the same side run again) teach which
// values are volatile. Both are normalised first, as for Diff.
func Compare(nameA, nameB string, a, b []*Run) *Comparison {
	c := &Comparison{A: nameA, B: nameB, Repeat: max(len(a), len(b))}
	if len(a) == 0 || len(b) == 0 {
		return c
	}
	c.Versions = VersionChanges(a[0], b[0])
	volatile := map[string]bool{}
	learn := func(runs []*Run) {
		for _, r := range runs[1:] {
			d := Diff(runs[0], r)
			for _, o := range d.Observations {
				volatile[o.ID+" "+o.Key] = true
			}
			for _, set := range [][]OutcomeChange{d.Regressions, d.Fixes, d.Changed} {
				for _, o := range set {
					volatile[o.ID+" outcome"] = true
				}
			}
		}
	}
	learn(a)
	learn(b)
	for k := range volatile {
		c.Volatile = append(c.Volatile, k)
	}
	sort.Strings(c.Volatile)

	outcomeA, outcomeB := outcomes(a[0]), outcomes(b[0])
	skipped := map[string]bool{}
	for _, s := range a[0].Scenarios {
		sb, ok := outcomeB[s.ID]
		if !ok {
			continue
		}
		var sides []string
		reason := ""
		if notRan(s.Outcome) {
			sides, reason = append(sides, nameA), s.Reason
		}
		if notRan(sb.Outcome) {
			sides = append(sides, nameB)
			if reason == "" {
				reason = sb.Reason
			}
		}
		if len(sides) > 0 {
			skipped[s.ID] = true
			c.Skipped = append(c.Skipped, SkippedSide{ID: s.ID, Title: s.Title, Side: strings.Join(sides, " and "), Reason: reason})
		}
	}
	d := Diff(a[0], b[0])
	for _, set := range [][]OutcomeChange{d.Regressions, d.Fixes, d.Changed} {
		for _, o := range set {
			if !skipped[o.ID] && !volatile[o.ID+" outcome"] {
				c.Outcomes = append(c.Outcomes, o)
			}
		}
	}
	sortChanges(c.Outcomes)
	for _, o := range d.Observations {
		if !skipped[o.ID] && !volatile[o.ID+" "+o.Key] {
			c.Observations = append(c.Observations, o)
		}
	}
	for _, o := range d.Appeared {
		o.Reason = outcomeB[o.ID].Reason
		c.OnlyB = append(c.OnlyB, o)
	}
	for _, o := range d.Disappeared {
		o.Reason = outcomeA[o.ID].Reason
		c.OnlyA = append(c.OnlyA, o)
	}
	return c
}

// notRan outcomes say nothing about what the environment does.
func notRan(o Outcome) bool { return o == Skipped || o == NotRun }

func outcomes(r *Run) map[string]Scenario {
	m := map[string]Scenario{}
	for _, s := range r.Scenarios {
		m[s.ID] = s
	}
	return m
}

func sortChanges(cs []OutcomeChange) {
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].ID < cs[j].ID })
}

// Headline is one line: the releases and how much differs.
func (c *Comparison) Headline() string {
	h := fmt.Sprintf("%s vs %s: ", c.A, c.B)
	if !c.Differs() {
		h += "no difference"
	} else {
		h += fmt.Sprintf("%d outcome, %d observation differences, %d only in %s, %d only in %s",
			len(c.Outcomes), len(c.Observations), len(c.OnlyA), c.A, len(c.OnlyB), c.B)
	}
	if v := c.versionsHeadline(); v != "" {
		h += " · " + v
	}
	return h
}

// versionsHeadline names the releases A → B ("essbase 21.4 → 21.5").
func (c *Comparison) versionsHeadline() string { return VersionsHeadline(c.Versions) }

// WriteJSON writes the comparison for machines.
func (c *Comparison) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// WriteText writes the comparison as aligned tables for a person.
func (c *Comparison) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, c.Headline())
	if len(c.Outcomes) > 0 {
		fmt.Fprintf(tw, "\noutcomes that differ (%d)\n  scenario\t%s\t%s\treason\n", len(c.Outcomes), c.A, c.B)
		for _, o := range c.Outcomes {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", o.ID, o.Before, o.After, oneLine(o.Reason))
		}
	}
	if len(c.Observations) > 0 {
		fmt.Fprintf(tw, "\nobservations that differ (%d)\n  scenario\tkey\t%s\t%s\n", len(c.Observations), c.A, c.B)
		for _, o := range c.Observations {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", o.ID, o.Key, orDash(oneLine(o.Before)), orDash(oneLine(o.After)))
		}
	}
	for _, only := range []struct {
		side string
		list []OutcomeChange
		out  func(OutcomeChange) Outcome
	}{{c.A, c.OnlyA, func(o OutcomeChange) Outcome { return o.Before }}, {c.B, c.OnlyB, func(o OutcomeChange) Outcome { return o.After }}} {
		if len(only.list) > 0 {
			fmt.Fprintf(tw, "\nonly in %s (%d)\n", only.side, len(only.list))
			for _, o := range only.list {
				fmt.Fprintf(tw, "  %s\t%s\t%s\n", o.ID, only.out(o), oneLine(o.Title))
			}
		}
	}
	if len(c.Skipped) > 0 {
		// Grouped by side: a read-only side skips most scenarios, each
		// for the same reason, and a line apiece would bury the rest.
		fmt.Fprintf(tw, "\nnot compared, skipped on one side (%d; their reasons are in each side's report)\n", len(c.Skipped))
		bySide := map[string][]string{}
		var sides []string
		for _, s := range c.Skipped {
			if bySide[s.Side] == nil {
				sides = append(sides, s.Side)
			}
			bySide[s.Side] = append(bySide[s.Side], s.ID)
		}
		for _, side := range sides {
			fmt.Fprintf(tw, "  skipped on %s (%d): %s\n", side, len(bySide[side]), strings.Join(bySide[side], ", "))
		}
	}
	if len(c.Volatile) > 0 {
		fmt.Fprintf(tw, "\nvolatile, differed between two runs of the same side (%d): not compared\n", len(c.Volatile))
	}
	return tw.Flush()
}

// WriteMarkdown writes the comparison for a CI job summary.
func (c *Comparison) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## Conformance compare: %s\n\n", mdText(c.Headline()))
	if len(c.Outcomes) > 0 {
		fmt.Fprintf(&b, "### Outcomes that differ (%d)\n\n| scenario | %s | %s | reason |\n|---|---|---|---|\n", len(c.Outcomes), mdText(c.A), mdText(c.B))
		for _, o := range c.Outcomes {
			fmt.Fprintf(&b, "| `%s` %s | %s | %s | %s |\n", o.ID, mdText(o.Title), o.Before, o.After, mdText(o.Reason))
		}
		b.WriteByte('\n')
	}
	if len(c.Observations) > 0 {
		fmt.Fprintf(&b, "### Observations that differ (%d)\n\n| scenario | key | %s | %s |\n|---|---|---|---|\n", len(c.Observations), mdText(c.A), mdText(c.B))
		for _, o := range c.Observations {
			fmt.Fprintf(&b, "| `%s` | `%s` | %s | %s |\n", o.ID, mdText(o.Key), mdCode(o.Before), mdCode(o.After))
		}
		b.WriteByte('\n')
	}
	for _, only := range []struct {
		side string
		list []OutcomeChange
	}{{c.A, c.OnlyA}, {c.B, c.OnlyB}} {
		if len(only.list) > 0 {
			fmt.Fprintf(&b, "### Only in %s (%d)\n\n", mdText(only.side), len(only.list))
			for _, o := range only.list {
				fmt.Fprintf(&b, "- `%s` %s\n", o.ID, mdText(o.Title))
			}
			b.WriteByte('\n')
		}
	}
	if len(c.Skipped) > 0 {
		fmt.Fprintf(&b, "<details><summary>Not compared: skipped on one side (%d)</summary>\n\n", len(c.Skipped))
		for _, s := range c.Skipped {
			fmt.Fprintf(&b, "- `%s` skipped on %s: %s\n", s.ID, mdText(s.Side), mdText(s.Reason))
		}
		b.WriteString("\n</details>\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
