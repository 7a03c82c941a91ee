package suites

// Flows of the Oracle Identity Governance rows (fixtures/scenarios/oig.yaml).
// Bulk Update Users changes live users that a target's config names in
// vars; the undo ledger (internal/ledger/oig.go) reads every user an update
// names first and writes the originals back after the row, so these flows
// only add what the ledger cannot know: users a malformed body names, a
// check that a refusal changed nobody, and reading updates back.

import (
	"fmt"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"

	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/ledger"
	"github.com/oracle-users-conformance/conformance/internal/oiguser"
	"github.com/oracle-users-conformance/conformance/internal/opid"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
)

func init() {
	RegisterFlow("oig-restore", Flow{Run: oigRestoreFlow, With: []string{"users", "unchanged"}})
	RegisterFlow("oig-readback", Flow{Run: oigReadbackFlow, With: []string{"users", "unchanged"}})
	RegisterFlow("oig-doc-users", Flow{Run: oigDocUsersFlow, With: []string{"users", "unchanged"}})
}

// oigAPIPrefix is where OIG's API starts in a self link, from the spec.
var oigAPIPrefix = contract.APIRoot(opid.Templates[opid.OigGetUser])

// oigRestoreFlow is the default flow with the users of `with: users`
// (templates, for a body the ledger cannot read) kept by the ledger too;
// `with: {unchanged: "true"}` also fails the row when any of them changed.
func oigRestoreFlow(r *Run) {
	k := r.oigKeep()
	requestFlow(r)
	k.checkUnchanged(r)
}

// oigReadbackFlow sends the update, then follows the self link of every
// user the answer says SUCCESS for, relative to the configured target
// (Q-OIG-018), and checks that each field sent has the value sent, the last
// one when a user appears twice (Q-OIG-017). Entries are found by identity,
// not position (Q-OIG-002). An entry that raised a request (approval) is not
// read back: it is recorded as pending and the reason says so (Q-OIG-014).
func oigReadbackFlow(r *Run) {
	k := r.oigKeep()
	r.Prepare()
	ex := r.Send(r.S.Request)
	r.Check(ex, r.S.Expect)
	r.Observe(ex, r.S.Observe)
	r.notePending(ex)
	r.oigReadBack(ex)
	r.Then()
	k.checkUnchanged(r)
}

// oigDocUsersFlow runs the document's own example (usr_key 24 exists, 9999
// does not) only on a target whose vars name those users (Q-OIG-020).
// Elsewhere it is skipped with the reason.
func oigDocUsersFlow(r *Run) {
	if v := r.Vars.Var; v["oig_user_1"] != "24" || v["oig_unknown_id"] != "9999" {
		r.skip("the document's example updates usr_key 24 and expects 9999 not to exist; this target's vars oig_user_1 and oig_unknown_id name other users (Q-OIG-020)")
	}
	oigRestoreFlow(r)
}

// oigKept are users read before a row ran, for the unchanged check.
type oigKept struct {
	keys      []string
	before    map[string]oiguser.User
	unchanged bool
}

// oigKeep reads the users `with: users` names and has the ledger keep
// them; the users of a well-formed body the ledger keeps by itself.
func (r *Run) oigKeep() *oigKept {
	GinkgoHelper()
	k := &oigKept{before: map[string]oiguser.User{}, unchanged: r.S.With["unchanged"] == "true"}
	keys := r.oigKeys()
	if err := r.ledger.KeepOIGUsers(r.Ctx, r.Product.Client, keys); err != nil {
		r.Unusable(err)
		r.Failf("keeping the users this scenario may change: %v", err)
	}
	if !k.unchanged {
		return k
	}
	for _, key := range keys {
		u, found := r.oigRead(key, "before the scenario")
		if found {
			k.keys = append(k.keys, key)
			k.before[key] = u
		}
	}
	return k
}

// oigKeys are the usr_keys of `with: users`, else the ids of the body.
func (r *Run) oigKeys() []string {
	GinkgoHelper()
	var keys []string
	if list := r.S.With["users"]; list != "" {
		rendered, err := scenario.Render("with users", list, r.Vars)
		if err != nil {
			r.Failf("with.users: %v", err)
		}
		for _, k := range strings.Split(rendered, ",") {
			if k = strings.TrimSpace(k); k != "" {
				keys = append(keys, k)
			}
		}
		return keys
	}
	body, err := r.S.Request.Render(r.Env.Fixtures, r.Vars)
	if err != nil {
		r.Failf("the scenario row cannot be rendered: %v", err)
	}
	return oiguser.IDs(body)
}

