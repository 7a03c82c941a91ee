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
	})
	Register(Operation{
		ID:         opid.OigGetUser,
		Invariants: invariant.OIGGet,
		Deviations: []string{"oig-get-drops-fields"},
		Flows:      []string{"oig-readback"},
	})
}
