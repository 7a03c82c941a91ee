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
	"sort"
	"strings"

	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
)

const (
	oigUpdate = "oigUpdateUsers"
	oigGet    = "oigGetUser"
)

func init() {
	register(Rule{Operation: oigUpdate, Plan: "read every named user first; write changed fields back, then read them again", Apply: oigKeep})
}

// OIGUser is one user's fields by name; a nil value is null or absent.
type OIGUser map[string]any

// ReadOIGUser GETs a user through send; found is false for 404.
func ReadOIGUser(ctx context.Context, send Sender, c *exchange.Client, admin *exchange.Credential, id, role string) (OIGUser, bool, error) {
	ex, err := send(ctx, c, exchange.Request{Operation: oigGet, Path: path(c, oigGet, map[string]string{"id": id}), Role: role, Auth: admin})
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
	var doc struct {
		Fields []struct {
			Name  string `json:"name"`
			Value any    `json:"value"`
		} `json:"fields"`
	}
	if err := json.Unmarshal(ex.RawBody(), &doc); err != nil {
		return nil, false, fmt.Errorf("reading OIG user %s: the answer is not a user: %w", id, err)
	}
	u := OIGUser{}
	for _, f := range doc.Fields {
		u[f.Name] = f.Value
	}
	return u, true, nil
}

// OIGModifiable are the fields the spec's x-known-fields marks modifiable,
// in the order a restore writes them: Display Name last, after the names
// a target may derive it from.
func OIGModifiable(cat *contract.Catalog) []string {
	var out []string
	for _, doc := range cat.Documents() {
		if doc.Components == nil {
			continue
		}
		for _, s := range doc.Components.Schemas {
			if s.Value == nil {
				continue
			}
			for _, p := range s.Value.Properties {
				if p.Value == nil {
					continue
				}
				known, ok := p.Value.Extensions["x-known-fields"].(map[string]any)
				if !ok {
					continue
				}
				for name, v := range known {
					if m, ok := v.(map[string]any); ok && m["modifiable"] == true {
						out = append(out, name)
					}
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i] == "Display Name") != (out[j] == "Display Name") {
			return out[j] == "Display Name"
		}
		return out[i] < out[j]
	})
	return out
}

// SameOIGValue compares two field values; the fields OIG stores in its own
// spelling compare without case (Q-OIG-008), and null equals empty.
func SameOIGValue(name string, a, b any) bool {
	as, bs := oigText(a), oigText(b)
	if name == "Organization Name" || name == "Role" {
		return strings.EqualFold(as, bs)
	}
	return as == bs
}

func oigText(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func oigKeep(ctx context.Context, l *Ledger, c *exchange.Client, ex *exchange.Exchange, r exchange.Request) error {
	var doc struct {
		Users []map[string]any `json:"users"`
	}
	if json.Unmarshal(r.Body, &doc) != nil {
		return nil
	}
	var ids []string
	for _, u := range doc.Users {
		id, _ := u["id"].(string)
		ids = append(ids, id)
	}
	return l.keep(ctx, c, ex, ids)
}

// KeepOIGUsers reads users and registers their restore: for requests whose
// body names no users the rule can read (a malformed body a deviating
// target might still act on), a flow names them.
func (l *Ledger) KeepOIGUsers(ctx context.Context, c *exchange.Client, ids []string) error {
	return l.keep(ctx, c, nil, ids)
}

func (l *Ledger) keep(ctx context.Context, c *exchange.Client, ex *exchange.Exchange, ids []string) error {
	modifiable := OIGModifiable(c.Catalog())
	for _, id := range ids {
		if id == "" || l.wasCreated("oig:"+id) {
			continue
		}
		before, found, err := ReadOIGUser(ctx, l.send, c, l.admin, id, "read-before")
		if err != nil {
			return fmt.Errorf("%w, so the update could not be undone", err)
		}
		if !found {
			continue
		}
		l.markCreated("oig:" + id) // kept once: the first read is the original
		l.RegisterFor(ex, "write OIG user "+id+" back as it was", func(ctx context.Context) error {
			return oigRestore(ctx, l, c, id, before, modifiable)
		})
	}
	return nil
}

func oigRestore(ctx context.Context, l *Ledger, c *exchange.Client, id string, before OIGUser, modifiable []string) error {
	now, found, err := ReadOIGUser(ctx, l.send, c, l.admin, id, "undo")
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("OIG user %s, read before the scenario, is gone", id)
	}
	type field struct {
		Name  string `json:"name"`
		Value any    `json:"value"`
	}
	var fields []field
	for _, name := range modifiable {
		if !SameOIGValue(name, before[name], now[name]) {
			fields = append(fields, field{Name: name, Value: before[name]})
		}
	}
	if len(fields) == 0 {
		return nil
	}
	body, _ := json.Marshal(map[string]any{"users": []map[string]any{{"requestId": "conformance-restore", "id": id, "fields": fields}}})
	ex, err := l.send(ctx, c, exchange.Request{Operation: oigUpdate, Path: path(c, oigUpdate, nil), Body: body, Role: "undo", Undo: true, Auth: l.admin,
		Header: http.Header{"Content-Type": {"application/json"}, "X-Requested-By": {"conformance"}}})
	if err := undoFailed(ex, err, func(s int) bool { return s == http.StatusOK }); err != nil {
		return err
	}
	after, _, err := ReadOIGUser(ctx, l.send, c, l.admin, id, "undo")
	if err != nil {
		return err
	}
	var still []string
	for _, f := range fields {
		if !SameOIGValue(f.Name, before[f.Name], after[f.Name]) {
			still = append(still, fmt.Sprintf("%s is %s, was %s", f.Name, oigText(after[f.Name]), oigText(before[f.Name])))
		}
	}
	if len(still) > 0 {
		return fmt.Errorf("OIG user %s was not restored: %s", id, strings.Join(still, "; "))
	}
	return nil
}
