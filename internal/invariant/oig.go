package invariant

import (
	"fmt"
	"net/url"
	"strings"
)

func init() {
	Register("oigUpdateUsers", oigUpdateEntries)
	RegisterWithRequest("oigUpdateUsers", oigUpdateMatchesRequest)
	Register("oigGetUser", oigGetUserFields)
}

// oigUsersPath is where every self link of Update Users (https://docs.oracle.com/en/middleware/idm/identity-governance/12.2.1.4/oimss/op-users-put.html) points:
// http://pseudo.com:PORT/iam/governance/selfservice/api/v1/users/<usr_key>.
const oigUsersPath = "/iam/governance/selfservice/api/v1/users/"

// oigUpdateEntries: Update Users (https://docs.oracle.com/en/middleware/idm/identity-governance/12.2.1.4/oimss/op-users-put.html), Example of PUT Response Body. A
// request that ran answers 200 with one entry per user; SUCCESS (tolerating
// the leading space of Q-OIG-003) carries no reason, FAIL says why in
// reason; a self link names one user. Whole-request refusals (4xx) list no
// per-user outcome.
func oigUpdateEntries(httpStatus int, body any) []string {
	users, hasUsers := at(body, "users")
	list, isList := users.([]any)
	if httpStatus != 200 {
		if hasUsers && isList && httpStatus >= 400 && httpStatus < 500 {
			return []string{fmt.Sprintf("HTTP %d lists per-user outcomes: a refused request processed no user, a request that ran answers 200", httpStatus)}
		}
		return nil
	}
	if !isList {
		return nil // the schema check reports it
	}
	var out []string
	if len(list) == 0 {
		out = append(out, "users is empty: the request needs at least one user, so the answer lists at least one")
	}
	for i, e := range list {
		entry, ok := e.(map[string]any)
		if !ok {
			continue // the schema check reports it
		}
		status, _ := entry["status"].(string)
		reason, hasReason := entry["reason"]
		switch strings.TrimPrefix(status, " ") {
		case "SUCCESS":
			if hasReason && reason != nil && reason != "" {
				out = append(out, fmt.Sprintf("users[%d] is %q with a reason (%v): a reason belongs to a FAIL", i, status, reason))
			}
		case "FAIL":
			if s, _ := reason.(string); strings.TrimSpace(s) == "" {
				out = append(out, fmt.Sprintf("users[%d] is FAIL without a reason: a failure says why", i))
			}
		}
		if href, ok := oigSelfHref(entry); ok && !oigUserLink(href) {
			out = append(out, fmt.Sprintf("users[%d]: the self link %q does not name one user under %s", i, href, oigUsersPath))
		}
	}
	return out
}

// oigUpdateMatchesRequest ties the answer to the request: one entry per
// request entry, in request order (Q-OIG-002: the suite matches answers by
// position); the requestId sent comes back, as requestId or, in versions
// that name it so, id; a SUCCESS entry links to the user it changed; an
// entry without id cannot succeed (Q-OIG-004).
func oigUpdateMatchesRequest(httpStatus int, request, body any) []string {
	if httpStatus != 200 {
		return nil
	}
	sent, ok := at(request, "users")
	reqList, isList := sent.([]any)
	if !ok || !isList {
		return nil
	}
	got, _ := at(body, "users")
	ansList, isList := got.([]any)
	if !isList {
		return nil
	}
	if len(ansList) != len(reqList) {
		return []string{fmt.Sprintf("the request has %d users but the answer %d entries: every user of the request gets one entry", len(reqList), len(ansList))}
	}
	var out []string
	for i := range reqList {
		req, _ := reqList[i].(map[string]any)
		ans, _ := ansList[i].(map[string]any)
		if req == nil || ans == nil {
			continue
		}
		if rid, ok := req["requestId"].(string); ok {
			if ans["requestId"] != rid && ans["id"] != rid {
				out = append(out, fmt.Sprintf("users[%d] answers requestId %s for the request's %q: requestIds come back, in request order", i, showJSON(ans["requestId"]), rid))
			}
		}
		status, _ := ans["status"].(string)
		success := strings.TrimPrefix(status, " ") == "SUCCESS"
		rawID := req["id"]
		id, isString := rawID.(string)
		if rawID == nil || (isString && id == "") {
			if success {
				out = append(out, fmt.Sprintf("users[%d] has no id in the request yet answers %q: id is mandatory", i, status))
			}
			continue
		}
		if !isString {
			continue // a number as id (Q-OIG-016): what it links to is the target's choice
		}
		href, hasLink := oigSelfHref(ans)
		switch {
		case hasLink && !strings.HasSuffix(oigLinkPath(href), oigUsersPath+url.PathEscape(id)):
			out = append(out, fmt.Sprintf("users[%d]: the self link %q does not end with the usr_key %q the request named", i, href, id))
		case !hasLink && success:
			out = append(out, fmt.Sprintf("users[%d] answers %q without a self link to user %q", i, status, id))
		}
	}
	return out
}

// oigGetUserFields: a user is a list of fields by display name (REST API for Oracle Identity Governance Self Service,
// https://docs.oracle.com/en/middleware/idm/identity-governance/12.2.1.4/oimss/op-users-id-get.html), each name once; its self link names the user's own usr_key.
func oigGetUserFields(httpStatus int, body any) []string {
	if httpStatus != 200 {
		return nil
	}
	fields, _ := at(body, "fields")
	list, _ := fields.([]any)
	var out []string
	seen := map[string]bool{}
	key := ""
	for _, f := range list {
		m, _ := f.(map[string]any)
		name, _ := m["name"].(string)
		if name == "" {
			continue
		}
		if seen[name] {
			out = append(out, fmt.Sprintf("fields lists %q twice: a user has one value per attribute", name))
		}
		seen[name] = true
		if name == "usr_key" {
			key = fmt.Sprint(m["value"])
		}
	}
	if href, ok := oigSelfHref(body); ok && key != "" && !strings.HasSuffix(oigLinkPath(href), oigUsersPath+url.PathEscape(key)) {
		out = append(out, fmt.Sprintf("the self link %q does not end with the user's usr_key %q", href, key))
	}
	return out
}

// oigSelfHref finds the href of the rel "self" link of an object.
func oigSelfHref(obj any) (string, bool) {
	m, _ := obj.(map[string]any)
	links, _ := m["links"].([]any)
	for _, l := range links {
		lm, _ := l.(map[string]any)
		if lm["rel"] == "self" {
			href, ok := lm["href"].(string)
			return href, ok
		}
	}
	return "", false
}

// oigLinkPath is the path of a link. The document's links read
// "http://pseudo.com:PORT/...", which is no URL (Q-OIG-018), so the path is
// found from the API's own prefix when parsing fails.
func oigLinkPath(href string) string {
	if u, err := url.Parse(href); err == nil && u.Path != "" {
		return u.EscapedPath()
	}
	if i := strings.Index(href, "/iam/governance/"); i >= 0 {
		return href[i:]
	}
	return href
}

// oigUserLink: the link's path ends with /users/<one segment>.
func oigUserLink(href string) bool {
	p := oigLinkPath(href)
	i := strings.LastIndex(p, oigUsersPath)
	return i >= 0 && len(p) > i+len(oigUsersPath) && !strings.Contains(p[i+len(oigUsersPath):], "/")
}

func showJSON(v any) string {
	if v == nil {
		return "nothing"
	}
	return fmt.Sprintf("%q", fmt.Sprint(v))
}
