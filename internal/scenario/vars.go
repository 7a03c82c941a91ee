package scenario

import (
	"encoding/json"
	"io/fs"
	"regexp"
	"sort"
	"strings"
)

var varRef = regexp.MustCompile(`\.Var\.([A-Za-z_][A-Za-z0-9_]*)`)

// VarsUsed lists the config vars a row's templates name: in its requests,
// expectations and with:, and in the fixture files it sends (fsys may be
// nil to look at the row alone). The run stops at start when the config
// lacks one, and when it names one no row uses.
func (s *Scenario) VarsUsed(fsys fs.FS) []string {
	seen := map[string]bool{}
	for _, text := range s.texts(fsys) {
		for _, m := range varRef.FindAllStringSubmatch(text, -1) {
			seen[m[1]] = true
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// texts are what a row sends and expects, and the fixture files it sends.
func (s *Scenario) texts(fsys fs.FS) []string {
	row, _ := json.Marshal(struct {
		R []Request
		E Expect
		T []Step
		W map[string]string
	}{s.Requests(), s.Expect, s.Then, s.With})
	out := []string{string(row)}
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
				out = append(out, string(data))
			}
		}
	}
	return out
}

// VarsNamedLiterally lists the vars whose value (a user's login or key) a
// row or its fixture files name as written, not through a template: the
// vendor document's own example names usr_key 24, which is also a config
// user other scenarios change. A value is found as a whole word; one
// shorter than two characters is never looked for.
func (s *Scenario) VarsNamedLiterally(fsys fs.FS, values map[string]string) []string {
	if len(values) == 0 {
		return nil
	}
	texts := s.texts(fsys)
	var out []string
	for k, v := range values {
		if len(v) < 2 {
			continue
		}
		// A value right after "}}" or before "{{" is part of a made-up
		// word (cnf{{.Run}}jenp is no user jenp).
		// The pattern only where the value occurs at all: compiled for
		// every var of every scenario it was a tenth of a run's CPU.
		var word *regexp.Regexp
		for _, t := range texts {
			if !strings.Contains(t, v) {
				continue
			}
			if word == nil {
				word = regexp.MustCompile(`(?:^|[^\w.@}-])` + regexp.QuoteMeta(v) + `(?:$|[^\w.@{-])`)
			}
			if word.MatchString(t) {
				out = append(out, k)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}
