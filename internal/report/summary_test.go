package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// summaryKey is the key summary.json counts an outcome under, as Summary
// documents: its name with "_" for the blank ("not run" is not_run).
func summaryKey(o Outcome) string { return strings.ReplaceAll(string(o), " ", "_") }

// summary.json counts every outcome under its key (summaryKey), and names
// the scenarios without a verdict: an outcome added to the model without a
// key in the summary fails here.
func TestSummaryCountsEveryOutcome(t *testing.T) {
	run := &Run{}
	for i, o := range Outcomes {
		for j := 0; j <= i; j++ {
			run.Scenarios = append(run.Scenarios, Scenario{ID: fmt.Sprintf("%s-%d", summaryKey(o), j), API: "epm-v2", Outcome: o})
		}
	}
	run.Finish()
	var b bytes.Buffer
	if err := WriteSummaryJSON(&b, run); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for i, o := range Outcomes {
		if n, _ := got[summaryKey(o)].(float64); int(n) != i+1 {
			t.Errorf("summary.json %s = %v, want %d (the %q scenarios)", summaryKey(o), got[summaryKey(o)], i+1, o)
		}
	}
	for _, o := range []Outcome{Failed, Inconclusive, NotRun} {
		ids, _ := got[summaryKey(o)+"_ids"].([]any)
		if len(ids) == 0 {
			t.Errorf("summary.json names no %s scenarios (%s_ids)", o, summaryKey(o))
		}
	}
	if got["not_run"] == nil {
		t.Error(`summary.json lost its published key not_run`)
	}
}
