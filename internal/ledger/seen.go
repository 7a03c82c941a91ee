package ledger

// Every request must earn its place: an undo that deletes a user the
// target refused to create, or that the scenario itself deleted, when a
// read after the scenario's last change already showed the user absent,
// would only ask the target to confirm what it said. The ledger watches
// the scenario's own reads (the road's hook sees every request) and skips
// such an undo. Both must hold, the refusal (or the delete) and the read:
// a target that refused and created anyway, or whose reads do not show
// what it holds, still gets the undo unless it also showed the other.

import (
	"context"
	"net/http"
	"net/url"

	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/opid"
)

// seenRead is the latest read of one thing, and when it was sent.
type seenRead struct {
	seq int
	ex  *exchange.Exchange
}

// readKeys name what a read operation shows, by the key its undos use:
// the operations whose answers an undo can trust to say a thing is absent.
var readKeys = map[string]func(params map[string]string) string{
	opid.EssbaseGetUser: func(p map[string]string) string { return essKey(unescape(p["id"])) },
	opid.OigGetUser:     func(p map[string]string) string { return oigKey(unescape(p["id"])) },
}

func oigKey(id string) string { return "oig:" + id }

// unescape is a path parameter as the body names it: "a%20b" is "a b".
func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// sawRead remembers a read of the scenario's, as the ledger's account:
// what another account cannot see says nothing of what is there.
func (l *Ledger) sawRead(c *exchange.Client, ex *exchange.Exchange, r exchange.Request) {
	key, ok := readKeys[ex.Operation]
	if !ok || r.Auth != nil && l.admin != nil && r.Auth.User != l.admin.User {
		return
	}
	k := key(params(c, ex.Operation, r.Path))
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	l.reads[k] = seenRead{seq: l.seq, ex: ex}
}

// changing marks a change about to be sent: reads before it are stale.
func (l *Ledger) changing() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	l.lastChange = l.seq
}

// shownAbsent reports whether the latest read of k came after the
// scenario's last change and answered 404.
func (l *Ledger) shownAbsent(k string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	rd, ok := l.reads[k]
	return ok && rd.seq > l.lastChange && rd.ex.Err == nil && rd.ex.Status() == http.StatusNotFound
}

// deleted remembers the scenario's own delete of a thing.
func (l *Ledger) deleted(k string, ex *exchange.Exchange) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.deletes[k] = ex
}

// deletedByScenario reports whether the scenario deleted k and the target
// said it did.
func (l *Ledger) deletedByScenario(k string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	ex, ok := l.deletes[k]
	return ok && ex.Err == nil && ex.Status() >= 200 && ex.Status() <= 299
}

// fresh is the latest read of k if it came after the scenario's last
// change and answered 200: what the target holds now, read already.
func (l *Ledger) fresh(k string) (*exchange.Exchange, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	rd, ok := l.reads[k]
	if !ok || rd.seq <= l.lastChange || rd.ex.Err != nil || rd.ex.Status() != http.StatusOK {
		return nil, false
	}
	return rd.ex, true
}

// refused reports whether the target answered a change with a client
// error: it says it did not act.
func refused(ex *exchange.Exchange) bool {
	return ex != nil && ex.Err == nil && ex.Status() >= 400 && ex.Status() <= 499
}

// registerUnless is RegisterFor with a look, before any undo runs, at what
// the scenario's reads showed: whether the undo is needed at all.
func (l *Ledger) registerUnless(cause *exchange.Exchange, before func() (needless bool), desc string, do func(ctx context.Context) error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, entry{desc: desc, do: do, cause: cause, before: before})
}
