package essbase

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"
	"text/template"

	"github.com/oracle-users-conformance/conformance/fixtures"
)

// payload renders fixtures/payloads/essbase/<name> with a run suffix, as the
// suite does ({{.Run}}), so each file is known to do what its name says.
func payload(t *testing.T, name, run string) string {
	t.Helper()
	raw, err := fs.ReadFile(fixtures.FS, "payloads/essbase/"+name)
	if err != nil {
		t.Fatalf("payload %s: %v", name, err)
	}
	tpl, err := template.New(name).Option("missingkey=error").Parse(string(raw))
	if err != nil {
		t.Fatalf("payload %s: %v", name, err)
	}
	var b bytes.Buffer
	if err := tpl.Execute(&b, struct{ Run string }{run}); err != nil {
		t.Fatalf("payload %s: %v", name, err)
	}
	return b.String()
}

// What the mock answers to each payload file; the suite's scenarios expect
// the same of a live target (the IDs in fixtures/quirks/essbase.yaml).
type payloadCase struct {
	file        string
	method      string
	path        string // {{.Run}} is replaced
	contentType string
	accept      string
	before      []string // JSON payloads added first
	status      int
	code        string
}

const csvCT, octet = "text/csv", "application/octet-stream"

var payloadCases = []payloadCase{
	{file: "add-user.json", method: "POST", path: usersPath + "?links=none", contentType: jsonCT, status: 200},
	{file: "add-user-jenp.json", method: "POST", path: usersPath, contentType: jsonCT, status: 200},
	{file: "add-users.json", method: "POST", path: usersPath, contentType: jsonCT, status: 200},
	{file: "add-users-duplicate.json", method: "POST", path: usersPath, contentType: jsonCT, status: 400, code: "DUPLICATE_ID"},
	{file: "add-user-token-list.json", method: "POST", path: usersPath, contentType: jsonCT, status: 200},
	{file: "add-user-invalid-role.json", method: "POST", path: usersPath, contentType: jsonCT, status: 400, code: "INVALID_ROLE"},
	{file: "add-user-missing-password.json", method: "POST", path: usersPath, contentType: jsonCT, status: 400, code: "MISSING_PROPERTY"},
	{file: "add-user-id-space.json", method: "POST", path: usersPath, contentType: jsonCT, status: 400, code: "INVALID_ID"},
	{file: "add-user-id-tab.json", method: "POST", path: usersPath, contentType: jsonCT, status: 400, code: "INVALID_ID"},
	{file: "add-user-id-comma.json", method: "POST", path: usersPath, contentType: jsonCT, status: 400, code: "INVALID_ID"},
	{file: "add-user-id-slash.json", method: "POST", path: usersPath, contentType: jsonCT, status: 400, code: "INVALID_ID"},
	{file: "add-user-name-256.json", method: "POST", path: usersPath, contentType: jsonCT, status: 200},
	{file: "add-user-name-257.json", method: "POST", path: usersPath, contentType: jsonCT, status: 400, code: "INVALID_NAME"},
	{file: "add-user-group-period.json", method: "POST", path: usersPath, contentType: jsonCT, status: 400, code: "INVALID_GROUP"},
	{file: "add-user-malformed.json", method: "POST", path: usersPath, contentType: jsonCT, status: 400, code: "MALFORMED_BODY"},
	{file: "add-user.xml", method: "POST", path: usersPath, contentType: xmlCT, accept: xmlCT, status: 200},
	{file: "add-users.xml", method: "POST", path: usersPath, contentType: xmlCT, accept: xmlCT, status: 200},
	{file: "add-user-malformed.xml", method: "POST", path: usersPath, contentType: xmlCT, accept: xmlCT, status: 400, code: "MALFORMED_BODY"},
	{file: "import-users.csv", method: "POST", path: usersPath, contentType: csvCT, accept: octet, status: 200},
	{file: "import-users.csv", method: "POST", path: usersPath, accept: octet, status: 200},
	{file: "import-users-minimal.csv", method: "POST", path: usersPath, contentType: csvCT, accept: octet, status: 200},
	{file: "import-users-bad-role.csv", method: "POST", path: usersPath, contentType: csvCT, accept: octet, status: 400, code: "INVALID_ROLE"},
	{file: "import-users-no-header.csv", method: "POST", path: usersPath, contentType: csvCT, accept: octet, status: 400, code: "MALFORMED_BODY"},
	{file: "import-users-ragged.csv", method: "POST", path: usersPath, contentType: csvCT, accept: octet, status: 400, code: "MALFORMED_BODY"},
	{file: "update-user.json", method: "PUT", path: usersPath + "/cnf{{.Run}}jenp", contentType: jsonCT, before: []string{"add-user-jenp.json"}, status: 200},
	{file: "update-user.xml", method: "PUT", path: usersPath + "/cnf{{.Run}}jenp", contentType: xmlCT, accept: xmlCT, before: []string{"add-user-jenp.json"}, status: 200},
	{file: "update-user-lowercase-role.json", method: "PUT", path: usersPath + "/cnf{{.Run}}jenp", contentType: jsonCT, before: []string{"add-user-jenp.json"}, status: 200},
	{file: "update-user-id-mismatch.json", method: "PUT", path: usersPath + "/cnf{{.Run}}jenp", contentType: jsonCT, before: []string{"add-user-jenp.json"}, status: 400, code: "ID_MISMATCH"},
	{file: "update-user-invalid-role.json", method: "PUT", path: usersPath + "/cnf{{.Run}}jenp", contentType: jsonCT, before: []string{"add-user-jenp.json"}, status: 400, code: "INVALID_ROLE"},
	{file: "update-user.json", method: "PUT", path: usersPath + "/cnf{{.Run}}jenp", contentType: jsonCT, status: 404, code: "USER_NOT_FOUND"},
}

