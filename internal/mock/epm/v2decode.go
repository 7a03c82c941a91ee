package epm

import "unicode/utf8"

// parseUsersV2 decodes the common shape of an Update Users v2 body by hand:
//
//	{"users":[{"userlogin":"…","firstname":"…","lastname":"…","email":"…"},…]}
//
// with the property names written exactly so, any of them absent, repeated
// (the last wins), JSON white space anywhere, and strings without
// escapes or control characters in valid UTF-8. On such a body it gives
// what encoding/json gives (the users array, then each entry decoded into a
// fastUser); on anything else it answers ok false and the handler decodes
// with encoding/json, which has the rules and the error messages for the
// rest (case-insensitive names, other properties, escapes, wrong types,
// broken JSON). It exists because encoding/json, called once for the array
// and once per entry, was the largest cost of a v2 request after net/http
// itself (BENCHMARKS.md). TestParseUsersV2MatchesEncodingJSON and
// FuzzParseUsersV2 compare the two.
func parseUsersV2(body []byte) (users []fastUser, ok bool) {
	p := jsonScan{b: body}
	// The members of every user point into one array, allocated for the
	// first four members and grown by doubling: a one-user body costs one
	// allocation for its pointers rather than one per member.
	p.vals = make([]string, 0, 4)
	if !p.byte('{') || !p.literal(`"users"`) || !p.byte(':') || !p.byte('[') {
		return nil, false
	}
	users = []fastUser{}
	if !p.peek(']') {
		for {
			u, ok := p.user()
			if !ok {
				return nil, false
			}
			users = append(users, u)
			if p.byte(',') {
				continue
			}
			break
		}
	}
	if !p.byte(']') || !p.byte('}') {
		return nil, false
	}
	p.space()
	return users, p.i == len(p.b)
}

// jsonScan reads the strict subset parseUsersV2 accepts; every method skips
// white space first.
type jsonScan struct {
	b    []byte
	i    int
	vals []string // the members read so far (see parseUsersV2)
}

// keep stores s where it stays, and returns its address: in vals while
// there is room, else in a new array twice as large (members read before
// keep their addresses in the old one).
func (p *jsonScan) keep(s string) *string {
	if len(p.vals) == cap(p.vals) {
		p.vals = make([]string, 0, 2*cap(p.vals))
	}
	p.vals = append(p.vals, s)
	return &p.vals[len(p.vals)-1]
}

func (p *jsonScan) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// byte consumes c if it comes next.
func (p *jsonScan) byte(c byte) bool {
	p.space()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *jsonScan) peek(c byte) bool {
	p.space()
	return p.i < len(p.b) && p.b[p.i] == c
}

// literal consumes s if it comes next.
func (p *jsonScan) literal(s string) bool {
	p.space()
	if len(p.b)-p.i >= len(s) && string(p.b[p.i:p.i+len(s)]) == s {
		p.i += len(s)
		return true
	}
	return false
}

// user reads one {"name":value,...} entry.
func (p *jsonScan) user() (u fastUser, ok bool) {
	if !p.byte('{') {
		return u, false
	}
	if p.byte('}') {
		return u, true
	}
	for {
		var field **string
		switch {
		case p.literal(`"userlogin"`):
			field = &u.UserLogin
		case p.literal(`"firstname"`):
			field = &u.FirstName
		case p.literal(`"lastname"`):
			field = &u.LastName
		case p.literal(`"email"`):
			field = &u.Email
		default:
			return u, false
		}
		if !p.byte(':') {
			return u, false
		}
		// null is refused (no member is nullable in the spec): that, like
		// anything else uncommon, is the slow path's to say.
		s, ok := p.str()
		if !ok {
			return u, false
		}
		*field = p.keep(s)
		if p.byte(',') {
			continue
		}
		return u, p.byte('}')
	}
}

// str reads a string without escapes or control characters, in valid UTF-8
// (encoding/json would replace invalid bytes).
func (p *jsonScan) str() (string, bool) {
	if !p.byte('"') {
		return "", false
	}
	start := p.i
	for ; p.i < len(p.b); p.i++ {
		switch c := p.b[p.i]; {
		case c == '"':
			s := p.b[start:p.i]
			p.i++
			if !utf8.Valid(s) {
				return "", false
			}
			return string(s), true
		case c == '\\' || c < 0x20:
			return "", false
		}
	}
	return "", false
}

// fastUser is one entry as the fast path reads it: every member a string
// or absent.
type fastUser struct {
	UserLogin *string
	FirstName *string
	LastName  *string
	Email     *string
}
