package standalone_test

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// outsideForms are the forms of a citation of what a clone of the
// repository does not hold: the local copies of the vendor pages (under
// their file names too), notes beside the checkout, and absolute paths of
// one machine. Each has a literal every match of it holds: a file holding
// none of them is skipped without running the pattern, which under -race
// costs seconds over the whole tree.
var outsideForms = []struct{ literal, pattern string }{
	{"../shared", `\.\./shared`},
	{"vendor-docs", `vendor-docs`},
	{"vendor-facts", `vendor-facts`},
	{"GUIDE.md", `GUIDE\.md`},
	{"DEVELOPERS.md", `DEVELOPERS\.md`},
	{".txt", `(epm-update-users-v[12]|essbase-add-import-users|essbase-update-user|oig-update-users)\.txt`},
	{"/work/", `(^|[\s"'(=:])/work/`},
	{"/home/", `(^|[\s"'(=:])/home/`},
	{"/root/", `(^|[\s"'(=:])/root/`},
	{"/Users/", `(^|[\s"'(=:])/Users/`},
	{`:\Users\`, `[A-Za-z]:\\Users\\`},
}

// outside matches any of the forms.
var outside = func() *regexp.Regexp {
	var alts []string
	for _, f := range outsideForms {
		alts = append(alts, f.pattern)
	}
	return regexp.MustCompile(strings.Join(alts, "|"))
}()

// mayCiteOutside says whether data holds a literal of some form.
func mayCiteOutside(data []byte) bool {
	for _, f := range outsideForms {
		if bytes.Contains(data, []byte(f.literal)) {
			return true
		}
	}
	return false
}

// allowed are the exceptions: a test may read the JUnit schemas from
// ../shared/junit-xsd where that directory is present, and the release
// image's own home folder (internal/ociimage) is a path inside the image,
// not one of any machine.
var allowed = regexp.MustCompile(`\.\./shared/junit-xsd|"/home/nonroot"`)

func TestNoFileCitesAPathOutsideTheRepository(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	self, _ := filepath.Abs("standalone_test.go")
	files := trackedFiles(t, root)
	if len(files) < 50 {
		t.Fatalf("found only %d files under %s: is this the repository?", len(files), root)
	}
	for _, f := range files {
		if f == self {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil || bytes.IndexByte(data, 0) >= 0 {
			continue // gone from the work tree, or binary
		}
		if !mayCiteOutside(data) {
			continue
		}
		for i, line := range strings.Split(string(data), "\n") {
			if outside.MatchString(allowed.ReplaceAllString(line, "")) {
				rel, _ := filepath.Rel(root, f)
				t.Errorf("%s:%d cites something outside the repository: %s\n\tcite the vendor's public page (title and URL) or a public repository and path instead",
					rel, i+1, strings.TrimSpace(line))
			}
		}
	}
}

// The pattern catches each kind of citation it is meant to, and lets the
// exception and public URLs through.
func TestTheCitationPatternCanFail(t *testing.T) {
	for _, bad := range []string{
		"# Transcribed from ../shared/vendor-docs/essbase-update-user.txt",
		"(vendor-facts B)", "see GUIDE.md", "DEVELOPERS.md, rule 3",
		"Document: oig-update-users.txt", `schema (/work/shared/x)`, "path /home/me/x", `C:\Users\me`,
	} {
		if !outside.MatchString(bad) {
			t.Errorf("not caught: %q", bad)
		}
		if !mayCiteOutside([]byte(bad)) {
			t.Errorf("skipped by the literal filter: %q", bad)
		}
	}
	for _, good := range []string{
		"https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users.html",
		"appliedolap/essbase-rest-client formatted.json", "/iam/governance/selfservice/api/v1/users",
	} {
		if outside.MatchString(good) {
			t.Errorf("wrongly caught: %q", good)
		}
	}
	if line := "filepath.Join(\"..\", \"..\", \"../shared/junit-xsd\")"; outside.MatchString(allowed.ReplaceAllString(line, "")) {
		t.Errorf("the junit-xsd exception is caught: %q", line)
	}
}

// trackedFiles lists the files git tracks, or every file under root but
// .git when git is not there.
func trackedFiles(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	if cmd := exec.Command("git", "-C", root, "ls-files", "-z"); cmd != nil {
		if data, err := cmd.Output(); err == nil {
			for _, name := range strings.Split(strings.TrimRight(string(data), "\x00"), "\x00") {
				out = append(out, filepath.Join(root, name))
			}
			return out
		}
	}
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "bin") {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}
