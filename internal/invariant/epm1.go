package invariant

import (
	"fmt"
	"regexp"
	"strconv"
)

// EPM Cloud Update Users v1 (Update Users (v1) (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users.html)) and its two file
// operations (REST APIs for Oracle Enterprise Performance Management Cloud (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/)). These hold for every answer that carries the
// v1 envelope, whatever the scenario: a deviation in the arithmetic of a
// finished job shows even in a row written for something else.
func init() {
	Register("updateUsersV1", epm1Submit)
	Register("getUsersJobV1", epm1Job)
	Register("epmUploadFile", epm1File)
	Register("epmDeleteFile", epm1File)
}

// epm1Summary is the details of a finished job, Example 3:
// "Processed - 3, Succeeded - 2, Failed - 1." (Q-EPM1-004).
var epm1Summary = regexp.MustCompile(`^Processed - (\d+), Succeeded - (\d+), Failed - (\d+)\.$`)

// epm1Submit: the submit answer. A started job is status -1 with the Job
// Status link to poll (Example 1); a refusal is a positive status with a
// message (Q-EPM1-005, Q-EPM1-011).
func epm1Submit(httpStatus int, body any) []string {
	out := epm1Envelope(body, true)
	if st, ok := num(body, "status"); ok && st == -1 && httpStatus != 200 {
		out = append(out, fmt.Sprintf("status -1 with HTTP %d: a started job answers 200", httpStatus))
	}
	return out
}

// epm1Job: the job status answer. While running, status -1 with details
// and items null; once done, status 0 with the summary, or a positive
// status with the reason (Examples 2 and 3).
func epm1Job(_ int, body any) []string {
	return epm1Envelope(body, false)
}

// epm1Envelope checks links, and what each status implies for details and
// items. submit says the -1 answer must carry the Job Status link: only the
// submit's does (the job status resource links to itself).
func epm1Envelope(body any, submit bool) []string {
	m, ok := body.(map[string]any)
	if !ok {
		return nil // the schema check reports a body that is not an object
	}
	out := epm1Links(m, true)
	status, ok := num(body, "status")
	if !ok {
		return out // the schema check reports a missing status
	}
	details, hasDetails := m["details"]
	items, hasItems := m["items"]
	switch {
	case status == -1:
		if !hasDetails || details != nil {
			out = append(out, fmt.Sprintf("status -1 (in progress) with details %s: a running job has details null", shown(details, hasDetails)))
		}
		if !hasItems || items != nil {
			out = append(out, fmt.Sprintf("status -1 (in progress) with items %s: a running job has items null", shown(items, hasItems)))
		}
		if submit && !hasRel(m, "Job Status") {
			out = append(out, `status -1 without a link with rel "Job Status": the client has no way to learn the job's outcome`)
		}
	case status == 0:
		out = append(out, epm1Counts(details, items)...)
	case status > 0:
		if s, ok := details.(string); !ok || s == "" {
			out = append(out, fmt.Sprintf("status %v (failure) with details %s: a failure says why", status, shown(details, hasDetails)))
		}
	default:
		out = append(out, fmt.Sprintf("status %v: the migration status codes are -1, 0 and positive numbers", status))
	}
	return out
}

// epm1Counts: N = X + Y, and Y is the number of items (null is none).
func epm1Counts(details, items any) []string {
	s, _ := details.(string)
	g := epm1Summary.FindStringSubmatch(s)
	if g == nil {
		return []string{fmt.Sprintf(`status 0 with details %q: a finished job says "Processed - N, Succeeded - X, Failed - Y."`, s)}
	}
	n, _ := strconv.Atoi(g[1])
	x, _ := strconv.Atoi(g[2])
	y, _ := strconv.Atoi(g[3])
	var out []string
	if n != x+y {
		out = append(out, fmt.Sprintf("details %q: Processed %d is not Succeeded %d + Failed %d", s, n, x, y))
	}
	listed := 0
	switch l := items.(type) {
	case nil:
	case []any:
		listed = len(l)
	default:
		return append(out, "items is neither an array nor null")
	}
	if listed != y {
		out = append(out, fmt.Sprintf("details %q says Failed %d but items lists %d rows", s, y, listed))
	}
	return out
}

// epm1File: the upload and delete answers carry links too, and a refusal
// says why (REST APIs for Oracle Enterprise Performance Management Cloud (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/); Q-EPM1-009).
func epm1File(_ int, body any) []string {
	m, ok := body.(map[string]any)
	if !ok {
		return nil
	}
	out := epm1Links(m, false)
	if status, ok := num(body, "status"); ok && status > 0 {
		if s, ok := m["details"].(string); !ok || s == "" {
			out = append(out, fmt.Sprintf("status %v (failure) with details %s: a refusal says why", status, shown(m["details"], true)))
		}
	}
	return out
}

// epm1Links: links is an ARRAY in v1 (one object in v2, REST APIs for Oracle Enterprise Performance Management Cloud (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/)) of
// {rel, href, data, action}; the file operations' links may leave data out.
func epm1Links(m map[string]any, needData bool) []string {
	raw, ok := m["links"]
	if !ok {
		return []string{"no links: every v1 answer carries its links array"}
	}
	links, ok := raw.([]any)
	if !ok {
		return []string{fmt.Sprintf("links is %s, not an array: v1 answers carry an array of links (v2's is one object)", typeName(raw))}
	}
	var out []string
	for i, l := range links {
		lm, ok := l.(map[string]any)
		if !ok {
			out = append(out, fmt.Sprintf("links[%d] is %s, not an object", i, typeName(l)))
			continue
		}
		for _, k := range []string{"rel", "href", "action"} {
			if s, ok := lm[k].(string); !ok || s == "" {
				out = append(out, fmt.Sprintf("links[%d].%s is missing or empty", i, k))
			}
		}
		if _, ok := lm["data"]; needData && !ok {
			out = append(out, fmt.Sprintf("links[%d] has no data (null when the link needs no parameters)", i))
		}
	}
	return out
}

func hasRel(m map[string]any, rel string) bool {
	links, _ := m["links"].([]any)
	for _, l := range links {
		if lm, ok := l.(map[string]any); ok && lm["rel"] == rel {
			if href, ok := lm["href"].(string); ok && href != "" {
				return true
			}
		}
	}
	return false
}

func shown(v any, present bool) string {
	switch {
	case !present:
		return "absent"
	case v == nil:
		return "null"
	case typeName(v) == "a string":
		return strconv.Quote(v.(string))
	}
	return typeName(v)
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	case bool:
		return "a boolean"
	}
	return "a number"
}
