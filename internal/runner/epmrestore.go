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

// keepOwnAttributes drops the declared attributes of an EPM test user that
// a shard replaced by its own user (shard_vars) without declaring the new
// user's: jdoe2 must never be "restored" to jdoe's name and email.
func keepOwnAttributes(base, shard map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range shard {
		out[k] = v
	}
	for k := range shard {
		if !ledger.IsEPMAttribute(k, shard) {
			continue
		}
		for _, suffix := range []string{"_first_name", "_last_name", "_email"} {
			if user, ok := strings.CutSuffix(k, suffix); ok && shard[user] != base[user] && shard[k] == base[k] {
				delete(out, k)
			}
		}
	}
	return out
}
