package opid

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// productRoots are the roots of the products' paths: a literal holding one
// types a vendor path again.
var productRoots = []string{"/interop/rest", "/essbase/rest", "/iam/governance"}

// elsewhere are the places that write vendor paths on purpose, each with why.
var elsewhere = map[string]string{
	// The mock is a second, independent reading of the vendor pages: were
	// its routes derived from specs/, a path mistranscribed there would be
	// copied into the mock and every run against it would pass.
	"internal/mock/": "the mock's own routes, read from the vendor pages independently of specs/",
	// A quotation of the vendor's curl example, shown to a client's author.
	"internal/clientcheck/obligations.go": "the vendor document's own example, quoted",
	// The ceiling of make bench: a canned answer, shaped as the mock's.
	"bench/bare/": "the benchmark's bare handler, a canned answer",
}

// Outside the generated constants, no Go code names an operation by a
// string literal or types a vendor path again: they come from specs/
// through this package's constants and the catalog (Templates, Fill).
func TestNoOperationIDOrPathIsTypedAgain(t *testing.T) {
	found := literals(t, filepath.Join("..", ".."))
	for _, f := range found {
		t.Error(f)
	}
}

// The scan finds what it looks for.
func TestTheScanFindsAnIDTypedAgain(t *testing.T) {
	dir := t.TempDir()
	src := "package x\n\nvar a, b = \"" + UpdateUsersV2 + "\", \"/essbase/rest/v1/users\"\n"
	if err := writeFile(filepath.Join(dir, "x.go"), src); err != nil {
		t.Fatal(err)
	}
	if found := literals(t, dir); len(found) != 2 {
		t.Fatalf("the scan found %q in a file typing an operation ID and a path; want both", found)
	}
}

func literals(t *testing.T, root string) []string {
	t.Helper()
	ids := map[string]bool{}
	for id := range Templates {
		ids[id] = true
	}
	if len(ids) == 0 {
		t.Fatal("no operation IDs to look for")
	}
	var found []string
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if n := d.Name(); rel != "." && (strings.HasPrefix(n, ".") || n == "testdata" || n == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.HasPrefix(rel, "internal/opid/") {
			return nil
		}
		for place := range elsewhere {
			if strings.HasPrefix(rel, place) {
				return nil
			}
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			v, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			pos := fset.Position(lit.Pos())
			where := rel + ":" + strconv.Itoa(pos.Line)
			if ids[v] {
				found = append(found, where+": the operation ID "+strconv.Quote(v)+" typed again: use internal/opid's constant")
			}
			for _, r := range productRoots {
				if strings.Contains(v, r) {
					found = append(found, where+": a vendor path typed again ("+strconv.Quote(v)+"): derive it from the catalog (opid.Templates, contract Operation.Fill)")
					break
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func writeFile(path, text string) error { return os.WriteFile(path, []byte(text), 0o644) }
