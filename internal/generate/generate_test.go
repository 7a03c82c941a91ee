package generate

import (
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
	"github.com/oracle-users-conformance/conformance/specs"
)

const spec = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things:
    put:
      operationId: putThings
      x-source: {inferred: test}
      x-conformance:
        api: test
        accepted: {status: 200}
        rejected: {status: 400}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [things]
              properties:
                things:
                  type: array
                  items:
                    type: object
                    required: [name]
                    properties:
                      name: {type: string, maxLength: 8}
                      kind: {type: string, enum: [a, b, c]}
            example: {things: [{name: one, kind: a}]}
      responses:
        "200": {description: ok}
        "400": {description: bad}
        "401": {description: unauthenticated}
`

// generated derives the tables of a spec given as text.
func generated(t *testing.T, doc string, seed int64) []*scenario.Table {
	t.Helper()
	cat, err := contract.Load(fstest.MapFS{"t.yaml": {Data: []byte(doc)}})
	if err != nil {
		t.Fatal(err)
	}
	tables, err := Tables(cat, seed)
	if err != nil {
		t.Fatal(err)
	}
	return tables
}

func ids(t *testing.T, doc string, seed int64) []string {
	t.Helper()
	tables := generated(t, doc, seed)
	var out []string
	for _, tb := range tables {
		for _, s := range tb.Scenarios {
			out = append(out, s.ID)
		}
	}
	sort.Strings(out)
	return out
}

func TestRulesFromTheSchema(t *testing.T) {
	got := strings.Join(ids(t, spec, 1), "\n")
	for _, want := range []string{
		"GEN-putThings-valid",
		"GEN-putThings-missing-things",
		"GEN-putThings-missing-things.name",
		"GEN-putThings-type-things.name",
		"GEN-putThings-maxlength-things.name",
		"GEN-putThings-enum-things.kind",
		"GEN-putThings-noauth",
		"GEN-putThings-badauth",
		"GEN-putThings-mediatype",
		"GEN-putThings-method",
	} {
		if !strings.Contains(got, want+"\n") && !strings.HasSuffix(got, want) {
			t.Errorf("missing %s in:\n%s", want, got)
		}
	}
}

// A changed spec changes the generated scenarios with no Go edit.
func TestSpecChangesChangeScenarios(t *testing.T) {
	before := strings.Join(ids(t, spec, 1), " ")
	required := strings.Replace(spec, "required: [name]", "required: [name, kind]", 1)
	if after := strings.Join(ids(t, required, 1), " "); !strings.Contains(after, "GEN-putThings-missing-things.kind") || strings.Contains(before, "missing-things.kind") {
		t.Errorf("adding a required property did not add its scenario:\nbefore %s\nafter  %s", before, after)
	}
	// The example must keep to the format, which is checked (internal/contract).
	noEnum := strings.NewReplacer("enum: [a, b, c]", "format: email", "kind: a}", "kind: a@example.com}").Replace(spec)
	after := strings.Join(ids(t, noEnum, 1), " ")
	if strings.Contains(after, "enum-things.kind") || !strings.Contains(after, "format-things.kind") {
		t.Errorf("replacing the enum by a format did not change the scenarios: %s", after)
	}
}

// The same seed gives the same requests; the seed is what varies them.
func TestDeterministic(t *testing.T) {
	cat, err := contract.Load(specs.FS)
	if err != nil {
		t.Fatal(err)
	}
	render := func(seed int64) string {
		tables, err := Tables(cat, seed)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, tb := range tables {
			for _, s := range tb.Scenarios {
				b.WriteString(s.ID + " " + s.Request.Method + " " + s.Request.Body + "\n")
			}
		}
		return b.String()
	}
	if render(7) != render(7) {
		t.Fatal("the same seed gave different scenarios")
	}
	if render(7) == render(8) {
		t.Log("seeds 7 and 8 happen to give the same values")
	}
}

func TestTemplatedBodiesKeepTheirPlaceholders(t *testing.T) {
	withBody := strings.Replace(spec, "accepted: {status: 200}", `accepted: {status: 200}
        body: '{"things":[{"name":"{{.Var.x}}","kind":"a"}]}'`, 1)
	tables := generated(t, withBody, 1)
	for _, s := range tables[0].Scenarios {
		if s.ID == "GEN-putThings-missing-things.kind" || s.ID == "GEN-putThings-type-things.kind" {
			if !strings.Contains(s.Request.Body, "{{.Var.x}}") {
				t.Errorf("%s lost the placeholder: %s", s.ID, s.Request.Body)
			}
		}
	}
}

const variantSpec = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /users:
    post:
      operationId: addUsers
      x-source: {inferred: test}
      x-conformance:
        api: test
        accepted: {status: 200}
        rejected: {status: 400}
        body: '{"id":"u{{.Run}}","role":"User","groups":["a","b"]}'
        variants:
          - content_type: text/csv
            body: "id,role\nu{{.Run}},User\n"
          - content_type: application/xml
            xml_root: user
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/User"}
          application/xml:
            schema: {$ref: "#/components/schemas/User"}
          text/csv:
            schema:
              type: array
              items: {$ref: "#/components/schemas/User"}
      responses:
        "200": {description: ok}
        "400": {description: bad}
        "401": {description: unauthenticated}
components:
  schemas:
    User:
      type: object
      required: [id]
      properties:
        id: {type: string, maxLength: 10}
        role: {type: string, enum: [User, Power User]}
        groups: {type: array, items: {type: string}}
`

