package ops

// EPM Cloud (specs/epm-users-v1.yaml, specs/epm-users-v2.yaml).

import (
	"github.com/oracle-users-conformance/conformance/internal/invariant"
	"github.com/oracle-users-conformance/conformance/internal/ledger"
	"github.com/oracle-users-conformance/conformance/internal/opid"
)

// epmNoRead is why an EPM user change stays: neither document names an
// API that reads a user, so nothing can be read first nor written back.
const epmNoRead = "EPM has no API to read a user back"

func init() {
	Register(Operation{
		ID:         opid.UpdateUsersV1,
		Undo:       undo(ledger.EPMUsers(epmNoRead, "the users the job changes keep their new values (EPM has no API to read a user back)")),
		Invariants: invariant.EPM1Submit,
		Deviations: []string{"epm1-summary-disagrees", "epm1-bad-submit-starts-job"},
		Flows:      []string{"epm1-job"},
		Harmless:   []string{"epm1-job-ids"},
	})
	Register(Operation{
		ID:         opid.GetUsersJobV1,
		Invariants: invariant.EPM1Job,
		Deviations: []string{"epm1-links-object"},
		Flows:      []string{"epm1-job"},
		Harmless:   []string{"epm1-job-slower", "epm1-job-ids"},
	})
	Register(Operation{
		ID:         opid.EpmUploadFile,
		Undo:       undo(ledger.EPMUpload),
		Invariants: invariant.EPM1File,
		Deviations: []string{"epm1-overwrite-upload", "epm1-file-answers-without-links"},
		Flows:      []string{"epm1-job"},
	})
	Register(Operation{
		ID: opid.EpmDeleteFile,
		// The suite deletes only files it uploaded (the upload's own undo);
		// a deleted file's content cannot be read back to restore it.
		Undo:       undo(ledger.NoUndo("a deleted file cannot be restored; rows delete only files they uploaded")),
		Invariants: invariant.EPM1File,
		Deviations: []string{"epm1-any-client-error-as-500"},
	})
	Register(Operation{
		ID:         opid.GetMigrationAPIVersions,
		Deviations: []string{"epm-versions-without-latest"},
	})
	Register(Operation{
		ID:         opid.EpmListFiles,
		Deviations: []string{"epm1-list-files-garbled"},
	})
	Register(Operation{
		ID:         opid.UpdateUsersV2,
		Undo:       undo(ledger.EPMUsers(epmNoRead, "the users this batch changes keep their new values (EPM has no API to read a user back)")),
		Invariants: invariant.EPM2Update,
		Deviations: []string{"epm2-partial-as-failure", "epm2-processed-miscount"},
		Harmless:   []string{"error-messages", "per-user-order"},
	})
}
