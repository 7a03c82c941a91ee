package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// TestMarkdownStaysOneLinePerScenario: a reason from a response body may
// hold newlines, table bars and markup; each scenario stays one list item
// and the list stops at markdownListLimit.
func TestMarkdownStaysOneLinePerScenario(t *testing.T) {
	r := &Run{Products: []Product{{Name: "oig", Covered: true}}}
	for i := range markdownListLimit + 5 {
		r.Scenarios = append(r.Scenarios, Scenario{ID: fmt.Sprintf("OIG-ERROR-%03d", i), API: "oig", Title: "t", Outcome: Failed,
			Reason: "status 500:\n<html><body>| Internal |</body></html>"})
	}
	r.Finish()
	var b bytes.Buffer
	if err := WriteMarkdown(&b, r); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	if strings.Contains(md, "<html>") || strings.Contains(md, "| Internal |") {
		t.Errorf("markup or table bars from a body reached the summary:\n%s", md)
	}
	if n := strings.Count(md, "\n- `OIG-ERROR-"); n != markdownListLimit {
		t.Errorf("%d failed items listed, want the first %d", n, markdownListLimit)
	}
	if !strings.Contains(md, "- … and 5 more: report.html lists them all") {
		t.Error("the cut list does not say how many it left out")
	}
	if !strings.HasPrefix(md, "## Conformance: not conformant\n") || !strings.Contains(md, "Exit code 1.") {
		t.Errorf("head of the summary:\n%.300s", md)
	}
}
