package deviate

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
)

// Incident is what a conforming service does now and then and a client
// must survive: it throttles, goes into maintenance, fails a job, refuses
// half a batch. It is neither a deviation (no document forbids it) nor a
// harmless change (a client does see it), so it has a registry of its own.
// The mock plays incidents on demand (conformance mock --play), so that a
// test of a provisioning script can choose the moment.
type Incident struct {
	Name    string
	Summary string
	// Source says where the documents or the standards allow it.
	Source string
	// Answer may answer a request itself, so the target never acts on it
	// (a throttled request changes nothing); it reports whether it did.
	Answer func(w http.ResponseWriter, r *http.Request) bool
	// Request may change a request before it reaches the target.
	Request func(r *http.Request)
	// Response may change status and headers and returns the new body.
	Response func(r *http.Response, body []byte) []byte
}

var incidents = map[string]Incident{}

// RegisterIncident adds an incident. Call from init.
func RegisterIncident(in Incident) {
	if _, dup := incidents[in.Name]; dup {
		panic("deviate: incident registered twice: " + in.Name)
	}
	incidents[in.Name] = in
}

// LookupIncident finds an incident by name.
func LookupIncident(name string) (Incident, bool) {
	in, ok := incidents[name]
	return in, ok
}

// Incidents lists every incident, by name.
func Incidents() []Incident {
	out := make([]Incident, 0, len(incidents))
	for _, in := range incidents {
		out = append(out, in)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// RetryAfterSeconds is what the throttling and maintenance incidents ask a
// client to wait: short, so a test that plays them stays quick.
const RetryAfterSeconds = 1

// refuseWith answers every request with status and a Retry-After.
func refuseWith(status int, body string) func(w http.ResponseWriter, r *http.Request) bool {
	return func(w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("Retry-After", strconv.Itoa(RetryAfterSeconds))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
		return true
	}
}

// everyOther rewrites every second entry of a JSON array under key, so a
// batch fails in half through the target's own rules and the target's state
// stays what its answer says.
func everyOther(key string, edit func(entry map[string]any)) func(body []byte) []byte {
	return func(body []byte) []byte {
		return editJSON(body, func(m map[string]any) {
			list, _ := m[key].([]any)
			for i := 1; i < len(list); i += 2 {
				if e, ok := list[i].(map[string]any); ok {
					edit(e)
				}
			}
		})
	}
}

// invalidEmail is an address every product's rule refuses.
const invalidEmail = "not-an-email (played by the mock)"

func init() {
	RegisterIncident(Incident{
		Name:    "throttled",
		Summary: fmt.Sprintf("every request in scope is answered 429 Too Many Requests with Retry-After: %d, and not acted on", RetryAfterSeconds),
		Source:  "RFC 6585 section 4 (429) and RFC 9110 section 10.2.3 (Retry-After); Oracle Cloud front ends throttle tenants",
		Answer:  refuseWith(http.StatusTooManyRequests, `{"status":1,"details":"Too many requests. Retry later."}`),
	})
	RegisterIncident(Incident{
		Name:    "maintenance",
		Summary: fmt.Sprintf("every request in scope is answered 503 Service Unavailable with Retry-After: %d, as during a maintenance window, and not acted on", RetryAfterSeconds),
		Source:  "RFC 9110 section 15.6.4 (503) and 10.2.3 (Retry-After); EPM Cloud environments go down for the daily maintenance",
		Answer:  refuseWith(http.StatusServiceUnavailable, `{"status":1,"details":"The service is under maintenance. Retry later."}`),
	})
	RegisterIncident(Incident{
		Name:    "epm1-job-fails",
		Summary: "a finished v1 job reports status 1 (failed) with details and no items",
		Source:  `Update Users (v1) (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users.html): "Any non-zero status except -1 indicates failure" (Example 2)`,
		Response: onEPM1Jobs(func(r *http.Response, body []byte) []byte {
			return editJSON(body, func(m map[string]any) {
				if s, ok := asInt(m["status"]); !ok || s == -1 {
					return
				}
				m["status"], m["items"] = 1, nil
				m["details"] = "Failed to update users. The job failed (played on demand by the mock)."
			})
		}),
	})
	RegisterIncident(Incident{
		Name:    "epm2-half-failed",
		Summary: "every second user of a v2 batch carries an invalid email on its way in, so the batch answers status 0 with those users failed",
		Source:  "Update Users (v2) (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users_v2.html), Example 3: REST API Completes with Partial Errors",
		Request: onRequest(http.MethodPut, epm2Path, everyOther("users", func(u map[string]any) { u["email"] = invalidEmail })),
	})
	RegisterIncident(Incident{
		Name:    "oig-half-failed",
		Summary: "every second user of an OIG bulk update carries an invalid Email on its way in, so it answers FAIL for those users",
		Source:  "Update Users (https://docs.oracle.com/en/middleware/idm/identity-governance/12.2.1.4/oimss/op-users-put.html): the example answer holds a SUCCESS and a FAIL",
		Request: onRequest(http.MethodPut, oigUsersPath, everyOther("users", func(u map[string]any) {
			fields, _ := u["fields"].([]any)
			u["fields"] = append(fields, map[string]any{"name": "Email", "value": invalidEmail})
		})),
	})
}
