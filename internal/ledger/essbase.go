package ledger

// Essbase users (Add or Import User(s) (https://docs.oracle.com/en/database/other-databases/essbase/21/essrt/op-users-post.html), Update User (https://docs.oracle.com/en/database/other-databases/essbase/21/essrt/op-users-id-put.html) and
// the Get/Delete User operations of REST API for Oracle Essbase 21 (https://docs.oracle.com/en/database/other-databases/essbase/21/essrt/)). A user a request adds
// is deleted afterwards, unless it existed before (then the add must fail,
// and deleting it would destroy a user the run did not make). A user an
// update changes is written back as it was read. A user the run did not
// create is never deleted: its password cannot be read back, so the
// delete could not be undone.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/oracle-users-conformance/conformance/internal/essbaseuser"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/opid"
)

// The undos of the Essbase users operations (internal/ops/essbase.go).
var (
	EssbaseAdd    = Rule{Plan: "read each user id first; delete every user that did not exist, unless the add was refused and a later read showed the user absent", Apply: essbaseAdd}
	EssbaseUpdate = Rule{Plan: "read the user first; write it back as read (delete it if it did not exist)", Apply: essbaseUpdate}
	EssbaseDelete = Rule{Plan: "refused unless this scenario created the user (a deleted user's password cannot be restored)", Apply: essbaseDelete}
)

// essbaseRead GETs a user as JSON; found is false for 404.
func essbaseRead(ctx context.Context, l *Ledger, c *exchange.Client, id string) (user map[string]any, found bool, err error) {
	ex, err := l.send(ctx, c, exchange.Request{Operation: opid.EssbaseGetUser, Path: path(c, opid.EssbaseGetUser, map[string]string{"id": id}),
		Header: http.Header{"Accept": {"application/json"}}, Role: exchange.RoleReadBefore, Auth: l.admin})
	if err != nil {
		return nil, false, err
	}
	if ex.Err != nil {
		return nil, false, ex.Err
	}
	switch {
	case gone(ex.Status()):
		return nil, false, nil
	case ex.Status() != http.StatusOK:
		return nil, false, &readError{id: id, status: ex.Status()}
	}
	v, err := ex.JSON()
	m, _ := v.(map[string]any)
	if err != nil || m == nil {
		return nil, false, fmt.Errorf("reading Essbase user %s before changing it: the answer is not a user", id)
	}
	return m, true, nil
}

// essbaseDeleteUndo deletes a user after the scenario. With onlyIfAdded,
// the user could not be read first: it is deleted only when the add
// answered success, since adding a user that exists must fail.
func essbaseDeleteUndo(l *Ledger, c *exchange.Client, ex *exchange.Exchange, id string, onlyIfAdded *exchange.Exchange) {
	l.markCreated(essKey(id))
	l.registerUnless(ex, func() bool { return (refused(ex) || l.deletedByScenario(essKey(id))) && l.shownAbsent(essKey(id)) }, "delete Essbase user "+id, func(ctx context.Context) error {
		if onlyIfAdded != nil && !ok2xx(onlyIfAdded.Status()) {
			return nil
		}
		ex, err := l.send(ctx, c, exchange.Request{Operation: opid.EssbaseDeleteUser, Path: path(c, opid.EssbaseDeleteUser, map[string]string{"id": id}), Role: exchange.RoleUndo, Auth: l.admin})
		return undoFailed(ex, err, func(s int) bool { return ok2xx(s) || gone(s) })
	})
}

func essbaseAdd(ctx context.Context, l *Ledger, c *exchange.Client, ex *exchange.Exchange, r exchange.Request) error {
	for _, id := range essbaseuser.AddedIDs(r.Body) {
		if l.wasCreated(essKey(id)) {
			continue
		}
		_, found, err := essbaseRead(ctx, l, c, id)
		var re *readError
		switch {
		case errors.As(err, &re) && re.status >= 500, err != nil && !errors.As(err, &re):
			// A server error, or no answer: nothing is known, so nothing
			// is sent that could not be undone.
			return err
		case err != nil:
			// Not readable (a mode without users operations, say): the user
			// is this scenario's only if the add succeeds.
			essbaseDeleteUndo(l, c, ex, id, ex)
		case !found:
			essbaseDeleteUndo(l, c, ex, id, nil)
		}
	}
	return nil
}

func essbaseUpdate(ctx context.Context, l *Ledger, c *exchange.Client, ex *exchange.Exchange, r exchange.Request) error {
	id := params(c, opid.EssbaseUpdateUser, r.Path)["id"]
	if id == "" || l.wasCreated(essKey(unescape(id))) {
		return nil
	}
	before, found, err := essbaseRead(ctx, l, c, id)
	if err != nil {
		// Not readable (a mode without users operations, say): nothing can
		// be put back, which matters only if the update succeeded.
		readErr := err
		l.RegisterFor(ex, "write Essbase user "+id+" back", func(context.Context) error {
			if ok2xx(ex.Status()) {
				return fmt.Errorf("the update succeeded, but the user could not be read first (%v), so it keeps the new values", readErr)
			}
			return nil
		})
		return nil
	}
	if !found {
		essbaseDeleteUndo(l, c, ex, id, nil) // in case the target creates on update
		return nil
	}
	body := map[string]any{}
	for _, k := range []string{"id", "name", "email", "role", "groups"} {
		if v, ok := before[k]; ok && v != nil {
			body[k] = v
		}
	}
	b, _ := json.Marshal(body)
	l.RegisterFor(ex, "write Essbase user "+id+" back as it was", func(ctx context.Context) error {
		ex, err := l.send(ctx, c, exchange.Request{Operation: opid.EssbaseUpdateUser, Path: path(c, opid.EssbaseUpdateUser, map[string]string{"id": id}),
			Header: http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}}, Body: b, Role: exchange.RoleUndo, Auth: l.admin})
		return undoFailed(ex, err, ok2xx)
	})
	return nil
}

func essbaseDelete(ctx context.Context, l *Ledger, c *exchange.Client, ex *exchange.Exchange, r exchange.Request) error {
	id := params(c, opid.EssbaseDeleteUser, r.Path)["id"]
	if id == "" {
		return nil
	}
	if l.wasCreated(essKey(unescape(id))) {
		l.deleted(essKey(unescape(id)), ex)
		return nil
	}
	_, found, err := essbaseRead(ctx, l, c, id)
	if err != nil || !found {
		return nil // nothing there to lose, or a mode where it cannot be
	}
	return &exchange.Refused{Method: r.Method, URL: r.Path, Tier: exchange.TierMutation,
		Reason: fmt.Sprintf("it deletes Essbase user %s, which this scenario did not create; a deleted user's password cannot be restored, so the ledger could not undo it", id)}
}

// readError is a read before a change that did not answer 200 or 404.
type readError struct {
	id     string
	status int
}

func (e *readError) Error() string {
	return fmt.Sprintf("reading Essbase user %s before changing it answered HTTP %d, so the change could not be undone", e.id, e.status)
}

// essKey is how the ledger remembers a user: Essbase IDs are not case
// sensitive (Q-ESS-007).
func essKey(id string) string { return "essbase:" + strings.ToLower(id) }
