package ledger

// Oracle Identity Governance bulk Update Users (Update Users (https://docs.oracle.com/en/middleware/idm/identity-governance/12.2.1.4/oimss/op-users-put.html)). OIG
// has no way to undo an update but another update: every user a request
// names is read first (GET users/{usr_key}) and, after the scenario, each
// modifiable field that changed is written back in one update, and the
// users are read again to prove it held.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/oiguser"
	"github.com/oracle-users-conformance/conformance/internal/opid"
)

// OIGUpdate keeps every user an update names (internal/ops/oig.go).
var OIGUpdate = Rule{Plan: "read every named user first; write changed fields back (compared with the scenario's own read after its last change, or read again), then read them again", Apply: oigKeep}

// ReadOIGUser GETs a user through send; found is false for 404.
func ReadOIGUser(ctx context.Context, send Sender, c *exchange.Client, admin *exchange.Credential, id string, role exchange.Role) (oiguser.User, bool, error) {
	ex, err := send(ctx, c, exchange.Request{Operation: opid.OigGetUser, Path: path(c, opid.OigGetUser, map[string]string{"id": id}), Role: role, Auth: admin})
	if err != nil {
		return nil, false, err
	}
	if ex.Err != nil {
		return nil, false, ex.Err
	}
	switch ex.Status() {
	case http.StatusOK:
	case http.StatusNotFound:
		return nil, false, nil
	default:
		return nil, false, fmt.Errorf("reading OIG user %s answered HTTP %d", id, ex.Status())
	}
	u, err := oiguser.Decode(ex.RawBody())
	if err != nil {
		return nil, false, fmt.Errorf("reading OIG user %s: %w", id, err)
	}
	return u, true, nil
}

func oigKeep(ctx context.Context, l *Ledger, c *exchange.Client, ex *exchange.Exchange, r exchange.Request) error {
	return l.keep(ctx, c, ex, oiguser.IDs(r.Body))
}

// KeepOIGUsers reads users and registers their restore: for requests whose
// body names no users the rule can read (a malformed body a deviating
// target might still act on), a flow names them.
func (l *Ledger) KeepOIGUsers(ctx context.Context, c *exchange.Client, ids []string) error {
	return l.keep(ctx, c, nil, ids)
}

func (l *Ledger) keep(ctx context.Context, c *exchange.Client, ex *exchange.Exchange, ids []string) error {
	modifiable := oiguser.Modifiable(c.Catalog())
	for _, id := range ids {
		if id == "" || l.wasCreated(oigKey(id)) {
			continue
		}
		before, found, err := ReadOIGUser(ctx, l.send, c, l.admin, id, exchange.RoleReadBefore)
		if err != nil {
			return fmt.Errorf("%w, so the update could not be undone", err)
		}
		if !found {
			continue
		}
		l.markCreated(oigKey(id)) // kept once: the first read is the original
		// The scenario's latest read of the user, if it came after its last
		// change, is what the restore compares with: one read fewer.
		var seen *exchange.Exchange
		l.registerUnless(ex, func() bool { seen, _ = l.fresh(oigKey(id)); return false }, "write OIG user "+id+" back as it was", func(ctx context.Context) error {
			return oigRestore(ctx, l, c, id, before, modifiable, seen)
		})
	}
	return nil
}

func oigRestore(ctx context.Context, l *Ledger, c *exchange.Client, id string, before oiguser.User, modifiable []string, seen *exchange.Exchange) error {
	now, found, err := oiguser.User(nil), false, error(nil)
	if seen != nil {
		// The scenario read the user after its last change: that read is
		// what the target holds now (seen.go).
		now, err = oiguser.Decode(seen.RawBody())
		found = err == nil
	}
	if !found {
		now, found, err = ReadOIGUser(ctx, l.send, c, l.admin, id, exchange.RoleUndo)
	}
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("OIG user %s, read before the scenario, is gone", id)
	}
	var fields []oiguser.Field
	for _, name := range modifiable {
		if !oiguser.Same(name, before[name], now[name]) {
			fields = append(fields, oiguser.Field{Name: name, Value: before[name]})
		}
	}
	if len(fields) == 0 {
		return nil
	}
	body, _ := json.Marshal(map[string]any{"users": []map[string]any{{"requestId": "conformance-restore", "id": id, "fields": fields}}})
	ex, err := l.send(ctx, c, exchange.Request{Operation: opid.OigUpdateUsers, Path: path(c, opid.OigUpdateUsers, nil), Body: body, Role: exchange.RoleUndo, Auth: l.admin,
		Header: http.Header{"Content-Type": {"application/json"}, "X-Requested-By": {"conformance"}}})
	if err := undoFailed(ex, err, func(s int) bool { return s == http.StatusOK }); err != nil {
		return err
	}
	after, _, err := ReadOIGUser(ctx, l.send, c, l.admin, id, exchange.RoleUndo)
	if err != nil {
		return err
	}
	var still []string
	for _, f := range fields {
		if !oiguser.Same(f.Name, before[f.Name], after[f.Name]) {
			still = append(still, fmt.Sprintf("%s is %s, was %s", f.Name, oiguser.Text(after[f.Name]), oiguser.Text(before[f.Name])))
		}
	}
	if len(still) > 0 {
		return fmt.Errorf("OIG user %s was not restored: %s", id, strings.Join(still, "; "))
	}
	return nil
}
