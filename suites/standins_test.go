package suites

import (
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/ledger"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
)

// A scenario given stand-ins runs with them, its ledger puts back theirs,
// and its record names exactly the vars that differ from the config's.
func TestStandInsAreUsedAndRecorded(t *testing.T) {
	env := &Env{Vars: scenario.Vars{Var: map[string]string{
		"oig_user_1": "24", "epm_user_1": "jdoe", "epm_user_1_first_name": "John", "oig_organization": "Finance"}}, Results: NewResults()}
	sc := &scenario.Scenario{ID: "OIG-X-001", Title: "t", API: "oig"}
	r := &Run{Env: env, S: sc, rec: env.Results.Declare(sc, "fixtures/x.yaml:1"), ledger: ledger.New(nil, nil)}
	r.Vars = env.Vars
	r.useVars(map[string]string{"oig_user_1": "30", "epm_user_1": "jdoe2", "oig_organization": "Finance"})
	if r.Vars.Var["oig_user_1"] != "30" || r.Vars.Run != env.Vars.Run {
		t.Fatalf("the run's vars are %v", r.Vars)
	}
	got := r.rec.s.StandIns
	if len(got) != 2 || got["oig_user_1"] != "30" || got["epm_user_1"] != "jdoe2" {
		t.Fatalf("recorded stand-ins %v, want oig_user_1=30 and epm_user_1=jdoe2 only", got)
	}
	if env.Vars.Var["oig_user_1"] != "24" {
		t.Fatal("the run's shared vars changed")
	}
	r2 := &Run{Env: env, S: sc, rec: env.Results.Declare(&scenario.Scenario{ID: "OIG-X-002", API: "oig"}, "x"), ledger: ledger.New(nil, nil)}
	r2.useVars(nil)
	if r2.rec.s.StandIns != nil {
		t.Fatal("a scenario run with the config's users records stand-ins")
	}
}
