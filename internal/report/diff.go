package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Drift is what changed between two runs of the same scenarios: typically
// before and after a vendor upgrade, or between two nights. (The function
// is Diff; Go cannot give a type the same name.)
type Drift struct {
	Before string `json:"before"` // run ids, for the reader
	After  string `json:"after"`
	// Versions are the vendor releases of the products in both runs: the
	// headline ("essbase 21.4 → 21.5").
	Versions []VersionChange `json:"versions,omitempty"`
	// Regressions: passed before, failed, inconclusive or known after.
	Regressions []OutcomeChange `json:"regressions"`
	// Fixes: failed, inconclusive or known before, passed after.
	Fixes []OutcomeChange `json:"fixes"`
	// Changed: any other outcome change (skipped → passed, failed →
	// inconclusive, failed → known).
	Changed []OutcomeChange `json:"changed"`
	// Appeared and Disappeared are scenarios in one run only; Before or
	// After is empty. A scenario that appears failed is listed here, not as
	// a regression: nothing it did before can have got worse.
	Appeared    []OutcomeChange `json:"appeared"`
	Disappeared []OutcomeChange `json:"disappeared"`
	// Observations are recorded values (status codes, error codes,
	// messages, header values) that differ, after Normalize: a changed job
	// id or run suffix is no change.
	Observations []ObservationChange `json:"observations"`
}

// OutcomeChange is one scenario whose outcome changed.
type OutcomeChange struct {
	ID     string  `json:"id"`
	Title  string  `json:"title"`
	Before Outcome `json:"before,omitempty"`
	After  Outcome `json:"after,omitempty"`
	// Reason is the later run's reason (why it fails now, or why it was
	// skipped), or the earlier's for a scenario that disappeared.
	Reason string `json:"reason,omitempty"`
}

