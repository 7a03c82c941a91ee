package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// nextNight is the sample run again a night later: another run suffix,
// start, host and job id, different durations, and four real changes.
func nextNight() *Run {
	r := clone(sampleRun())
	r.RunID, r.Started, r.Seconds = "cnfzz98", "2026-12-02T21:14:00Z", 90
	const other = "https://epm-test-a1b2.epm.us-ashburn-1.ocs.oraclecloud.com"
	r.Products[0].URL = other
	for i := range r.Scenarios {
		s := &r.Scenarios[i]
		s.Seconds *= 1.7
		for j := range s.Exchanges {
			e := &s.Exchanges[j]
			e.Millis *= 2
			for _, p := range []*string{&e.URL, &e.RequestBody, &e.ResponseBody} {
				*p = strings.ReplaceAll(strings.ReplaceAll(*p, epmURL, other), "cnfab12", "cnfzz98")
			}
			e.ResponseBody = strings.ReplaceAll(e.ResponseBody, "1733087643", "1733174040")
			e.URL = strings.ReplaceAll(e.URL, "1733087643", "1733174040")
		}
		s.Reason = strings.ReplaceAll(s.Reason, "cnfab12", "cnfzz98")
		switch s.ID {
		case "EPM2-PAYLOAD-007": // fixed by the vendor
			s.Outcome, s.Reason, s.Violations = Passed, "", nil
			s.Observations[1].Value = `[{"userlogin":"cnfzz98nobody","errorcode":"EPMCSS-21100","errormessage":"User does not exist"}]`
		case "OIG-ERROR-001": // broken by the upgrade
			s.Outcome, s.Reason = Failed, "status 200, want 400: the update without X-Requested-By was accepted"
		case "GEN-updateUsersV2-missing-users.userlogin": // another error code
			s.Observations[0].Value = `"EPMCSS-21000"`
		}
	}
	r.Scenarios = append(r.Scenarios, Scenario{ID: "OIG-PAYLOAD-010", Title: "a new row", API: "oig", Outcome: Passed})
	r.Scenarios = r.Scenarios[1:] // EPM1-JOB-002 is gone
	r.Finish()
	return r
}

func TestDiff(t *testing.T) {
	d := Diff(sampleRun(), nextNight())
	if !d.Regressed() || len(d.Regressions) != 1 || d.Regressions[0].ID != "OIG-ERROR-001" || d.Regressions[0].After != Failed {
		t.Fatalf("regressions %+v", d.Regressions)
	}
	if len(d.Fixes) != 1 || d.Fixes[0].ID != "EPM2-PAYLOAD-007" {
		t.Fatalf("fixes %+v", d.Fixes)
	}
	if len(d.Appeared) != 1 || d.Appeared[0].ID != "OIG-PAYLOAD-010" || len(d.Disappeared) != 1 || d.Disappeared[0].ID != "EPM1-JOB-002" {
		t.Fatalf("appeared %+v, disappeared %+v", d.Appeared, d.Disappeared)
	}
	var keys []string
	for _, o := range d.Observations {
		keys = append(keys, o.ID+" "+o.Key)
	}
	want := []string{"EPM2-PAYLOAD-007 details.faileditems", "GEN-updateUsersV2-missing-users.userlogin error.errorcode"}
	if strings.Join(keys, "\n") != strings.Join(want, "\n") {
		t.Fatalf("observation changes %q, want only %q (run suffix, host, job id and durations are no change)", keys, want)
	}
	if got := d.Observations[0].After; !strings.Contains(got, "{run}nobody") {
		t.Errorf("observed value not normalised: %s", got)
	}
	same := Diff(sampleRun(), sampleRun())
	if !same.Empty() || same.Regressed() {
		t.Fatalf("a run against itself: %+v", same)
	}
	// A changed status is drift even where no row observes it.
	a := sampleRun()
	a.Scenarios[3].Exchanges[1].Status = 200 // ESS-PAYLOAD-003's undo
	sd := Diff(sampleRun(), a)
	if len(sd.Observations) != 1 || sd.Observations[0].Key != "status of undo" || sd.Observations[0].Before != "503" {
		t.Fatalf("status change %+v", sd.Observations)
	}
}

