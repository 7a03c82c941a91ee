package suites

// The operations' undos and invariants are installed by registering them
// (internal/ops); every run goes through this package, so it links them.
import _ "github.com/oracle-users-conformance/conformance/internal/ops"
