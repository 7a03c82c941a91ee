package invariant_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/invariant"
	_ "github.com/oracle-users-conformance/conformance/internal/ops" // installs the invariants
)

func TestEPM1Envelope(t *testing.T) {
	const (
		self      = `{"rel":"self","href":"https://x/interop/rest/security/v1/jobs/1001","data":null,"action":"GET"}`
		jobStatus = `{"rel":"Job Status","href":"https://x/interop/rest/security/v1/jobs/1001","data":null,"action":"GET"}`
	)
	cases := []struct {
		name, op string
		http     int
		body     string
		want     []string // substrings, one per problem; none means no problem
	}{
		{"submit started", "updateUsersV1", 200,
			`{"links":[` + self + `,` + jobStatus + `],"details":null,"status":-1,"items":null}`, nil},
		{"submit without Job Status", "updateUsersV1", 200,
			`{"links":[` + self + `],"details":null,"status":-1,"items":null}`, []string{`rel "Job Status"`}},
		{"job running has no Job Status link and needs none", "getUsersJobV1", 200,
			`{"links":[` + self + `],"details":null,"status":-1,"items":null}`, nil},
		{"running with details", "getUsersJobV1", 200,
			`{"links":[` + self + `],"details":"half","status":-1,"items":[]}`, []string{"details", "items"}},
		{"Example 3", "getUsersJobV1", 200,
			`{"links":[` + self + `],"details":"Processed - 3, Succeeded - 2, Failed - 1.","status":0,"items":[{"UserName":"ghost","Error_Details":" x "}]}`, nil},
		{"nothing failed, items null", "getUsersJobV1", 200,
			`{"links":[` + self + `],"details":"Processed - 2, Succeeded - 2, Failed - 0.","status":0,"items":null}`, nil},
		{"counts do not add up", "getUsersJobV1", 200,
			`{"links":[` + self + `],"details":"Processed - 3, Succeeded - 3, Failed - 1.","status":0,"items":[{"UserName":"a","Error_Details":"x"}]}`, []string{"is not Succeeded"}},
		{"failed count is not the items", "getUsersJobV1", 200,
			`{"links":[` + self + `],"details":"Processed - 3, Succeeded - 3, Failed - 0.","status":0,"items":[{"UserName":"a","Error_Details":"x"}]}`, []string{"lists 1 rows"}},
		{"summary unreadable", "getUsersJobV1", 200,
			`{"links":[` + self + `],"details":"done","status":0,"items":null}`, []string{"Processed - N"}},
		{"Example 2", "getUsersJobV1", 200,
			`{"links":[` + self + `],"details":"Failed to update users. Input file a.csv not found. Specify a valid file name.","status":1,"items":null}`, nil},
		{"failure without a reason", "getUsersJobV1", 200,
			`{"links":[` + self + `],"details":null,"status":1,"items":null}`, []string{"says why"}},
		{"links as one object (v2's shape)", "getUsersJobV1", 200,
			`{"links":` + self + `,"details":null,"status":-1,"items":null}`, []string{"not an array"}},
		{"a link without data", "getUsersJobV1", 200,
			`{"links":[{"rel":"self","href":"h","action":"GET"}],"details":null,"status":-1,"items":null}`, []string{"no data"}},
		{"a link without href", "updateUsersV1", 200,
			`{"links":[{"rel":"self","data":null,"action":"UPDATE"}],"details":"Failed to update users. Authorization failed.","status":1,"items":null}`, []string{"href"}},
		{"status -2", "getUsersJobV1", 200,
			`{"links":[],"details":null,"status":-2,"items":null}`, []string{"migration status codes"}},
		{"upload stored", "epmUploadFile", 200,
			`{"details":null,"status":0,"links":[{"rel":"self","href":"h","action":"POST"}]}`, nil},
		{"delete refused without a reason", "epmDeleteFile", 404,
			`{"details":null,"status":1,"links":[{"rel":"self","href":"h","data":null,"action":"DELETE"}]}`, []string{"says why"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body any
			dec := json.NewDecoder(strings.NewReader(c.body))
			dec.UseNumber()
			if err := dec.Decode(&body); err != nil {
				t.Fatal(err)
			}
			got := invariant.Problems(c.op, c.http, body)
			if len(got) != len(c.want) {
				t.Fatalf("problems %q, want %d matching %q", got, len(c.want), c.want)
			}
			for i, w := range c.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("problem %d is %q, want it to contain %q", i, got[i], w)
				}
			}
		})
	}
}
