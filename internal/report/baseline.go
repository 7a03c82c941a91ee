package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Baseline is the list of accepted deviations: failures a team has looked
// at and decided to live with for now (a vendor bug with a ticket, a
// documented difference of their pod), each with a reason and a date by
// which to look again. See fixtures/baseline.example.yaml.
type Baseline []BaselineEntry

// LoadBaseline reads a baseline file strictly: a YAML list of {id, reason,
// review} with optional product, seen_in, fixed_in and versions; an unknown
// key, a release that is not dotted numbers, a range that does not parse, a missing id or reason, a review that is not a
// YYYY-MM-DD date, or an ID listed twice is an error. An empty file is an
// empty baseline.
func LoadBaseline(path string) (Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	b, err := ParseBaseline(data)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	return b, nil
}

// ParseBaseline reads the text of a baseline file (see LoadBaseline).
func ParseBaseline(data []byte) (Baseline, error) {
	var b Baseline
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&b); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	seen := map[string]bool{}
	for i, e := range b {
		switch {
		case strings.TrimSpace(e.ID) == "":
			return nil, fmt.Errorf("entry %d has no id", i+1)
		case strings.TrimSpace(e.Reason) == "":
			return nil, fmt.Errorf("%s has no reason: say why the deviation is accepted", e.ID)
		case seen[e.ID]:
			return nil, fmt.Errorf("%s is listed twice", e.ID)
		}
		if _, err := time.Parse(time.DateOnly, e.Review); err != nil {
			return nil, fmt.Errorf("%s: review %q is not a date (YYYY-MM-DD)", e.ID, e.Review)
		}
		for _, v := range []struct{ name, value string }{{"seen_in", e.SeenIn}, {"fixed_in", e.FixedIn}} {
			if v.value != "" {
				if _, err := parseRelease(v.value); err != nil {
					return nil, fmt.Errorf("%s: %s %q is not a release (dotted numbers, e.g. 24.10 or 21.4.0.0.0)", e.ID, v.name, v.value)
				}
			}
		}
		if e.Versions != "" {
			if _, _, err := inRange("0", e.Versions); err != nil {
				return nil, fmt.Errorf("%s: versions %q is not a range (e.g. \">= 24.10, < 25.01\"): %v", e.ID, e.Versions, err)
			}
		}
		seen[e.ID] = true
		// A folded YAML block (reason: >) ends in a newline.
		b[i].Reason = strings.TrimSpace(e.Reason)
	}
	return b, nil
}

// baselineNote begins every note ApplyBaseline adds, so applying again
// replaces them instead of adding more.
const baselineNote = "baseline "

// ApplyBaseline marks the run's failures that the baseline lists as Known
// (carrying the entry), so they no longer fail the verdict, and records in
// Run.Baseline and as Notes:
//
//   - stale entries: the scenario ran and passed, or, in a run that was
//     neither filtered nor sharded, no longer exists. An entry whose
//     scenario was skipped, not run or inconclusive is not stale: that run
//     proves nothing about it.
//   - expired entries: today is after the review date.
//
// Stale and expired entries do not change the verdict or the exit code: a
// vendor fixing a bug, or a calendar date passing, must not turn a CI gate
// red on a day nothing changed. They are in every report (summary.md,
// report.html, junit.xml's system-out, report.json) for a person to act on.
// An expired entry still accepts its failure.
//
// Applying twice, or applying another baseline, starts from the run as it
// was before: Known scenarios are failed again first.
func (r *Run) ApplyBaseline(b Baseline, file string, today time.Time) {
	for i := range r.Scenarios {
		if s := &r.Scenarios[i]; s.Outcome == Known {
			s.Outcome, s.Known = Failed, nil
		}
	}
	r.Notes = slices.DeleteFunc(r.Notes, func(n string) bool { return strings.HasPrefix(n, baselineNote) })
	index := map[string]int{}
	for i, s := range r.Scenarios {
		index[s.ID] = i
	}
	whole := len(r.Shards) == 0 && r.LabelFilter == ""
	day := today.Format(time.DateOnly)
	res := &BaselineResult{File: file}
	for _, e := range b {
		i, present := index[e.ID]
		release := Unknown
		if product := e.Product; product != "" {
			release = r.VendorVersion(product)
		} else if present {
			release = r.VendorVersion(r.Scenarios[i].Product)
		}
		// The range decides whether the entry applies; a release the run
		// could not read is given the benefit of the doubt.
		if e.Versions != "" {
			if in, ok, _ := inRange(release, e.Versions); ok && !in {
				res.OutOfRange = append(res.OutOfRange, e.ID)
				continue
			}
		}
		switch {
		case present && r.Scenarios[i].Outcome == Failed:
			entry := e
			r.Scenarios[i].Outcome, r.Scenarios[i].Known = Known, &entry
			res.Known = append(res.Known, e.ID)
			if e.FixedIn != "" {
				if late, ok := atOrAfter(release, e.FixedIn); ok && late {
					res.Overdue = append(res.Overdue, e.ID)
				}
			}
		case present && r.Scenarios[i].Outcome == Passed, !present && whole:
			res.Stale = append(res.Stale, e.ID)
		}
		if e.Review < day {
			res.Expired = append(res.Expired, e.ID)
		}
	}
	r.Baseline = res
	r.Notes = append(r.Notes, res.notes()...)
	r.Finish()
}

func (res *BaselineResult) notes() []string {
	var out []string
	if len(res.Stale) > 0 {
		out = append(out, fmt.Sprintf("%s%s: stale, their scenarios pass or no longer exist (remove them): %s",
			baselineNote, res.File, strings.Join(res.Stale, ", ")))
	}
	if len(res.Overdue) > 0 {
		out = append(out, fmt.Sprintf("%s%s: OVERDUE, still failing at or after the release said to fix them (chase the vendor): %s",
			baselineNote, res.File, strings.Join(res.Overdue, ", ")))
	}
	if len(res.OutOfRange) > 0 {
		out = append(out, fmt.Sprintf("%s%s: not applied, the release seen is outside their versions range: %s",
			baselineNote, res.File, strings.Join(res.OutOfRange, ", ")))
	}
	if len(res.Expired) > 0 {
		out = append(out, fmt.Sprintf("%s%s: past their review date (review them): %s",
			baselineNote, res.File, strings.Join(res.Expired, ", ")))
	}
	return out
}
