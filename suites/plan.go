package suites

// --plan: every selected scenario, whether it would run or be skipped and
// why, every request it would send with its tier, and every undo the ledger
// would register. Nothing is sent: the requests are resolved by the same
// client that would send them (exchange.Client.Resolve), so the plan and
// the run cannot disagree on URL or tier.

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/ledger"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
)

// PlannedRequest is one request a scenario would send.
type PlannedRequest struct {
	Role      string `json:"role"`
	Method    string `json:"method"`
	URL       string `json:"url"`
	Tier      string `json:"tier"`
	Operation string `json:"operation,omitempty"`
	Undo      string `json:"undo,omitempty"`
	// Refused says why the road would not send it.
	Refused string `json:"refused,omitempty"`
	// Login is true for a request that logs in with a wrong password.
	FailedLogin bool `json:"failed_login,omitempty"`
}

// PlannedScenario is one scenario of the plan.
type PlannedScenario struct {
	ID       string           `json:"id"`
	Title    string           `json:"title"`
	Product  string           `json:"product"`
	Skip     string           `json:"skip,omitempty"`
	Requests []PlannedRequest `json:"requests,omitempty"`
}

// Plan resolves every selected scenario's requests without sending any.
func (env *Env) Plan() []PlannedScenario {
	var out []PlannedScenario
	for _, sc := range env.Selected {
		p := env.Products[config.ProductOf(sc.API)]
		ps := PlannedScenario{ID: sc.ID, Title: sc.Title, Product: config.ProductOf(sc.API)}
		if reason := env.SkipReason(sc); reason != "" {
			ps.Skip = reason
			out = append(out, ps)
			continue
		}
		r := &Run{Env: env, S: sc, Product: p, Vars: env.Vars}
		r.Vars.Admin, r.Vars.NonAdmin = p.Credentials.Admin.User, p.Credentials.NonAdmin.User
		steps := defaultSteps
		if f := flows[sc.Flow]; f.Steps != nil {
			steps = f.Steps
		}
		ps.Requests = steps(r)
		for _, pr := range ps.Requests {
			if pr.Refused != "" && pr.Role != string(exchange.RoleUndo) {
				ps.Skip = pr.Refused
				break
			}
		}
		out = append(out, ps)
	}
	return out
}

// defaultSteps are the row's own requests: setup, the request, then-steps.
func defaultSteps(r *Run) []PlannedRequest {
	var out []PlannedRequest
	for _, q := range r.S.Setup {
		out = append(out, r.plan(q, exchange.RoleSetup))
	}
	out = append(out, r.plan(r.S.Request, exchange.RoleRequest))
	for _, st := range r.S.Then {
		out = append(out, r.plan(st.Request, exchange.RoleThen))
	}
	return out
}

// plan resolves one request as the road would.
func (r *Run) plan(req scenario.Request, role exchange.Role) PlannedRequest {
	xr, client, err := r.build(req, role)
	if err != nil {
		return PlannedRequest{Role: string(role), Refused: "cannot be built: " + err.Error()}
	}
	method, full, op, tier, err := client.Resolve(xr)
	if err != nil {
		return PlannedRequest{Role: string(role), Refused: "cannot be built: " + err.Error()}
	}
	pr := PlannedRequest{Role: string(role), Method: method, URL: full, Tier: string(tier), FailedLogin: req.Auth == "wrong-password"}
	if op != nil {
		pr.Operation = op.ID
		if tier != exchange.TierRead && role != exchange.RoleUndo {
			pr.Undo = ledger.PlanFor(op.ID)
		}
	}
	if role != exchange.RoleUndo && !client.Policy().Allows(tier) {
		pr.Refused = fmt.Sprintf("%s %s (%s) would not be sent without --allow-%s", method, full, tier, map[exchange.Tier]string{exchange.TierRefusal: "refusals", exchange.TierMutation: "mutations"}[tier])
	}
	return pr
}

// PrintPlan writes the plan for a person.
func PrintPlan(w io.Writer, env *Env, plan []PlannedScenario) {
	run, skipped, logins, sends := 0, 0, 0, 0
	for _, ps := range plan {
		if ps.Skip != "" {
			skipped++
		} else {
			run++
		}
	}
	fmt.Fprintf(w, "plan: %d scenarios selected: %d would run, %d would be skipped. Nothing is sent.\n", len(plan), run, skipped)
	for _, name := range config.Products {
		p := env.Products[name]
		if p == nil || p.Client == nil {
			fmt.Fprintf(w, "  %-8s not covered (no URL)\n", name)
			continue
		}
		pol := p.Client.Policy()
		tiers := "read"
		if pol.AllowRefusals || pol.AllowMutations {
			tiers += ", refusal"
		}
		if pol.AllowMutations {
			tiers += ", mutation"
		}
		fmt.Fprintf(w, "  %-8s %s  sends tiers: %s\n", name, p.URL, tiers)
	}
	fmt.Fprintf(w, "  rate: %s\n", rateText(env.Config.Rate))
	if env.Shard != "" {
		byPart := map[int][]string{}
		for v, part := range env.ShardOwners {
			byPart[part] = append(byPart[part], v)
		}
		parts := make([]int, 0, len(byPart))
		for p := range byPart {
			parts = append(parts, p)
		}
		sort.Ints(parts)
		if own := env.OwnUsers; len(own) > 0 {
			fmt.Fprintf(w, "  every shard has its own users for %s (shard_vars); this shard's: %s\n", strings.Join(own, ", "), env.OwnUsersOf())
		}
		fmt.Fprintf(w, "  this is shard %s; the other users scenarios change belong to one shard each:\n", env.Shard)
		for _, p := range parts {
			sort.Strings(byPart[p])
			fmt.Fprintf(w, "    shard %d owns %s\n", p, strings.Join(byPart[p], ", "))
		}
	}
	for _, ps := range plan {
		state := "would run"
		if ps.Skip != "" {
			state = "would be skipped: " + ps.Skip
		}
		fmt.Fprintf(w, "\n%s %s\n  %s\n", ps.ID, ps.Title, state)
		for _, pr := range ps.Requests {
			if pr.Refused != "" && pr.Method == "" {
				fmt.Fprintf(w, "    %-8s %s\n", pr.Role, pr.Refused)
				continue
			}
			line := fmt.Sprintf("    %-8s %-6s %s  [%s]", pr.Role, pr.Method, pr.URL, pr.Tier)
			if pr.Undo != "" {
				line += "  undo: " + pr.Undo
			}
			if pr.Refused != "" {
				line += "  NOT SENT"
			} else {
				sends++
				if pr.FailedLogin {
					logins++
				}
			}
			fmt.Fprintln(w, line)
		}
	}
	fmt.Fprintf(w, "\nat least %d requests would be sent (polls and reads a flow decides at run time come on top); "+
		"the run would cause %d failed logins, all with the throwaway account\n", sends, logins)
	fmt.Fprintln(w, strings.Repeat("-", 20))
}

func rateText(r float64) string {
	if r <= 0 {
		return "no limit"
	}
	return fmt.Sprintf("%g requests per second at most (--rate)", r)
}
