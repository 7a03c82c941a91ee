package cli_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/cli"
	"github.com/oracle-users-conformance/conformance/internal/deviate"
	"github.com/oracle-users-conformance/conformance/internal/report"
)

// pendingRows change OIG users and read them back, in a row's then: and in
// the oig-readback flow.
const pendingRows = "id:OIG-READBACK-001 || id:OIG-FIELD-001 || id:OIG-PAYLOAD-001 || id:OIG-PAYLOAD-002"

// raisesRequests is an Identity Governance with approval workflows, played
// on the mock: every change is answered SUCCESS carrying request:{id,
// links}, as the Identity Governance bulk Update Users page
// (https://docs.oracle.com/en/middleware/idm/identity-governance/12.2.1.4/oimss/op-users-put.html)
// shows it, and nothing is applied
// (oig-success-without-change does that part).
func raisesRequests() deviate.Deviation {
	var n atomic.Int64
	noChange, ok := deviate.Lookup("oig-success-without-change")
	if !ok {
		panic("oig-success-without-change is not registered")
	}
	addRequest := func(r *http.Response, body []byte) []byte {
		if r.Request == nil || r.Request.Method != http.MethodPut || !strings.HasSuffix(r.Request.URL.Path, "/selfservice/api/v1/users") || r.StatusCode != 200 {
			return body
		}
		var doc map[string]any
		if json.Unmarshal(body, &doc) != nil {
			return body
		}
		users, _ := doc["users"].([]any)
		for _, u := range users {
			e, _ := u.(map[string]any)
			if s, _ := e["status"].(string); strings.TrimSpace(s) == "SUCCESS" {
				id := fmt.Sprintf("%d", 7000+n.Add(1))
				e["request"] = map[string]any{"id": id, "links": []any{map[string]any{"rel": "self", "href": "http://" + r.Request.Host + "/iam/governance/selfservice/api/v1/requests/" + id}}}
			}
		}
		out, _ := json.Marshal(doc)
		return out
	}
	return deviate.Deviation{
		Name:    "oig-approval-pending",
		Request: noChange.Request,
		Response: func(r *http.Response, body []byte) []byte {
			return addRequest(r, noChange.Response(r, body))
		},
	}
}

// A change that raised a request is recorded as pending: the rows pass,
// their reason names the pending request and says the read-back was not
// judged, and the request is an observation. Without the request object
// the same answers (SUCCESS, nothing applied) fail.
func TestPendingRequestsAreRecordedNotFailed(t *testing.T) {
	t.Parallel()
	noChange, _ := deviate.Lookup("oig-success-without-change")
	for name, d := range map[string]deviate.Deviation{"pending": raisesRequests(), "no request": noChange} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			u, _ := url.Parse(newMock(t).URL)
			proxy := httptest.NewServer(deviate.Serve(u, []deviate.Deviation{d}, nil))
			t.Cleanup(proxy.Close)
			r := cliRun(t, 2*time.Minute, nil, "run", "--config", mockConfig, "--target", proxy.URL, "--allow-mutations",
				"--rate", "0", "--label-filter", pendingRows, "--report-dir", t.TempDir())
			if r.report == nil || len(r.report.Scenarios) != 4 {
				t.Fatalf("exit %d, no report of the 4 rows\n%s%s", r.code, tail(r.stdout, 20), r.stderr)
			}
			if name == "no request" {
				if r.code != cli.ExitFail || r.report.Counts.By[report.Failed] != 4 {
					t.Fatalf("exit %d: SUCCESS without a request and nothing applied must fail all 4 rows\n%s", r.code, tail(r.stdout, 20))
				}
				return
			}
			if r.code != cli.ExitPass {
				t.Fatalf("exit %d through a target that raises requests\n%s%s", r.code, tail(r.stdout, 20), r.stderr)
			}
			for _, sc := range r.report.Scenarios {
				if sc.Outcome != report.Passed || !strings.Contains(sc.Reason, "pending approval (request 7") || !strings.Contains(sc.Reason, "read-back not judged") {
					t.Errorf("%s: %s %q; want passed with a note naming the pending request", sc.ID, sc.Outcome, sc.Reason)
				}
				found := false
				for _, o := range sc.Observations {
					found = found || strings.HasSuffix(o.Key, "].request") && strings.Contains(o.Value, `"id":"7`) && o.Quirk == "Q-OIG-014"
				}
				if !found {
					t.Errorf("%s: no observation of the pending request: %+v", sc.ID, sc.Observations)
				}
			}
		})
	}
}
