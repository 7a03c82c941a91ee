package scenario

import (
	"strings"
	"testing"
	"testing/fstest"
)

const good = `api: epm-v2
prefix: EPM2-
operation: updateUsersV2
scenarios:
  - id: EPM2-PAYLOAD-001
    title: one
    labels: [kind:payload, mutates]
    request:
      body: '{"users":[{"userlogin":"{{.Var.u}}"}]}'
    expect:
      status: 200

  - id: EPM2-AUTH-001
    title: two
    request: {auth: non-admin}
    expect: {status: [401, 403]}
`

func TestParseKeepsLinesAndDefaults(t *testing.T) {
	tb, err := Parse("t.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if tb.Scenarios[0].Line != 5 || tb.Scenarios[1].Line != 13 {
		t.Fatalf("lines %d, %d", tb.Scenarios[0].Line, tb.Scenarios[1].Line)
	}
	if tb.Scenarios[1].Request.Operation != "updateUsersV2" || !tb.Scenarios[1].Expect.Status.Has(403) {
		t.Fatalf("defaults not applied: %+v", tb.Scenarios[1])
	}
	if !tb.Scenarios[0].HasLabel("mutates") || !tb.Scenarios[1].HasLabel("needs:non-admin-account") || !tb.Scenarios[1].HasLabel("api:epm-v2") {
		t.Fatalf("labels: %v / %v", tb.Scenarios[0].AllLabels(), tb.Scenarios[1].AllLabels())
	}
	if tb.Scenarios[0].Name() != "EPM2-PAYLOAD-001 one" {
		t.Fatalf("name %q", tb.Scenarios[0].Name())
	}
}

func TestParseRejectsBadRows(t *testing.T) {
	cases := map[string]string{
		"unknown key":  strings.Replace(good, "labels:", "lables:", 1),
		"bad ID":       strings.Replace(good, "EPM2-PAYLOAD-001", "payload one", 1),
		"wrong prefix": strings.Replace(good, "EPM2-AUTH-001", "ESS-AUTH-001", 1),
		"bad auth":     strings.Replace(good, "non-admin", "root", 1),
		"no status":    strings.Replace(good, "expect:\n      status: 200\n", "", 1),
		"no title":     strings.Replace(good, "title: one", "title: ''", 1),
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(doc))
			if err == nil {
				t.Fatal("accepted")
			}
			if name != "unknown key" && !strings.Contains(err.Error(), "t.yaml:") {
				t.Errorf("error does not name the row's line: %v", err)
			}
		})
	}
}

func TestLoadDirRejectsDuplicateIDs(t *testing.T) {
	fsys := fstest.MapFS{
		"s/a.yaml": {Data: []byte(good)},
		"s/b.yaml": {Data: []byte(good)},
	}
	if _, err := LoadDir(fsys, "s"); err == nil || !strings.Contains(err.Error(), "already used") {
		t.Fatalf("want a duplicate ID error, got %v", err)
	}
}

func TestRender(t *testing.T) {
	v := Vars{Run: "r1", Admin: "admin", Var: map[string]string{"u": "jdoe"}}
	got, err := Render("x", `{{.Var.u}}-{{.Run}}-{{range seq 3}}{{.}}{{end}}-{{pad 3 7}}-{{upper .Admin}}`, v)
	if err != nil || got != "jdoe-r1-123-007-ADMIN" {
		t.Fatalf("%q, %v", got, err)
	}
	if _, err := Render("x", `{{.Var.missing}}`, v); err == nil {
		t.Fatal("a missing variable must be an error, not an empty string")
	}
}
