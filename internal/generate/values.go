package generate

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Example builds a value that satisfies the schema: the schema's example or
// default, the first enum value, a value of the format, or a plain value of
// the type, with every required property and the others too.
func Example(ref *openapi3.SchemaRef) any {
	s := resolve(ref)
	if s == nil {
		return nil
	}
	switch {
	case s.Example != nil:
		return s.Example
	case s.Default != nil:
		return s.Default
	case len(s.Enum) > 0:
		return s.Enum[0]
	}
	switch {
	case s.Type.Is("object") || len(s.Properties) > 0:
		out := map[string]any{}
		names := make([]string, 0, len(s.Properties))
		for n := range s.Properties {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if p := resolve(s.Properties[n]); p != nil && !p.ReadOnly {
				out[n] = Example(s.Properties[n])
			}
		}
		return out
	case s.Type.Is("array"):
		return []any{Example(s.Items)}
	case s.Type.Is("integer"), s.Type.Is("number"):
		if s.Min != nil {
			return *s.Min
		}
		return 1
	case s.Type.Is("boolean"):
		return true
	}
	switch s.Format {
	case "email":
		return "conformance@example.com"
	case "date":
		return "2026-01-01"
	case "date-time":
		return "2026-01-01T00:00:00Z"
	}
	return "conformance"
}

// Template bodies carry {{...}} placeholders, which are not JSON where they
// stand unquoted. They are swapped for sentinels while the body is handled
// as JSON and put back after.
var placeholder = regexp.MustCompile(`\{\{[^}]*\}\}`)

const sentinel = "__conformance_placeholder_"

func decodeTemplated(text string) (any, map[string]string, error) {
	swapped, placeholders := swapPlaceholders(text)
	var v any
	if err := json.Unmarshal([]byte(swapped), &v); err != nil {
		return nil, nil, fmt.Errorf("not JSON: %w", err)
	}
	return v, placeholders, nil
}

func swapPlaceholders(text string) (string, map[string]string) {
	placeholders := map[string]string{}
	i := 0
	swapped := placeholder.ReplaceAllStringFunc(text, func(m string) string {
		key := fmt.Sprintf("%s%d__", sentinel, i)
		placeholders[key] = m
		i++
		return key
	})
	return swapped, placeholders
}

func restorePlaceholders(s string, placeholders map[string]string) string {
	for k, v := range placeholders {
		s = strings.ReplaceAll(s, k, v)
	}
	return s
}

func get(doc any, p []any) (any, bool) {
	cur := doc
	for _, x := range p {
		switch k := x.(type) {
		case string:
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, false
			}
			if cur, ok = m[k]; !ok {
				return nil, false
			}
		case int:
			a, ok := cur.([]any)
			if !ok || k >= len(a) {
				return nil, false
			}
			cur = a[k]
		}
	}
	return cur, true
}

func set(doc any, p []any, v any, remove bool) any {
	if len(p) == 0 {
		return v
	}
	switch k := p[0].(type) {
	case string:
		m, ok := doc.(map[string]any)
		if !ok {
			return doc
		}
		if len(p) == 1 {
			if remove {
				delete(m, k)
			} else {
				m[k] = v
			}
			return m
		}
		m[k] = set(m[k], p[1:], v, remove)
		return m
	case int:
		a, ok := doc.([]any)
		if !ok || k >= len(a) {
			return doc
		}
		a[k] = set(a[k], p[1:], v, remove)
		return a
	}
	return doc
}

func deepCopy(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}
