package runner

import (
	"testing"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
	"github.com/oracle-users-conformance/conformance/internal/shard"
)

// No two shards change the same fixture user: every scenario that changes
// data and names a config user runs in the shard that owns the user; every
// scenario is in exactly one shard; and the split is by ID, so it does not
// depend on the order of the tables.
func TestShardsNeverShareAUserTheyChange(t *testing.T) {
	// The mock config's users: a row may name one literally (OIG-DOC-001,
	// the document's example, names usr_key 24), and it is owned too.
	all, cat, mockCfg := mockScenarios(t)
	mutates := Mutates(cat)
	named := shard.Users(fixtures.FS, mockCfg.Vars)
	if lit := all[indexOf(all, "OIG-DOC-001")].VarsNamedLiterally(fixtures.FS, mockCfg.Vars); !contains(lit, "oig_user_1") {
		t.Fatalf("OIG-DOC-001 names usr_key 24 literally, yet its literal users are %v", lit)
	}
	for _, n := range []int{2, 3, 4} {
		owner := shard.Assign(all, n, named, mutates, nil)
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
			for _, v := range named(sc) {
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
		again := shard.Assign(reversed, n, named, mutates, nil)
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

func indexOf(all []*scenario.Scenario, id string) int {
	for i, sc := range all {
		if sc.ID == id {
			return i
		}
	}
	panic("no scenario " + id)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// A shard with users of its own never restores them to the first shard's
// declared attributes.
func TestAShardNeverRestoresItsUsersToAnotherUsersAttributes(t *testing.T) {
	base := map[string]string{"epm_user_1": "jdoe", "epm_user_1_first_name": "John", "epm_user_1_last_name": "Doe", "epm_user_1_email": "jdoe@example.com",
		"epm_user_2": "chris", "epm_user_2_first_name": "Chris", "epm_user_2_last_name": "Newton", "epm_user_2_email": "chris@example.com"}
	shard := map[string]string{}
	for k, v := range base {
		shard[k] = v
	}
	shard["epm_user_1"] = "jdoe2"
	got := keepOwnAttributes(base, shard)
	if _, ok := got["epm_user_1_email"]; ok {
		t.Errorf("jdoe2 would be restored to jdoe's attributes: %v", got)
	}
	if got["epm_user_2_email"] != "chris@example.com" {
		t.Errorf("chris's declared attributes were dropped: %v", got)
	}
}
