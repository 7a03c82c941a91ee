package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/claim"
	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/generate"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
	"github.com/oracle-users-conformance/conformance/suites"
)

func mockScenarios(t *testing.T) ([]*scenario.Scenario, *contract.Catalog, *config.Config) {
	t.Helper()
	cat, err := contract.Builtin() // loaded once for the package's tests, not per call
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
	cfg, err := config.Load(filepath.Join("..", "..", "fixtures", "targets", "mock.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return all, cat, &cfg
}

// Under --procs a scenario runs with stand-ins (shard_vars) while its own
// users are held, and with the users vars name when they are free; a row
// naming a user literally is never offered stand-ins, since its body would
// not follow them.
func TestAScenarioRunsWithStandInsWhileItsUsersAreHeld(t *testing.T) {
	all, cat, cfg := mockScenarios(t)
	board := claim.NewBoard().Handler()
	var mu sync.Mutex
	asked := map[string]claim.Request{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req claim.Request
		if json.Unmarshal(body, &req) == nil && r.URL.Path == "/claim" {
			mu.Lock()
			asked[req.Scenario] = req
			mu.Unlock()
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		board.ServeHTTP(w, r)
	}))
	defer srv.Close()
	env := &suites.Env{Selected: all}
	shareScenarios(env, Options{Claim: srv.URL, Proc: 1}, *cfg, fixtures.FS, Mutates(cat))
	ctx := context.Background()
	first, releaseFirst, err := env.Claim(ctx, all[indexOf(all, "OIG-PAYLOAD-001")])
	if err != nil || first["oig_user_1"] != "24" {
		t.Fatalf("the first scenario naming oig_user_1 ran with %q (%v), want 24 (vars)", first["oig_user_1"], err)
	}
	second, releaseSecond, err := env.Claim(ctx, all[indexOf(all, "OIG-PAYLOAD-004")])
	if err != nil || second["oig_user_1"] != "30" || second["epm_user_1"] != "jdoe2" {
		t.Fatalf("the second ran with oig_user_1=%q epm_user_1=%q (%v), want the first stand-in set (30, jdoe2)", second["oig_user_1"], second["epm_user_1"], err)
	}
	releaseSecond()
	releaseFirst()
	again, release, err := env.Claim(ctx, all[indexOf(all, "OIG-FIELD-001")])
	if err != nil || again["oig_user_1"] != "24" {
		t.Fatalf("with 24 free again a scenario ran with %q (%v), want 24", again["oig_user_1"], err)
	}
	release()
	for _, id := range []string{"OIG-DOC-001", "EPM2-QUIRK-002"} {
		_, release, err = env.Claim(ctx, all[indexOf(all, id)])
		if err != nil {
			t.Fatal(err)
		}
		release()
	}
	mu.Lock()
	defer mu.Unlock()
	if alt := asked["OIG-DOC-001"].Alternatives; len(alt) != 0 {
		t.Fatalf("OIG-DOC-001 names usr_key 24 literally, yet offered stand-ins %v", alt)
	}
	if alt := asked["EPM2-QUIRK-002"].Alternatives; len(alt) != 0 {
		t.Fatalf("EPM2-QUIRK-002 names jdoe literally, yet offered stand-ins %v", alt)
	}
	if alt := asked["OIG-FIELD-001"].Alternatives; len(alt) != 3 {
		t.Fatalf("OIG-FIELD-001 offered %d stand-in sets, want 3 (the mock config's shard_vars)", len(alt))
	}
}

// The users a scenario touches include those its flow reads for it: the
// v1 flow's generated rows name every EPM user, and the board must hold
// them although no fixture names them.
func TestAFlowsOwnUsersAreNamed(t *testing.T) {
	all, _, cfg := mockScenarios(t)
	named := Named(fixtures.FS, cfg.Vars)
	got := named(all[indexOf(all, "EPM1-VOLUME-001")])
	for i := 1; i <= 5; i++ {
		if k := "epm_user_" + string(rune('0'+i)); !contains(got, k) {
			t.Fatalf("EPM1-VOLUME-001 writes rows for every EPM user, yet its users are %v (no %s)", got, k)
		}
	}
}

// A stand-in set takes the place of what it names and keeps the rest of
// vars; a declared attribute of a replaced EPM user does not pass to its
// stand-in.
func TestStandInSetsKeepTheRestOfVars(t *testing.T) {
	cfg := config.Config{
		Vars:      map[string]string{"epm_user_1": "jdoe", "epm_user_1_first_name": "John", "oig_user_1": "24"},
		ShardVars: []map[string]string{{"epm_user_1": "jdoe2"}},
	}
	sets := userSets(cfg)
	if len(sets) != 2 || sets[1]["epm_user_1"] != "jdoe2" || sets[1]["oig_user_1"] != "24" {
		t.Fatalf("sets %v", sets)
	}
	if v, ok := sets[1]["epm_user_1_first_name"]; ok {
		t.Fatalf("jdoe2 took jdoe's declared first name %q", v)
	}
	if got := usersIn([]string{"oig_user_1", "epm_user_1", "no_such"}, sets[1]); len(got) != 3 || got[0] != "24" || got[1] != "jdoe2" || got[2] != "no_such" {
		t.Fatalf("usersIn gave %v", got)
	}
}

// Homes go to the processes in proportion to each product's expected
// requests, and a process's own product comes first in its walk.
func TestEachProcessBeginsWithItsHomeProduct(t *testing.T) {
	weights := map[string]int{"essbase": 2, "epm": 1, "oig": 1}
	count := map[string]int{}
	for k := 1; k <= 8; k++ {
		count[weightedTurn(weights, k)]++
	}
	if count["essbase"] != 4 || count["epm"] != 2 || count["oig"] != 2 {
		t.Fatalf("8 processes over weights 2:1:1 got homes %v", count)
	}
	all, cat, _ := mockScenarios(t)
	homes := map[string]bool{}
	for k := 1; k <= 3; k++ {
		prio := homeFirst(all, k, Mutates(cat))
		first := map[string]bool{}
		for _, sc := range all {
			if prio(sc) > 0 {
				first[config.ProductOf(sc.API)] = true
			}
		}
		if len(first) != 1 {
			t.Fatalf("process %d puts first the scenarios of %v, want one product", k, first)
		}
		for p := range first {
			homes[p] = true
		}
	}
	if len(homes) != 3 {
		t.Fatalf("the first three processes begin with %v, want all three products", homes)
	}
}

// A row naming literally a user every shard has its own of runs in part
// 1, whose users are those vars name: EPM2-QUIRK-002 (the document's
// example, naming jdoe) and OIG-DOC-001 (usr_key 24) would otherwise
// change part 1's users from another part.
func TestARowNamingAnOwnUserLiterallyRunsInPartOne(t *testing.T) {
	_, cat, cfg := mockScenarios(t)
	tables, err := generate.All(fixtures.FS, cat, 1)
	if err != nil {
		t.Fatal(err)
	}
	if own := cfg.OwnUsers(4); !own["oig_user_1"] || !own["epm_user_1"] {
		t.Fatalf("the mock config's own users %v lack oig_user_1 or epm_user_1: this test tests nothing", own)
	}
	for k := 2; k <= 4; k++ {
		part, err := selectScenarios(tables, *cfg, fmt.Sprintf("%d/4", k), fixtures.FS, Mutates(cat))
		if err != nil {
			t.Fatal(err)
		}
		for _, sc := range part {
			if sc.ID == "OIG-DOC-001" || sc.ID == "EPM2-QUIRK-002" {
				t.Fatalf("%s names part 1's users literally, yet runs in part %d/4", sc.ID, k)
			}
		}
	}
}
