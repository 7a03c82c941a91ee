// Package epm simulates the EPM Cloud identity domain behind the security
// REST APIs: Update Users v2 (synchronous JSON) and v1 (CSV file and job).
// Both versions change the same users, as on the real service.
package epm

import (
	"errors"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// User is one identity-domain user as the update APIs see it.
type User struct {
	Login     string `yaml:"login" json:"userlogin"`
	FirstName string `yaml:"firstname" json:"firstname"`
	LastName  string `yaml:"lastname" json:"lastname"`
	Email     string `yaml:"email" json:"email"`
}

// Seed is the epm section of the mock's seed file.
type Seed struct {
	Users []User `yaml:"users"`
}

// Change is a partial update: nil fields stay as they are (v2 semantics).
type Change struct {
	FirstName, LastName, Email *string
}

// Errors an update can fail with; the handlers map them to vendor codes.
var (
	ErrUnknownUser  = errors.New("user not found")
	ErrInvalidEmail = errors.New("invalid email")
	ErrOwnAccount   = errors.New("the caller's own account")
	ErrNoLogin      = errors.New("no user login")
	ErrLostText     = errors.New("text holding U+FFFD")
)

// Domain is the identity domain: users keyed by lower-cased login, because
// User Login is case-insensitive (REST APIs for Oracle Enterprise Performance Management Cloud (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/)).
// The map holds pointers so that a change is one lookup and an assignment in
// place, under mu: a v1 job changes a user per row, a million rows a file.
type Domain struct {
	mu    sync.RWMutex
	users map[string]*User
}

// NewDomain seeds a domain; later entries replace earlier ones of the same login.
func NewDomain(users []User) *Domain {
	d := &Domain{users: make(map[string]*User, len(users))}
	for _, u := range users {
		d.users[strings.ToLower(u.Login)] = &u
	}
	return d
}

// Get returns a copy of the user.
func (d *Domain) Get(login string) (User, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	u, ok := d.users[strings.ToLower(login)]
	if !ok {
		return User{}, false
	}
	return *u, true
}

// Users lists every user sorted by login.
func (d *Domain) Users() []User {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make([]User, 0, len(d.users))
	for _, u := range d.users {
		out = append(out, *u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Login < out[j].Login })
	return out
}

// Update applies a partial change made by caller.
func (d *Domain) Update(caller, login string, c Change) error {
	if err := check(caller, login, c); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	u, ok := d.users[strings.ToLower(login)]
	if !ok {
		return ErrUnknownUser
	}
	if c.FirstName != nil {
		u.FirstName = *c.FirstName
	}
	if c.LastName != nil {
		u.LastName = *c.LastName
	}
	if c.Email != nil {
		u.Email = *c.Email
	}
	return nil
}

// check applies the rules every change obeys. Its pointers are only read,
// so a caller's values stay on its stack (Replace runs once per row of a
// v1 file).
func check(caller, login string, c Change) error {
	// U+FFFD is what a decoder leaves where bytes were not text: a lone
	// surrogate escape in JSON, a byte Windows-1252 leaves undefined (0x81,
	// 0x8D, 0x8F, 0x90, 0x9D) in an ANSI file. Storing it would lose the
	// caller's name without a word.
	if lostText(login) || lostTextAt(c.FirstName) || lostTextAt(c.LastName) || lostTextAt(c.Email) {
		return ErrLostText
	}
	return checkText(caller, login, c)
}

// checkText is check for values that hold no U+FFFD and no byte that is
// not UTF-8: the rules after lostText's. A v1 row whose record held no
// byte of 0x80 or above (csvfile.Reader.ASCII, nearly every row) comes
// here directly, as lostText would find nothing in it.
func checkText(caller, login string, c Change) error {
	switch {
	case strings.TrimSpace(login) == "":
		return ErrNoLogin
	case strings.EqualFold(caller, login):
		return ErrOwnAccount
	case c.Email != nil && !ValidEmail(*c.Email):
		return ErrInvalidEmail
	}
	return nil
}

// lostText reports whether s holds utf8.RuneError: U+FFFD itself, or a byte
// that is not UTF-8, which decodes to it. It answers as
// strings.ContainsRune(s, utf8.RuneError) (TestLostTextMatchesContainsRune),
// whose loop decodes rune by rune. ASCII, nearly every value, holds
// neither; from the first byte that is not, validity and U+FFFD are
// looked for by the library's faster loops.
func lostText(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return !utf8.ValidString(s[i:]) || strings.Contains(s[i:], "\uFFFD")
		}
	}
	return false
}

func lostTextAt(s *string) bool { return s != nil && lostText(*s) }

// ValidEmail reports whether s has the form of an email address. The form is
// deliberately plain: one @, a non-empty local part, a domain of at least two
// non-empty dot-separated labels, no white space or characters that RFC 5322
// only allows quoted. The vendor's own rule is not published (Q-EPM2-009).
//
// It is the language of the regular expression
//
//	^[^@\s"(),:;<>\[\]\\]+@[^@\s"(),:;<>\[\]\\.]+(\.[^@\s"(),:;<>\[\]\\.]+)+$
//
// checked byte by byte, because every row of a v1 file and every user of a
// v2 batch goes through it and the regexp engine cost more than the rest of
// the row (BENCHMARKS.md). Every byte the expression excludes is ASCII, so a
// byte of a multibyte (or invalid) sequence is always allowed, as the
// expression allows the rune. TestValidEmailMatchesRegexp and
// FuzzValidEmail hold the two to the same answers.
func ValidEmail(s string) bool {
	if len(s) > 254 {
		return false
	}
	// One pass: at is where the @ is; after it, labels counts the dots
	// that closed a non-empty label and n the bytes of the current label.
	at, labels, n := -1, 0, 0
	for i := 0; i < len(s); i++ {
		switch emailClass[s[i]] {
		case emailAny:
			n++
		case emailForbidden:
			return false
		case emailAt:
			if at >= 0 {
				return false
			}
			at, labels, n = i, 0, 0
		case emailDot:
			if at >= 0 {
				if n == 0 {
					return false // an empty label of the domain
				}
				labels++
			}
			n = 0
		}
	}
	// No @ or an empty local part; an empty last label; a single label.
	return at > 0 && n > 0 && labels >= 1
}

// The classes of bytes in an address: emailForbidden, the bytes no part
// may hold besides the single @ (\s of RE2: tab, newline, form feed,
// carriage return, space; and "(),:;<>[]\); the @; the dot, allowed in
// the local part, separating labels in the domain; any other byte.
const (
	emailAny = iota
	emailForbidden
	emailAt
	emailDot
)

var emailClass = func() (t [256]uint8) {
	for _, c := range []byte("\t\n\f\r \"(),:;<>[]\\") {
		t[c] = emailForbidden
	}
	t['@'], t['.'] = emailAt, emailDot
	return t
}()
