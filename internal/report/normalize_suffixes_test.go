package report

import "testing"

// A run of several workers (or a merge of processes' reports) names what
// it creates with one suffix each; run_id joins them with "+", and each is
// normalised wherever it shows.
func TestEverySuffixOfARunIsNormalised(t *testing.T) {
	v := newScrubber(&Run{RunID: "cnfxy9+k3m8qa+ab"})
	cases := map[string]string{
		"User cnfxy9cdu001 not found":              "User {run}cdu001 not found",
		"User cnf-k3m8qa-nobody not found":         "User cnf-{run}-nobody not found",
		"a suffix under four characters stays: ab": "a suffix under four characters stays: ab",
	}
	for in, want := range cases {
		if got := v.scrub(in); got != want {
			t.Errorf("scrub(%q) = %q, want %q", in, got, want)
		}
	}
}
