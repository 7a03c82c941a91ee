package essbase

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// User is one Essbase user as the store keeps it. Password is kept so an
// update can leave it alone, and is never answered (the spec marks it
// writeOnly).
type User struct {
	ID       string   `yaml:"id"`
	Name     string   `yaml:"name"`
	Email    string   `yaml:"email"`
	Password string   `yaml:"password"`
	Role     string   `yaml:"role"`
	Groups   []string `yaml:"groups"`
}

// The documented roles, in the case the answers must use
// (Add or Import User(s) (https://docs.oracle.com/en/database/other-databases/essbase/21/essrt/op-users-post.html): "Valid roles: User, Power User, and Service
// Administrator").
const (
	RoleUser         = "User"
	RolePowerUser    = "Power User"
	RoleServiceAdmin = "Service Administrator"
)

// CanonicalRole accepts a role name in any case and returns its documented
// spelling: the document's sample sends "user" and gets "User" back
// (Q-ESS-002).
func CanonicalRole(s string) (string, bool) {
	for _, r := range []string{RoleUser, RolePowerUser, RoleServiceAdmin} {
		if strings.EqualFold(s, r) {
			return r, true
		}
	}
	return "", false
}

// maxChars is the document's "Limit 256 characters", counted in characters,
// not bytes.
const maxChars = 256

// forbidden are the characters the document forbids in a user name: ; , = +
// * ? [ ] | < > \ " ' / space tab. Both of the document's samples send names
// with a space, so the rule is applied to the ID and not to the name
// (Add or Import User(s) (https://docs.oracle.com/en/database/other-databases/essbase/21/essrt/op-users-post.html), Q-ESS-001).
const forbidden = ";,=+*?[]|<>\\\"'/ \t"

// Rule errors. Each maps to one errorCode of the spec's Error schema.
var (
	ErrInvalidID     = errors.New("invalid user ID")
	ErrInvalidName   = errors.New("invalid user name")
	ErrInvalidRole   = errors.New("invalid role")
	ErrInvalidGroup  = errors.New("invalid group name")
	ErrInvalidPass   = errors.New("invalid password")
	ErrMissing       = errors.New("missing property")
	ErrDuplicateID   = errors.New("duplicate user ID")
	ErrIDMismatch    = errors.New("user ID mismatch")
	ErrUnknownUser   = errors.New("user not found")
	ErrSelfDelete    = errors.New("cannot delete the logged in user")
	ErrEmptyUserList = errors.New("no users")
)

// ValidID checks the ID rule: 1 to 256 characters, none of the forbidden ones.
func ValidID(id string) error {
	n := utf8.RuneCountInString(id)
	switch {
	case n == 0:
		return fmt.Errorf("%w: the user ID is empty", ErrInvalidID)
	case n > maxChars:
		return fmt.Errorf("%w: the user ID has %d characters; the limit is %d", ErrInvalidID, n, maxChars)
	}
	if i := strings.IndexAny(id, forbidden); i >= 0 {
		return fmt.Errorf("%w: the user ID %q holds %s, which is not permitted (not permitted: ; , = + * ? [ ] | < > \\ \" ' / space tab)", ErrInvalidID, id, describeChar(id[i]))
	}
	return nil
}

// ValidName checks the name rule: at most 256 characters (Q-ESS-001).
func ValidName(name string) error {
	if n := utf8.RuneCountInString(name); n > maxChars {
		return fmt.Errorf("%w: the user name has %d characters; the limit is %d", ErrInvalidName, n, maxChars)
	}
	return nil
}

// ValidGroup checks a group name: the character rule plus "a period (.) is not
// permitted in group names" (Q-ESS-018).
func ValidGroup(g string) error {
	n := utf8.RuneCountInString(g)
	switch {
	case n == 0:
		return fmt.Errorf("%w: a group name is empty", ErrInvalidGroup)
	case n > maxChars:
		return fmt.Errorf("%w: a group name has %d characters; the limit is %d", ErrInvalidGroup, n, maxChars)
	}
	if i := strings.IndexAny(g, forbidden+"."); i >= 0 {
		return fmt.Errorf("%w: the group name %q holds %s, which is not permitted in group names", ErrInvalidGroup, g, describeChar(g[i]))
	}
	return nil
}

func describeChar(c byte) string {
	switch c {
	case ' ':
		return "a space"
	case '\t':
		return "a tab"
	case '.':
		return "a period"
	default:
		return fmt.Sprintf("%q", string(c))
	}
}

// Input is one user as a request carries it, whatever the format. A nil
// field was absent; absent and empty differ for an update.
type Input struct {
	ID, Name, Email, Password, Role *string
	Groups                          *[]string
}

// NewUser validates an add request: id and password are required; a missing
// role is User and a missing name is the ID (Q-ESS-013).
func (in Input) NewUser() (User, error) {
	if in.ID == nil {
		return User{}, fmt.Errorf("%w: id is required to add a user", ErrMissing)
	}
	if in.Password == nil {
		return User{}, fmt.Errorf("%w: password is required to add a user", ErrMissing)
	}
	u := User{ID: *in.ID, Role: RoleUser}
	if err := ValidID(u.ID); err != nil {
		return User{}, err
	}
	if err := in.apply(&u, nil); err != nil {
		return User{}, err
	}
	return u, nil
}

