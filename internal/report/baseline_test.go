package report

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestLoadBaseline(t *testing.T) {
	b, err := LoadBaseline("../../fixtures/baseline.example.yaml")
	if err != nil {
		t.Fatalf("the example baseline: %v", err)
	}
	if len(b) == 0 || b[0].ID == "" || b[0].Reason == "" {
		t.Fatalf("example baseline %+v", b)
	}
	good, err := ParseBaseline([]byte("- id: EPM2-PAYLOAD-007\n  reason: SR 3-41 open\n  review: 2027-01-31\n"))
	if err != nil || len(good) != 1 || good[0].Review != "2027-01-31" {
		t.Fatalf("%+v, %v", good, err)
	}
	if empty, err := ParseBaseline(nil); err != nil || len(empty) != 0 {
		t.Fatalf("an empty file: %+v, %v", empty, err)
	}
	for name, text := range map[string]string{
		"unknown key":    "- id: A-1\n  reason: r\n  review: 2027-01-31\n  owner: me\n",
		"no reason":      "- id: A-1\n  review: 2027-01-31\n",
		"blank reason":   "- id: A-1\n  reason: '  '\n  review: 2027-01-31\n",
		"bad date":       "- id: A-1\n  reason: r\n  review: 2027-02-30\n",
		"no date":        "- id: A-1\n  reason: r\n",
		"date with time": "- id: A-1\n  reason: r\n  review: 2027-01-31T10:00:00Z\n",
		"no id":          "- reason: r\n  review: 2027-01-31\n",
		"twice":          "- {id: A-1, reason: r, review: 2027-01-31}\n- {id: A-1, reason: s, review: 2027-01-31}\n",
		"not a list":     "id: A-1\n",
	} {
		if _, err := ParseBaseline([]byte(text)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	path := filepath.Join(t.TempDir(), "b.yaml")
	if err := os.WriteFile(path, []byte("- id: A-1\n  review: 2027-01-31\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadBaseline(path); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "A-1 has no reason") {
		t.Errorf("error %v should name the file and the entry", err)
	}
}

func TestApplyBaseline(t *testing.T) {
	b := Baseline{
		{ID: "EPM2-PAYLOAD-007", Reason: "SR 3-41 open with Oracle", Review: "2027-01-31"},
		{ID: "OIG-ERROR-001", Reason: "fixed in 14.1.2.1?", Review: "2026-11-30"}, // passes: stale, and expired
		{ID: "ESS-AUTH-002", Reason: "skipped here", Review: "2027-01-31"},        // skipped: proves nothing
		{ID: "EPM2-GONE-001", Reason: "a removed row", Review: "2027-01-31"},      // absent from an unfiltered run: stale
	}
	r := sampleRun()
	r.Scenarios[0].Outcome = Passed // EPM1-JOB-002: leave one failure only
	r.Finish()
	if r.Verdict != VerdictNotConformant {
		t.Fatalf("verdict %q before the baseline", r.Verdict)
	}
	r.ApplyBaseline(b, "fixtures/baseline.yaml", day("2026-12-01"))
	s := r.Scenarios[1]
	if s.ID != "EPM2-PAYLOAD-007" || s.Outcome != Known || s.Known == nil || s.Known.Reason != "SR 3-41 open with Oracle" {
		t.Fatalf("the listed failure: %+v", s)
	}
	if r.Verdict != VerdictPartial { // a skipped and a not-run scenario remain
		t.Fatalf("verdict %q with the failure known", r.Verdict)
	}
	res := r.Baseline
	if res.File != "fixtures/baseline.yaml" || !slices.Equal(res.Known, []string{"EPM2-PAYLOAD-007"}) ||
		!slices.Equal(res.Stale, []string{"OIG-ERROR-001", "EPM2-GONE-001"}) || !slices.Equal(res.Expired, []string{"OIG-ERROR-001"}) {
		t.Fatalf("baseline result %+v", res)
	}
	notes := strings.Join(r.Notes, "\n")
	if !strings.Contains(notes, "(remove them): OIG-ERROR-001, EPM2-GONE-001") || !strings.Contains(notes, "past their review date (review them): OIG-ERROR-001") {
		t.Fatalf("notes %q", r.Notes)
	}
	// Applying again (or another baseline) starts from the failures.
	r.ApplyBaseline(Baseline{}, "empty.yaml", day("2026-12-01"))
	if r.Scenarios[1].Outcome != Failed || r.Scenarios[1].Known != nil || r.Verdict != VerdictNotConformant {
		t.Fatalf("after an empty baseline: %+v, verdict %q", r.Scenarios[1], r.Verdict)
	}
	if strings.Contains(strings.Join(r.Notes, "\n"), "stale") {
		t.Fatalf("notes of the earlier baseline kept: %q", r.Notes)
	}
	// In a filtered run an absent scenario is not stale.
	r.LabelFilter = "api:oig"
	r.ApplyBaseline(b, "b.yaml", day("2026-12-01"))
	if slices.Contains(r.Baseline.Stale, "EPM2-GONE-001") {
		t.Fatalf("an absent scenario of a filtered run reported stale: %+v", r.Baseline)
	}
	// The review day itself is not expired.
	r.ApplyBaseline(b, "b.yaml", day("2026-11-30"))
	if len(r.Baseline.Expired) != 0 {
		t.Fatalf("expired on its review day: %+v", r.Baseline)
	}
}

// FuzzParseBaseline: whatever the file holds, parsing returns entries that
// keep the rules or an error, and never panics.
func FuzzParseBaseline(f *testing.F) {
	f.Add([]byte("- id: EPM2-PAYLOAD-007\n  reason: SR open\n  review: 2027-01-31\n"))
	f.Add([]byte("- {id: A, reason: r, review: 2027-02-30}\n"))
	f.Add([]byte("[]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseBaseline(data)
		if err != nil {
			return
		}
		for _, e := range b {
			if strings.TrimSpace(e.ID) == "" || strings.TrimSpace(e.Reason) == "" {
				t.Fatalf("accepted an entry without id or reason: %+v", e)
			}
			if _, err := time.Parse(time.DateOnly, e.Review); err != nil {
				t.Fatalf("accepted review %q", e.Review)
			}
		}
	})
}
