package deviate

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// Tolerance is a change a target may make that keeps every documented
// promise: what a vendor upgrade, a tenant's front end or another release
// of a serializer produces where the documents leave things free. The suite
// must stay green through each; a scenario that goes red is over-specified.
// Tolerances have a registry of their own: a deviation the suite misses is
// a blind spot, a tolerance it fails on is noise in a gate. Each is
// declared on the operations whose answers it changes, or on all of them,
// in internal/ops (Operation.Harmless, HarmlessEverywhere), whose
// completeness test fails for one declared nowhere.
type Tolerance struct {
	Name    string
	Summary string
	// Leeway says what leaves the change free: the standard or the silence
	// of the documents it relies on.
	Leeway string
	// Request may change a request before it goes to the target.
	Request func(r *http.Request)
	// Response may change status and headers and returns the new body.
	Response func(r *http.Response, body []byte) []byte
	// Chunked sends answers with chunked transfer encoding, no length.
	Chunked bool
	// CloseConnection closes the connection after every answer.
	CloseConnection bool
}

var tolerances = map[string]Tolerance{}

// RegisterTolerance adds a harmless change. Call from init.
func RegisterTolerance(t Tolerance) {
	if _, dup := tolerances[t.Name]; dup {
		panic("deviate: tolerance registered twice: " + t.Name)
	}
	if _, dup := registry[t.Name]; dup {
		panic("deviate: a tolerance and a deviation share a name: " + t.Name)
	}
	tolerances[t.Name] = t
}

// LookupTolerance finds a harmless change by name.
func LookupTolerance(name string) (Tolerance, bool) {
	t, ok := tolerances[name]
	return t, ok
}

// Tolerances lists every harmless change, by name.
func Tolerances() []Tolerance {
	out := make([]Tolerance, 0, len(tolerances))
	for _, t := range tolerances {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// onJSON limits a response change to answers that say they are JSON.
func onJSON(f func(r *http.Response, body []byte) []byte) func(*http.Response, []byte) []byte {
	return func(r *http.Response, body []byte) []byte {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if mt != "application/json" || len(body) == 0 {
			return body
		}
		return f(r, body)
	}
}

// restyled writes every JSON answer again in another style.
func restyled(style jsonStyle, edit func(v any) any) func(*http.Response, []byte) []byte {
	return onJSON(func(_ *http.Response, body []byte) []byte { return restyle(body, style, edit) })
}

// walk calls f on every object inside v, depth first, and returns v.
func walk(v any, f func(m map[string]any)) any {
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			walk(e, f)
		}
		f(x)
	case []any:
		for _, e := range x {
			walk(e, f)
		}
	}
	return v
}

// setContentType rewrites the media type of every answer that has one.
func setContentType(rewrite func(mt string, params map[string]string) string) func(*http.Response, []byte) []byte {
	return func(r *http.Response, body []byte) []byte {
		mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err == nil {
			r.Header.Set("Content-Type", rewrite(mt, params))
		}
		return body
	}
}

// unorderedLists are the lists whose order no document states: links of an
// answer, failed entries and failed rows, a user's fields, listed users.
// Per-user results (OIG's users of an update answer among them) are
// reordered by per-user-order (tolerate_identity.go).
var unorderedLists = []string{"links", "items", "faileditems", "fields"}

// slowJobs answers a v1 job's first polls as still in progress.
type slowJobs struct {
	mu    sync.Mutex
	polls map[string]int
}

const extraPolls = 3

func (s *slowJobs) response(r *http.Response, body []byte) []byte {
	if r.StatusCode != http.StatusOK {
		return body
	}
	s.mu.Lock()
	s.polls[r.Request.URL.Path]++
	n := s.polls[r.Request.URL.Path]
	s.mu.Unlock()
	if n > extraPolls {
		return body
	}
	return editJSON(body, func(m map[string]any) {
		m["status"], m["details"], m["items"] = -1, nil, nil
	})
}

// renumberedJobs gives v1 jobs other IDs than the target's: the answers
// carry the new ID, requests for it reach the target with the old one.
type renumberedJobs struct {
	mu    sync.Mutex
	toOld map[string]string
}

var jobInLink = regexp.MustCompile(`(` + regexp.QuoteMeta(epm1JobsPart) + `)([0-9A-Za-z_-]+)`)

func (j *renumberedJobs) response(r *http.Response, body []byte) []byte {
	return jobInLink.ReplaceAllFunc(body, func(m []byte) []byte {
		g := jobInLink.FindSubmatch(m)
		renamed := "7" + string(g[2]) + "0"
		j.mu.Lock()
		j.toOld[renamed] = string(g[2])
		j.mu.Unlock()
		return append(append([]byte{}, g[1]...), renamed...)
	})
}

