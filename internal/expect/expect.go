// Package expect matches a decoded JSON (or XML-turned-JSON) body against
// the expectations of a scenario row: a map from a path to a value or a
// matcher. It is the language scenario authors write, so its errors name the
// path and show what was found.
//
// Paths: `details.processed`, `details.faileditems[0].userlogin`,
// `details.faileditems[userlogin=jdoe].errorcode` (the first element whose
// field equals the value), `users[requestId$=-2].reason` (whose field ends
// with the value), `users[links[rel=self].href$=/users/24].status` (a path
// inside the element selects it), `users[*].status` (every element must
// match). Per-user results are found by identity this way, never by
// position: no document orders them.
// A path of "." means the whole body.
//
// Values: a scalar compares equal (numbers numerically); a map whose keys
// start with "$" is a matcher:
//
//	$present: true|false   the path exists (null counts as present)
//	$null: true|false
//	$len: N                length of an array, string or object
//	$match: REGEX          string matches
//	$contains: TEXT        string contains
//	$anyOf: [v1, v2]       equals one of the values
//	$not: V                does not equal V
//	$gte: N / $lte: N      numeric bounds
//	$type: string|number|boolean|array|object|null
package expect

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Mismatch is one expectation that the body broke.
type Mismatch struct {
	Path    string
	Want    string
	Found   string
	Message string
}

func (m Mismatch) String() string {
	if m.Message != "" {
		return fmt.Sprintf("%s: %s", m.Path, m.Message)
	}
	return fmt.Sprintf("%s: want %s, found %s", m.Path, m.Want, m.Found)
}

// Match checks every expectation against body; it reports all mismatches,
// ordered by path, so one run shows everything that is wrong.
func Match(body any, want map[string]any) []Mismatch {
	paths := make([]string, 0, len(want))
	for p := range want {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var out []Mismatch
	for _, p := range paths {
		out = append(out, matchPath(body, p, want[p])...)
	}
	return out
}

// Lookup returns the values at a path ([*] can yield several) and whether
// the path exists.
func Lookup(body any, path string) ([]any, bool, error) {
	segs, err := parse(path)
	if err != nil {
		return nil, false, err
	}
	vals, ok := walk([]any{body}, segs)
	return vals, ok, nil
}

func matchPath(body any, path string, want any) []Mismatch {
	vals, found, err := Lookup(body, path)
	if err != nil {
		return []Mismatch{{Path: path, Message: err.Error()}}
	}
	m, isMatcher := want.(map[string]any)
	if isMatcher && !hasMatcherKeys(m) {
		isMatcher = false
	}
	if isMatcher {
		if p, ok := m["$present"]; ok {
			if b, _ := p.(bool); b != found {
				return []Mismatch{{Path: path, Want: presence(b), Found: presence(found)}}
			}
			if !found || len(m) == 1 {
				return nil
			}
		}
	}
	if !found {
		return []Mismatch{{Path: path, Want: show(want), Found: "nothing (the path does not exist)"}}
	}
	var out []Mismatch
	for _, v := range vals {
		var msg string
		if isMatcher {
			msg = matchMatcher(v, m)
		} else if !Equal(v, want) {
			msg = fmt.Sprintf("want %s, found %s", show(want), show(v))
		}
		if msg != "" {
			out = append(out, Mismatch{Path: path, Message: msg})
		}
	}
	return out
}

func hasMatcherKeys(m map[string]any) bool {
	if len(m) == 0 {
		return false
	}
	for k := range m {
		if !strings.HasPrefix(k, "$") {
			return false
		}
	}
	return true
}

func presence(b bool) string {
	if b {
		return "present"
	}
	return "absent"
}

func matchMatcher(v any, m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		arg := m[k]
		var ok bool
		switch k {
		case "$present":
			ok = true
		case "$null":
			b, _ := arg.(bool)
			ok = (v == nil) == b
		case "$len":
			n, isNum := number(arg)
			l, hasLen := length(v)
			ok = isNum && hasLen && float64(l) == n
			if !ok {
				return fmt.Sprintf("want length %s, found %s", show(arg), lengthOf(v))
			}
		case "$match":
			s, isStr := v.(string)
			pat, _ := arg.(string)
			re, err := regexp.Compile(pat)
			if err != nil {
				return fmt.Sprintf("bad $match pattern %q: %v", pat, err)
			}
			ok = isStr && re.MatchString(s)
			if !ok {
				return fmt.Sprintf("want a string matching /%s/, found %s", pat, show(v))
			}
		case "$contains":
			s, isStr := v.(string)
			sub, _ := arg.(string)
			ok = isStr && strings.Contains(s, sub)
			if !ok {
				return fmt.Sprintf("want a string containing %q, found %s", sub, show(v))
			}
		case "$anyOf":
			list, _ := arg.([]any)
			for _, c := range list {
				if Equal(v, c) {
					ok = true
				}
			}
			if !ok {
				return fmt.Sprintf("want one of %s, found %s", show(arg), show(v))
			}
		case "$not":
			ok = !Equal(v, arg)
			if !ok {
				return fmt.Sprintf("want anything but %s", show(arg))
			}
		case "$gte", "$lte":
			n, isNum := number(v)
			bound, _ := number(arg)
			ok = isNum && ((k == "$gte" && n >= bound) || (k == "$lte" && n <= bound))
			if !ok {
				return fmt.Sprintf("want %s %s, found %s", map[string]string{"$gte": ">=", "$lte": "<="}[k], show(arg), show(v))
			}
		case "$type":
			ok = typeName(v) == arg
			if !ok {
				return fmt.Sprintf("want a %v, found %s %s", arg, typeName(v), show(v))
			}
		default:
			return fmt.Sprintf("unknown matcher %s", k)
		}
		if !ok {
			return fmt.Sprintf("%s %s failed on %s", k, show(arg), show(v))
		}
	}
	return ""
}

