package report

import (
	"slices"
	"strings"
	"testing"
)

// A baseline entry speaks of releases: fixed_in passed with the failure
// still there is overdue; a versions range the release is outside of does
// not apply, so the failure fails again.
func TestBaselineReleases(t *testing.T) {
	b, err := ParseBaseline([]byte(`
- id: OIG-ERROR-001
  reason: SR 3-1 open; Oracle says fixed in 24.12
  review: 2099-01-01
  product: epm
  seen_in: "24.10"
  fixed_in: "24.12"
- id: ESS-PAYLOAD-003
  reason: only our 21.3 stack
  review: 2099-01-01
  versions: ">= 21.3, < 21.4"
`))
	if err != nil {
		t.Fatal(err)
	}
	run := func(epm, essbase string) *Run {
		r := sampleRun()
		for i := range r.Products {
			switch r.Products[i].Name {
			case "epm":
				r.Products[i].Version = epm
			case "essbase":
				r.Products[i].Version = essbase
			}
		}
		for i := range r.Scenarios {
			if id := r.Scenarios[i].ID; id == "OIG-ERROR-001" || id == "ESS-PAYLOAD-003" {
				r.Scenarios[i].Outcome = Failed
			}
		}
		r.Finish()
		return r
	}
	outcome := func(r *Run, id string) Outcome {
		for _, s := range r.Scenarios {
			if s.ID == id {
				return s.Outcome
			}
		}
		return ""
	}
	early := run("24.11.1", "21.3.0.0.0")
	early.ApplyBaseline(b, "b.yaml", day("2026-12-01"))
	if len(early.Baseline.Overdue) != 0 || len(early.Baseline.OutOfRange) != 0 {
		t.Errorf("before fixed_in and inside the range: %+v", early.Baseline)
	}
	if outcome(early, "ESS-PAYLOAD-003") != Known || outcome(early, "OIG-ERROR-001") != Known {
		t.Errorf("both entries should accept their failures: %s", outcomeList(early))
	}
	late := run("24.12.0", "21.4.0.0.0")
	late.ApplyBaseline(b, "b.yaml", day("2026-12-01"))
	if !slices.Equal(late.Baseline.Overdue, []string{"OIG-ERROR-001"}) {
		t.Errorf("overdue %v, want OIG-ERROR-001 (epm 24.12.0 is at fixed_in 24.12)", late.Baseline.Overdue)
	}
	if !slices.Equal(late.Baseline.OutOfRange, []string{"ESS-PAYLOAD-003"}) || outcome(late, "ESS-PAYLOAD-003") != Failed {
		t.Errorf("essbase 21.4 is outside >= 21.3, < 21.4: %+v, %s", late.Baseline, outcome(late, "ESS-PAYLOAD-003"))
	}
	var md strings.Builder
	_ = WriteMarkdown(&md, late)
	if !strings.Contains(md.String(), "OVERDUE") || !strings.Contains(md.String(), "epm 24.12.0") {
		t.Errorf("summary.md names neither the overdue entry nor the release:\n%s", md.String())
	}
	if _, err := ParseBaseline([]byte("- id: A-1\n  reason: r\n  review: 2027-01-31\n  fixed_in: soon\n")); err == nil {
		t.Error("a fixed_in that is no release was accepted")
	}
	if _, err := ParseBaseline([]byte("- id: A-1\n  reason: r\n  review: 2027-01-31\n  versions: \"=> 1\"\n")); err == nil {
		t.Error("a range that does not parse was accepted")
	}
}

func outcomeList(r *Run) string {
	var b strings.Builder
	for _, s := range r.Scenarios {
		b.WriteString(s.ID + "=" + string(s.Outcome) + " ")
	}
	return b.String()
}

// Compare names what differs where both sides ran, leaves out what one
// side skipped and what differed between two runs of the same side.
func TestCompareLearnsNoiseAndSkips(t *testing.T) {
	a1, a2, b1, b2 := sampleRun(), sampleRun(), sampleRun(), sampleRun()
	set := func(r *Run, id string, o Outcome, status int) {
		for i := range r.Scenarios {
			if r.Scenarios[i].ID == id {
				if o != "" {
					r.Scenarios[i].Outcome = o
				}
				if len(r.Scenarios[i].Exchanges) > 0 && status != 0 {
					r.Scenarios[i].Exchanges[0].Status = status
				}
			}
		}
	}
	ids := []string{}
	for _, s := range a1.Scenarios {
		ids = append(ids, s.ID)
	}
	if len(ids) < 3 {
		t.Fatal("the sample run has too few scenarios")
	}
	// ids[0] differs between the sides; ids[1] is skipped on b; ids[2]'s
	// status differs between two runs of side a: volatile.
	set(b1, ids[0], Failed, 599)
	set(b2, ids[0], Failed, 599)
	set(b1, ids[1], Skipped, 0)
	set(b2, ids[1], Skipped, 0)
	set(a2, ids[2], "", 598)
	set(b1, ids[2], "", 597)
	for _, r := range []*Run{a1, a2, b1, b2} {
		r.Finish()
	}
	b1.Products[1].Version = "21.5.0.0.0"
	c := Compare("test", "prod", []*Run{a1, a2}, []*Run{b1, b2})
	var got []string
	for _, o := range c.Outcomes {
		got = append(got, o.ID)
	}
	for _, o := range c.Observations {
		got = append(got, o.ID+" "+o.Key)
		if o.ID == ids[2] {
			t.Errorf("a value that differed between two runs of one side was compared: %+v", o)
		}
	}
	if len(c.Outcomes) == 0 || c.Outcomes[0].ID != ids[0] {
		t.Errorf("outcome differences %v, want %s", got, ids[0])
	}
	skipped := false
	for _, s := range c.Skipped {
		skipped = skipped || (s.ID == ids[1] && s.Side == "prod")
		if s.ID == ids[1] {
			for _, o := range c.Outcomes {
				if o.ID == ids[1] {
					t.Errorf("a scenario skipped on one side is shown as a difference")
				}
			}
		}
	}
	if !skipped {
		t.Errorf("%s skipped on prod is not listed: %+v", ids[1], c.Skipped)
	}
	if !c.Differs() || !strings.Contains(c.Headline(), "essbase 21.4.0.0.0 → 21.5.0.0.0") {
		t.Errorf("headline %q", c.Headline())
	}
	same := Compare("a", "b", []*Run{sampleRun(), sampleRun()}, []*Run{sampleRun(), sampleRun()})
	if same.Differs() {
		t.Errorf("identical runs differ: %+v", same)
	}
}
