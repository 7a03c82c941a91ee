package report

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// shards splits the sample run in two by scenario: epm in the first,
// essbase and oig in the second, as two machines would run them.
func shards() (*Run, *Run) {
	a, b := sampleRun(), sampleRun()
	a.Shards, b.Shards = []string{"1/2"}, []string{"2/2"}
	a.Scenarios = slices.DeleteFunc(a.Scenarios, func(s Scenario) bool { return !strings.HasPrefix(s.API, "epm") })
	b.Scenarios = slices.DeleteFunc(b.Scenarios, func(s Scenario) bool { return strings.HasPrefix(s.API, "epm") })
	a.Leftovers = nil
	b.Started, b.Seconds = "2026-12-01T21:14:10.52Z", 100 // started 7 s later, ran longer
	b.Throttled = Throttle{Waits: 1, Seconds: 2}
	b.Notes = append(b.Notes, "essbase answered 503 twice")
	a.Finish()
	b.Finish()
	return a, b
}

func TestMerge(t *testing.T) {
	a, b := shards()
	m, err := Merge(b, a)
	if err != nil {
		t.Fatal(err)
	}
	whole := sampleRun()
	if len(m.Scenarios) != len(whole.Scenarios) || m.Counts.Total != 7 || m.Verdict != whole.Verdict {
		t.Fatalf("merged %d scenarios, counts %+v, verdict %q", len(m.Scenarios), m.Counts, m.Verdict)
	}
	for i := range m.Scenarios {
		if m.Scenarios[i].ID != whole.Scenarios[i].ID {
			t.Fatalf("scenario %d is %s, want %s (ID order)", i, m.Scenarios[i].ID, whole.Scenarios[i].ID)
		}
	}
	if !slices.Equal(m.Shards, []string{"1/2", "2/2"}) || m.Throttled.Waits != 3 || m.Throttled.Seconds != 5.5 {
		t.Fatalf("shards %v, throttled %+v", m.Shards, m.Throttled)
	}
	if len(m.Notes) != 2 || len(m.Leftovers) != 1 || m.RunID != "cnfab12" {
		t.Fatalf("notes %q (each once), leftovers %+v, run id %q", m.Notes, m.Leftovers, m.RunID)
	}
	if m.Started != a.Started || m.Seconds != 107 {
		t.Fatalf("started %s, seconds %v: want the earliest start and the span to the latest end", m.Started, m.Seconds)
	}
	// The merged report renders like any other.
	var out bytes.Buffer
	if err := WriteJSON(&out, m); err != nil {
		t.Fatal(err)
	}
	if err := validate(t, compileSchema(t), out.Bytes()); err != nil {
		t.Fatal(err)
	}
}

func TestMergeRules(t *testing.T) {
	a, b := shards()
	if _, err := Merge(a, a); err == nil || !strings.Contains(err.Error(), "EPM1-JOB-002 is in report 1 (inconclusive) and report 2") {
		t.Fatalf("the same shard twice: %v", err)
	}
	// A shard interrupted before OIG-ERROR-001 started, another that ran it.
	c := clone(a)
	c.Scenarios = []Scenario{{ID: "OIG-ERROR-001", API: "oig", Outcome: NotRun, Reason: "interrupted"}}
	c.Interrupted = "SIGTERM"
	m, err := Merge(c, b)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(m.Scenarios, func(s Scenario) bool { return s.ID == "OIG-ERROR-001" })
	if m.Scenarios[i].Outcome != Passed || m.Interrupted != "SIGTERM" || m.Verdict != VerdictInterrupted {
		t.Fatalf("not run + passed gave %+v, interrupted %q, verdict %q", m.Scenarios[i], m.Interrupted, m.Verdict)
	}
	d := clone(b)
	d.Seed = 7
	if _, err := Merge(a, d); err == nil || !strings.Contains(err.Error(), "seed 7") {
		t.Fatalf("different seeds: %v", err)
	}
	if _, err := Merge(); err == nil {
		t.Fatal("merging nothing")
	}
	// Products: covered by any shard.
	e := clone(b)
	e.Products[0].Covered = false
	if m, _ := Merge(a, e); !m.Products[0].Covered {
		t.Fatal("a product one shard covered is covered")
	}
}

func TestMergeBaseline(t *testing.T) {
	a, b := shards()
	bl := Baseline{
		{ID: "EPM2-PAYLOAD-007", Reason: "SR open", Review: "2027-01-31"},
		{ID: "OIG-ERROR-001", Reason: "old", Review: "2026-01-31"},
	}
	a.ApplyBaseline(bl, "baseline.yaml", day("2026-12-01"))
	b.ApplyBaseline(bl, "baseline.yaml", day("2026-12-01"))
	m, err := Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	res := m.Baseline
	if !slices.Equal(res.Known, []string{"EPM2-PAYLOAD-007"}) || !slices.Equal(res.Stale, []string{"OIG-ERROR-001"}) || !slices.Equal(res.Expired, []string{"OIG-ERROR-001"}) {
		t.Fatalf("merged baseline %+v", res)
	}
	n := 0
	for _, note := range m.Notes {
		if strings.HasPrefix(note, baselineNote) {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("baseline notes %q: want one stale and one expired note, not one per shard", m.Notes)
	}
	c := clone(b)
	c.Baseline.File = "other.yaml"
	if _, err := Merge(a, c); err == nil {
		t.Fatal("two baselines merged")
	}
}

// A note that counts is one note of the merged run with the parts' sum;
// other notes are kept once each.
func TestMergeAddsCountedNotes(t *testing.T) {
	a, b := shards()
	const epm = " requests changed EPM users that no documented API can read back"
	a.Notes = []string{"24" + epm, "essbase answered 503 twice"}
	b.Notes = []string{"essbase answered 503 twice", "13" + epm, "2 scenarios skipped for vars.epm_user_1"}
	m, err := Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"37" + epm, "essbase answered 503 twice", "2 scenarios skipped for vars.epm_user_1"}
	if !slices.Equal(m.Notes, want) {
		t.Fatalf("notes %q, want %q", m.Notes, want)
	}
}
