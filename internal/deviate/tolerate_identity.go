package deviate

import (
	"bytes"
	"encoding/json"
	"hash/fnv"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// Two harmless changes of issue 17: what the documents promise of a refusal
// is its status (and its effect), not a body; what they promise of per-user
// results is one result per user, found by its identity (OIG's requestId and
// self link, EPM's userlogin, Essbase's id), not an order.

var (
	xmlErrorCode    = regexp.MustCompile(`<errorCode>[^<]*</errorCode>`)
	xmlErrorMessage = regexp.MustCompile(`<errorMessage>[^<]*</errorMessage>`)
)

// otherEssbaseCode is the code another release might give: stable per
// original code, so two refusals for the same rule still share one.
func otherEssbaseCode(code string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(code))
	return "ESS-" + strconv.FormatUint(uint64(h.Sum32()%900000+100000), 10)
}

// essbaseOtherErrors gives every Essbase refusal (4xx, 5xx) another code and
// other wording, in JSON and XML, keeping the status.
func essbaseOtherErrors(r *http.Response, body []byte) []byte {
	if r.Request == nil || !strings.Contains(r.Request.URL.Path, "/essbase/") || r.StatusCode < 400 || len(body) == 0 {
		return body
	}
	if isXML(r) {
		body = xmlErrorCode.ReplaceAllFunc(body, func(m []byte) []byte {
			inner := bytes.TrimSuffix(bytes.TrimPrefix(m, []byte("<errorCode>")), []byte("</errorCode>"))
			return []byte("<errorCode>" + otherEssbaseCode(string(inner)) + "</errorCode>")
		})
		return xmlErrorMessage.ReplaceAll(body, []byte("<errorMessage>"+otherRelease+"</errorMessage>"))
	}
	return editJSON(body, func(m map[string]any) {
		if c, ok := m["errorCode"].(string); ok {
			m["errorCode"] = otherEssbaseCode(c)
		}
		if _, ok := m["errorMessage"]; ok {
			m["errorMessage"] = otherRelease
		}
	})
}

// rotate moves the first element of a list to its end: every element of a
// list of two or more changes position.
func rotate(l []any) {
	if len(l) < 2 {
		return
	}
	first := l[0]
	copy(l, l[1:])
	l[len(l)-1] = first
}

// perUserOrder answers per-user results in another order: the users of an
// OIG answer, EPM v2's failed items, an Essbase list answer (a batch add's
// list, a users list's items).
func perUserOrder(r *http.Response, body []byte) []byte {
	if r.Request == nil {
		return body
	}
	p := r.Request.URL.Path
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return body
	}
	switch {
	case strings.Contains(p, oigUsersPath):
		if m, ok := v.(map[string]any); ok {
			if l, ok := m["users"].([]any); ok {
				rotate(l)
			}
		}
	case strings.Contains(p, epm1Security):
		if m, ok := v.(map[string]any); ok {
			if d, ok := m["details"].(map[string]any); ok {
				if l, ok := d["faileditems"].([]any); ok {
					rotate(l)
				}
			}
		}
	case strings.Contains(p, essbaseUsers):
		switch x := v.(type) {
		case []any:
			rotate(x)
		case map[string]any:
			if l, ok := x["items"].([]any); ok {
				rotate(l)
			}
		}
	default:
		return body
	}
	out, err := json.Marshal(v)
	if err != nil {
		return body
	}
	return out
}

func init() {
	RegisterTolerance(Tolerance{
		Name:    "essbase-error-codes",
		Summary: "every Essbase refusal carries other error codes and other wording (JSON and XML), keeping its status",
		Leeway: "the Essbase pages give a refusal a status and a description, no body " +
			"(https://docs.oracle.com/en/database/other-databases/essbase/21/essrt/op-users-post.html); " +
			"codes and wording are observed, not asserted (Q-ESS-008)",
		Response: onJSONOrXML(essbaseOtherErrors),
	})
	RegisterTolerance(Tolerance{
		Name:    "per-user-order",
		Summary: "per-user results come in another order: an OIG answer's users, EPM v2 failed items, Essbase list answers",
		Leeway: "no document orders them; OIG entries carry requestId and a self link, EPM v2 failed items a userlogin, " +
			"Essbase users an id, for exactly this (Q-OIG-002)",
		Response: onJSON(perUserOrder),
	})
}

// onJSONOrXML limits a response change to answers with a body that say they
// are JSON or XML.
func onJSONOrXML(f func(r *http.Response, body []byte) []byte) func(*http.Response, []byte) []byte {
	return func(r *http.Response, body []byte) []byte {
		ct := strings.ToLower(r.Header.Get("Content-Type"))
		if len(body) == 0 || !(strings.Contains(ct, "json") || strings.Contains(ct, "xml")) {
			return body
		}
		return f(r, body)
	}
}
