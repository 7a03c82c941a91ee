package exchange

// Role says why a request is sent. It is evidence in every report, and it
// decides two things: a ledger undo (RoleUndo) is never refused for its
// tier, since what it puts back was sent under the same policy, and
// registers no undo of its own; the row's own requests (RoleRequest,
// RoleThen) are judged with the row's expectation, every other exchange
// when it is recorded.
type Role string

// The roles of a request.
const (
	RoleRequest    Role = "request"     // the row's request
	RoleThen       Role = "then"        // one of the row's further steps
	RoleSetup      Role = "setup"       // a row's setup, which must succeed
	RoleUpload     Role = "upload"      // a flow's file upload before its request
	RolePoll       Role = "poll"        // a flow's read of a job's status
	RoleReadBefore Role = "read-before" // the ledger's read before a change
	RoleUndo       Role = "undo"        // the ledger putting a change back
)

// RowJudged reports whether the row judges the exchange itself, with its
// expectation; every other exchange is judged where it is recorded.
func (r Role) RowJudged() bool { return r == RoleRequest || r == RoleThen }
