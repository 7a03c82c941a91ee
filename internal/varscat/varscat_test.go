package varscat_test

import (
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
	"github.com/oracle-users-conformance/conformance/internal/varscat"
)

// Every key a scenario names is described, and every described key is named
// by some scenario: a description of nothing, or a key nobody can look up,
// is a defect.
func TestCatalogueMatchesScenarios(t *testing.T) {
	cat, err := varscat.Load(fixtures.FS)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := scenario.LoadDir(fixtures.FS, "scenarios")
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, tb := range tables {
		for i := range tb.Scenarios {
			for _, k := range tb.Scenarios[i].VarsUsed(fixtures.FS) {
				used[k] = true
				if _, ok := cat[k]; !ok {
					t.Errorf("%s names vars.%s, which fixtures/vars.yaml does not describe", tb.Scenarios[i].ID, k)
				}
			}
		}
	}
	var unused []string
	for k := range cat {
		if !used[k] {
			unused = append(unused, k)
		}
	}
	sort.Strings(unused)
	for _, k := range unused {
		t.Errorf("fixtures/vars.yaml describes %s, which no scenario names", k)
	}
	if got := cat.Describe("epm_user_1"); got != "vars.epm_user_1 (an existing EPM user the run may change)" {
		t.Errorf("Describe = %q", got)
	}
	if got := cat.Describe("nope"); got != "vars.nope" {
		t.Errorf("Describe of an unknown key = %q", got)
	}
	if users := cat.Of("oig", varscat.User); len(users) != 3 || users[0].Key != "oig_user_1" {
		t.Errorf("Of(oig, user) = %v", users)
	}
}

func TestLoadRefusesAnUnknownKind(t *testing.T) {
	fsys := fstest.MapFS{"vars.yaml": {Data: []byte("a: {product: epm, kind: person, about: x}\n")}}
	if _, err := varscat.Load(fsys); err == nil || !strings.Contains(err.Error(), "person") {
		t.Fatalf("err = %v", err)
	}
}
