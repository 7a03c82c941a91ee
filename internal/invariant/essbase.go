package invariant

import (
	"fmt"
	"net/url"
	"strings"
)

func init() {
	for _, op := range []string{"essbaseAddUsers", "essbaseUpdateUser", "essbaseGetUser", "essbaseDeleteUser"} {
		Register(op, essbaseNoPassword)
		Register(op, essbaseRefusalIsNoUser)
	}
	for _, op := range []string{"essbaseAddUsers", "essbaseUpdateUser", "essbaseGetUser"} {
		Register(op, essbaseUsers)
	}
	RegisterWithRequest("essbaseAddUsers", essbaseAddEchoesRequest)
	RegisterWithRequest("essbaseUpdateUser", essbaseUpdateEchoesRequest)
}

// essbaseRoles are the documented spellings: "Valid roles: User, Power User,
// and Service Administrator" (Add or Import User(s) (https://docs.oracle.com/en/database/other-databases/essbase/21/essrt/op-users-post.html)); the sample sends
// "user" and is answered "User" (Q-ESS-002).
var essbaseRoles = []string{"User", "Power User", "Service Administrator"}

// essbaseLinkMethods are the four links of Update User (https://docs.oracle.com/en/database/other-databases/essbase/21/essrt/op-users-id-put.html), Example
// of Response Body, with their methods.
var essbaseLinkMethods = map[string]string{"get": "GET", "edit": "PUT", "delete": "DELETE", "provisionReport": "GET"}

// essbaseNoPassword: the password is write-only ("Password for the user."),
// so no answer, success or error, may carry one at any depth.
func essbaseNoPassword(_ int, body any) []string {
	var out []string
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				p := k
				if at != "" {
					p = at + "." + k
				}
				if strings.EqualFold(k, "password") {
					out = append(out, fmt.Sprintf("%s is in the answer: a password is never returned", p))
					continue
				}
				walk(e, p)
			}
		case []any:
			for i, e := range x {
				walk(e, fmt.Sprintf("%s[%d]", at, i))
			}
		}
	}
	walk(body, "")
	return out
}

// essbaseRefusalIsNoUser: a refused request (4xx, 5xx) answers an error,
// never a user: a refusal that carries the user looks like it was applied.
func essbaseRefusalIsNoUser(status int, body any) []string {
	if status < 400 {
		return nil
	}
	if len(essbaseUserList(body)) > 0 {
		return []string{fmt.Sprintf("HTTP %d answers a user: a refused request answers an error", status)}
	}
	return nil
}

// essbaseUsers: every user of a 200 answer has an id, a role in one of the
// documented spellings exactly, and, when it has links (links=none removes
// them, REST API for Oracle Essbase 21 (https://docs.oracle.com/en/database/other-databases/essbase/21/essrt/); the rule cannot see the query, so a scenario asserts
// their presence), the four documented ones, each with rel, href and method,
// the method documented for its rel and the href naming the user.
func essbaseUsers(status int, body any) []string {
	if status != 200 {
		return nil
	}
	var out []string
	for i, u := range essbaseUserList(body) {
		where := "the user"
		if _, isList := body.([]any); isList {
			where = fmt.Sprintf("user [%d]", i)
		}
		id, _ := u["id"].(string)
		if id == "" {
			out = append(out, where+" has no id")
		}
		role, _ := u["role"].(string)
		if !contains(essbaseRoles, role) {
			out = append(out, fmt.Sprintf("%s has role %q: an answer spells it User, Power User or Service Administrator exactly", where, role))
		}
		raw, has := u["links"]
		if !has {
			continue
		}
		links, ok := raw.([]any)
		if !ok {
			out = append(out, fmt.Sprintf("%s: links is %T, not a list", where, raw))
			continue
		}
		seen := map[string]bool{}
		for j, l := range links {
			link, _ := l.(map[string]any)
			rel, _ := link["rel"].(string)
			href, _ := link["href"].(string)
			method, _ := link["method"].(string)
			if rel == "" || href == "" || method == "" {
				out = append(out, fmt.Sprintf("%s: links[%d] lacks rel, href or method (each link has all three)", where, j))
				continue
			}
			seen[rel] = true
			if want, documented := essbaseLinkMethods[rel]; documented && method != want {
				out = append(out, fmt.Sprintf("%s: the %s link has method %s, documented %s", where, rel, method, want))
			}
			if id != "" && !essbaseHrefNames(href, rel, id) {
				out = append(out, fmt.Sprintf("%s: the %s link %q does not end in /users/%s", where, rel, href, id))
			}
		}
		for _, rel := range []string{"get", "edit", "delete", "provisionReport"} {
			if !seen[rel] {
				out = append(out, fmt.Sprintf("%s has links but no %s link (the documented four are get, edit, delete, provisionReport)", where, rel))
			}
		}
	}
	return out
}

