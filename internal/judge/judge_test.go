package judge_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/judge"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
	"github.com/oracle-users-conformance/conformance/specs"
)

func catalog(t *testing.T) *contract.Catalog {
	t.Helper()
	c, err := contract.Load(specs.FS)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The row's expectation: status, headers compared without case (RFC 9110),
// JSON paths on the decoded answer, and alternatives of which one must hold.
func TestExpectations(t *testing.T) {
	answer := &judge.Subject{Status: 200, Header: http.Header{"Content-Type": {"APPLICATION/JSON"}},
		Body: map[string]any{"status": "0", "details": map[string]any{"failed": "1"}}}
	for _, c := range []struct {
		want scenario.Expect
		ok   bool
	}{
		{scenario.Expect{Status: scenario.Statuses{200}}, true},
		{scenario.Expect{Status: scenario.Statuses{400}}, false},
		{scenario.Expect{Status: scenario.Statuses{200}, Headers: map[string]string{"Content-Type": "application/json"}}, true},
		{scenario.Expect{Status: scenario.Statuses{200}, Headers: map[string]string{"Content-Type": "text/csv"}}, false},
		{scenario.Expect{Status: scenario.Statuses{200}, JSON: map[string]any{"details.failed": "1"}}, true},
		{scenario.Expect{Status: scenario.Statuses{200}, JSON: map[string]any{"details.failed": "2"}}, false},
		{scenario.Expect{AnyOf: []scenario.Expect{{Status: scenario.Statuses{400}}, {Status: scenario.Statuses{200}, JSON: map[string]any{"status": "0"}}}}, true},
		{scenario.Expect{AnyOf: []scenario.Expect{{Status: scenario.Statuses{400}}, {Status: scenario.Statuses{401}}}}, false},
	} {
		s := *answer
		want := c.want
		s.Want = &want
		got := judge.Only("expect", "", &s)
		if (len(got) == 0) != c.ok {
			t.Errorf("%+v: problems %v, want ok=%v", c.want, got, c.ok)
		}
	}
}

// A check registered under an operationId the specs do not have would never
// run: Validate says so.
func TestAChecksOperationMustExist(t *testing.T) {
	cat := catalog(t)
	if err := judge.Validate(cat); err != nil {
		t.Fatalf("the registered checks: %v", err)
	}
	judge.Register(judge.Check{Name: "typo", Operation: "updateUsersV3", Run: func(*judge.Subject) []string { return nil }})
	err := judge.Validate(cat)
	if err == nil || !strings.Contains(err.Error(), `"updateUsersV3"`) {
		t.Fatalf("a check for a missing operation passed validation: %v", err)
	}
}
