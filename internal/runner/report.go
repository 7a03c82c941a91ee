package runner

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
)

// Summary counts outcomes per API. Pass, fail, skip-with-reason and
// harness errors stay apart (GUIDE.md, "Honest outcomes").
type Summary struct {
	Verdict string               `json:"verdict"` // conformant, partial, not conformant, nothing ran
	Ran     int                  `json:"ran"`
	Passed  int                  `json:"passed"`
	Failed  int                  `json:"failed"`
	Skipped int                  `json:"skipped"`
	Errors  int                  `json:"harness_errors"`
	ByAPI   map[string]*APICount `json:"by_api"`
	// Generated counts the scenarios derived from the specs, per operation.
	Generated map[string]*APICount `json:"generated_by_operation"`
	// SkipReasons counts skipped scenarios by reason.
	SkipReasons map[string]int `json:"skip_reasons,omitempty"`
	// FailedIDs lists the scenarios that failed, by ID.
	FailedIDs []string `json:"failed_ids,omitempty"`
}

// APICount is one API's line of the summary.
type APICount struct {
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
}

// Summarize reads Ginkgo's report.
func Summarize(r Report) Summary {
	s := Summary{ByAPI: map[string]*APICount{}, Generated: map[string]*APICount{}, SkipReasons: map[string]int{}}
	for _, spec := range r.SpecReports {
		if spec.LeafNodeType != types.NodeTypeIt {
			if spec.State.Is(types.SpecStateFailureStates) {
				s.Errors++
			}
			continue
		}
		api, op := "other", ""
		for _, l := range spec.Labels() {
			if a, ok := strings.CutPrefix(l, "api:"); ok {
				api = a
			}
			if o, ok := strings.CutPrefix(l, "op:"); ok {
				op = o
			}
		}
		// A spec the label filter left out is skipped without a message: it
		// is no outcome of this target and gets no line in the summary.
		if spec.State == types.SpecStateSkipped && spec.Failure.Message == "" {
			continue
		}
		c := count(s.ByAPI, api)
		g := &APICount{} // discarded unless generated
		if op != "" {
			g = count(s.Generated, op)
		}
		id, _, _ := strings.Cut(spec.LeafNodeText, " ")
		switch {
		case spec.State == types.SpecStatePassed:
			s.Passed++
			c.Passed++
			g.Passed++
		case spec.State.Is(types.SpecStateFailureStates):
			s.Failed++
			c.Failed++
			g.Failed++
			s.FailedIDs = append(s.FailedIDs, id)
		case spec.State == types.SpecStateSkipped:
			s.Skipped++
			c.Skipped++
			g.Skipped++
			s.SkipReasons[spec.Failure.Message]++
		}
	}
	s.Ran = s.Passed + s.Failed
	switch {
	case s.Failed > 0 || s.Errors > 0:
		s.Verdict = "not conformant"
	case s.Ran == 0:
		s.Verdict = "nothing ran"
	case s.Skipped > 0:
		s.Verdict = "partial"
	default:
		s.Verdict = "conformant"
	}
	return s
}

func count(m map[string]*APICount, key string) *APICount {
	c := m[key]
	if c == nil {
		c = &APICount{}
		m[key] = c
	}
	return c
}

// Print writes the summary for a person.
func (s Summary) Print(w io.Writer) {
	fmt.Fprintf(w, "\nConformance summary: %s\n", s.Verdict)
	apis := make([]string, 0, len(s.ByAPI))
	for a := range s.ByAPI {
		apis = append(apis, a)
	}
	sort.Strings(apis)
	for _, a := range apis {
		c := s.ByAPI[a]
		fmt.Fprintf(w, "  %-10s %4d passed %4d failed %4d skipped\n", a, c.Passed, c.Failed, c.Skipped)
	}
	if len(s.Generated) > 0 {
		fmt.Fprintln(w, "  generated from the specs, per operation:")
		ops := make([]string, 0, len(s.Generated))
		for o := range s.Generated {
			ops = append(ops, o)
		}
		sort.Strings(ops)
		for _, o := range ops {
			c := s.Generated[o]
			fmt.Fprintf(w, "    %-22s %4d passed %4d failed %4d skipped\n", o, c.Passed, c.Failed, c.Skipped)
		}
	}
	for reason, n := range s.SkipReasons {
		fmt.Fprintf(w, "  skipped %d: %s\n", n, reason)
	}
	if len(s.FailedIDs) > 0 {
		fmt.Fprintf(w, "  failed: %s\n", strings.Join(s.FailedIDs, ", "))
	}
	if s.Errors > 0 {
		fmt.Fprintf(w, "  harness errors outside scenarios: %d\n", s.Errors)
	}
	fmt.Fprintf(w, "%d passed, %d failed, %d skipped\n", s.Passed, s.Failed, s.Skipped)
}

// trimmed keeps the exchanges of failed specs only, so CI tools digest
// junit.xml quickly; report.json keeps every exchange as evidence.
func trimmed(r Report) Report {
	specs := make(types.SpecReports, len(r.SpecReports))
	copy(specs, r.SpecReports)
	for i := range specs {
		if !specs[i].State.Is(types.SpecStateFailureStates) {
			specs[i].ReportEntries = nil
		}
	}
	r.SpecReports = specs
	return r
}

// writeReports writes junit.xml (names begin with the scenario ID, no labels
// in names so history stays stable, exchanges kept only for failures),
// report.json (Ginkgo's full report: every exchange of every spec) and
// summary.json.
func writeReports(dir string, r Report, s Summary) error {
	junit := filepath.Join(dir, "junit.xml")
	err := reporters.GenerateJUnitReportWithConfig(trimmed(r), junit, reporters.JunitReportConfig{
		OmitLeafNodeType:          true,
		OmitSpecLabels:            true,
		OmitSuiteSetupNodes:       true,
		OmitTimelinesForSpecState: types.SpecStatePassed | types.SpecStateSkipped,
		OmitCapturedStdOutErr:     true,
	})
	if err != nil {
		return err
	}
	if err := reporters.GenerateJSONReport(r, filepath.Join(dir, "report.json")); err != nil {
		return err
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "summary.json"), b, 0o644)
}
