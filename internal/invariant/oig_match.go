package invariant

import (
	"fmt"
	"net/url"
	"strings"
)

// OIGPair is one user of a bulk update request and the answer entry that
// belongs to it (nil when the answer has none).
type OIGPair struct {
	Index   int // position in the request
	Request map[string]any
	Answer  map[string]any
}

// OIGMatch finds each request user's answer entry by identity, never by
// position: no document orders the answer (Q-OIG-002). An entry belongs to
// a request user when it carries the requestId sent (as requestId, or as id
// in versions that name it so) or, for a user sent without requestId, when
// its self link names the usr_key sent. The document's example gives two
// users one requestId, so where several entries carry it the one whose self
// link names the user wins. Each entry is used once: a user named twice
// (Q-OIG-017) gets two. A single user and a single entry left over are
// paired by elimination.
func OIGMatch(request, answer []any) []OIGPair {
	used := make([]bool, len(answer))
	entry := func(i int) map[string]any { m, _ := answer[i].(map[string]any); return m }
	find := func(ok func(e map[string]any) bool) map[string]any {
		for i := range answer {
			if e := entry(i); e != nil && !used[i] && ok(e) {
				used[i] = true
				return e
			}
		}
		return nil
	}
	out := make([]OIGPair, len(request))
	for i, r := range request {
		req, _ := r.(map[string]any)
		out[i] = OIGPair{Index: i, Request: req}
		if req == nil {
			continue
		}
		id, _ := req["id"].(string)
		names := func(e map[string]any) bool {
			href, ok := oigSelfHref(e)
			return ok && id != "" && strings.HasSuffix(oigLinkPath(href), oigUsersPath+url.PathEscape(id))
		}
		if rid, ok := req["requestId"].(string); ok && rid != "" {
			carries := func(e map[string]any) bool { return e["requestId"] == rid || e["id"] == rid }
			if out[i].Answer = find(func(e map[string]any) bool { return carries(e) && names(e) }); out[i].Answer == nil {
				out[i].Answer = find(carries)
			}
			continue
		}
		out[i].Answer = find(names)
	}
	// By elimination: one request user and one entry left over belong
	// together, so a lone entry that lost its requestId or its link is
	// still judged as that user's.
	left, free := -1, -1
	for i := range out {
		if out[i].Request != nil && out[i].Answer == nil {
			if left >= 0 {
				return out
			}
			left = i
		}
	}
	for i := range answer {
		if !used[i] && entry(i) != nil {
			if free >= 0 {
				return out
			}
			free = i
		}
	}
	if left >= 0 && free >= 0 {
		out[left].Answer = entry(free)
	}
	return out
}

// OIGPending says whether an answer entry raised a request instead of
// changing the user: the Identity Governance bulk Update Users page
// (https://docs.oracle.com/en/middleware/idm/identity-governance/12.2.1.4/oimss/op-users-put.html)
// shows a SUCCESS entry carrying
// request:{id, links}; on a target with approval workflows the profile
// changes only once the request is approved (Q-OIG-014). It returns the
// request's id as text.
func OIGPending(entry map[string]any) (string, bool) {
	rq, ok := entry["request"].(map[string]any)
	if !ok || len(rq) == 0 {
		return "", false
	}
	if id, ok := rq["id"]; ok && id != nil {
		return fmt.Sprint(id), true
	}
	return "", true
}
