package suites

// Flows of the Oracle Identity Governance rows (fixtures/scenarios/oig.yaml).
// Bulk Update Users changes live users that a target's config names in vars,
// and OIG has no way to undo an update but another update: so every OIG row
// that names existing users reads them first and, after the row, writes back
// what it changed (csi-sanity's rule: whatever a test changes, it undoes).

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	. "github.com/onsi/ginkgo/v2"

	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
)

func init() {
	RegisterFlow("oig-restore", oigRestoreFlow)
	RegisterFlow("oig-readback", oigReadbackFlow)
	RegisterFlow("oig-doc-users", oigDocUsersFlow)
}

const (
	oigUsersPath  = "/iam/governance/selfservice/api/v1/users"
	oigGetUserOp  = "oigGetUser"
	oigUpdateOp   = "oigUpdateUsers"
	oigAPIPrefix  = "/iam/governance/"
	oigRequestRef = "conformance-restore"
)

// oigModifiable are the fields the spec's x-known-fields marks modifiable,
// in the order a restore writes them (Display Name after the names it may
// be derived from).
var oigModifiable = []string{"First Name", "Middle Name", "Last Name", "Display Name", "Email",
	"Organization Name", "Title", "Role", "Telephone Number"}

// oigCaseInsensitive are stored in the target's own spelling (Q-OIG-008).
var oigCaseInsensitive = map[string]bool{"Organization Name": true, "Role": true}

// oigRestoreFlow is the default flow with the users of the row kept: read
// before, written back after. `with: {users: "a,b"}` names the usr_keys
// (templates) when the body does not (a malformed body); `with: {unchanged:
// "true"}` also fails the row when any of them changed.
func oigRestoreFlow(r *Run) {
	k := r.oigKeep()
	requestFlow(r)
	k.checkUnchanged(r)
}

// oigReadbackFlow sends the update, then follows the self link of every
// user the answer says SUCCESS for, relative to the configured target
// (Q-OIG-018), and checks that each field sent has the value sent, the last
// one when a user appears twice (Q-OIG-017). An entry that raised a request
// (approval) is not read back; its request id is recorded (Q-OIG-014).
func oigReadbackFlow(r *Run) {
	k := r.oigKeep()
	r.Prepare()
	ex := r.Send(r.S.Request)
	r.Check(ex, r.S.Expect)
	r.Observe(ex, r.S.Observe)
	r.oigReadBack(ex)
	r.oigThen()
	k.checkUnchanged(r)
}

// oigDocUsersFlow runs the document's own example (usr_key 24 exists, 9999
// does not) only on a target whose vars name those users: the mock's
// (Q-OIG-020). Elsewhere it is skipped with the reason.
func oigDocUsersFlow(r *Run) {
	if v := r.Env.Vars.Var; v["oig_user_1"] != "24" || v["oig_unknown_id"] != "9999" {
		Skip("the document's example updates usr_key 24 and expects 9999 not to exist; this target's vars oig_user_1 and oig_unknown_id name other users (Q-OIG-020)")
	}
	oigRestoreFlow(r)
}

// oigThen sends the row's further requests, as the default flow does.
func (r *Run) oigThen() {
	GinkgoHelper()
	for _, st := range r.S.Then {
		req := st.Request
		if req.Operation == "" {
			req.Operation = r.S.Request.Operation
		}
		ex := r.Send(req)
		r.Check(ex, st.Expect)
		r.Observe(ex, st.Observe)
	}
}

// oigUser is one user's fields by name; a nil value is null or absent.
type oigUser map[string]any

// oigKept are users read before a row ran.
type oigKept struct {
	keys      []string
	before    map[string]oigUser
	unchanged bool
}

// oigKeep reads the row's users and registers their restore.
func (r *Run) oigKeep() *oigKept {
	GinkgoHelper()
	k := &oigKept{before: map[string]oigUser{}, unchanged: r.S.With["unchanged"] == "true"}
	for _, key := range r.oigKeys() {
		u, found := r.oigRead(r, key, "before the scenario")
		if !found {
			continue // an unknown usr_key: nothing to keep
		}
		k.keys = append(k.keys, key)
		k.before[key] = u
	}
	if len(k.keys) > 0 {
		// The spec's context ends with the It; the cleanup gets its own.
		DeferCleanup(func(ctx SpecContext) {
			rc := *r
			rc.Ctx = ctx
			k.restore(&rc)
		})
	}
	return k
}

