package ops

// Essbase users (specs/essbase-users.yaml).

import (
	"github.com/oracle-users-conformance/conformance/internal/invariant"
	"github.com/oracle-users-conformance/conformance/internal/ledger"
	"github.com/oracle-users-conformance/conformance/internal/opid"
)

func init() {
	Register(Operation{
		ID:         opid.EssbaseAddUsers,
		Undo:       undo(ledger.EssbaseAdd),
		Invariants: invariant.EssbaseAdd,
		Deviations: []string{"essbase-accept-invalid-id", "essbase-role-lower-case"},
		Harmless:   []string{"essbase-error-codes"},
	})
	Register(Operation{
		ID:         opid.EssbaseAbout,
		Deviations: []string{"essbase-about-without-version"},
		Harmless:   []string{"essbase-error-codes"},
	})
	Register(Operation{
		ID:         opid.EssbaseListUsers,
		Invariants: invariant.EssbaseList,
		Deviations: []string{"essbase-list-ignores-parameters"},
		Harmless:   []string{"essbase-error-codes", "per-user-order"},
	})
	Register(Operation{
		ID:         opid.EssbaseGetUser,
		Invariants: invariant.EssbaseGet,
		Deviations: []string{"essbase-xml-as-json"},
		Harmless:   []string{"essbase-error-codes"},
	})
	Register(Operation{
		ID:         opid.EssbaseUpdateUser,
		Undo:       undo(ledger.EssbaseUpdate),
		Invariants: invariant.EssbaseUpdate,
		Deviations: []string{"essbase-update-ignores-role", "essbase-update-drops-links"},
		Harmless:   []string{"essbase-error-codes"},
	})
	Register(Operation{
		ID:         opid.EssbaseDeleteUser,
		Undo:       undo(ledger.EssbaseDelete),
		Invariants: invariant.EssbaseDelete,
		Deviations: []string{"essbase-delete-keeps-user"},
		Harmless:   []string{"essbase-error-codes"},
	})
}
