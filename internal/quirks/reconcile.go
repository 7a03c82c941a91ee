package quirks

import (
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Reconciliation is a table comparing one of our specs with a vendor's
// machine-readable artefact (for Essbase, the server's own OpenAPI
// document): per element, what each says and what we decided. Each row
// names the element of our spec by JSON pointer and what must hold there,
// so a test holds the spec to the decisions. The artefact itself is cited,
// never copied.
type Reconciliation struct {
	Spec     string `yaml:"spec"`     // our spec, relative to specs/
	Artefact string `yaml:"artefact"` // public repository and path of the vendor's document
	Rows     []Row  `yaml:"rows"`
}

// Row is one element compared.
type Row struct {
	Element  string `yaml:"element"`  // JSON pointer into our spec
	Artefact string `yaml:"artefact"` // where and what the artefact says
	Ours     string `yaml:"ours"`     // what our spec said before the comparison
	Decision string `yaml:"decision"` // follow | keep | add | leave-out
	Why      string `yaml:"why"`
	Holds    Holds  `yaml:"holds"` // what the spec must show at Element
}

// Holds is the check of one row; exactly one member is set.
type Holds struct {
	Equals  any      `yaml:"equals"`  // the value at the element, compared as YAML data
	Keys    []string `yaml:"keys"`    // the element is a mapping with exactly these keys
	Absent  bool     `yaml:"absent"`  // the element does not exist
	Present bool     `yaml:"present"` // the element exists
}

// Decisions a row may take.
var decisions = map[string]bool{"follow": true, "keep": true, "add": true, "leave-out": true}

// Check reports every row of r that the spec document does not hold. doc
// is the spec as YAML data.
func (r *Reconciliation) Check(doc any) []string {
	var problems []string
	for i, row := range r.Rows {
		where := fmt.Sprintf("row %d (%s)", i+1, row.Element)
		if !decisions[row.Decision] {
			problems = append(problems, fmt.Sprintf("%s: decision %q is not follow, keep, add or leave-out", where, row.Decision))
		}
		if row.Artefact == "" || row.Why == "" {
			problems = append(problems, where+": needs artefact and why")
		}
		v, found, err := Resolve(doc, row.Element)
		if err != nil {
			problems = append(problems, where+": "+err.Error())
			continue
		}
		if p := row.Holds.check(v, found); p != "" {
			problems = append(problems, where+": "+p)
		}
	}
	return problems
}

func (h Holds) check(v any, found bool) string {
	set := 0
	for _, b := range []bool{h.Equals != nil, h.Keys != nil, h.Absent, h.Present} {
		if b {
			set++
		}
	}
	switch {
	case set != 1:
		return "holds must give exactly one of equals, keys, absent, present"
	case h.Absent:
		if found {
			return "the spec has this element; the decision says it must not"
		}
		return ""
	case !found:
		return "the spec has no such element"
	case h.Present:
		return ""
	case h.Keys != nil:
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Sprintf("want a mapping with keys %v, found %T", h.Keys, v)
		}
		var got []string
		for k := range m {
			got = append(got, k)
		}
		if !sameSet(got, h.Keys) {
			return fmt.Sprintf("want keys %v, found %v", h.Keys, got)
		}
		return ""
	}
	if !reflect.DeepEqual(normal(v), normal(h.Equals)) {
		return fmt.Sprintf("want %v, found %v", h.Equals, v)
	}
	return ""
}

// Resolve follows a JSON pointer (RFC 6901) through YAML data.
func Resolve(doc any, pointer string) (any, bool, error) {
	if pointer == "" {
		return doc, true, nil
	}
	if !strings.HasPrefix(pointer, "/") {
		return nil, false, fmt.Errorf("%q is not a JSON pointer", pointer)
	}
	cur := doc
	for _, tok := range strings.Split(pointer[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			next, ok := c[tok]
			if !ok {
				return nil, false, nil
			}
			cur = next
		case []any:
			var i int
			if _, err := fmt.Sscanf(tok, "%d", &i); err != nil || i < 0 || i >= len(c) {
				return nil, false, nil
			}
			cur = c[i]
		default:
			return nil, false, nil
		}
	}
	return cur, true, nil
}

// normal makes YAML data comparable: numbers as float64, lists and
// mappings recursively.
func normal(v any) any {
	switch x := v.(type) {
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normal(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normal(e)
		}
		return out
	}
	return v
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		seen[x]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}

// ParseSpec reads a spec as YAML data for Check.
func ParseSpec(data []byte) (any, error) {
	var doc any
	err := yaml.Unmarshal(data, &doc)
	return doc, err
}