func TestDiffOutputs(t *testing.T) {
	d := Diff(sampleRun(), nextNight())
	var text, md, js bytes.Buffer
	if err := d.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := d.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if err := d.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	golden(t, "diff/diff.txt", text.Bytes())
	golden(t, "diff/diff.md", md.Bytes())
	golden(t, "diff/diff.json", js.Bytes())
	var back Drift
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || len(back.Regressions) != 1 {
		t.Fatalf("diff JSON does not read back: %v %+v", err, back)
	}
	var none bytes.Buffer
	if err := Diff(sampleRun(), sampleRun()).WriteText(&none); err != nil || !strings.Contains(none.String(), "\nno change between cnfab12 and cnfab12") || !strings.HasPrefix(none.String(), "vendor releases: epm 24.10.60") {
		t.Fatalf("no change: %q %v", none.String(), err)
	}
}

// A job's duration is drift only an order of magnitude apart: across the
// boundary of two classes but close (a loaded machine), it is no change.
func TestJobDurationIsDriftOnlyAnOrderApart(t *testing.T) {
	job := -1
	for i := range sampleRun().Scenarios {
		if polled(&sampleRun().Scenarios[i]) {
			job = i
			break
		}
	}
	if job < 0 {
		t.Fatal("the sample run has no scenario that polled a job: this test tests nothing")
	}
	durationChanges := func(before, after float64) int {
		b, a := sampleRun(), sampleRun()
		b.Scenarios[job].Seconds, a.Scenarios[job].Seconds = before, after
		n := 0
		for _, o := range Diff(b, a).Observations {
			if o.Key == "job duration" {
				n++
			}
		}
		return n
	}
	for _, c := range []struct {
		before, after float64
		want          int
	}{
		{0.95, 1.05, 0}, {1.05, 0.95, 0}, {9.5, 11, 0}, {0.4, 3, 0},
		{0.3, 12, 1}, {12, 0.3, 1}, {2, 65, 1},
	} {
		if got := durationChanges(c.before, c.after); got != c.want {
			t.Errorf("a job of %g s, then %g s: %d duration changes, want %d", c.before, c.after, got, c.want)
		}
	}
}

// A scenario that ran with a stand-in (another user, free at its turn) is
// no drift against a run where it had the user its vars name: the
// stand-in is put back as a word of its own, and nowhere else.
func TestStandInsAreNoDrift(t *testing.T) {
	run := func(user, key string, standIn bool) *Run {
		r := sampleRun()
		s := &r.Scenarios[0]
		s.Observations = []Observation{{Key: "details", Value: "Failed to update user " + user + " (300 rows, 30s, user chris21 untouched)"}}
		s.Exchanges = []Exchange{{Role: "send", Method: "GET", URL: epmURL + "/users/" + key, Status: 200}}
		if standIn {
			s.StandIns = map[string]string{"epm_user_2": user, "oig_user_1": key}
			s.StandInFor = map[string]string{"epm_user_2": "chris", "oig_user_1": "24"}
		}
		return r
	}
	if d := Diff(run("chris", "24", false), run("chris2", "30", true)); !d.Empty() {
		t.Fatalf("stand-ins chris2 and 30 for chris and 24 are drift: %+v", d.Observations)
	}
	// Without the record of what it stood in for, it is what it was: drift.
	if d := Diff(run("chris", "24", false), run("chris2", "30", false)); len(d.Observations) == 0 {
		t.Fatal("another user, not recorded as a stand-in, is no drift")
	}
	// Only words: the 30 of "300" and of "30s" stay.
	b := run("chris2", "30", true)
	Normalize(b)
	if got := b.Scenarios[0].Observations[0].Value; !strings.Contains(got, "user chris (") || !strings.Contains(got, "user chris21 untouched") {
		t.Errorf("put back: %q", got)
	}
}
