package oig

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/oracle-users-conformance/conformance/internal/mock/reqinfo"
)

// Get Users, GET /iam/governance/selfservice/api/v1/users ("Get Users",
// https://docs.oracle.com/en/middleware/idm/identity-governance/12.2.1.4/oimss/op-users-get.html):
// the users found by q, with the attributes fields names, one page of them.
// The envelope and the paging (offset from 1, limit 10) are those of a real
// OIG in the Oracle LiveLabs workshop "Using RESTful APIs for OIM and OAM"
// (Q-OIG-050): usr_key is a JSON number there, the entry's id a string.

// listed is one entry of a search answer; a value may be a number.
type listed struct {
	ID     string       `json:"id"`
	Fields []listedPair `json:"fields"`
	Links  []link       `json:"links"`
}

type listedPair struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// Defaults of the paging (Q-OIG-050).
const (
	codeBadQuery  = "IAM-4060018" // the mock's choice, listed in the spec's x-known-codes
	defaultOffset = 1
	defaultLimit  = 10
)

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.authenticate(w, r); !ok {
		return
	}
	q := r.URL.Query()
	offset, okOff := positive(q.Get("offset"), defaultOffset)
	limit, okLim := positive(q.Get("limit"), defaultLimit)
	if !okOff || !okLim {
		s.refuse(w, r, http.StatusBadRequest, fail(codeBadQuery, "Invalid paging", "offset and limit are whole numbers from 1"))
		return
	}
	match, bad := parseFilter(q.Get("q"))
	if bad != nil {
		s.refuse(w, r, http.StatusBadRequest, bad)
		return
	}
	names, bad := fieldNames(q.Get("fields"))
	if bad != nil {
		s.refuse(w, r, http.StatusBadRequest, bad)
		return
	}
	found := s.Users.find(match)
	page := []listed{}
	for i := offset - 1; i >= 0 && i < len(found) && len(page) < limit; i++ {
		u := found[i]
		key := u[FieldKey]
		entry := listed{ID: key, Links: []link{{Rel: "self", Href: reqinfo.Origin(r) + usersPath + "/" + url.PathEscape(key)}}}
		for _, n := range names {
			entry.Fields = append(entry.Fields, listedPair{Name: n, Value: listedValue(n, u[n])})
		}
		page = append(page, entry)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"count":       len(page),
		"hasMore":     offset-1+len(page) < len(found),
		"totalResult": len(found),
		"links":       []link{{Rel: "self", Href: reqinfo.Origin(r) + usersPath}},
		"users":       page,
	})
}

// listedValue answers usr_key as a number, as a real OIG does; every other
// attribute the mock knows is text.
func listedValue(name, v string) any {
	if name == FieldKey {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	}
	return v
}

func positive(v string, def int) (int, bool) {
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	return n, err == nil && n >= 1
}

// fieldNames reads fields, comma-separated display names (the page's
// sample puts a space after each comma); absent means every attribute.
func fieldNames(v string) ([]string, *failure) {
	if strings.TrimSpace(v) == "" {
		names := make([]string, len(catalog))
		for i, f := range catalog {
			names[i] = f.name
		}
		return names, nil
	}
	var names []string
	for _, n := range strings.Split(v, ",") {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		f, ok := lookupFieldFold(n)
		if !ok {
			return nil, fail(codeUnknownField, "Unknown field", n)
		}
		names = append(names, f.name)
	}
	return names, nil
}

func lookupFieldFold(name string) (field, bool) {
	for _, f := range catalog {
		if strings.EqualFold(f.name, name) {
			return f, true
		}
	}
	return field{}, false
}

// find returns the users a filter keeps, by usr_key as a number.
func (st *Store) find(keep func(map[string]string) bool) []map[string]string {
	st.mu.RLock()
	defer st.mu.RUnlock()
	var out []map[string]string
	for _, u := range st.users {
		if keep(u) {
			c := make(map[string]string, len(u))
			for k, v := range u {
				c[k] = v
			}
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, _ := strconv.ParseInt(out[i][FieldKey], 10, 64)
		b, _ := strconv.ParseInt(out[j][FieldKey], 10, 64)
		return a < b
	})
	return out
}

// parseFilter reads q: terms "<attribute> <op> <value>" joined by "and"
// and "or" ("and" binds tighter), "::" standing for a space in names and
// values, values optionally in quotes. Operators eq, ne, co, sw, ew, and
// pr (present); values compare without regard to case (Q-OIG-050).
func parseFilter(q string) (func(map[string]string) bool, *failure) {
	if strings.TrimSpace(q) == "" {
		return func(map[string]string) bool { return true }, nil
	}
	var anyOf [][]term
	for _, alt := range splitWord(q, "or") {
		var all []term
		for _, part := range splitWord(alt, "and") {
			t, bad := parseTerm(part)
			if bad != nil {
				return nil, bad
			}
			all = append(all, t)
		}
		anyOf = append(anyOf, all)
	}
	return func(u map[string]string) bool {
		for _, all := range anyOf {
			ok := true
			for _, t := range all {
				ok = ok && t.holds(u)
			}
			if ok {
				return true
			}
		}
		return false
	}, nil
}

type term struct {
	field, op, value string
}

func (t term) holds(u map[string]string) bool {
	v, want := strings.ToLower(u[t.field]), strings.ToLower(t.value)
	switch t.op {
	case "eq":
		return v == want
	case "ne":
		return v != want
	case "co":
		return strings.Contains(v, want)
	case "sw":
		return strings.HasPrefix(v, want)
	case "ew":
		return strings.HasSuffix(v, want)
	default: // pr
		return v != ""
	}
}

func parseTerm(s string) (term, *failure) {
	words := strings.Fields(s)
	bad := fail(codeBadQuery, "Invalid search filter", strings.TrimSpace(s))
	if len(words) >= 2 && strings.EqualFold(words[len(words)-1], "pr") {
		f, ok := lookupFieldFold(strings.ReplaceAll(strings.Join(words[:len(words)-1], " "), "::", " "))
		if !ok {
			return term{}, bad
		}
		return term{field: f.name, op: "pr"}, nil
	}
	if len(words) < 3 {
		return term{}, bad
	}
	// The page's own sample writes "Last Name eq kamboj" beside
	// "User::Login eq avink": the name is every word before the operator.
	n := len(words)
	name := strings.ReplaceAll(strings.Join(words[:n-2], " "), "::", " ")
	f, ok := lookupFieldFold(name)
	if !ok {
		return term{}, fail(codeUnknownField, "Unknown field", name)
	}
	op := strings.ToLower(words[n-2])
	switch op {
	case "eq", "ne", "co", "sw", "ew":
	default:
		return term{}, bad
	}
	value := strings.Trim(strings.ReplaceAll(words[n-1], "::", " "), `'"`)
	return term{field: f.name, op: op, value: value}, nil
}

// splitWord splits s at the word sep surrounded by spaces, in any case.
func splitWord(s, sep string) []string {
	var out []string
	words := strings.Fields(s)
	start := 0
	for i, w := range words {
		if strings.EqualFold(w, sep) {
			out = append(out, strings.Join(words[start:i], " "))
			start = i + 1
		}
	}
	return append(out, strings.Join(words[start:], " "))
}