// essbaseHrefNames reports whether a link's href ends in /users/<id> (and
// /provisionReport for that link), the id escaped or not, in any case
// (Q-ESS-007: IDs compare case-insensitively).
func essbaseHrefNames(href, rel, id string) bool {
	suffix := ""
	if rel == "provisionReport" {
		suffix = "/provisionReport"
	}
	h := strings.ToLower(href)
	for _, form := range []string{id, url.PathEscape(id)} {
		if strings.HasSuffix(h, strings.ToLower("/users/"+form+suffix)) {
			return true
		}
	}
	return false
}

// essbaseAddEchoesRequest: "User added successfully. ... the users are
// returned in the response body." The answer mirrors the request's shape
// (Q-ESS-012): one object for one, a list of the same length in the same
// order for a list, each user with the ID, name and email sent and the role
// sent in its documented spelling (User when none was sent, Q-ESS-013).
func essbaseAddEchoesRequest(status int, request, body any) []string {
	if status != 200 || request == nil {
		return nil
	}
	reqList, reqIsList := request.([]any)
	ansList, ansIsList := body.([]any)
	switch {
	case reqIsList && !ansIsList:
		return []string{"a list of users was sent and one user answered: the answer mirrors the request's shape"}
	case !reqIsList && ansIsList:
		return []string{"one user was sent and a list answered: the answer mirrors the request's shape"}
	case reqIsList:
		if len(reqList) != len(ansList) {
			return []string{fmt.Sprintf("%d users were sent and %d answered", len(reqList), len(ansList))}
		}
		var out []string
		for i := range reqList {
			out = append(out, essbaseEcho(fmt.Sprintf("user [%d]", i), reqList[i], ansList[i], true)...)
		}
		return out
	}
	return essbaseEcho("the user", request, body, true)
}

// essbaseUpdateEchoesRequest: "User updated successfully", answered with the
// updated user: what the body sent is what the answer says.
func essbaseUpdateEchoesRequest(status int, request, body any) []string {
	if status != 200 || request == nil {
		return nil
	}
	return essbaseEcho("the user", request, body, false)
}

func essbaseEcho(where string, sent, got any, add bool) []string {
	s, ok1 := sent.(map[string]any)
	g, ok2 := got.(map[string]any)
	if !ok1 || !ok2 {
		return nil
	}
	var out []string
	if id, ok := s["id"].(string); ok {
		if gid, _ := g["id"].(string); !strings.EqualFold(gid, id) {
			out = append(out, fmt.Sprintf("%s: id %q was sent and %q answered", where, id, gid))
		}
	}
	for _, k := range []string{"name", "email"} {
		if v, ok := s[k].(string); ok && v != "" {
			if gv, _ := g[k].(string); gv != v {
				out = append(out, fmt.Sprintf("%s: %s %q was sent and %q answered", where, k, v, gv))
			}
		}
	}
	role, sentRole := s["role"].(string)
	if !sentRole && add {
		role, sentRole = "User", true
	}
	if sentRole {
		if gr, _ := g["role"].(string); !strings.EqualFold(gr, role) {
			out = append(out, fmt.Sprintf("%s: role %q was sent (or is the default) and %q answered", where, role, gr))
		}
	}
	return out
}

// essbaseUserList finds the users of an answer: one object with an id and a
// role, or a list of them.
func essbaseUserList(body any) []map[string]any {
	isUser := func(v any) (map[string]any, bool) {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		_, hasID := m["id"]
		_, hasRole := m["role"]
		return m, hasID && hasRole
	}
	if u, ok := isUser(body); ok {
		return []map[string]any{u}
	}
	var out []map[string]any
	if l, ok := body.([]any); ok {
		for _, e := range l {
			if u, ok := isUser(e); ok {
				out = append(out, u)
			}
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