// apply copies the present fields onto u after checking them. held reports
// a value the tenant already holds (nil: none): the input rules are for
// what a request creates, so a user's own name, a name or group a seed user
// held, or a group some user is in (created elsewhere: Shared Services, an
// identity provider, an import) passes unchecked, and writing a user back
// as it was read works.
func (in Input) apply(u *User, held func(field, value string) bool) error {
	if held == nil {
		held = func(string, string) bool { return false }
	}
	if in.Name != nil && !held("name", *in.Name) {
		if err := ValidName(*in.Name); err != nil {
			return err
		}
		u.Name = *in.Name
	}
	if u.Name == "" {
		u.Name = u.ID
	}
	if in.Email != nil {
		u.Email = *in.Email
	}
	if in.Password != nil {
		if *in.Password == "" {
			return fmt.Errorf("%w: the password is empty", ErrInvalidPass)
		}
		u.Password = *in.Password
	}
	if in.Role != nil {
		r, ok := CanonicalRole(*in.Role)
		if !ok {
			return fmt.Errorf("%w: %q is not a role; valid roles are User, Power User and Service Administrator", ErrInvalidRole, *in.Role)
		}
		u.Role = r
	}
	if in.Groups != nil {
		groups := make([]string, 0, len(*in.Groups))
		for _, g := range *in.Groups {
			if held("group", g) {
				groups = append(groups, g)
				continue
			}
			if err := ValidGroup(g); err != nil {
				return err
			}
			groups = append(groups, g)
		}
		u.Groups = groups
	}
	return nil
}

// Store holds the users keyed by lower-cased ID: IDs compare
// case-insensitively (Q-ESS-007), the stored spelling is answered.
type Store struct {
	mu    sync.RWMutex
	users map[string]User
	// seeded holds the names and groups seed users held: the tenant's own
	// data, which an update may set again whatever the rules say.
	seeded map[string]bool // "name:"+name, "group:"+lower-cased group
}

// NewStore seeds a store; later entries replace earlier ones of the same ID.
func NewStore(users []User) *Store {
	s := &Store{users: make(map[string]User, len(users)), seeded: map[string]bool{}}
	for _, u := range users {
		s.users[strings.ToLower(u.ID)] = clone(u)
		s.seeded["name:"+u.Name] = true
		for _, g := range u.Groups {
			s.seeded["group:"+strings.ToLower(g)] = true
		}
	}
	return s
}

// Get returns a copy of the user.
func (s *Store) Get(id string) (User, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	u, ok := s.users[strings.ToLower(id)]
	return clone(u), ok
}

// List returns every user sorted by ID.
func (s *Store) List() []User {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]User, 0, len(s.users))
	for _, u := range s.users {
		out = append(out, clone(u))
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].ID) < strings.ToLower(out[j].ID) })
	return out
}

// AddAll adds every user or none: an ID that exists, or one the batch names
// twice, refuses the whole batch (Q-ESS-012). The error names the index.
func (s *Store) AddAll(users []User) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := make(map[string]int, len(users))
	for i, u := range users {
		key := strings.ToLower(u.ID)
		if old, ok := s.users[key]; ok {
			return &ItemError{Index: i, Err: fmt.Errorf("%w: a user with ID %q already exists", ErrDuplicateID, old.ID)}
		}
		if j, ok := seen[key]; ok {
			return &ItemError{Index: i, Err: fmt.Errorf("%w: ID %q is also given for user %d of this request", ErrDuplicateID, u.ID, j+1)}
		}
		seen[key] = i
	}
	for _, u := range users {
		s.users[strings.ToLower(u.ID)] = clone(u)
	}
	return nil
}

// Update applies the present fields of in to the user id.
func (s *Store) Update(id string, in Input) (User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(id)
	u, ok := s.users[key]
	if !ok {
		return User{}, fmt.Errorf("%w: no user with ID %q", ErrUnknownUser, id)
	}
	current := u
	u = clone(u)
	held := func(field, value string) bool {
		if field == "name" {
			return value == current.Name || s.seeded["name:"+value]
		}
		if s.seeded["group:"+strings.ToLower(value)] {
			return true
		}
		for _, other := range s.users {
			if slices.ContainsFunc(other.Groups, func(g string) bool { return strings.EqualFold(g, value) }) {
				return true
			}
		}
		return false
	}
	if err := in.apply(&u, held); err != nil {
		return User{}, err
	}
	s.users[key] = u
	return clone(u), nil
}

// Delete removes the user id.
func (s *Store) Delete(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(id)
	if _, ok := s.users[key]; !ok {
		return fmt.Errorf("%w: no user with ID %q", ErrUnknownUser, id)
	}
	delete(s.users, key)
	return nil
}

// ItemError ties an error to one user of a batch (0-based Index) and, for a
// CSV import, to its line.
type ItemError struct {
	Index int
	Line  int
	Err   error
}

func (e *ItemError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("user %d (line %d): %v", e.Index+1, e.Line, e.Err)
	}
	return fmt.Sprintf("user %d: %v", e.Index+1, e.Err)
}

func (e *ItemError) Unwrap() error { return e.Err }

func clone(u User) User {
	if u.Groups != nil {
		u.Groups = append([]string(nil), u.Groups...)
	}
	return u
}