func (j *renumberedJobs) request(r *http.Request) {
	i := strings.Index(r.URL.Path, epm1JobsPart)
	if i < 0 {
		return
	}
	id := r.URL.Path[i+len(epm1JobsPart):]
	j.mu.Lock()
	old, ok := j.toOld[id]
	j.mu.Unlock()
	if ok {
		r.URL.Path = r.URL.Path[:i+len(epm1JobsPart)] + old
		r.URL.RawPath = ""
	}
}

// otherRelease is the message text of a release that words its errors
// differently; codes stay.
const otherRelease = "Message worded by another release."

var iamReason = regexp.MustCompile(`^(IAM-[0-9]{7}):[^:]*(:.*)?$`)

func init() {
	RegisterTolerance(Tolerance{
		Name:     "json-keys-reordered",
		Summary:  "every JSON object of an answer has its members in reverse order of their names",
		Leeway:   "RFC 8259 section 4: an object is an unordered collection; no document orders members",
		Response: restyled(jsonStyle{reverseKeys: true}, nil),
	})
	RegisterTolerance(Tolerance{
		Name:     "json-pretty-printed",
		Summary:  "JSON answers are pretty-printed (two-space indent, trailing newline)",
		Leeway:   "RFC 8259 section 2: insignificant whitespace is allowed around every token",
		Response: restyled(jsonStyle{indent: "  "}, nil),
	})
	RegisterTolerance(Tolerance{
		Name:     "json-escaped",
		Summary:  `JSON strings escape every non-ASCII character and "/" (\u00e9, \/)`,
		Leeway:   "RFC 8259 section 7: any character may be escaped",
		Response: restyled(jsonStyle{escapeAll: true}, nil),
	})
	RegisterTolerance(Tolerance{
		Name:    "json-extra-fields",
		Summary: "every JSON object of an answer gains a member no document names",
		Leeway:  "no response schema of specs/ forbids other properties; a release may add fields",
		Response: restyled(jsonStyle{}, func(v any) any {
			return walk(v, func(m map[string]any) { m["conformanceExtra"] = "added by a harmless proxy" })
		}),
	})
	RegisterTolerance(Tolerance{
		Name:    "list-order",
		Summary: "lists no document orders (links, failed items and rows, a user's fields, listed users) come in reverse order",
		Leeway:  "none of the five documents orders these lists; clients find entries by rel, userlogin, UserName or name",
		Response: restyled(jsonStyle{}, func(v any) any {
			return walk(v, func(m map[string]any) {
				for _, k := range unorderedLists {
					if l, ok := m[k].([]any); ok {
						for i, j := 0, len(l)-1; i < j; i, j = i+1, j-1 {
							l[i], l[j] = l[j], l[i]
						}
					}
				}
			})
		}),
	})
	RegisterTolerance(Tolerance{
		Name:    "content-type-charset",
		Summary: "answers' Content-Type carries a charset (application/json; charset=utf-8)",
		Leeway:  "RFC 9110 section 8.3: media type parameters; RFC 8259 section 11: charset has no effect on JSON",
		Response: setContentType(func(mt string, params map[string]string) string {
			// Bytes have no charset: a file download stays as it is.
			if _, ok := params["charset"]; !ok && mt != "application/octet-stream" {
				params["charset"] = "utf-8"
			}
			return mime.FormatMediaType(mt, params)
		}),
	})
	RegisterTolerance(Tolerance{
		Name:    "content-type-case",
		Summary: "answers' Content-Type is in upper case (APPLICATION/JSON)",
		Leeway:  "RFC 9110 section 8.3.1: type and subtype are case-insensitive",
		Response: setContentType(func(mt string, params map[string]string) string {
			out := strings.ToUpper(mt)
			for _, k := range sortedKeys(params) {
				out += "; " + k + "=" + params[k]
			}
			return out
		}),
	})
	RegisterTolerance(Tolerance{
		Name:    "extra-headers",
		Summary: "answers carry headers of Oracle's front ends and a load balancer (X-ORACLE-DMS-ECID, Cache-Control, Set-Cookie, HSTS ...)",
		Leeway:  "no document lists the response headers; Oracle Cloud front ends add these",
		Response: func(r *http.Response, body []byte) []byte {
			h := r.Header
			h.Set("X-ORACLE-DMS-ECID", "005zXx7pZ2F9ByR5qVh8iY0003Kd0000Bq")
			h.Set("X-ORACLE-DMS-RID", "0:1")
			h.Set("Cache-Control", "no-cache, no-store, must-revalidate")
			h.Set("Pragma", "no-cache")
			h.Set("Expires", "0")
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "SAMEORIGIN")
			h.Add("Set-Cookie", "X-Oracle-BMC-LBS-Route=4f1c2d3e4b5a69788796a5b4c3d2e1f0a9b8c7d6; Path=/; Secure; HttpOnly")
			h.Set("Vary", "Origin")
			return body
		},
	})
	RegisterTolerance(Tolerance{
		Name:    "server-date-headers",
		Summary: "answers name another Server and carry a Date two minutes off",
		Leeway:  "no document says what Server or Date hold; clocks of a front end drift",
		Response: func(r *http.Response, body []byte) []byte {
			r.Header.Set("Server", "Oracle-HTTP-Server-12c")
			r.Header.Set("Date", time.Now().Add(2*time.Minute).UTC().Format(http.TimeFormat))
			return body
		},
	})
	RegisterTolerance(Tolerance{
		Name:    "chunked",
		Summary: "answers come with chunked transfer encoding instead of a Content-Length",
		Leeway:  "RFC 9112 section 7.1: a server may send any HTTP/1.1 answer chunked",
		Chunked: true,
	})
	RegisterTolerance(Tolerance{
		Name:    "gzip",
		Summary: "answers are gzip-compressed whenever the request accepts gzip",
		Leeway:  "RFC 9110 section 8.4 and 12.5.3: content coding the client offered in Accept-Encoding",
		Response: func(r *http.Response, body []byte) []byte {
			if len(body) == 0 || r.Header.Get("Content-Encoding") != "" || r.Request == nil || !acceptsGzip(r.Request.Header) {
				return body
			}
			var b bytes.Buffer
			zw := gzip.NewWriter(&b)
			if _, err := zw.Write(body); err != nil || zw.Close() != nil {
				return body
			}
			r.Header.Set("Content-Encoding", "gzip")
			r.Header.Add("Vary", "Accept-Encoding")
			return b.Bytes()
		},
	})
	RegisterTolerance(Tolerance{
		Name:            "connection-close",
		Summary:         "the connection is closed after every answer (Connection: close), no keep-alive",
		Leeway:          "RFC 9112 section 9.6: either side may close a connection after a response",
		CloseConnection: true,
	})
	slow := &slowJobs{polls: map[string]int{}}
	RegisterTolerance(Tolerance{
		Name:     "epm1-job-slower",
		Summary:  fmt.Sprintf("a v1 job answers its first %d status polls still in progress (status -1)", extraPolls),
		Leeway:   "Update Users (v1) (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users.html): poll while status is -1; no document says how long a job runs",
		Response: onEPM1Jobs(slow.response),
	})
	jobs := &renumberedJobs{toOld: map[string]string{}}
	RegisterTolerance(Tolerance{
		Name:     "epm1-job-ids",
		Summary:  "v1 jobs have other IDs than the target gave (the Job Status link names them; the proxy maps them back)",
		Leeway:   "Update Users (v1) (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users.html): the job ID is whatever the Job Status link names",
		Request:  jobs.request,
		Response: jobs.response,
	})
	RegisterTolerance(Tolerance{
		Name:    "error-messages",
		Summary: "error messages are worded differently where a code says what failed (EPM v2 errormessage, OIG reason text)",
		Leeway:  "Update Users (v2) (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users_v2.html) gives errorcode beside errormessage; Update Users (https://docs.oracle.com/en/middleware/idm/identity-governance/12.2.1.4/oimss/op-users-put.html) reasons begin with an IAM code",
		Response: restyled(jsonStyle{}, func(v any) any {
			return walk(v, func(m map[string]any) {
				if _, ok := m["errorcode"]; ok {
					if _, ok := m["errormessage"].(string); ok {
						m["errormessage"] = otherRelease
					}
				}
				if s, ok := m["reason"].(string); ok {
					if g := iamReason.FindStringSubmatch(s); g != nil {
						m["reason"] = g[1] + ":" + otherRelease + g[2]
					}
				}
			})
		}),
	})
}

// acceptsGzip reads Accept-Encoding: gzip listed and not refused with q=0.
func acceptsGzip(h http.Header) bool {
	for _, part := range strings.Split(h.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q, has := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q=")
		return !has || strings.Trim(q, "0.") != ""
	}
	return false
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
