package runner

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/opid"
	"github.com/oracle-users-conformance/conformance/suites"
)

// plan is the plan of every scenario against a target that counts what
// reaches it, with the mock's accounts and vars (vars over them).
func plan(t *testing.T, vars map[string]string) ([]suites.PlannedScenario, int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	cfg := config.Default()
	cfg.Vars = vars
	var got []suites.PlannedScenario
	opts := Options{Plan: true, Embedded: srv.URL, PlanTo: func(_ *suites.Env, p []suites.PlannedScenario) { got = p }}
	if _, err := Run(t, cfg, opts, io.Discard); err != nil {
		t.Fatal(err)
	}
	return got, hits.Load()
}

// --plan runs each row's own flow against a sender that sends nothing: the
// v1 job flow plans its poll of the link the submit answers with a
// placeholder, the OIG flows list their reads of users, and a flow that
// would skip its row says so in the plan.
func TestPlanFollowsTheFlowsAndSendsNothing(t *testing.T) {
	p, hits := plan(t, map[string]string{"oig_user_1": "25"})
	if hits != 0 {
		t.Errorf("the plan sent %d requests", hits)
	}
	polls, reads := 0, 0
	for _, ps := range p {
		for i, pr := range ps.Requests {
			if strings.Contains(pr.URL, "/conformance-plan/") {
				t.Errorf("%s: a placeholder path leaked into the plan: %s", ps.ID, pr.URL)
			}
			switch exchange.Role(pr.Role) {
			case exchange.RolePoll:
				polls++
				prev := ps.Requests[i-1]
				if pr.URL != "(the Job Status link the submit answers)" || pr.Operation != opid.GetUsersJobV1 || pr.Tier != string(exchange.TierRead) ||
					prev.Operation != opid.UpdateUsersV1 || prev.Role != string(exchange.RoleRequest) {
					t.Errorf("%s: the poll is planned as %+v after %+v", ps.ID, pr, prev)
				}
			case exchange.RoleReadBefore:
				reads++
				if pr.Operation != opid.OigGetUser || pr.Tier != string(exchange.TierRead) {
					t.Errorf("%s: a read before is planned as %+v", ps.ID, pr)
				}
			}
		}
		if strings.HasPrefix(ps.Skip, "cannot be planned") {
			t.Errorf("%s: its flow stopped the plan: %s", ps.ID, ps.Skip)
		}
		if ps.ID == "OIG-DOC-001" && !strings.Contains(ps.Skip, "Q-OIG-020") {
			t.Errorf("OIG-DOC-001 on a target whose oig_user_1 is not 24: skip %q, want the flow's reason", ps.Skip)
		}
	}
	if polls == 0 || reads == 0 {
		t.Errorf("%d polls and %d reads before planned; the v1 job and OIG flows plan some of each", polls, reads)
	}
}