// ObservationChange is one recorded value that differs. An empty Before or
// After means the value was not recorded in that run.
type ObservationChange struct {
	ID     string `json:"id"`
	Key    string `json:"key"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// Regressed reports whether anything got worse: `conformance report diff`
// exits 1 then.
func (d Drift) Regressed() bool { return len(d.Regressions) > 0 }

// Empty reports whether the two runs did the same.
func (d Drift) Empty() bool {
	return len(d.Regressions)+len(d.Fixes)+len(d.Changed)+len(d.Appeared)+len(d.Disappeared)+len(d.Observations) == 0
}

// Diff lists what changed from before to after. Both are normalised
// first (on copies), each with its own run suffix and product URLs, so
// only what the target did is compared. Changes are in scenario ID order.
func Diff(before, after *Run) Drift {
	jobsB, jobsA := jobDurations(before, after)
	b, a := clone(before), clone(after)
	Normalize(b)
	Normalize(a)
	b.Finish()
	a.Finish()
	d := Drift{Before: before.RunID, After: after.RunID, Versions: VersionChanges(before, after)}
	old := map[string]*Scenario{}
	for i := range b.Scenarios {
		old[b.Scenarios[i].ID] = &b.Scenarios[i]
	}
	seen := map[string]bool{}
	for i := range a.Scenarios {
		s := &a.Scenarios[i]
		seen[s.ID] = true
		p, ok := old[s.ID]
		if !ok {
			d.Appeared = append(d.Appeared, OutcomeChange{ID: s.ID, Title: s.Title, After: s.Outcome, Reason: s.Reason})
			continue
		}
		if p.Outcome != s.Outcome {
			c := OutcomeChange{ID: s.ID, Title: s.Title, Before: p.Outcome, After: s.Outcome, Reason: s.Reason}
			switch {
			case p.Outcome == Passed && bad(s.Outcome):
				d.Regressions = append(d.Regressions, c)
			case bad(p.Outcome) && s.Outcome == Passed:
				d.Fixes = append(d.Fixes, c)
			default:
				d.Changed = append(d.Changed, c)
			}
		}
		d.Observations = append(d.Observations, observationChanges(s.ID, recorded(p, jobsB[s.ID]), recorded(s, jobsA[s.ID]))...)
	}
	for _, s := range b.Scenarios {
		if !seen[s.ID] {
			d.Disappeared = append(d.Disappeared, OutcomeChange{ID: s.ID, Title: s.Title, Before: s.Outcome, Reason: s.Reason})
		}
	}
	return d
}

// bad outcomes are the ones where the target broke a rule or gave no
// usable answer; known is a failure the baseline accepts, still a failure.
func bad(o Outcome) bool { return o == Failed || o == Inconclusive || o == Known }

// recordedValue is one key and value a scenario recorded, in order.
type recordedValue struct{ key, value string }

// recorded lists what drift compares for one scenario: its observations,
// the order of magnitude of a polled job's duration, and the status of
// every answer by role ("status of request", "status of
// then #2"), since a status that changes is drift even where no row asked
// to observe it. A key recorded twice gets " #2".
func recorded(s *Scenario, jobDuration string) []recordedValue {
	var out []recordedValue
	count := map[string]int{}
	add := func(k, v string) {
		count[k]++
		if n := count[k]; n > 1 {
			k = fmt.Sprintf("%s #%d", k, n)
		}
		out = append(out, recordedValue{k, v})
	}
	for _, o := range s.Observations {
		add(o.Key, o.Value)
	}
	for _, e := range s.Exchanges {
		// Polls answer "in progress" a varying number of times.
		if e.Role == "poll" {
			continue
		}
		v := fmt.Sprint(e.Status)
		if e.Error != "" {
			v = "no answer: " + e.Error
		}
		add("status of "+e.Role, v)
	}
	if jobDuration != "" {
		add("job duration", jobDuration)
	}
	return out
}

// jobDurations are the duration classes of the scenarios that followed a
// job in each run, read before Normalize blanks the seconds. A job is
// drift only when its durations are an order of magnitude apart: the
// longer at least ten times the shorter, in another class. Two durations
// closer than that get the same class on both sides, so a job of 0.95 s
// before and 1.05 s after (a loaded machine, a busy tenant) is no drift
// though the classes' boundary lies between them.
func jobDurations(before, after *Run) (b, a map[string]string) {
	secsB, secsA := jobSeconds(before), jobSeconds(after)
	b, a = map[string]string{}, map[string]string{}
	for id, sb := range secsB {
		b[id] = durationClass(sb)
	}
	for id, sa := range secsA {
		a[id] = durationClass(sa)
		if sb, ok := secsB[id]; ok && !orderApart(sb, sa) {
			a[id] = b[id]
		}
	}
	return b, a
}

// orderApart reports whether one duration is at least ten times the other.
func orderApart(x, y float64) bool {
	lo, hi := min(x, y), max(x, y)
	return hi >= 10*lo
}

// jobSeconds are the seconds of the scenarios that followed a job.
func jobSeconds(r *Run) map[string]float64 {
	m := map[string]float64{}
	for i := range r.Scenarios {
		if s := &r.Scenarios[i]; polled(s) {
			m[s.ID] = s.Seconds
		}
	}
	return m
}

// polled reports whether the scenario followed a job by polling.
func polled(s *Scenario) bool {
	for _, e := range s.Exchanges {
		if e.Role == "poll" {
			return true
		}
	}
	return false
}

// durationClass is a job's duration as an order of magnitude: the seconds
// themselves differ on every run, a job that took minutes instead of
// under a second is drift.
func durationClass(secs float64) string {
	switch {
	case secs < 1:
		return "under 1 s"
	case secs < 10:
		return "1 to 10 s"
	case secs < 60:
		return "10 to 60 s"
	}
	return "over 60 s"
}

func observationChanges(id string, before, after []recordedValue) []ObservationChange {
	old := map[string]string{}
	for _, r := range before {
		old[r.key] = r.value
	}
	var out []ObservationChange
	seen := map[string]bool{}
	for _, r := range after {
		seen[r.key] = true
		if p, ok := old[r.key]; !ok || p != r.value {
			out = append(out, ObservationChange{ID: id, Key: r.key, Before: p, After: r.value})
		}
	}
	for _, r := range before {
		if !seen[r.key] {
			out = append(out, ObservationChange{ID: id, Key: r.key, Before: r.value})
		}
	}
	return out
}

// WriteJSON writes the diff for machines.
func (d Drift) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// WriteText writes the diff as aligned tables for a person at a terminal.
func (d Drift) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	if h := VersionsHeadline(d.Versions); h != "" {
		fmt.Fprintf(tw, "vendor releases: %s\n", h)
	}
	if d.Empty() {
		fmt.Fprintf(tw, "no change between %s and %s\n", orDash(d.Before), orDash(d.After))
		return tw.Flush()
	}
	for _, sec := range d.sections() {
		if len(sec.changes) == 0 {
			continue
		}
		fmt.Fprintf(tw, "%s (%d)\n", sec.title, len(sec.changes))
		for _, c := range sec.changes {
			fmt.Fprintf(tw, "  %s\t%s\t→ %s\t%s\n", c.ID, orDash(string(c.Before)), orDash(string(c.After)), oneLine(c.Reason))
		}
		fmt.Fprintln(tw)
	}
	if len(d.Observations) > 0 {
		fmt.Fprintf(tw, "observations that changed (%d)\n", len(d.Observations))
		for _, o := range d.Observations {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t→ %s\n", o.ID, o.Key, orDash(oneLine(o.Before)), orDash(oneLine(o.After)))
		}
	}
	return tw.Flush()
}

// WriteMarkdown writes the diff for a pull request or a CI job summary.
func (d Drift) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	verdict := "no regression"
	if d.Regressed() {
		verdict = fmt.Sprintf("%d regressed", len(d.Regressions))
	}
	fmt.Fprintf(&b, "## Conformance drift: %s\n\n`%s` → `%s`\n\n", verdict, orDash(d.Before), orDash(d.After))
	if h := VersionsHeadline(d.Versions); h != "" {
		fmt.Fprintf(&b, "Vendor releases: %s\n\n", h)
	}
	if d.Empty() {
		b.WriteString("Nothing changed.\n")
	}
	for _, sec := range d.sections() {
		if len(sec.changes) == 0 {
			continue
		}
		fmt.Fprintf(&b, "### %s (%d)\n\n| scenario | before | after | reason |\n|---|---|---|---|\n", capitalise(sec.title), len(sec.changes))
		for _, c := range sec.changes {
			fmt.Fprintf(&b, "| `%s` %s | %s | %s | %s |\n", c.ID, mdText(c.Title), orDash(string(c.Before)), orDash(string(c.After)), mdText(c.Reason))
		}
		b.WriteByte('\n')
	}
	if len(d.Observations) > 0 {
		fmt.Fprintf(&b, "### Observations that changed (%d)\n\n| scenario | key | before | after |\n|---|---|---|---|\n", len(d.Observations))
		for _, o := range d.Observations {
			fmt.Fprintf(&b, "| `%s` | `%s` | %s | %s |\n", o.ID, mdText(o.Key), mdCode(o.Before), mdCode(o.After))
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

type diffSection struct {
	title   string
	changes []OutcomeChange
}

func (d Drift) sections() []diffSection {
	return []diffSection{
		{"regressions", d.Regressions}, {"fixes", d.Fixes}, {"other outcome changes", d.Changed},
		{"appeared", d.Appeared}, {"disappeared", d.Disappeared},
	}
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// oneLine keeps a table row on one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func mdCode(s string) string {
	if s == "" {
		return "–"
	}
	return "`" + strings.ReplaceAll(mdText(s), "`", "'") + "`"
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
