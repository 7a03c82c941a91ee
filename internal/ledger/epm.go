package ledger

// EPM Cloud (Update Users (v1) (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users.html), Update Users (v2) (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users_v2.html)). A file a
// request uploads is deleted afterwards (the v1 document says the file
// "should be deleted after the API executes" without saying by whom,
// Q-EPM1-001). Neither document names an API that reads a user, so the
// users an update or a job changes cannot be read first nor written back:
// those changes are recorded as irreversible, and the config's vars name
// the test users a run may change.

import (
	"context"
	"fmt"
	"strings"

	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/opid"
)

// EPMUpload deletes an uploaded file afterwards.
var EPMUpload = Rule{Plan: "delete the uploaded file", Apply: func(ctx context.Context, l *Ledger, c *exchange.Client, ex *exchange.Exchange, r exchange.Request) error {
	name := params(c, opid.EpmUploadFile, r.Path)["name"]
	if name == "" || l.wasCreated("epm-file:"+name) {
		return nil
	}
	l.markCreated("epm-file:" + name)
	l.RegisterFor(ex, "delete EPM file "+name, func(ctx context.Context) error {
		if ex.Err == nil && ex.Status() >= 400 && ex.Status() < 500 || exchange.NotActedOn(ex) {
			return nil // the upload was refused, or never arrived: no file
		}
		del, err := l.send(ctx, c, exchange.Request{Operation: opid.EpmDeleteFile, Path: path(c, opid.EpmDeleteFile, map[string]string{"name": name}), Role: exchange.RoleUndo, Auth: l.admin})
		return undoFailed(del, err, func(s int) bool { return ok2xx(s) || gone(s) })
	})
	return nil
}}

// EPMUsers is the rule of an EPM change of users no API can read back
// (why). Users whose attributes the config declares are put back with a
// v2 update (epmrestore.go); every other change sent is recorded as what
// stays changed (what), so the summary says so.
func EPMUsers(why, what string) Rule {
	return Rule{Plan: "put back the users the config declares, with a v2 update; others none possible: " + why + " (irreversible)", Apply: func(ctx context.Context, l *Ledger, c *exchange.Client, ex *exchange.Exchange, r exchange.Request) error {
		tier := exchange.TierOf(r)
		l.mu.Lock()
		declared := len(l.epmUsers) > 0
		l.mu.Unlock()
		if tier == exchange.TierRead || !declared && tier != exchange.TierMutation {
			return nil
		}
		if !declared {
			l.Irreversible(fmt.Sprintf("%s %s: %s", r.Method, r.Path, what))
			return nil
		}
		// The config declares the test users: they are put back; only the
		// others keep their new values.
		if rest := epmRestore(l, c, ex, r); len(rest) > 0 {
			if len(rest) > 5 {
				rest = append(rest[:5:5], fmt.Sprintf("and %d more", len(rest)-5))
			}
			l.Irreversible(fmt.Sprintf("%s %s: %s; not declared in vars, so not restored: %s", r.Method, r.Path, what, strings.Join(rest, ", ")))
		}
		return nil
	}}
}
