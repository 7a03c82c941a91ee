package ledger

// EPM users put back. Neither EPM document names an API that reads a user,
// so a change cannot be read first and written back; but the config can
// declare what each test user should look like (vars epm_user_1_first_name,
// epm_user_1_last_name, epm_user_1_email next to epm_user_1), and the same
// v2 Update Users the suite checks then writes those values back at the end
// of every scenario that changed EPM users: a real undo, recorded and
// judged like any other exchange. EPM user accounts belong to the identity
// domain, shared by every environment, so this keeps a test environment's
// run from leaving test values in production too. Users without declared
// attributes keep the irreversible note.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/opid"
)

// EPMUser is what the config declares an EPM test user looks like.
type EPMUser struct {
	Login, FirstName, LastName, Email string
}

// epmAttributes are the suffixes of the vars that declare a user's
// attributes, with the v2 field each sets.
var epmAttributes = map[string]string{"_first_name": "firstname", "_last_name": "lastname", "_email": "email"}

// IsEPMAttribute reports whether a var declares an attribute of another
// var's EPM user (so no scenario needs to name it).
func IsEPMAttribute(key string, vars map[string]string) bool {
	for suffix := range epmAttributes {
		if base, ok := strings.CutSuffix(key, suffix); ok && strings.HasPrefix(base, "epm_user_") {
			if _, ok := vars[base]; ok {
				return true
			}
		}
	}
	return false
}

// DeclaredEPMUsers are the EPM test users whose first name, last name and
// email the vars declare, by login (lower case: EPM logins ignore case).
func DeclaredEPMUsers(vars map[string]string) map[string]EPMUser {
	out := map[string]EPMUser{}
	for k, login := range vars {
		if !strings.HasPrefix(k, "epm_user_") || IsEPMAttribute(k, vars) {
			continue
		}
		first, ok1 := vars[k+"_first_name"]
		last, ok2 := vars[k+"_last_name"]
		email, ok3 := vars[k+"_email"]
		if ok1 && ok2 && ok3 {
			out[strings.ToLower(login)] = EPMUser{Login: login, FirstName: first, LastName: last, Email: email}
		}
	}
	return out
}

// SetEPMUsers gives the ledger the declared EPM test users.
func (l *Ledger) SetEPMUsers(users map[string]EPMUser) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.epmUsers = users
}

// epmTouched are the logins a v2 update names; nil for a v1 job, whose
// users are in a file uploaded before (all declared users are put back).
func epmTouched(r exchange.Request) (logins []string, known bool) {
	if r.Operation != opid.UpdateUsersV2 {
		return nil, false
	}
	var body struct {
		Users []struct {
			UserLogin string `json:"userlogin"`
		} `json:"users"`
	}
	if json.Unmarshal(r.Body, &body) != nil {
		return nil, false
	}
	for _, u := range body.Users {
		logins = append(logins, u.UserLogin)
	}
	return logins, true
}

// epmRestore registers the restore of the declared users a change touches,
// once per scenario and user, and returns the users it cannot restore.
func epmRestore(l *Ledger, c *exchange.Client, ex *exchange.Exchange, r exchange.Request) (undeclared []string) {
	l.mu.Lock()
	declared := l.epmUsers
	l.mu.Unlock()
	logins, known := epmTouched(r)
	if !known {
		// The job's file names the test users through vars; all declared
		// ones are put back (unknown users in a file are not changed).
		for _, u := range declared {
			logins = append(logins, u.Login)
		}
	}
	var restore []EPMUser
	for _, login := range logins {
		u, ok := declared[strings.ToLower(login)]
		if !ok {
			if known {
				undeclared = append(undeclared, login)
			}
			continue
		}
		if l.wasCreated("epm-restore:" + strings.ToLower(login)) {
			continue // already put back at the end of this scenario
		}
		l.markCreated("epm-restore:" + strings.ToLower(login))
		restore = append(restore, u)
	}
	if len(restore) == 0 {
		return undeclared
	}
	sort.Slice(restore, func(i, j int) bool { return restore[i].Login < restore[j].Login })
	var names []string
	type v2User struct {
		UserLogin string `json:"userlogin"`
		FirstName string `json:"firstname"`
		LastName  string `json:"lastname"`
		Email     string `json:"email"`
	}
	var users []v2User
	for _, u := range restore {
		names = append(names, u.Login)
		users = append(users, v2User{u.Login, u.FirstName, u.LastName, u.Email})
	}
	body, _ := json.Marshal(map[string]any{"users": users})
	l.RegisterFor(ex, "restore EPM users "+strings.Join(names, ", ")+" to their declared attributes", func(ctx context.Context) error {
		// A request meant to be refused (a body broken on purpose) is put
		// right too when the target acted on it anyway; one it refused
		// or never saw changed nothing.
		if exchange.NotActedOn(ex) || ex.Err == nil && ex.Status() >= 400 {
			return nil
		}
		up, err := l.send(ctx, c, exchange.Request{Operation: opid.UpdateUsersV2, Path: path(c, opid.UpdateUsersV2, nil), Body: body, Header: jsonHeader(), Role: exchange.RoleUndo, Auth: l.admin})
		if err := undoFailed(up, err, ok2xx); err != nil {
			return fmt.Errorf("EPM users %s could not be restored: %w", strings.Join(names, ", "), err)
		}
		if failed := v2Failed(up); len(failed) > 0 {
			return fmt.Errorf("EPM users %s could not be restored: the update failed for %s", strings.Join(names, ", "), strings.Join(failed, ", "))
		}
		return nil
	})
	return undeclared
}

// v2Failed names what a v2 answer says it did not do: status 1 (the
// operation failed) or the users in details.faileditems (Table 12-45 and
// Example 3 of the v2 document).
func v2Failed(ex *exchange.Exchange) []string {
	v, err := ex.JSON()
	if err != nil {
		return []string{"(the answer is not JSON)"}
	}
	m, _ := v.(map[string]any)
	if fmt.Sprint(m["status"]) != "0" {
		return []string{fmt.Sprintf("every user (status %v)", m["status"])}
	}
	details, _ := m["details"].(map[string]any)
	items, _ := details["faileditems"].([]any)
	var out []string
	for _, it := range items {
		im, _ := it.(map[string]any)
		out = append(out, fmt.Sprintf("%v (%v)", im["userlogin"], im["errormessage"]))
	}
	return out
}

func jsonHeader() http.Header {
	return http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}}
}
