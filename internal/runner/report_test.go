package runner

import (
	"testing"

	"github.com/onsi/ginkgo/v2/types"
)

func spec(id, api string, state types.SpecState, msg string, labels ...string) types.SpecReport {
	return types.SpecReport{
		LeafNodeType:   types.NodeTypeIt,
		LeafNodeText:   id + " title",
		LeafNodeLabels: append([]string{"api:" + api}, labels...),
		State:          state,
		Failure:        types.Failure{Message: msg},
	}
}

// Pass, fail, skip with a reason and filtered out are different outcomes,
// and the verdict says so (GUIDE.md, "Honest outcomes").
func TestSummarizeVerdicts(t *testing.T) {
	cases := []struct {
		name  string
		specs types.SpecReports
		want  string
	}{
		{"all passed", types.SpecReports{spec("EPM2-A-1", "epm-v2", types.SpecStatePassed, "")}, "conformant"},
		{"one skipped with a reason", types.SpecReports{
			spec("EPM2-A-1", "epm-v2", types.SpecStatePassed, ""),
			spec("EPM2-A-2", "epm-v2", types.SpecStateSkipped, "changes data"),
		}, "partial"},
		{"filtered out only", types.SpecReports{
			spec("EPM2-A-1", "epm-v2", types.SpecStatePassed, ""),
			spec("OIG-A-1", "oig", types.SpecStateSkipped, ""),
		}, "conformant"},
		{"a failure", types.SpecReports{
			spec("EPM2-A-1", "epm-v2", types.SpecStatePassed, ""),
			spec("EPM2-A-2", "epm-v2", types.SpecStateFailed, "boom"),
		}, "not conformant"},
		{"nothing ran", types.SpecReports{spec("OIG-A-1", "oig", types.SpecStateSkipped, "")}, "nothing ran"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := Summarize(types.Report{SpecReports: tc.specs})
			if s.Verdict != tc.want {
				t.Fatalf("verdict %q, want %q (%+v)", s.Verdict, tc.want, s)
			}
			if _, listed := s.ByAPI["oig"]; listed && tc.name == "filtered out only" {
				t.Error("an API the filter left out has a line in the summary")
			}
		})
	}
}

func TestSummarizeCountsGeneratedPerOperation(t *testing.T) {
	s := Summarize(types.Report{SpecReports: types.SpecReports{
		spec("GEN-updateUsersV2-valid", "epm-v2", types.SpecStatePassed, "", "op:updateUsersV2"),
		spec("GEN-updateUsersV2-noauth", "epm-v2", types.SpecStateFailed, "x", "op:updateUsersV2"),
	}})
	g := s.Generated["updateUsersV2"]
	if g == nil || g.Passed != 1 || g.Failed != 1 || len(s.FailedIDs) != 1 || s.FailedIDs[0] != "GEN-updateUsersV2-noauth" {
		t.Fatalf("%+v %+v", g, s)
	}
}
