package scenario

import (
	"encoding/json"
	"io/fs"
	"regexp"
	"sort"
)

var varRef = regexp.MustCompile(`\.Var\.([A-Za-z_][A-Za-z0-9_]*)`)

// VarsUsed lists the config vars a row's templates name: in its requests,
// expectations and with:, and in the fixture files it sends (fsys may be
// nil to look at the row alone). The run stops at start when the config
// lacks one, and when it names one no row uses.
func (s *Scenario) VarsUsed(fsys fs.FS) []string {
	seen := map[string]bool{}
	add := func(text string) {
		for _, m := range varRef.FindAllStringSubmatch(text, -1) {
			seen[m[1]] = true
		}
	}
	row, _ := json.Marshal(struct {
		R []Request
		E Expect
		T []Step
		W map[string]string
	}{s.Requests(), s.Expect, s.Then, s.With})
	add(string(row))
	if fsys != nil {
		files := []string{s.With["file"]}
		for _, r := range s.Requests() {
			files = append(files, r.BodyFile, r.BodyTmpl)
		}
		for _, f := range files {
			if f == "" {
				continue
			}
			if data, err := fs.ReadFile(fsys, f); err == nil {
				add(string(data))
			}
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
