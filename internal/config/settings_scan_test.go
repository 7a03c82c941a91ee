package config

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// otherVocabularies are literals that spell a setting's flag but name
// something else, each with why; anything else that spells a setting's
// name outside the table is a second declaration of it.
var otherVocabularies = map[string]string{
	"internal/cli/cli.go: seed":         "the mock's own --seed, its seed file: a flag of conformance mock, not of run",
	"internal/report/junit.go: seed":    "a JUnit property of the report, the seed the run used",
	"internal/report/ctrf.go: seed":     "a CTRF extra field of the report",
	"internal/control/control.go: seed": "the mock's control endpoint that loads a seed",
	"suites/suites.go: fixtures":        "the fixtures directory of the repository, named in a scenario's location",
	"bench/bound/main.go: rate":         "the benchmark's own flag",
}

// settingLiterals scans the non-test Go files of the repository for string
// literals that spell a setting's variable, flag or key, or any variable
// of the command, outside the settings table. Struct tags are the file's
// keys and are not literals.
func settingLiterals(t *testing.T, root string) (found []string, seen map[string]bool, mentions []string) {
	names := map[string]bool{}
	for _, s := range Settings() {
		for _, n := range []string{s.Env, s.Flag, s.Key} {
			if n != "" {
				names[n] = true
			}
		}
		if s.Flag != "" {
			names["--"+s.Flag] = true
			names["-"+s.Flag] = true
		}
	}
	seen = map[string]bool{}
	table, _ := filepath.Abs("settings.go")
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); n != "." && n != ".." && (strings.HasPrefix(n, ".") || n == "node_modules" || n == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		if abs, _ := filepath.Abs(path); abs == table {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		tags := map[*ast.BasicLit]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			if fld, ok := n.(*ast.Field); ok && fld.Tag != nil {
				tags[fld.Tag] = true
			}
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING || tags[lit] {
				return true
			}
			v, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			why := ""
			switch {
			case names[v]:
				if _, ok := otherVocabularies[rel+": "+v]; ok {
					seen[rel+": "+v] = true
					return true
				}
				why = fmt.Sprintf("%q is a setting's name", v)
			case strings.Contains(v, EnvPrefix):
				why = fmt.Sprintf("%q types a variable of the command", v)
			default:
				for _, m := range flagMention.FindAllString(v, -1) {
					if names[m] {
						mentions = append(mentions, fmt.Sprintf("%s:%d: %s", rel, fset.Position(lit.Pos()).Line, m))
					}
				}
				return true
			}
			found = append(found, fmt.Sprintf("%s:%d: %s: take it from the settings table (internal/config/settings.go)", rel, fset.Position(lit.Pos()).Line, why))
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(found)
	return found, seen, mentions
}

// flagMention is a flag named inside a sentence.
var flagMention = regexp.MustCompile(`--[a-z][a-z-]*[a-z]`)

// No setting is named outside the table: its variable, flag and key are
// written once, in settings.go, and read from there.
func TestNoSettingIsNamedOutsideTheTable(t *testing.T) {
	found, seen, mentions := settingLiterals(t, filepath.Join("..", ".."))
	// Sentences that name a flag (an error's advice, a skip reason) are
	// prose, not a declaration; they are listed for whoever renames one.
	t.Logf("%d sentences name a setting's flag:\n%s", len(mentions), strings.Join(mentions, "\n"))
	for _, f := range found {
		t.Error(f)
	}
	for k, why := range otherVocabularies {
		if !seen[k] {
			t.Errorf("otherVocabularies lists %s (%s), which no longer occurs: remove it", k, why)
		}
	}
}

// The scan finds a setting typed again: a variable, and a flag defined by
// its name, each named by file and line.
func TestTheScanFindsASettingTypedAgain(t *testing.T) {
	dir := t.TempDir()
	src := "package x\n\nimport \"flag\"\n\nvar _ = flag.Duration(\"timeout\", 0, \"\")\n\nconst env = \"CONFORMANCE_TIMEOUT\"\n\ntype T struct {\n\tTimeout int `yaml:\"timeout\"`\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "x.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	found, _, _ := settingLiterals(t, dir)
	if len(found) != 2 || !strings.HasPrefix(found[0], "x.go:5: ") || !strings.HasPrefix(found[1], "x.go:7: ") {
		t.Errorf("want x.go:5 (the flag) and x.go:7 (the variable), not the struct tag; got %q", found)
	}
}