// Equal compares JSON values; numbers compare numerically so YAML's 1 equals
// JSON's 1.0.
func Equal(a, b any) bool {
	if na, ok := number(a); ok {
		nb, ok := number(b)
		return ok && na == nb
	}
	switch av := a.(type) {
	case nil:
		return b == nil
	case string:
		bv, ok := b.(string)
		return ok && av == bv
	case bool:
		bv, ok := b.(bool)
		return ok && av == bv
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for i := range av {
			if !Equal(av[i], bv[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for k, x := range av {
			if y, ok := bv[k]; !ok || !Equal(x, y) {
				return false
			}
		}
		return true
	}
	return false
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil && !math.IsNaN(f)
	}
	return 0, false
}

func length(v any) (int, bool) {
	switch x := v.(type) {
	case []any:
		return len(x), true
	case string:
		return len([]rune(x)), true
	case map[string]any:
		return len(x), true
	}
	return 0, false
}

func lengthOf(v any) string {
	if l, ok := length(v); ok {
		return strconv.Itoa(l)
	}
	return "a " + typeName(v) + " (no length)"
}

func typeName(v any) string {
	if _, ok := number(v); ok {
		return "number"
	}
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	const max = 200
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}

// segment is one step of a path.
type segment struct {
	key       string // object key
	index     int    // array index when isIndex
	isIndex   bool
	all       bool      // [*]
	sel       []segment // [path=value]: the path inside each element
	selValue  string
	selSuffix bool // [path$=value]: the value ends with selValue
}

func parse(path string) ([]segment, error) {
	if path == "." || path == "" {
		return nil, nil
	}
	var segs []segment
	rest := path
	for rest != "" {
		switch {
		case rest[0] == '.':
			rest = rest[1:]
		case rest[0] == '[':
			end := closing(rest)
			if end < 0 {
				return nil, fmt.Errorf("path %q: unclosed [", path)
			}
			inner := rest[1:end]
			rest = rest[end+1:]
			switch eq := topLevelEquals(inner); {
			case inner == "*":
				segs = append(segs, segment{all: true})
			case eq > 0:
				k, suffix := strings.CutSuffix(inner[:eq], "$")
				sub, err := parse(k)
				if err != nil || len(sub) == 0 {
					return nil, fmt.Errorf("path %q: [%s] selects by an empty or bad path", path, inner)
				}
				segs = append(segs, segment{sel: sub, selValue: inner[eq+1:], selSuffix: suffix})
			default:
				n, err := strconv.Atoi(inner)
				if err != nil {
					return nil, fmt.Errorf("path %q: [%s] is not an index, * or key=value", path, inner)
				}
				segs = append(segs, segment{index: n, isIndex: true})
			}
		default:
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			segs = append(segs, segment{key: rest[:end]})
			rest = rest[end:]
		}
	}
	return segs, nil
}

func walk(vals []any, segs []segment) ([]any, bool) {
	for _, s := range segs {
		var next []any
		for _, v := range vals {
			switch {
			case s.all:
				arr, ok := v.([]any)
				if !ok {
					return nil, false
				}
				next = append(next, arr...)
			case s.isIndex:
				arr, ok := v.([]any)
				if !ok || s.index < 0 || s.index >= len(arr) {
					return nil, false
				}
				next = append(next, arr[s.index])
			case s.sel != nil:
				arr, ok := v.([]any)
				if !ok {
					return nil, false
				}
				hit := false
				for _, e := range arr {
					if s.selects(e) {
						next = append(next, e)
						hit = true
						break
					}
				}
				if !hit {
					return nil, false
				}
			default:
				obj, ok := v.(map[string]any)
				if !ok {
					return nil, false
				}
				f, ok := obj[s.key]
				if !ok {
					return nil, false
				}
				next = append(next, f)
			}
		}
		vals = next
	}
	return vals, true
}

// selects reports whether an element is the one a [path=value] or
// [path$=value] selector names: a value at path inside it equals (or ends
// with) the selector's.
func (s segment) selects(e any) bool {
	vals, ok := walk([]any{e}, s.sel)
	if !ok {
		return false
	}
	for _, f := range vals {
		got := fmt.Sprint(f)
		if got == s.selValue || s.selSuffix && strings.HasSuffix(got, s.selValue) {
			return true
		}
	}
	return false
}

// closing is the index of the "]" that closes the "[" at the start of p,
// brackets nested inside counted; -1 when there is none.
func closing(p string) int {
	depth := 0
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// topLevelEquals is the index of the first "=" of a selector outside any
// nested brackets; -1 when there is none.
func topLevelEquals(inner string) int {
	depth := 0
	for i := 0; i < len(inner); i++ {
		switch inner[i] {
		case '[':
			depth++
		case ']':
			depth--
		case '=':
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}