func TestCSVAndXMLVariants(t *testing.T) {
	tables := generated(t, variantSpec, 3)
	rows := map[string]string{}
	encodings := map[string]string{}
	for _, s := range tables[0].Scenarios {
		rows[s.ID] = s.Request.Body
		encodings[s.ID] = s.Request.Encoding
		if ct := s.Request.Headers["Content-Type"]; strings.Contains(s.ID, "-csv-") && ct != "text/csv" {
			t.Errorf("%s sends %s", s.ID, ct)
		}
	}
	check := func(id, want, notWant string) {
		t.Helper()
		body, ok := rows[id]
		if !ok {
			t.Errorf("no scenario %s", id)
			return
		}
		if !strings.Contains(body, want) || (notWant != "" && strings.Contains(body, notWant)) {
			t.Errorf("%s body %q: want %q, not %q", id, body, want, notWant)
		}
	}
	check("GEN-addUsers-csv-valid", "id,role\nu{{.Run}},User", "")
	check("GEN-addUsers-csv-missing-column-id", "role\nUser", "{{.Run}}")
	check("GEN-addUsers-csv-maxlength-id", "xxxxxxxxxxx", "")
	check("GEN-addUsers-csv-enum-role", "not-in-enum", "")
	check("GEN-addUsers-csv-extra-column", "Conformance Extra", "")
	check("GEN-addUsers-xml-valid", "<user><groups>a</groups><groups>b</groups><id>u{{.Run}}</id><role>User</role></user>", "")
	check("GEN-addUsers-xml-missing-id", "<user>", "<id>")
	check("GEN-addUsers-xml-malformed", "<user>", "</user>")
	if encodings["GEN-addUsers-csv-encoding"] != "utf-16le" {
		t.Errorf("the encoding rule should send UTF-16: %q", encodings["GEN-addUsers-csv-encoding"])
	}
	if _, typed := rows["GEN-addUsers-csv-type-id"]; typed {
		t.Error("CSV has no value types: no wrong-type rule")
	}
}

const formSpec = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /jobs:
    put:
      operationId: submitJob
      x-source: {inferred: test}
      x-conformance:
        api: test
        accepted: {status: 200}
        rejected: {status: 400}
        body: jobtype=RUN&filename=f-{{.Run}}.csv
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [jobtype, filename]
              properties:
                jobtype: {type: string, enum: [RUN]}
                filename: {type: string}
      responses:
        "200": {description: ok}
  /files/{name}:
    post:
      operationId: upload
      x-source: {inferred: test}
      x-conformance:
        api: test
        params: {name: f.csv}
        accepted: {status: 200}
        rejected: {status: 415}
        body: "a,b\n1,{{.Run}}\n"
      parameters:
        - {name: name, in: path, required: true, schema: {type: string}}
      requestBody:
        content:
          application/octet-stream:
            schema: {type: string, format: binary}
      responses:
        "200": {description: ok}
`

// A form body is read into its fields (a field can go missing, an enum be
// broken); an octet-stream body is sent as written, with the request-level
// rules only. Neither is JSON, which the generator used to require.
func TestFormAndOpaqueBodies(t *testing.T) {
	tables := generated(t, formSpec, 1)
	bodies := map[string]string{}
	for _, s := range tables[0].Scenarios {
		bodies[s.ID] = s.Request.Body
	}
	want := map[string]string{
		"GEN-submitJob-valid":            "jobtype=RUN&filename=f-{{.Run}}.csv",
		"GEN-submitJob-missing-jobtype":  "filename=f-{{.Run}}.csv",
		"GEN-submitJob-missing-filename": "jobtype=RUN",
		"GEN-upload-valid":               "a,b\n1,{{.Run}}\n",
		"GEN-upload-mediatype":           "a,b\n1,{{.Run}}\n",
		"GEN-upload-noauth":              "a,b\n1,{{.Run}}\n",
	}
	for id, body := range want {
		got, ok := bodies[id]
		if !ok {
			t.Errorf("%s was not generated; got %v", id, keys(bodies))
			continue
		}
		if got != body {
			t.Errorf("%s body %q, want %q", id, got, body)
		}
	}
	enum, ok := bodies["GEN-submitJob-enum-jobtype"]
	if !ok || !strings.Contains(enum, "jobtype=not-in-enum-") || !strings.Contains(enum, "filename=f-{{.Run}}.csv") {
		t.Errorf("GEN-submitJob-enum-jobtype body %q, want the jobtype outside its enum and the filename kept", enum)
	}
	for id := range bodies {
		if strings.HasPrefix(id, "GEN-submitJob-type-") || (strings.HasPrefix(id, "GEN-upload-") && strings.Contains(id, "missing")) {
			t.Errorf("%s: a form has no value types and an opaque body is never mutated", id)
		}
	}
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// A body that is one object or a list of them (oneOf, Essbase's Add Users)
// gets the rules of the alternative its valid body takes.
func TestOneOfTakesTheValidBodysAlternative(t *testing.T) {
	const oneOf = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things:
    post:
      operationId: addThings
      x-source: {inferred: test}
      x-conformance:
        api: test
        body: '{"name":"one","kind":"a"}'
        accepted: {status: 200}
        rejected: {status: 400}
      requestBody:
        content:
          application/json:
            schema:
              oneOf:
                - type: array
                  items: {$ref: "#/components/schemas/Thing"}
                - $ref: "#/components/schemas/Thing"
      responses:
        "200": {description: ok}
        "400": {description: bad}
        "401": {description: unauthenticated}
components:
  schemas:
    Thing:
      type: object
      required: [name]
      properties:
        name: {type: string, maxLength: 8}
        kind: {type: string, enum: [a, b, c]}
`
	got := strings.Join(ids(t, oneOf, 1), "\n") + "\n"
	for _, want := range []string{"GEN-addThings-missing-name", "GEN-addThings-maxlength-name", "GEN-addThings-enum-kind"} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("no %s among:\n%s", want, got)
		}
	}
}