func TestPayloadFixtures(t *testing.T) {
	const run = "t20260101x"
	for _, tc := range payloadCases {
		t.Run(tc.file+" "+tc.method+" "+tc.contentType, func(t *testing.T) {
			_, h := newTestServer(t, Options{})
			for _, b := range tc.before {
				c := call{method: "POST", path: usersPath, user: "admin", pass: "Welcome1", contentType: jsonCT, body: payload(t, b, run)}
				if _, rec := c.do(t, h); rec.Code != 200 {
					t.Fatalf("setup %s: %d %s", b, rec.Code, rec.Body.String())
				}
			}
			c := call{method: tc.method, path: strings.ReplaceAll(tc.path, "{{.Run}}", run), user: "admin", pass: "Welcome1",
				contentType: tc.contentType, accept: tc.accept, body: payload(t, tc.file, run)}
			req, rec := c.do(t, h)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body.String())
			}
			validate(t, req, c.body, rec)
			if tc.code != "" {
				if got := errorCode(t, rec); got != tc.code {
					t.Errorf("errorCode %s, want %s: %s", got, tc.code, rec.Body.String())
				}
			}
		})
	}
}

// Every payload file is in the table above, so none is left untested.
func TestEveryPayloadFileIsExercised(t *testing.T) {
	src, err := fs.ReadFile(fixtures.FS, "payloads/essbase/add-user.json")
	if err != nil || !bytes.Contains(src, []byte("{{.Run}}")) {
		t.Fatalf("add-user.json must carry {{.Run}}: %v", err)
	}
	entries, err := fs.ReadDir(fixtures.FS, "payloads/essbase")
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, c := range payloadCases {
		used[c.file] = true
		for _, b := range c.before {
			used[b] = true
		}
	}
	for _, e := range entries {
		if !used[e.Name()] {
			t.Errorf("payloads/essbase/%s is not exercised by TestPayloadFixtures", e.Name())
		}
	}
}
