package suites

import (
	"encoding/json"
	"os"
	"slices"
	"testing"
)

// The report schema's list of rule names is the code's: the judge's rules
// and one per registered flow. A rule added or renamed in code without the
// schema (or the reverse) fails here.
func TestSchemaListsTheRulesOfTheCode(t *testing.T) {
	data, err := os.ReadFile("../internal/report/report.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Defs map[string]struct {
			Properties map[string]struct {
				Enum []string `json:"enum"`
			} `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatal(err)
	}
	got := schema.Defs["violation"].Properties["rule"].Enum
	want := ruleNames()
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("report.schema.json's violation.rule enum is %q; the code's rules are %q", got, want)
	}
}
