package report

import (
	"bytes"
	"testing"
)

func TestVerdicts(t *testing.T) {
	sc := func(outcomes ...Outcome) []Scenario {
		var out []Scenario
		for i, o := range outcomes {
			out = append(out, Scenario{ID: string(rune('A' + i)), API: "oig", Outcome: o})
		}
		return out
	}
	covered := []Product{{Name: "oig", Covered: true}}
	cases := []struct {
		name        string
		run         Run
		want        string
		exit        int
		interrupted string
	}{
		{"all passed", Run{Products: covered, Scenarios: sc(Passed, Passed)}, VerdictConformant, ExitConformant, ""},
		{"known does not fail", Run{Products: covered, Scenarios: sc(Passed, Known)}, VerdictConformant, ExitConformant, ""},
		{"a failure", Run{Products: covered, Scenarios: sc(Passed, Failed, Inconclusive, Skipped)}, VerdictNotConformant, ExitNotConformant, ""},
		{"inconclusive beats gaps", Run{Products: covered, Scenarios: sc(Passed, Inconclusive, NotRun)}, VerdictInconclusive, ExitInconclusive, ""},
		{"a skip is partial", Run{Products: covered, Scenarios: sc(Passed, Skipped)}, VerdictPartial, ExitConformant, ""},
		{"not run is partial", Run{Products: covered, Scenarios: sc(Passed, NotRun)}, VerdictPartial, ExitConformant, ""},
		{"a product not covered is partial", Run{Products: []Product{{Name: "oig", Covered: true}, {Name: "epm"}}, Scenarios: sc(Passed)}, VerdictPartial, ExitConformant, ""},
		{"everything skipped ran nothing", Run{Products: covered, Scenarios: sc(Skipped, Skipped)}, VerdictNothingRan, ExitInconclusive, ""},
		{"no scenarios", Run{Products: covered}, VerdictNothingRan, ExitInconclusive, ""},
		{"interrupted beats a failure", Run{Products: covered, Scenarios: sc(Failed, NotRun)}, VerdictInterrupted, ExitInterrupted, "SIGINT"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := c.run
			r.Interrupted = c.interrupted
			r.Finish()
			if r.Verdict != c.want {
				t.Fatalf("verdict %q, want %q", r.Verdict, c.want)
			}
			if got := ExitCode(r.Verdict); got != c.exit {
				t.Fatalf("exit code %d, want %d", got, c.exit)
			}
		})
	}
}

func TestExitCodeNeverBadConfig(t *testing.T) {
	for _, v := range []string{VerdictConformant, VerdictPartial, VerdictNotConformant, VerdictInconclusive, VerdictInterrupted, VerdictNothingRan, "a verdict of a newer tool"} {
		if ExitCode(v) == ExitBadConfig {
			t.Errorf("verdict %q maps to ExitBadConfig, which is reserved", v)
		}
	}
	if ExitCode("a verdict of a newer tool") != ExitInconclusive {
		t.Error("an unknown verdict must prove nothing")
	}
}

func TestFinishSortsAndCounts(t *testing.T) {
	r := sampleRun()
	var ids []string
	for _, s := range r.Scenarios {
		ids = append(ids, s.ID)
	}
	want := []string{"EPM1-JOB-002", "EPM2-PAYLOAD-007", "ESS-AUTH-002", "ESS-PAYLOAD-003", "GEN-updateUsersV2-missing-users.userlogin", "OIG-ERROR-001", "OIG-PAYLOAD-004"}
	if len(ids) != len(want) {
		t.Fatalf("scenarios %v", ids)
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("order %v, want %v", ids, want)
		}
	}
	c := r.Counts
	if c.Total != 7 || c.By[Passed] != 3 || c.By[Failed] != 1 || c.By[Skipped] != 1 || c.By[NotRun] != 1 || c.By[Inconclusive] != 1 {
		t.Fatalf("counts %+v", c)
	}
	if c.ByAPI["epm-v2"][Failed] != 1 || c.ByAPI["epm-v2"][Passed] != 1 || c.ByAPI["oig"][NotRun] != 1 || c.ByAPI["essbase"][Skipped] != 1 {
		t.Fatalf("counts by API %+v", c.ByAPI)
	}
	if r.Verdict != VerdictNotConformant {
		t.Fatalf("verdict %q", r.Verdict)
	}
}

// TestGolden pins every format of the sample run; -update rewrites them
// after a deliberate change, and the diff of testdata/ is the review.
func TestGolden(t *testing.T) {
	for _, f := range Files {
		t.Run(f.Name, func(t *testing.T) {
			var b bytes.Buffer
			if err := f.Write(&b, sampleRun()); err != nil {
				t.Fatal(err)
			}
			golden(t, "sample/"+f.Name, b.Bytes())
		})
	}
}

func TestWriteAll(t *testing.T) {
	dir := t.TempDir() + "/out"
	if err := WriteAll(dir, sampleRun()); err != nil {
		t.Fatal(err)
	}
	for _, f := range Files {
		var want bytes.Buffer
		if err := f.Write(&want, sampleRun()); err != nil {
			t.Fatal(err)
		}
		got := readFile(t, dir+"/"+f.Name)
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%s written by WriteAll differs from its writer's output", f.Name)
		}
	}
}
