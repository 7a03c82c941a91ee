package suites

// --plan: every selected scenario, whether it would run or be skipped and
// why, every request it would send with its tier, and every undo the ledger
// would register. Nothing is sent: the requests are resolved by the same
// client that would send them (exchange.Client.Resolve), so the plan and
// the run cannot disagree on URL or tier.

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
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

// Plan resolves every selected scenario's requests without sending any:
// each row's own flow runs against the plan's sender (sender.go).
func (env *Env) Plan() []PlannedScenario {
	var out []PlannedScenario
	for _, sc := range env.Selected {
		ps := PlannedScenario{ID: sc.ID, Title: sc.Title, Product: config.ProductOf(sc.API)}
		if reason := env.SkipReason(sc); reason != "" {
			ps.Skip = reason
			out = append(out, ps)
			continue
		}
		// The first request the road would refuse ends the scenario
		// there, as in a run; else the flow may end it.
		var ended string
		ps.Requests, ended = env.planFlow(sc)
		for _, pr := range ps.Requests {
			if pr.Refused != "" && pr.Role != string(exchange.RoleUndo) {
				ps.Skip = pr.Refused
				break
			}
		}
		if ps.Skip == "" {
			ps.Skip = ended
		}
		out = append(out, ps)
	}
	return out
}

// planFlow runs a row's flow with the plan's sender; a flow that ends the
// scenario (skips it, or finds the row wrong) gives the reason.
func (env *Env) planFlow(sc *scenario.Scenario) (requests []PlannedRequest, reason string) {
	p := &planSender{}
	defer func() {
		requests = p.requests
		if v := recover(); v != nil {
			end, ok := v.(planEnd)
			if !ok {
				panic(v)
			}
			reason = end.reason
		}
	}()
	r := env.newRun(context.Background(), sc, nil, env.Source(sc), p)
	flows[sc.Flow].Run(r)
	return
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