// oigRead GETs a user; found is false for 404.
func (r *Run) oigRead(key, when string) (oiguser.User, bool) {
	GinkgoHelper()
	u, found, err := ledger.ReadOIGUser(r.Ctx, r.sender.road(r), r.Product.Client, r.credential(""), key, exchange.RoleReadBefore)
	if err != nil {
		r.Unusable(err)
		r.Failf("reading user %s %s: %v", key, when, err)
	}
	return u, found
}

// checkUnchanged fails the row, when it asked, if any kept user changed.
func (k *oigKept) checkUnchanged(r *Run) {
	GinkgoHelper()
	if !k.unchanged {
		return
	}
	modifiable := oiguser.Modifiable(r.Env.Catalog)
	var problems []string
	for _, key := range k.keys {
		now, found := r.oigRead(key, "after the scenario")
		if !found {
			problems = append(problems, fmt.Sprintf("user %s is gone", key))
			continue
		}
		for _, name := range modifiable {
			if !oiguser.Same(name, k.before[key][name], now[name]) {
				problems = append(problems, fmt.Sprintf("user %s: %s changed from %s to %s", key, name, show(k.before[key][name]), show(now[name])))
			}
		}
	}
	if len(problems) > 0 {
		r.Broke(nil, "the request must change no user, yet:\n  - %s", strings.Join(problems, "\n  - "))
	}
}

// oigReadBack checks the values of every SUCCESS entry on the user its self
// link names; entries pending approval are not judged (notePending).
func (r *Run) oigReadBack(ex *exchange.Exchange) {
	GinkgoHelper()
	if !r.answered(ex) {
		return // the links to follow come with the answer
	}
	sent, err := oiguser.DecodeUpdates(ex.RawRequestBody())
	if err != nil {
		r.Failf("oig-readback needs a JSON request: %v", err)
	}
	pairs := oigPairs(ex)
	if len(pairs) != len(sent) {
		r.Broke(ex, "the answer does not list one entry per user of the request, so nothing can be read back")
	}
	want := map[string]map[string]any{}
	link := map[string]string{}
	var order []string
	for i, p := range pairs {
		id, _ := p.Request["id"].(string)
		if p.Answer == nil {
			r.Broke(ex, "users[%d] (usr_key %s) has no answer entry carrying its requestId or linking to it, so it cannot be read back", i, id)
		}
		status, _ := p.Answer["status"].(string)
		if id == "" || strings.TrimPrefix(status, " ") != "SUCCESS" {
			continue
		}
		if rid, pending := r.oigPending[id]; pending {
			r.notePendingSkipped(id, rid)
			delete(want, id)
			continue
		}
		href := selfHref(p.Answer)
		if href == "" {
			r.Broke(ex, "users[%d] is %q without a self link, so user %s cannot be read back (Q-OIG-018)", i, status, id)
		}
		if _, seen := want[id]; !seen {
			want[id] = map[string]any{}
			order = append(order, id)
		}
		link[id] = href
		for _, f := range sent[i].Fields {
			want[id][f.Name] = f.Value // the last value wins (Q-OIG-017)
		}
	}
	var problems []string
	for _, id := range order {
		if want[id] == nil || r.oigPending[id] != "" {
			continue
		}
		path := link[id]
		if i := strings.Index(path, oigAPIPrefix); i >= 0 {
			path = path[i:] // relative to the configured target (Q-OIG-018)
		} else {
			r.Broke(ex, "user %s's self link %q is not under %s (Q-OIG-018)", id, link[id], oigAPIPrefix)
		}
		got := r.sendAs(scenario.Request{Operation: opid.OigGetUser, Path: path}, exchange.RoleThen)
		r.Check(got, scenario.Expect{Status: scenario.Statuses{http.StatusOK}})
		u, err := oiguser.Decode(got.RawBody())
		if err != nil {
			r.Broke(got, "reading user %s back: %v", id, err)
		}
		for name, v := range want[id] {
			if !oiguser.Same(name, v, u[name]) {
				problems = append(problems, fmt.Sprintf("user %s: %s is %s, the update sent %s", id, name, show(u[name]), show(v)))
			}
		}
	}
	if len(problems) > 0 {
		r.Broke(ex, "the update answered SUCCESS, yet reading the users back shows:\n  - %s", strings.Join(problems, "\n  - "))
	}
}

func selfHref(entry map[string]any) string {
	links, _ := entry["links"].([]any)
	for _, l := range links {
		if m, _ := l.(map[string]any); m["rel"] == "self" {
			s, _ := m["href"].(string)
			return s
		}
	}
	return ""
}
