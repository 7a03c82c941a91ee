package deviate

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/opid"
)

// EPM Cloud Update Users v1 (Update Users (v1) (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users.html)): the CSV upload, the
// asynchronous job, its status resource.

// onEPM1Jobs limits a response change to GETs of a v1 job's status.
func onEPM1Jobs(f func(r *http.Response, body []byte) []byte) func(*http.Response, []byte) []byte {
	return func(r *http.Response, body []byte) []byte {
		if r.Request == nil || r.Request.Method != http.MethodGet || !strings.Contains(r.Request.URL.Path, epm1JobsPart) {
			return body
		}
		return f(r, body)
	}
}

var epm1Counts = regexp.MustCompile(`^Processed - (\d+), Succeeded - \d+, Failed - \d+\.$`)

// epm1Started is a submit answer that started a job, for deviations that let
// through what should have been refused.
func epm1Started(r *http.Response) map[string]any {
	base := "http://" + r.Request.Host
	return map[string]any{
		"links": []any{
			map[string]any{"rel": "self", "href": base + epm1Submit, "data": map[string]any{"jobType": "UPDATE_USERS", "filename": "x.csv"}, "action": "UPDATE"},
			map[string]any{"rel": "Job Status", "href": base + epm1JobsPart + "1", "data": nil, "action": "GET"},
		},
		"details": nil, "status": -1, "items": nil,
	}
}

func init() {
	Register(Deviation{
		Name:     "epm1-job-never-finishes",
		Scope:    "api:epm-v1",
		CaughtBy: []string{"EPM1-FLOW-001", "EPM1-CSV-015", "EPM1-VOLUME-001"},
		Summary:  "a v1 job stays in progress (status -1) forever: the suite must give up at the poll limit, naming the last status, and never hang",
		// A short bound keeps the run quick: every job row waits it out
		// (the job breaker is off, so that each of them shows it fails).
		RunArgs: []string{config.PollLimitSetting.Arg("1s"), config.JobBreakerSetting.Arg("0")},
		Response: onEPM1Jobs(func(r *http.Response, body []byte) []byte {
			if r.StatusCode != http.StatusOK {
				return body
			}
			return editJSON(body, func(m map[string]any) {
				m["status"], m["details"], m["items"] = -1, nil, nil
			})
		}),
	})
	Register(Deviation{
		Name:     "epm1-summary-disagrees",
		Scope:    "api:epm-v1",
		CaughtBy: []string{"EPM1-CSV-015", "EPM1-CSV-013", "EPM1-CSV-016"},
		Summary:  "a finished v1 job with failed rows reports them all as succeeded in its summary while items still lists them",
		Response: onEPM1Jobs(func(r *http.Response, body []byte) []byte {
			return editJSON(body, func(m map[string]any) {
				d, _ := m["details"].(string)
				g := epm1Counts.FindStringSubmatch(d)
				if s, ok := asInt(m["status"]); !ok || s != 0 || g == nil || m["items"] == nil {
					return
				}
				m["details"] = fmt.Sprintf("Processed - %s, Succeeded - %s, Failed - 0.", g[1], g[1])
			})
		}),
	})
	Register(Deviation{
		Name:     "epm1-no-job-status-link",
		Scope:    "api:epm-v1",
		CaughtBy: []string{"EPM1-FLOW-001", "EPM1-CSV-001", "EPM1-VOLUME-001"},
		Summary:  `the v1 submit answer loses its "Job Status" link, so no client can learn the job's outcome`,
		Response: onPath(http.MethodPut, epm1Submit, func(r *http.Response, body []byte) []byte {
			return editJSON(body, func(m map[string]any) {
				links, _ := m["links"].([]any)
				kept := []any{}
				for _, l := range links {
					if lm, ok := l.(map[string]any); ok && lm["rel"] == "Job Status" {
						continue
					}
					kept = append(kept, l)
				}
				m["links"] = kept
			})
		}),
	})
	Register(Deviation{
		Name:     "epm1-links-object",
		Scope:    "api:epm-v1",
		CaughtBy: []string{"EPM1-FLOW-001", "EPM1-CSV-010", "EPM1-ERROR-005"},
		Summary:  "v1 job answers carry links as one object, as v2 does, instead of an array",
		Response: onEPM1Jobs(func(r *http.Response, body []byte) []byte {
			return editJSON(body, func(m map[string]any) {
				if l, ok := m["links"].([]any); ok && len(l) > 0 {
					m["links"] = l[0]
				}
			})
		}),
	})
	Register(Deviation{
		Name:     "epm1-ignore-role",
		Scope:    "api:epm-v1",
		CaughtBy: []string{"EPM1-AUTH-003", "EPM1-AUTH-001"},
		Summary:  "a v1 submit by a caller without the roles, or without credentials, starts a job",
		Response: onPath(http.MethodPut, epm1Submit, func(r *http.Response, body []byte) []byte {
			refused := r.StatusCode == http.StatusUnauthorized || r.StatusCode == http.StatusForbidden
			editJSON(body, func(m map[string]any) {
				d, _ := m["details"].(string)
				refused = refused || strings.Contains(d, "Authorization failed")
			})
			if !refused {
				return body
			}
			return replaceStatus(r, http.StatusOK, epm1Started(r))
		}),
	})
	Register(Deviation{
		Name:     "epm1-overwrite-upload",
		Scope:    "api:epm-v1",
		CaughtBy: []string{"EPM1-FILE-001"},
		Summary:  "an upload under the name of an existing file reports success (as if it had overwritten it) instead of refusing",
		Response: func(r *http.Response, body []byte) []byte {
			if r.Request == nil || r.Request.Method != http.MethodPost || !strings.HasPrefix(r.Request.URL.Path, epm1Snapshot) {
				return body
			}
			return editJSON(body, func(m map[string]any) {
				if d, _ := m["details"].(string); strings.Contains(d, "already exists") {
					m["status"], m["details"] = 0, nil
				}
			})
		},
	})
}

