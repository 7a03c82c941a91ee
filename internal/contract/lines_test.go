package contract

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oracle-users-conformance/conformance/specs"
)

// Every operation's line, read from the text, is the line kin-openapi's
// origins give its method key: what generated scenarios name as their
// place in the spec stays what it was.
func TestLinesAreTheOrigins(t *testing.T) {
	names, err := fs.Glob(specs.FS, "*.yaml")
	if err != nil || len(names) == 0 {
		t.Fatalf("no specs: %v", err)
	}
	checked := 0
	for _, name := range names {
		data, err := fs.ReadFile(specs.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		loader := openapi3.NewLoader()
		loader.IncludeOrigin = true
		doc, err := loader.LoadFromData(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		lines := methodLines(data)
		for _, p := range doc.Paths.InMatchingOrder() {
			for method, op := range doc.Paths.Value(p).Operations() {
				if op.Origin == nil || op.Origin.Key == nil {
					t.Fatalf("%s %s %s: kin-openapi gave no origin", name, method, p)
				}
				if got, want := lines[[2]string{p, strings.ToLower(method)}], op.Origin.Key.Line; got != want {
					t.Errorf("%s %s %s: line %d, kin-openapi says %d", name, method, p, got, want)
				}
				checked++
			}
		}
	}
	if checked < 10 {
		t.Errorf("only %d operations checked", checked)
	}
}

// A method name deeper in a path item (a property called "delete") is no
// method, and a path's methods are found whatever its indent.
func TestLinesSkipDeeperKeys(t *testing.T) {
	spec := `openapi: 3.0.3
paths:
    /users:
        parameters: []
        get:
            responses:
                "200":
                    content:
                        application/json:
                            schema:
                                properties:
                                    put: {type: string}
        put:
            responses: {}
components: {}
`
	got := methodLines([]byte(spec))
	if got[[2]string{"/users", "get"}] != 5 || got[[2]string{"/users", "put"}] != 13 || len(got) != 2 {
		t.Errorf("got %v, want get at 5 and put at 13", got)
	}
}
