package report

import (
	"encoding/json"
	"io"
)

// Summary is summary.json: the verdict and counts in a shape small enough
// for a shell script (`jq .failed_ids`). report.json has everything.
//
// The keys are snake_case and stable for scripts: the outcome "not run"
// is counted under not_run (and named in not_run_ids), as every other
// outcome under its own name.
type Summary struct {
	Verdict      string   `json:"verdict"`
	Passed       int      `json:"passed"`
	Failed       int      `json:"failed"`
	Skipped      int      `json:"skipped"`
	NotRun       int      `json:"not_run"`
	Inconclusive int      `json:"inconclusive"`
	Known        int      `json:"known"`
	FailedIDs    []string `json:"failed_ids,omitempty"`
	// InconclusiveIDs and NotRunIDs name the scenarios without a verdict.
	InconclusiveIDs []string `json:"inconclusive_ids,omitempty"`
	NotRunIDs       []string `json:"not_run_ids,omitempty"`
	Interrupted     string   `json:"interrupted,omitempty"`
}

// Summarize is the summary of a finished run.
func Summarize(run *Run) Summary {
	b := run.Counts.By
	s := Summary{Verdict: run.Verdict, Passed: b[Passed], Failed: b[Failed], Skipped: b[Skipped],
		NotRun: b[NotRun], Inconclusive: b[Inconclusive], Known: b[Known], Interrupted: run.Interrupted}
	for _, sc := range run.Scenarios {
		switch sc.Outcome {
		case Failed:
			s.FailedIDs = append(s.FailedIDs, sc.ID)
		case Inconclusive:
			s.InconclusiveIDs = append(s.InconclusiveIDs, sc.ID)
		case NotRun:
			s.NotRunIDs = append(s.NotRunIDs, sc.ID)
		}
	}
	return s
}

// WriteSummaryJSON is the summary.json reporter.
func WriteSummaryJSON(w io.Writer, run *Run) error {
	b, err := json.MarshalIndent(Summarize(run), "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