// epm1FileList is the List Files path (internal/opid, from the spec).
var epm1FileList = opPath(opid.EpmListFiles, nil)

func init() {
	Register(Deviation{
		Name:    "epm1-list-files-garbled",
		Scope:   "api:epm-v1",
		Summary: "List Files answers every refusal with 500, drops its links, and writes each item's size as a number of kilobytes",
		Response: func(r *http.Response, body []byte) []byte {
			if r.Request == nil || !strings.HasSuffix(r.Request.URL.Path, epm1FileList) {
				return body
			}
			if r.StatusCode >= 400 && r.StatusCode < 500 {
				return replaceStatus(r, http.StatusInternalServerError, map[string]any{"status": 1, "details": "internal error"})
			}
			return editJSON(body, func(m map[string]any) {
				delete(m, "links")
				items, _ := m["items"].([]any)
				for _, it := range items {
					if e, ok := it.(map[string]any); ok {
						e["size"] = 1
					}
				}
			})
		},
		CaughtBy: []string{"EPM1-LIST-001", "EPM1-LIST-002", "GEN-epmListFiles-valid", "GEN-epmListFiles-noauth", "GEN-epmListFiles-badauth", "GEN-epmListFiles-method"},
	})
}

func init() {
	Register(Deviation{
		Name:    "epm1-upload-answer-without-details",
		Scope:   "api:epm-v1",
		Summary: "a successful upload answers without its details key (the file is stored all the same), so only the upload's answer breaks the spec",
		Response: func(r *http.Response, body []byte) []byte {
			if r.Request == nil || r.Request.Method != http.MethodPost || !strings.HasPrefix(r.Request.URL.Path, epm1Snapshot) || r.StatusCode != http.StatusOK {
				return body
			}
			return dropKey("details")(r, body)
		},
		CaughtBy: []string{"EPM1-FLOW-001", "EPM1-FLOW-003", "EPM1-CSV-001", "EPM1-VOLUME-001"},
	})
}
