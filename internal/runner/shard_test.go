package runner

import (
	"testing"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/generate"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
	"github.com/oracle-users-conformance/conformance/internal/shard"
	"github.com/oracle-users-conformance/conformance/specs"
)

// No two shards change the same fixture user: every scenario that changes
// data and names a config user runs in the shard that owns the user; every
// scenario is in exactly one shard; and the split is by ID, so it does not
// depend on the order of the tables.
func TestShardsNeverShareAUserTheyChange(t *testing.T) {
	cat, err := contract.Load(specs.FS)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := generate.All(fixtures.FS, cat, 1)
	if err != nil {
		t.Fatal(err)
	}
	var all []*scenario.Scenario
	for _, tb := range tables {
		for i := range tb.Scenarios {
			all = append(all, &tb.Scenarios[i])
		}
	}
	mutates := Mutates(cat)
	for _, n := range []int{2, 3, 4} {
		owner := shard.Assign(all, n, fixtures.FS, mutates, nil)
		changedIn := map[string]map[int]bool{}
		changing := 0
		for _, sc := range all {
			part, ok := owner[sc.ID]
			if !ok || part < 1 || part > n {
				t.Fatalf("%s has part %d of %d", sc.ID, part, n)
			}
			if !mutates(sc) {
				continue
			}
			changing++
			for _, v := range sc.VarsUsed(fixtures.FS) {
				if changedIn[v] == nil {
					changedIn[v] = map[int]bool{}
				}
				changedIn[v][part] = true
			}
		}
		for v, parts := range changedIn {
			if len(parts) > 1 {
				t.Errorf("%d shards: vars.%s is changed from shards %v", n, v, parts)
			}
		}
		reversed := make([]*scenario.Scenario, len(all))
		for i, sc := range all {
			reversed[len(all)-1-i] = sc
		}
		again := shard.Assign(reversed, n, fixtures.FS, mutates, nil)
		for id, p := range owner {
			if again[id] != p {
				t.Errorf("%d shards: %s moved from %d to %d when the tables were read in another order", n, id, p, again[id])
			}
		}
		if changing < 100 {
			t.Errorf("only %d scenarios are seen to change data", changing)
		}
	}
}
