package ops

// Oracle Identity Governance users (specs/oig-users.yaml).

import (
	"github.com/oracle-users-conformance/conformance/internal/invariant"
	"github.com/oracle-users-conformance/conformance/internal/ledger"
	"github.com/oracle-users-conformance/conformance/internal/opid"
)

func init() {
	Register(Operation{
		ID:         opid.OigUpdateUsers,
		Undo:       undo(ledger.OIGUpdate),
		Invariants: invariant.OIGUpdate,
		Deviations: []string{"oig-fail-as-success", "oig-success-without-change"},
		Flows:      []string{"oig-restore", "oig-readback", "oig-doc-users"},
		Harmless:   []string{"error-messages", "per-user-order"},
	})
	Register(Operation{
		ID:         opid.OigListUsers,
		Invariants: invariant.OIGList,
		Deviations: []string{"oig-list-ignores-query", "oig-list-usr-key-as-string"},
		Harmless:   []string{"error-messages", "per-user-order"},
	})
	Register(Operation{
		ID: opid.OigGetToken,
		// It issues a token and changes no user; a token expires by itself
		// and the service names no API to revoke one.
		Undo:       undo(ledger.NoUndo("a token expires by itself; no user changes")),
		Deviations: []string{"oig-token-not-jwt", "oig-token-issued-to-anyone"},
	})
	Register(Operation{
		ID:         opid.OigGetUser,
		Invariants: invariant.OIGGet,
		Deviations: []string{"oig-get-drops-fields"},
		Flows:      []string{"oig-readback"},
		Harmless:   []string{"error-messages"},
	})
}
