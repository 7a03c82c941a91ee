package quirks_test

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/quirks"
	"github.com/oracle-users-conformance/conformance/specs"
)

// Every reconciliation table of the register holds for the spec it names:
// the decisions recorded against the vendor's artefact are what the spec
// says.
func TestSpecsHoldTheirReconciliations(t *testing.T) {
	qs, err := quirks.Load(fixtures.FS, "quirks")
	if err != nil {
		t.Fatal(err)
	}
	tables := 0
	for _, q := range qs {
		r := q.Reconciliation
		if r == nil {
			continue
		}
		tables++
		if len(r.Rows) == 0 || r.Artefact == "" {
			t.Errorf("%s: a reconciliation needs an artefact and rows", q.ID)
		}
		data, err := fs.ReadFile(specs.FS, r.Spec)
		if err != nil {
			t.Fatalf("%s: %v", q.ID, err)
		}
		doc, err := quirks.ParseSpec(data)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range r.Check(doc) {
			t.Errorf("%s (%s) against specs/%s: %s", q.ID, q.File, r.Spec, p)
		}
	}
	if tables == 0 {
		t.Error("the register holds no reconciliation table")
	}
}

// The check can fail: a spec that drifts from a decision is reported.
func TestReconciliationCatchesDrift(t *testing.T) {
	doc, err := quirks.ParseSpec([]byte("components:\n  schemas:\n    User:\n      properties:\n        token: {type: array}\n"))
	if err != nil {
		t.Fatal(err)
	}
	r := &quirks.Reconciliation{Rows: []quirks.Row{
		{Element: "/components/schemas/User/properties/token/type", Artefact: "a", Why: "w", Decision: "follow", Holds: quirks.Holds{Equals: "string"}},
		{Element: "/components/schemas/Link", Artefact: "a", Why: "w", Decision: "add", Holds: quirks.Holds{Present: true}},
		{Element: "/components/schemas/User", Artefact: "a", Why: "w", Decision: "leave-out", Holds: quirks.Holds{Absent: true}},
		{Element: "/components/schemas/User/properties", Artefact: "a", Why: "w", Decision: "maybe", Holds: quirks.Holds{Keys: []string{"id"}}},
	}}
	got := strings.Join(r.Check(doc), "\n")
	for _, want := range []string{"want string, found array", "no such element", "must not", "not follow", "want keys [id]"} {
		if !strings.Contains(got, want) {
			t.Errorf("no problem says %q:\n%s", want, got)
		}
	}
}
