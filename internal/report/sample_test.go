package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/<name>, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./internal/report -run %s -update rewrites it); got:\n%s", path, t.Name(), got)
	}
}

const (
	epmURL = "https://epm-test-a1b2.epm.us-phoenix-1.ocs.oraclecloud.com"
	essURL = "https://essbase.example.com:9001"
	oigURL = "https://oig.example.com"
)

// sampleRun is a realistic failing run: a failed EPM v2 batch (JSON), a
// passed Essbase import (XML) with a leftover, a skipped and a not-run
// scenario, an inconclusive v1 job, a generated scenario. The scenarios are
// deliberately out of ID order, as a runner finishing them would leave them.
func sampleRun() *Run {
	r := &Run{
		Version: Version, Tool: "conformance v0.9.0", Started: "2026-12-01T21:14:03.52Z", Seconds: 84.25,
		RunID: "cnfab12", Seed: 1,
		Products: []Product{
			{Name: "epm", URL: epmURL, Covered: true, Version: "24.10.60", Build: "24.10.60.001"},
			{Name: "essbase", URL: essURL, Covered: true, Version: "21.4.0.0.0", Build: "400"},
			{Name: "oig", URL: oigURL, Covered: true, VersionNote: "oig's REST API documents no read of its release", Breaker: "oig stopped answering (5 connections refused in a row); its remaining scenarios were not run"},
		},
		Notes:     []string{"2 answers were 429 Too Many Requests; the run waited 3.5 s for Retry-After in all"},
		Leftovers: []Leftover{{Scenario: "ESS-PAYLOAD-003", Undo: "DELETE " + essURL + "/essbase/rest/v1/users/cnfab12ess003", Error: "503 Service Unavailable after 3 tries"}},
		Throttled: Throttle{Waits: 2, Seconds: 3.5},
	}
	r.Scenarios = []Scenario{
		{
			ID: "OIG-PAYLOAD-004", Title: "two users in one bulk request", API: "oig", Product: "oig", Operation: "oigUpdateUsers",
			Kind: "payload", Labels: []string{"api:oig", "kind:payload", "mutates"}, Source: "fixtures/scenarios/oig.yaml:88",
			Outcome: NotRun, Reason: "oig stopped answering before the scenario started (breaker open)",
		},
		{
			ID: "EPM2-PAYLOAD-007", Title: "a batch with one unknown user reports it in faileditems", API: "epm-v2", Product: "epm",
			Operation: "updateUsersV2", Kind: "payload", Labels: []string{"api:epm-v2", "kind:payload", "mutates", "quirk"},
			Quirk: "Q-EPM2-003", Source: "fixtures/scenarios/epm-v2.yaml:112", Outcome: Failed, Seconds: 0.4321,
			Reason: "details.failed is 0, want 1: the unknown user cnfab12nobody was reported as updated",
			Violations: []Violation{
				{Rule: "expect", Message: "details.failed: got 0, want 1", Exchange: 0},
				{Rule: "invariant:epm2-summary-adds-up", Message: "processed 2 is not succeeded 2 + failed 0 + 1 unknown", Exchange: 0,
					Spec: "specs/epm-users-v2.yaml#/paths/~1interop~1rest~1security~1v2~1users~1update/put/responses/200"},
			},
			Observations: []Observation{
				{Key: "status", Value: "0"},
				{Key: "details.faileditems", Value: "null", Quirk: "Q-EPM2-003"},
			},
			Exchanges: []Exchange{{
				Role: "request", Operation: "updateUsersV2", Tier: "mutation", Method: "PUT",
				URL:            epmURL + "/interop/rest/security/v2/users/update",
				RequestHeaders: map[string][]string{"Authorization": {"Basic ****"}, "Content-Type": {"application/json"}},
				RequestBody:    `{"users":[{"userlogin":"jdoe","lastname":"Doe"},{"userlogin":"cnfab12nobody","firstname":"No <Body> & Co"}]}`,
				Status:         200,
				ResponseHeaders: map[string][]string{"Content-Type": {"application/json"}, "Date": {"Tue, 01 Dec 2026 21:14:05 GMT"},
					"X-Oracle-Dms-Ecid": {"005zG8Yf3nH7q2"}},
				ResponseBody: `{"links":{"href":"` + epmURL + `/interop/rest/security/v2/users/update","action":"PUT"},"status":0,"error":null,"details":{"processed":2,"succeeded":2,"failed":0,"faileditems":null}}`,
				Millis:       431.7,
			}},
		},
		{
			ID: "ESS-PAYLOAD-003", Title: "add a user from the XML form", API: "essbase", Product: "essbase", Operation: "essbaseAddUsers",
			Kind: "payload", Labels: []string{"api:essbase", "kind:payload", "mutates"}, Source: "fixtures/scenarios/essbase.yaml:57",
			Outcome: Passed, Seconds: 0.118,
			Observations: []Observation{{Key: "role", Value: `"User"`}},
			Exchanges: []Exchange{
				{
					Role: "request", Operation: "essbaseAddUsers", Tier: "mutation", Method: "POST", URL: essURL + "/essbase/rest/v1/users",
					RequestHeaders: map[string][]string{"Accept": {"application/json"}, "Authorization": {"Basic ****"}, "Content-Type": {"application/xml"}},
					RequestBody:    "<users>\n  <user>\n    <id>cnfab12ess003</id>\n    <name>User One</name>\n    <role>user</role>\n  </user>\n</users>\n",
					Status:         200, ResponseHeaders: map[string][]string{"Content-Type": {"application/json"}},
					ResponseBody: `{"items":[{"id":"cnfab12ess003","name":"User One","role":"User"}]}`, Millis: 92.4,
				},
				{
					Role: "undo", Operation: "essbaseDeleteUser", Tier: "mutation", Method: "DELETE", URL: essURL + "/essbase/rest/v1/users/cnfab12ess003",
					RequestHeaders: map[string][]string{"Authorization": {"Basic ****"}}, Status: 503, Millis: 20.1, Waits: []float64{1.5, 2},
				},
			},
		},
		{
			ID: "ESS-AUTH-002", Title: "a caller without the Service Administrator role is refused with 400", API: "essbase", Product: "essbase",
			Operation: "essbaseAddUsers", Kind: "auth", Labels: []string{"api:essbase", "kind:auth", "needs:non-admin-account"},
			Source: "fixtures/scenarios/essbase.yaml:201", Outcome: Skipped,
			Reason: "needs a non-admin account: the config has no credentials.non_admin",
		},
		{
			ID: "EPM1-JOB-002", Title: "a job for a Windows-1252 file finishes", API: "epm-v1", Product: "epm", Operation: "updateUsersV1",
			Kind: "csv", Labels: []string{"api:epm-v1", "kind:csv", "mutates"}, Source: "fixtures/scenarios/epm-v1.yaml:140",
			Outcome: Inconclusive, Seconds: 31.5, Reason: "no usable answer while polling the job: connection reset by peer",
			Exchanges: []Exchange{
				{
					Role: "setup", Operation: "uploadFile", Tier: "mutation", Method: "POST",
					URL:            epmURL + "/interop/rest/11.1.2.3.600/applicationsnapshots/cnfab12-users.csv/contents",
					RequestHeaders: map[string][]string{"Content-Type": {"application/octet-stream"}},
					RequestBody:    "First Name,Last Name,Email,User Login\nJos\u00e9,Nu\u00f1ez,jose.cnfab12@example.com,jdoe\n",
					Status:         200, ResponseBody: `{"details":null,"status":0,"links":[]}`, Millis: 210,
				},
				{
					Role: "request", Operation: "updateUsersV1", Tier: "mutation", Method: "PUT", URL: epmURL + "/interop/rest/security/v1/users",
					RequestHeaders: map[string][]string{"Content-Type": {"application/x-www-form-urlencoded"}},
					RequestBody:    "jobtype=UPDATE_USERS&filename=cnfab12-users.csv", Status: 200,
					ResponseBody: `{"links":[{"rel":"Job Status","href":"` + epmURL + `/interop/rest/security/v1/jobs/1733087643","data":null,"action":"GET"}],"details":null,"status":-1,"items":null}`,
					Millis:       540,
				},
				{
					Role: "poll", Operation: "getJobStatusV1", Tier: "read", Method: "GET", URL: epmURL + "/interop/rest/security/v1/jobs/1733087643",
					Error: "read tcp 10.0.0.5:53122->" + "203.0.113.7:443: connection reset by peer", Millis: 30001,
				},
			},
		},
		{
			ID: "GEN-updateUsersV2-missing-users.userlogin", Title: "users[0].userlogin missing is refused", API: "epm-v2", Product: "epm",
			Operation: "updateUsersV2", Kind: "contract", Labels: []string{"api:epm-v2", "generated", "kind:contract", "op:updateUsersV2"},
			Generated: true, Source: "specs/epm-users-v2.yaml", Outcome: Passed, Seconds: 0.05,
			Observations: []Observation{{Key: "error.errorcode", Value: `"EPMCSS-21147"`}},
		},
		{
			ID: "OIG-ERROR-001", Title: "an update without X-Requested-By is refused with 400", API: "oig", Product: "oig",
			Operation: "oigUpdateUsers", Kind: "error-code", Labels: []string{"api:oig", "kind:error-code"}, Source: "fixtures/scenarios/oig.yaml:12",
			Outcome: Passed, Seconds: 0.021,
		},
	}
	r.Finish()
	return r
}
