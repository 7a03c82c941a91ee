package ledger

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/opid"
)

// An Essbase add's undo (delete the user) is skipped only when the target
// refused the add, or the scenario deleted the user itself, and a read as
// the ledger's account after the scenario's last change showed the user
// absent. Any one of those missing, and the delete is sent: a target that
// refused and created anyway, or whose read lies, still gets its undo.
func TestAnUndoIsSkippedOnlyWhenAReadShowedItDone(t *testing.T) {
	c := ruled(t, map[string]Rule{opid.EssbaseAddUsers: EssbaseAdd, opid.EssbaseDeleteUser: EssbaseDelete})
	admin := &exchange.Credential{Basic: true, User: "admin"}
	viewer := &exchange.Credential{Basic: true, User: "viewer"}
	read := func(status int, auth *exchange.Credential) func(*Ledger, context.Context) {
		return func(l *Ledger, ctx context.Context) {
			ex := &exchange.Exchange{Operation: opid.EssbaseGetUser, Tier: exchange.TierRead, Response: exchange.Recorded{Status: status}}
			r := exchange.Request{Path: path(c, opid.EssbaseGetUser, map[string]string{"id": "u 1"}), Auth: auth}
			if err := Before(ctx, ex, c, r); err != nil {
				t.Fatal(err)
			}
		}
	}
	change := func(op string, status int) func(*Ledger, context.Context) {
		return func(l *Ledger, ctx context.Context) {
			ex := &exchange.Exchange{Operation: op, Tier: exchange.TierMutation, Response: exchange.Recorded{Status: status}}
			r := exchange.Request{Path: path(c, op, map[string]string{"id": "u 1"}), Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"id":"u 1"}`)}
			if err := Before(ctx, ex, c, r); err != nil {
				t.Fatal(err)
			}
		}
	}
	add := func(status int) func(*Ledger, context.Context) { return change(opid.EssbaseAddUsers, status) }
	for _, tc := range []struct {
		name  string
		steps []func(*Ledger, context.Context)
		skip  bool
	}{
		{"refused, then read absent", []func(*Ledger, context.Context){add(400), read(404, nil)}, true},
		{"refused, no read after", []func(*Ledger, context.Context){add(400)}, false},
		{"refused, read present", []func(*Ledger, context.Context){add(400), read(200, nil)}, false},
		{"refused, read absent by another account", []func(*Ledger, context.Context){add(400), read(404, viewer)}, false},
		{"accepted, then read absent", []func(*Ledger, context.Context){add(200), read(404, admin)}, false},
		{"accepted, deleted, then read absent", []func(*Ledger, context.Context){add(200), change(opid.EssbaseDeleteUser, 200), read(404, admin)}, true},
		{"accepted, deleted, read absent, then changed again", []func(*Ledger, context.Context){add(200), change(opid.EssbaseDeleteUser, 200), read(404, admin), add(400)}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sent []string
			send := func(_ context.Context, _ *exchange.Client, r exchange.Request) (*exchange.Exchange, error) {
				sent = append(sent, string(r.Role)+" "+r.Operation)
				// The read before the add: the user is not there yet.
				return &exchange.Exchange{Operation: r.Operation, Role: r.Role, Response: exchange.Recorded{Status: http.StatusNotFound}}, nil
			}
			l := New(send, admin)
			ctx := With(context.Background(), l)
			for _, step := range tc.steps {
				step(l, ctx)
			}
			sent = nil
			l.Unwind(ctx)
			deleted := strings.Contains(strings.Join(sent, ","), opid.EssbaseDeleteUser)
			if deleted == tc.skip {
				t.Errorf("undo sent %v; want the delete skipped: %v", sent, tc.skip)
			}
		})
	}
}

// An OIG restore compares with the scenario's own read of the user when
// that read came after the scenario's last change, and reads the user
// itself otherwise: the read a scenario already made is not made again.
func TestAnOIGRestoreUsesTheScenariosLatestRead(t *testing.T) {
	c := ruled(t, map[string]Rule{opid.OigUpdateUsers: OIGUpdate})
	admin := &exchange.Credential{Basic: true, User: "admin"}
	const user = `{"id":"24","fields":[{"name":"First Name","value":"Dana"}]}`
	answer := func(op string, status int, body string) *exchange.Exchange {
		ex := exchange.Answer(op, status, []byte(body))
		ex.Tier = exchange.TierRead
		return ex
	}
	for _, tc := range []struct {
		name      string
		readAfter bool
		wantReads int
	}{
		{"read after the change", true, 0},
		{"no read after the change", false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reads := 0
			send := func(_ context.Context, _ *exchange.Client, r exchange.Request) (*exchange.Exchange, error) {
				if r.Role == exchange.RoleUndo && r.Operation == opid.OigGetUser {
					reads++
				}
				return answer(r.Operation, http.StatusOK, user), nil
			}
			l := New(send, admin)
			ctx := With(context.Background(), l)
			upd := &exchange.Exchange{Operation: opid.OigUpdateUsers, Tier: exchange.TierMutation, Response: exchange.Recorded{Status: 200}}
			body := `{"users":[{"requestId":"1","id":"24","fields":[{"name":"First Name","value":"X"}]}]}`
			if err := Before(ctx, upd, c, exchange.Request{Path: path(c, opid.OigUpdateUsers, nil), Body: []byte(body)}); err != nil {
				t.Fatal(err)
			}
			if tc.readAfter {
				if err := Before(ctx, answer(opid.OigGetUser, http.StatusOK, user), c, exchange.Request{Path: path(c, opid.OigGetUser, map[string]string{"id": "24"})}); err != nil {
					t.Fatal(err)
				}
			}
			if fails := l.Unwind(ctx); len(fails) != 0 {
				t.Fatalf("undo failed: %v", fails)
			}
			if reads != tc.wantReads {
				t.Errorf("the restore read the user %d times, want %d", reads, tc.wantReads)
			}
		})
	}
}
