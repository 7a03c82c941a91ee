package invariant

import (
	"fmt"
	"strings"
)

// Rules of the neighbour operations (fixtures/quirks/neighbours.yaml): the
// arithmetic of a list answer, whatever the scenario asked.
func init() {
	Register("essbaseListUsers", essbaseNoPassword)
	Register("essbaseListUsers", essbaseListCounts)
	Register("oigListUsers", oigListCounts)
	Register("oigListUsers", oigListedIdentity)
}

// essbaseListCounts: count is the number of items, totalResults at least
// that, and a list that holds fewer than totalResults says hasMore
// (definitions.Users of the server's own OpenAPI document; Q-ESS-050). A
// listed role, when present, has a documented spelling.
func essbaseListCounts(status int, body any) []string {
	if status != 200 {
		return nil
	}
	m, ok := body.(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("the answer is %T, not the Users envelope", body)}
	}
	items, _ := m["items"].([]any)
	out := listCounts(m, "count", "totalResults", len(items))
	for i, it := range items {
		u, _ := it.(map[string]any)
		if role, has := u["role"].(string); has && !contains(essbaseRoles, role) {
			out = append(out, fmt.Sprintf("items[%d] has role %q: an answer spells it User, Power User or Service Administrator exactly", i, role))
		}
	}
	return out
}

// oigListCounts: count is the number of users on the page, totalResult at
// least that, and no more are announced when every user is on the page
// (Q-OIG-050).
func oigListCounts(status int, body any) []string {
	if status != 200 {
		return nil
	}
	m, ok := body.(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("the answer is %T, not UsersListResponse", body)}
	}
	users, _ := m["users"].([]any)
	return listCounts(m, "count", "totalResult", len(users))
}

// oigListedIdentity: each entry is the user its id names: a usr_key field,
// when listed, holds the same key, and a self link ends in /users/<id>.
func oigListedIdentity(status int, body any) []string {
	if status != 200 {
		return nil
	}
	users, _ := at(body, "users")
	list, _ := users.([]any)
	var out []string
	for i, e := range list {
		u, _ := e.(map[string]any)
		id, _ := u["id"].(string)
		if key, has := num(u, "fields[name=usr_key].value"); has && fmt.Sprint(key) != id {
			out = append(out, fmt.Sprintf("users[%d] has id %q but usr_key %v", i, id, key))
		}
		if href, has := at(u, "links[rel=self].href"); has {
			if s, _ := href.(string); !strings.HasSuffix(s, "/users/"+id) {
				out = append(out, fmt.Sprintf("users[%d]'s self link %q does not end in /users/%s", i, s, id))
			}
		}
	}
	return out
}

// listCounts checks the counters of a list answer: count equals the listed
// entries, total is at least count, hasMore is false when every entry is
// listed, and true when a first page lists fewer than total. Absent
// counters are not judged.
func listCounts(m map[string]any, countKey, totalKey string, listed int) []string {
	var out []string
	count, hasCount := num(m, countKey)
	if hasCount && int(count) != listed {
		out = append(out, fmt.Sprintf("%s is %v but %d entries are listed", countKey, count, listed))
	}
	total, hasTotal := num(m, totalKey)
	if hasTotal && int(total) < listed {
		out = append(out, fmt.Sprintf("%s is %v, fewer than the %d entries listed", totalKey, total, listed))
	}
	more, hasMore := m["hasMore"].(bool)
	// Only an answer that says it starts at the first entry (Essbase's
	// offset 0) shows that entries are left when it lists fewer than total;
	// an OIG page does not say where it starts.
	offset, hasOffset := num(m, "offset")
	if hasTotal && hasMore && hasOffset && offset == 0 && !more && int(total) > listed {
		out = append(out, fmt.Sprintf("hasMore is false but %s %v is more than the %d entries listed", totalKey, total, listed))
	}
	if hasTotal && hasMore && more && int(total) <= listed {
		out = append(out, fmt.Sprintf("hasMore is true but all %v of %s are listed", total, totalKey))
	}
	return out
}
