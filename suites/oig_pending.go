package suites

// Pending requests are honest (Q-OIG-014): on an Identity Governance with
// approval workflows, a bulk update answers SUCCESS with request:{id, links}
// for a change that has raised a request and not happened yet. Such an
// entry is recorded as pending; no read-back of that user is judged, and
// the scenario's reason says so. A SUCCESS entry without a request object
// claims the change is made: its read-back is judged as always, so a target
// that answers SUCCESS and applies nothing still fails
// (oig-success-without-change).

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/invariant"
	"github.com/oracle-users-conformance/conformance/internal/opid"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
)

// oigPairs matches an OIG bulk update's answer entries to the users of its
// request by identity (invariant.OIGMatch); nil when either is not JSON.
func oigPairs(ex *exchange.Exchange) []invariant.OIGPair {
	var req, ans struct {
		Users []any `json:"users"`
	}
	if json.Unmarshal(ex.RawRequestBody(), &req) != nil || json.Unmarshal(ex.RawBody(), &ans) != nil {
		return nil
	}
	return invariant.OIGMatch(req.Users, ans.Users)
}

// notePending records every user of an OIG bulk update whose entry raised
// a request: an observation per user (tracked by report diff), and the
// users whose read-backs are then not judged.
func (r *Run) notePending(ex *exchange.Exchange) {
	if ex == nil || ex.Operation != opid.OigUpdateUsers || ex.Status() != 200 {
		return
	}
	for _, p := range oigPairs(ex) {
		if p.Answer == nil {
			continue
		}
		rid, pending := invariant.OIGPending(p.Answer)
		key, _ := p.Request["id"].(string)
		if !pending || key == "" {
			continue
		}
		if r.oigPending == nil {
			r.oigPending = map[string]string{}
		}
		r.oigPending[key] = rid
		r.rec.Observe("users["+key+"].request", show(p.Answer["request"]), "Q-OIG-014")
	}
}

// pendingReadBack reports whether a further request reads a user whose
// change is pending approval; if so it notes that the read-back is not
// judged.
func (r *Run) pendingReadBack(req scenario.Request) bool {
	if len(r.oigPending) == 0 || req.Operation != opid.OigGetUser {
		return false
	}
	key, err := scenario.Render("then params.id", req.Params["id"], r.Vars)
	if err != nil {
		return false
	}
	rid, pending := r.oigPending[key]
	if !pending {
		return false
	}
	r.notePendingSkipped(key, rid)
	return true
}

// notePendingSkipped says, once per user, that its read-back was not
// judged.
func (r *Run) notePendingSkipped(key, rid string) {
	if r.oigNoted == nil {
		r.oigNoted = map[string]bool{}
	}
	if r.oigNoted[key] {
		return
	}
	r.oigNoted[key] = true
	r.rec.Note(fmt.Sprintf("user %s: change pending approval (request %s), read-back not judged (Q-OIG-014).", key, strings.TrimSpace(rid)))
}
