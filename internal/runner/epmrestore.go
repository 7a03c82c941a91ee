package runner

import (
	"fmt"
	"sort"
	"strings"

	"github.com/oracle-users-conformance/conformance/internal/ledger"
	"github.com/oracle-users-conformance/conformance/internal/report"
	"github.com/oracle-users-conformance/conformance/suites"
)

// epmRestoredNote says that the declared EPM test users were restored, or
// names those that could not be (their undos are in the leftovers).
func epmRestoredNote(env *suites.Env, leftovers []report.Leftover) string {
	declared := ledger.DeclaredEPMUsers(env.Vars.Var)
	if len(declared) == 0 {
		return ""
	}
	var logins []string
	for _, u := range declared {
		logins = append(logins, u.Login)
	}
	sort.Strings(logins)
	var failed []string
	for _, l := range leftovers {
		if strings.HasPrefix(l.Undo, "restore EPM users ") {
			failed = append(failed, l.Scenario+": "+l.Error)
		}
	}
	if len(failed) > 0 {
		return fmt.Sprintf("EPM test users declared in vars (%s): %d restores failed, so these may keep test values: %s", strings.Join(logins, ", "), len(failed), strings.Join(failed, "; "))
	}
	return fmt.Sprintf("EPM test users declared in vars (%s): restored to their declared attributes after every scenario that changed them, each by a v2 update judged like any other exchange", strings.Join(logins, ", "))
}
