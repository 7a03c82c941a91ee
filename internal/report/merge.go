package report

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Merge combines the reports of one run split across processes or machines
// (shards) into one report, as if one process had run everything:
//
//   - Scenarios are unioned. The same scenario ID in two reports is an
//     error (the shards overlapped, or a report was given twice), except
//     when one copy is "not run": a shard interrupted before the scenario
//     started and a shard that ran it merge into the one that ran it.
//   - The seed must be the same everywhere: generated scenarios differ
//     between seeds, so their results cannot be combined.
//   - Counts and the verdict are recomputed; Shards are listed; notes (each
//     once) and leftovers are concatenated; Interrupted is kept if any
//     shard was; throttle waits are summed; a product is covered if any
//     shard covered it.
//   - Started is the earliest start and Seconds the span to the latest end.
//   - Baseline results must name one file; known and expired entries are
//     unioned, and an entry is stale if some shard found it stale and none
//     found it known.
//
// The inputs are not changed.
func Merge(runs ...*Run) (*Run, error) {
	if len(runs) == 0 {
		return nil, errors.New("merge: no reports")
	}
	out := &Run{Version: Version, Tool: runs[0].Tool, Seed: runs[0].Seed}
	var runIDs, filters, stops []string
	products := map[string]int{}
	where := map[string]int{} // scenario ID -> index in out.Scenarios
	from := map[string]int{}  // scenario ID -> which input it came from
	var start, end time.Time
	for n, in := range runs {
		in = clone(in)
		if in.Seed != out.Seed {
			return nil, fmt.Errorf("merge: report %d ran with seed %d, report 1 with %d: generated scenarios differ between seeds", n+1, in.Seed, out.Seed)
		}
		runIDs = appendNew(runIDs, in.RunID)
		filters = appendNew(filters, in.LabelFilter)
		stops = appendNew(stops, in.Interrupted)
		out.Shards = append(out.Shards, in.Shards...)
		for _, note := range in.Notes {
			if !strings.HasPrefix(note, baselineNote) {
				out.Notes = addNote(out.Notes, note)
			}
		}
		out.Leftovers = append(out.Leftovers, in.Leftovers...)
		out.Throttled.Waits += in.Throttled.Waits
		out.Throttled.Seconds += in.Throttled.Seconds
		if t, err := time.Parse(time.RFC3339Nano, in.Started); err == nil {
			if start.IsZero() || t.Before(start) {
				start = t
			}
			if e := t.Add(time.Duration(in.Seconds * float64(time.Second))); e.After(end) {
				end = e
			}
		}
		out.Seconds = max(out.Seconds, in.Seconds)
		for _, p := range in.Products {
			i, ok := products[p.Name]
			if !ok {
				products[p.Name] = len(out.Products)
				out.Products = append(out.Products, p)
				continue
			}
			q := &out.Products[i]
			q.Covered = q.Covered || p.Covered
			if q.URL == "" {
				q.URL = p.URL
			}
			// Shards of one run read the release each; the first one
			// read is the run's.
			if q.Version == "" && p.Version != "" {
				q.Version, q.Build, q.VersionNote = p.Version, p.Build, ""
			}
			if p.Breaker != "" && !strings.Contains(q.Breaker, p.Breaker) {
				q.Breaker = strings.TrimPrefix(q.Breaker+"; "+p.Breaker, "; ")
			}
		}
		for _, s := range in.Scenarios {
			i, dup := where[s.ID]
			switch {
			case !dup:
				where[s.ID], from[s.ID] = len(out.Scenarios), n
				out.Scenarios = append(out.Scenarios, s)
			case s.Outcome == NotRun:
				// The copy already there ran, or was not run either.
			case out.Scenarios[i].Outcome == NotRun:
				out.Scenarios[i], from[s.ID] = s, n
			default:
				return nil, fmt.Errorf("merge: scenario %s is in report %d (%s) and report %d (%s): did the shards overlap?",
					s.ID, from[s.ID]+1, out.Scenarios[i].Outcome, n+1, s.Outcome)
			}
		}
		if err := mergeBaseline(out, in.Baseline); err != nil {
			return nil, fmt.Errorf("merge: report %d: %w", n+1, err)
		}
	}
	if !start.IsZero() {
		out.Started = start.Format(time.RFC3339Nano)
		out.Seconds = end.Sub(start).Seconds()
	}
	out.RunID = strings.Join(runIDs, "+")
	if len(filters) == 1 {
		out.LabelFilter = filters[0]
	} else if len(filters) > 1 {
		out.LabelFilter = "(" + strings.Join(filters, ") || (") + ")"
	}
	out.Interrupted = strings.Join(stops, "; ")
	slices.Sort(out.Shards)
	out.Shards = slices.Compact(out.Shards)
	if b := out.Baseline; b != nil {
		b.Stale = slices.DeleteFunc(b.Stale, func(id string) bool { return slices.Contains(b.Known, id) })
		out.Notes = append(out.Notes, b.notes()...)
	}
	out.Finish()
	return out, nil
}

func mergeBaseline(out *Run, in *BaselineResult) error {
	if in == nil {
		return nil
	}
	if out.Baseline == nil {
		out.Baseline = &BaselineResult{File: in.File}
	}
	b := out.Baseline
	if b.File != in.File {
		return fmt.Errorf("baseline %s, another report used %s", in.File, b.File)
	}
	for _, id := range in.Known {
		b.Known = appendNew(b.Known, id)
	}
	for _, id := range in.Stale {
		b.Stale = appendNew(b.Stale, id)
	}
	for _, id := range in.Expired {
		b.Expired = appendNew(b.Expired, id)
	}
	return nil
}

// appendNew appends s unless it is empty or already there.
// addNote adds a part's note to the merged run's. Notes that count ("24
// requests changed EPM users ...") are the sum of the parts' counts: one
// note of the run, as an unsplit run would have said it.
func addNote(notes []string, note string) []string {
	n, rest, ok := counted(note)
	if ok {
		for i, have := range notes {
			if m, r, ok := counted(have); ok && r == rest {
				notes[i] = strconv.Itoa(n+m) + rest
				return notes
			}
		}
	}
	return appendNew(notes, note)
}

// counted splits a note that begins with a count.
func counted(note string) (n int, rest string, ok bool) {
	i := strings.IndexFunc(note, func(r rune) bool { return r < '0' || r > '9' })
	if i <= 0 || note[i] != ' ' {
		return 0, "", false
	}
	n, err := strconv.Atoi(note[:i])
	return n, note[i:], err == nil
}

func appendNew(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
