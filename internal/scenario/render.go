package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"text/template"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
)

// Vars are what templates in bodies, paths and expectations can use:
//
//	{{.Run}}       a suffix unique to this run, for names on a live target
//	{{.Admin}}     the administrator's login
//	{{.NonAdmin}}  the non-admin account's login
//	{{.Var.name}}  a value from the config's vars (e.g. existing users)
//	{{seq 3}}      1 2 3, for generating batches
//	{{json .X}}    a value as a JSON literal
type Vars struct {
	Run      string
	Admin    string
	NonAdmin string
	Var      map[string]string
}

var funcs = template.FuncMap{
	"seq": func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i + 1
		}
		return out
	},
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
	"pad":    func(width, n int) string { return fmt.Sprintf("%0*d", width, n) },
	"repeat": strings.Repeat,
	"upper":  strings.ToUpper,
	// title upper-cases the first letter only: a login in another case.
	"title": func(s string) string {
		if s == "" {
			return s
		}
		r, n := utf8.DecodeRuneInString(s)
		return string(unicode.ToUpper(r)) + s[n:]
	},
}

// Render executes text as a template over vars. A missing key is an error:
// a silently empty user name would test something else than intended.
func Render(name, text string, vars Vars) (string, error) {
	if !strings.Contains(text, "{{") {
		return text, nil
	}
	t, err := template.New(name).Funcs(funcs).Option("missingkey=error").Parse(text)
	if err != nil {
		return "", fmt.Errorf("template %s: %w", name, err)
	}
	var b strings.Builder
	if err := t.Execute(&b, vars); err != nil {
		return "", fmt.Errorf("template %s: %w", name, err)
	}
	return b.String(), nil
}

// encodings a row may ask its body to be sent in; "" sends it as written.
var encodings = map[string]encoding.Encoding{
	"":             nil,
	"utf-16le":     xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM),
	"utf-16be":     xunicode.UTF16(xunicode.BigEndian, xunicode.UseBOM),
	"windows-1252": charmap.Windows1252,
}

// Render returns the row's request body: inline (rendered), a file (as is), or
// a template file (rendered), re-encoded when the row names an encoding.
func (r Request) Render(fixtures fs.FS, vars Vars) ([]byte, error) {
	body, err := r.render(fixtures, vars)
	if err != nil || r.Encoding == "" {
		return body, err
	}
	enc, ok := encodings[r.Encoding]
	if !ok {
		return nil, fmt.Errorf("encoding %q is not utf-16le, utf-16be or windows-1252", r.Encoding)
	}
	out, err := enc.NewEncoder().Bytes(body)
	if err != nil {
		return nil, fmt.Errorf("encoding the body as %s: %w", r.Encoding, err)
	}
	return out, nil
}

func (r Request) render(fixtures fs.FS, vars Vars) ([]byte, error) {
	switch {
	case r.BodyFile != "":
		return RenderFile(fixtures, r.BodyFile, vars)
	case r.BodyTmpl != "":
		data, err := fs.ReadFile(fixtures, r.BodyTmpl)
		if err != nil {
			return nil, err
		}
		s, err := Render(r.BodyTmpl, string(data), vars)
		return []byte(s), err
	case r.Body != "":
		s, err := Render("body", r.Body, vars)
		return []byte(s), err
	}
	return nil, nil
}

// RenderFile reads a fixture file and fills its templates ({{.Var.x}}, the
// users a CSV names) byte for byte: the text around them stays exactly as
// stored, Windows-1252 and mixed encodings included, so the bytes under
// test are what the file says. A value that is not ASCII cannot be put into
// a file that is not UTF-8 without choosing an encoding for it: that is an
// error, not a guess.
func RenderFile(fixtures fs.FS, name string, vars Vars) ([]byte, error) {
	data, err := fs.ReadFile(fixtures, name)
	if err != nil || !bytes.Contains(data, []byte("{{")) {
		return data, err
	}
	out, err := Render(name, string(data), vars)
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(data) {
		for _, v := range vars.Var {
			if !isASCII(v) && strings.Contains(out, v) {
				return nil, fmt.Errorf("%s is not UTF-8, so the non-ASCII value %q cannot be put into it", name, v)
			}
		}
	}
	return []byte(out), nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// RenderValues renders every string inside an expectation tree.
func RenderValues(v any, vars Vars) (any, error) {
	switch x := v.(type) {
	case string:
		return Render("expect", x, vars)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			rk, err := Render("expect key", k, vars)
			if err != nil {
				return nil, err
			}
			re, err := RenderValues(e, vars)
			if err != nil {
				return nil, err
			}
			out[rk] = re
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			re, err := RenderValues(e, vars)
			if err != nil {
				return nil, err
			}
			out[i] = re
		}
		return out, nil
	}
	return v, nil
}
