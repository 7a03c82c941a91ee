package oig

import (
	"io/fs"
	"path"
	"strconv"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/expect"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
)

// payloadVars are the target vars the OIG payloads need, with the mock's
// values; a live target's config names its own users (see the report of
// fixtures/payloads/oig in fixtures/quirks/oig.yaml).
var payloadVars = scenario.Vars{
	Run: "t3st01",
	Var: map[string]string{
		"oig_user_1":       "24",
		"oig_user_2":       "25",
		"oig_user_3":       "26",
		"oig_unknown_id":   "9999",
		"oig_organization": "Finance",
	},
}

// What the mock answers to each file of fixtures/payloads/oig, rendered as
// the suite renders it. users lists, per entry, "SUCCESS" or the reason's
// code; for a whole-request failure, code is the reason's code.
var payloadCases = []struct {
	file   string
	status int
	users  []string
	code   string
}{
	{file: "document-example.json", status: 200, users: []string{"SUCCESS", codeUnknownUser}},
	{file: "one-user.json.tmpl", status: 200, users: []string{"SUCCESS"}},
	{file: "several-users.json.tmpl", status: 200, users: []string{"SUCCESS", "SUCCESS", "SUCCESS"}},
	{file: "mixed-unknown.json.tmpl", status: 200, users: []string{"SUCCESS", codeUnknownUser}},
	{file: "all-fields.json.tmpl", status: 200, users: []string{"SUCCESS"}},
	{file: "field-first-name.json.tmpl", status: 200, users: []string{"SUCCESS"}},
	{file: "field-middle-name.json.tmpl", status: 200, users: []string{"SUCCESS"}},
	{file: "field-last-name.json.tmpl", status: 200, users: []string{"SUCCESS"}},
	{file: "field-display-name.json.tmpl", status: 200, users: []string{"SUCCESS"}},
	{file: "field-email.json.tmpl", status: 200, users: []string{"SUCCESS"}},
	{file: "field-organization-name.json.tmpl", status: 200, users: []string{"SUCCESS"}},
	{file: "field-title.json.tmpl", status: 200, users: []string{"SUCCESS"}},
	{file: "field-role.json.tmpl", status: 200, users: []string{"SUCCESS"}},
	{file: "field-telephone-number.json.tmpl", status: 200, users: []string{"SUCCESS"}},
	{file: "same-user-twice.json.tmpl", status: 200, users: []string{"SUCCESS", "SUCCESS"}},
	{file: "no-request-id.json.tmpl", status: 200, users: []string{"SUCCESS"}},
	{file: "empty-email.json.tmpl", status: 200, users: []string{"SUCCESS"}},
	{file: "null-value.json.tmpl", status: 200, users: []string{"SUCCESS"}},
	{file: "missing-id.json.tmpl", status: 200, users: []string{codeNoID, "SUCCESS"}},
	{file: "empty-fields.json.tmpl", status: 200, users: []string{codeNoFields}},
	{file: "no-fields.json.tmpl", status: 200, users: []string{codeNoFields}},
	{file: "unknown-field.json.tmpl", status: 200, users: []string{codeUnknownField}},
	{file: "field-name-case.json.tmpl", status: 200, users: []string{codeUnknownField}},
	{file: "read-only-user-login.json.tmpl", status: 200, users: []string{codeReadOnly}},
	{file: "read-only-status.json.tmpl", status: 200, users: []string{codeReadOnly}},
	{file: "invalid-email.json.tmpl", status: 200, users: []string{codeInvalidValue, "SUCCESS"}},
	{file: "empty-last-name.json.tmpl", status: 200, users: []string{codeMandatory}},
	{file: "invalid-role.json.tmpl", status: 200, users: []string{codeInvalidValue}},
	{file: "unknown-organization.json.tmpl", status: 200, users: []string{codeInvalidValue}},
	{file: "numeric-id.json.tmpl", status: 200, users: []string{codeMalformedUser}},
	{file: "duplicate-field.json.tmpl", status: 200, users: []string{codeDuplicateField}},
	{file: "too-large.json.tmpl", status: 413, code: codeTooLarge},
	{file: "malformed.json", status: 400, code: codeMalformed},
	{file: "no-users.json", status: 400, code: codeNoUsers},
	{file: "empty-users.json", status: 400, code: codeNoUsers},
	{file: "users-not-array.json", status: 400, code: codeMalformed},
}

func renderPayload(t *testing.T, file string) string {
	t.Helper()
	name := path.Join("payloads/oig", file)
	raw, err := fs.ReadFile(fixtures.FS, name)
	if err != nil {
		t.Fatalf("payload %s: %v", file, err)
	}
	if !strings.HasSuffix(file, ".tmpl") {
		return string(raw) // sent byte for byte, like the suite's body_file
	}
	out, err := scenario.Render(name, string(raw), payloadVars)
	if err != nil {
		t.Fatalf("payload %s: %v", file, err)
	}
	return out
}

func TestPayloadsDoWhatTheirNamesSay(t *testing.T) {
	for _, tc := range payloadCases {
		t.Run(tc.file, func(t *testing.T) {
			_, h := newMock(t, Options{})
			rec, body := answer(t, h, call{body: renderPayload(t, tc.file)})
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			want := map[string]any{}
			if tc.code != "" {
				want["reason"] = map[string]any{"$match": "^" + tc.code + ":"}
			}
			if tc.users != nil {
				want["users"] = map[string]any{"$len": len(tc.users)}
			}
			for i, u := range tc.users {
				entry := "users[" + strconv.Itoa(i) + "]"
				if u == "SUCCESS" {
					want[entry+".status"] = "SUCCESS"
					continue
				}
				want[entry+".status"] = "FAIL"
				want[entry+".reason"] = map[string]any{"$match": "^" + u + ":"}
			}
			for _, m := range expect.Match(body, want) {
				t.Errorf("%s\nbody: %.500s", m, rec.Body)
			}
		})
	}
}

// Every payload file is in the table above, so none is left untested.
func TestEveryPayloadFileIsCovered(t *testing.T) {
	files, err := fs.ReadDir(fixtures.FS, "payloads/oig")
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, tc := range payloadCases {
		covered[tc.file] = true
	}
	for _, f := range files {
		if !covered[f.Name()] {
			t.Errorf("fixtures/payloads/oig/%s has no case in payloadCases", f.Name())
		}
	}
}
