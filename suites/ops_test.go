package suites

import (
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/ops"
)

// Every flow an operation names (internal/ops) is one the suites register.
func TestOperationsNameRegisteredFlows(t *testing.T) {
	for _, o := range ops.All() {
		for _, name := range o.Flows {
			if _, ok := flows[name]; !ok {
				t.Errorf("internal/ops names flow %q for %s, which suites/ does not register", name, o.ID)
			}
		}
	}
}