// oigKeys are the usr_keys of `with: users`, else the ids of the body.
func (r *Run) oigKeys() []string {
	GinkgoHelper()
	var keys []string
	if list := r.S.With["users"]; list != "" {
		rendered, err := scenario.Render("with users", list, r.Env.Vars)
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
	body, err := r.S.Request.Render(r.Env.Fixtures, r.Env.Vars)
	if err != nil {
		r.Failf("the scenario row cannot be rendered: %v", err)
	}
	var doc struct {
		Users []map[string]any `json:"users"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return nil
	}
	seen := map[string]bool{}
	for _, u := range doc.Users {
		if id, ok := u["id"].(string); ok && id != "" && !seen[id] {
			seen[id] = true
			keys = append(keys, id)
		}
	}
	return keys
}

// oigRead GETs a user; found is false for 404. rc carries the context to use.
func (r *Run) oigRead(rc *Run, key, when string) (oigUser, bool) {
	GinkgoHelper()
	ex := rc.oigDo(http.MethodGet, oigGetUserOp, oigUsersPath+"/"+url.PathEscape(key), nil)
	if ex.Err != nil {
		r.Failf("reading user %s %s: %v", key, when, ex.Err)
	}
	switch ex.Status() {
	case http.StatusOK:
	case http.StatusNotFound:
		return nil, false
	default:
		r.Failf("reading user %s %s answered HTTP %d, so the scenario cannot keep what it changes:\n%s", key, when, ex.Status(), ex.Response.Body)
	}
	u, err := oigFields(ex)
	if err != nil {
		r.Failf("reading user %s %s: %v", key, when, err)
	}
	return u, true
}

// oigFields decodes a GET answer's fields list.
func oigFields(ex *exchange.Exchange) (oigUser, error) {
	var doc struct {
		Fields []struct {
			Name  string `json:"name"`
			Value any    `json:"value"`
		} `json:"fields"`
	}
	if err := json.Unmarshal(ex.Body(), &doc); err != nil {
		return nil, fmt.Errorf("the answer is not a user: %w", err)
	}
	u := oigUser{}
	for _, f := range doc.Fields {
		u[f.Name] = f.Value
	}
	return u, nil
}

// oigDo sends one request the harness builds itself (values are never
// rendered as templates), as the admin, and attaches it to the report.
func (r *Run) oigDo(method, op, path string, body []byte) *exchange.Exchange {
	GinkgoHelper()
	h := http.Header{}
	if body != nil {
		h.Set("Content-Type", "application/json")
		h.Set("X-Requested-By", "conformance")
	}
	ex, err := r.Env.Client.Do(r.Ctx, exchange.Request{Operation: op, Method: method, Path: path, Header: h, Body: body, Auth: r.credential("")})
	if err != nil {
		r.Failf("%s %s: %v", method, path, err)
	}
	AddReportEntry("exchange", ex.Transcript(), ReportEntryVisibilityFailureOrVerbose)
	return ex
}

// changes lists the modifiable fields of key whose value differs from the
// one read before.
func (k *oigKept) changes(key string, now oigUser) []string {
	var out []string
	for _, name := range oigModifiable {
		if !sameValue(name, k.before[key][name], now[name]) {
			out = append(out, name)
		}
	}
	return out
}

// checkUnchanged fails the row, when it asked, if any kept user changed.
func (k *oigKept) checkUnchanged(r *Run) {
	GinkgoHelper()
	if !k.unchanged {
		return
	}
	var problems []string
	for _, key := range k.keys {
		now, found := r.oigRead(r, key, "after the scenario")
		if !found {
			problems = append(problems, fmt.Sprintf("user %s is gone", key))
			continue
		}
		for _, name := range k.changes(key, now) {
			problems = append(problems, fmt.Sprintf("user %s: %s changed from %s to %s", key, name, show(k.before[key][name]), show(now[name])))
		}
	}
	if len(problems) > 0 {
		r.Failf("the request must change no user, yet:\n  - %s", strings.Join(problems, "\n  - "))
	}
}

// restore writes back every modifiable field that changed, in one update,
// and reads the users again to prove it.
func (k *oigKept) restore(r *Run) {
	GinkgoHelper()
	type field struct {
		Name  string `json:"name"`
		Value any    `json:"value"`
	}
	type entry struct {
		RequestID string  `json:"requestId"`
		ID        string  `json:"id"`
		Fields    []field `json:"fields"`
	}
	var users []entry
	for _, key := range k.keys {
		now, found := r.oigRead(r, key, "to restore it")
		if !found {
			r.Failf("user %s, read before the scenario, is gone", key)
		}
		e := entry{RequestID: oigRequestRef + "-" + r.Env.Vars.Run, ID: key}
		for _, name := range k.changes(key, now) {
			e.Fields = append(e.Fields, field{Name: name, Value: k.before[key][name]})
		}
		if len(e.Fields) > 0 {
			users = append(users, e)
		}
	}
	if len(users) == 0 {
		return
	}
	body, _ := json.Marshal(map[string]any{"users": users})
	ex := r.oigDo(http.MethodPut, oigUpdateOp, oigUsersPath, body)
	if ex.Err != nil || ex.Status() != http.StatusOK {
		r.Failf("restoring the users this scenario changed answered HTTP %d (%v): they keep the scenario's values:\n%s", ex.Status(), ex.Err, ex.Response.Body)
	}
	var problems []string
	for _, key := range k.keys {
		now, _ := r.oigRead(r, key, "after restoring it")
		for _, name := range k.changes(key, now) {
			problems = append(problems, fmt.Sprintf("user %s: %s is %s, was %s", key, name, show(now[name]), show(k.before[key][name])))
		}
	}
	if len(problems) > 0 {
		r.Failf("the users this scenario changed could not be restored:\n  - %s\nanswer to the restore: %s", strings.Join(problems, "\n  - "), ex.Response.Body)
	}
}

// oigReadBack checks the values of every SUCCESS entry on the user its self
// link names.
func (r *Run) oigReadBack(ex *exchange.Exchange) {
	GinkgoHelper()
	var req struct {
		Users []struct {
			ID     any `json:"id"`
			Fields []struct {
				Name  string `json:"name"`
				Value any    `json:"value"`
			} `json:"fields"`
		} `json:"users"`
	}
	if err := json.Unmarshal([]byte(ex.Request.Body), &req); err != nil {
		r.Failf("oig-readback needs a JSON request: %v", err)
	}
	var ans struct {
		Users []map[string]any `json:"users"`
	}
	if err := json.Unmarshal(ex.Body(), &ans); err != nil || len(ans.Users) != len(req.Users) {
		r.Failf("the answer does not list one entry per user of the request, so nothing can be read back")
	}
	want := map[string]map[string]any{}
	link := map[string]string{}
	var order []string
	for i, u := range req.Users {
		id, _ := u.ID.(string)
		status, _ := ans.Users[i]["status"].(string)
		if id == "" || strings.TrimPrefix(status, " ") != "SUCCESS" {
			continue
		}
		if rq, ok := ans.Users[i]["request"]; ok && rq != nil {
			AddReportEntry("observed (Q-OIG-014)", fmt.Sprintf("user %s: the update raised request %s; its values are not read back", id, show(rq)), ReportEntryVisibilityFailureOrVerbose)
			delete(want, id)
			continue
		}
		href := selfHref(ans.Users[i])
		if href == "" {
			r.Failf("users[%d] is %q without a self link, so user %s cannot be read back (Q-OIG-018)", i, status, id)
		}
		if _, seen := want[id]; !seen {
			want[id] = map[string]any{}
			order = append(order, id)
		}
		link[id] = href
		for _, f := range u.Fields {
			want[id][f.Name] = f.Value // the last value wins (Q-OIG-017)
		}
	}
	var problems []string
	for _, id := range order {
		if want[id] == nil {
			continue
		}
		path := link[id]
		if i := strings.Index(path, oigAPIPrefix); i >= 0 {
			path = path[i:] // relative to the configured target (Q-OIG-018)
		} else {
			r.Failf("user %s's self link %q is not under %s (Q-OIG-018)", id, link[id], oigAPIPrefix)
		}
		got := r.Send(scenario.Request{Operation: oigGetUserOp, Path: path})
		r.Check(got, scenario.Expect{Status: scenario.Statuses{http.StatusOK}})
		u, err := oigFields(got)
		if err != nil {
			r.Failf("reading user %s back: %v", id, err)
		}
		for name, v := range want[id] {
			if !sameValue(name, v, u[name]) {
				problems = append(problems, fmt.Sprintf("user %s: %s is %s, the update sent %s", id, name, show(u[name]), show(v)))
			}
		}
	}
	if len(problems) > 0 {
		r.Failf("the update answered SUCCESS, yet reading the users back shows:\n  - %s", strings.Join(problems, "\n  - "))
	}
}

// sameValue compares field values: null, absent and "" are alike; some
// fields compare without case (Q-OIG-008).
func sameValue(name string, a, b any) bool {
	as, bs := valueText(a), valueText(b)
	if oigCaseInsensitive[name] {
		return strings.EqualFold(as, bs)
	}
	return as == bs
}

func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	}
	return show(v)
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
