package oig

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Seed is the oig section of the mock's seed file: the organizations users
// may be moved to and the users, keyed by usr_key.
type Seed struct {
	// Organizations that "Organization Name" may name, besides
	// DefaultOrganization, which every OIG installation has.
	Organizations []string   `yaml:"organizations"`
	Users         []SeedUser `yaml:"users"`
	// Approval routes modifies through approval (approval.go); absent,
	// every modify applies at once.
	Approval Approval `yaml:"approval"`
}

// SeedUser is one user of the seed. Key is the usr_key: a string of digits,
// as the document's ids ("24") are.
type SeedUser struct {
	Key          string `yaml:"usr_key"`
	Login        string `yaml:"login"`
	FirstName    string `yaml:"first_name"`
	MiddleName   string `yaml:"middle_name"`
	LastName     string `yaml:"last_name"`
	DisplayName  string `yaml:"display_name"` // default "First Last"
	Email        string `yaml:"email"`
	Organization string `yaml:"organization"` // default DefaultOrganization
	Title        string `yaml:"title"`
	Role         string `yaml:"role"`   // default Full-Time
	Status       string `yaml:"status"` // default Active
	Telephone    string `yaml:"telephone"`
}

// DefaultOrganization is the organization OIG puts users in when none is
// named; it always exists.
const DefaultOrganization = "Xellerate Users"

// Field names are the display names the API uses (REST API for Oracle Identity Governance Self Service 12.2.1.4 (https://docs.oracle.com/en/middleware/idm/identity-governance/12.2.1.4/oimss/)).
const (
	FieldKey          = "usr_key"
	FieldLogin        = "User Login"
	FieldFirstName    = "First Name"
	FieldMiddleName   = "Middle Name"
	FieldLastName     = "Last Name"
	FieldDisplayName  = "Display Name"
	FieldEmail        = "Email"
	FieldOrganization = "Organization Name"
	FieldTitle        = "Title"
	FieldRole         = "Role"
	FieldStatus       = "Status"
	FieldTelephone    = "Telephone Number"
)

// maxValueLen bounds every value; OIG's columns are bounded but the page
// publishes no limit (Q-OIG-008).
const maxValueLen = 255

// roles are the values of the Role (employee type) attribute. The list is
// OIG's usual lookup, not printed on our page (Q-OIG-008).
var roles = []string{"Full-Time", "Part-Time", "Temp", "Intern", "Consultant", "Contractor"}

// rule checks a new value and may return its canonical spelling.
type rule func(value string, orgs []string) (string, *failure)

// field is one attribute the mock knows. Fields not listed here are unknown
// and fail the user (Q-OIG-006). Read-only ones fail it too (Q-OIG-007):
// usr_key and User Login identify the user, Status changes through the
// enable/disable operations, not through modify.
type field struct {
	name       string
	modifiable bool
	check      rule
}

// catalog is also the order of the fields in a GET answer.
var catalog = []field{
	{FieldKey, false, nil},
	{FieldLogin, false, nil},
	{FieldFirstName, true, anyValue},
	{FieldMiddleName, true, anyValue},
	{FieldLastName, true, mandatory},
	{FieldDisplayName, true, mandatory},
	{FieldEmail, true, emailOrEmpty},
	{FieldOrganization, true, organization},
	{FieldTitle, true, anyValue},
	{FieldRole, true, oneOfRoles},
	{FieldStatus, false, nil},
	{FieldTelephone, true, anyValue},
}

func lookupField(name string) (field, bool) {
	i := slices.IndexFunc(catalog, func(f field) bool { return f.name == name })
	if i < 0 {
		return field{}, false
	}
	return catalog[i], true
}

func anyValue(v string, _ []string) (string, *failure) {
	if utf8.RuneCountInString(v) > maxValueLen {
		return "", fail(codeInvalidValue, "Invalid value", fmt.Sprintf("longer than %d characters", maxValueLen))
	}
	return v, nil
}

func mandatory(v string, orgs []string) (string, *failure) {
	if strings.TrimSpace(v) == "" {
		return "", fail(codeMandatory, "The field is mandatory and cannot be empty", "")
	}
	return anyValue(v, orgs)
}

// emailOrEmpty: Email is optional in OIG, so an empty value clears it
// (Q-OIG-008); anything else must look like an address.
func emailOrEmpty(v string, orgs []string) (string, *failure) {
	if v != "" && !validEmail(v) {
		return "", fail(codeInvalidValue, "Invalid value", "not an email address")
	}
	return anyValue(v, orgs)
}

func organization(v string, orgs []string) (string, *failure) {
	if strings.TrimSpace(v) == "" {
		return "", fail(codeMandatory, "The field is mandatory and cannot be empty", "")
	}
	if i := slices.IndexFunc(orgs, func(o string) bool { return strings.EqualFold(o, v) }); i >= 0 {
		return orgs[i], nil
	}
	return "", fail(codeInvalidValue, "Invalid value", "no such organization")
}

func oneOfRoles(v string, _ []string) (string, *failure) {
	if i := slices.IndexFunc(roles, func(r string) bool { return strings.EqualFold(r, v) }); i >= 0 {
		return roles[i], nil
	}
	return "", fail(codeInvalidValue, "Invalid value", "Role must be one of "+strings.Join(roles, ", "))
}

// emailForm: one @, a non-empty local part, a domain with a dot, no white
// space. OIG publishes no rule (Q-OIG-008).
var emailForm = regexp.MustCompile(`^[^@\s"(),:;<>\[\]\\]+@[^@\s"(),:;<>\[\]\\.]+(\.[^@\s"(),:;<>\[\]\\.]+)+$`)

func validEmail(s string) bool { return emailForm.MatchString(s) }

// change is one name/value pair of a request; a nil value clears the field.
type change struct {
	Name  string
	Value *string
}

// Store holds the users by usr_key. Every method is safe for concurrent use.
type Store struct {
	mu    sync.RWMutex
	users map[string]map[string]string // usr_key -> field name -> value
	orgs  []string
	// seeded holds, per field, every value a seed user held: the tenant's
	// own data, which a modify may set again whatever the rules say.
	seeded map[string]map[string]bool
}

// Validate reports the first problem of a seed, so a broken seed file is
// found by a test rather than by a user of the mock.
func (s Seed) Validate() error {
	var errs []error
	keys, logins := map[string]bool{}, map[string]bool{}
	orgs := s.organizations()
	for i, u := range s.Users {
		if err := u.validate(orgs); err != nil {
			errs = append(errs, fmt.Errorf("oig seed user %d (usr_key %q): %w", i+1, u.Key, err))
			continue
		}
		if keys[u.Key] {
			errs = append(errs, fmt.Errorf("oig seed user %d: usr_key %q is used twice", i+1, u.Key))
		}
		if logins[strings.ToUpper(u.Login)] {
			errs = append(errs, fmt.Errorf("oig seed user %d: login %q is used twice", i+1, u.Login))
		}
		keys[u.Key], logins[strings.ToUpper(u.Login)] = true, true
	}
	return errors.Join(errs...)
}

var digits = regexp.MustCompile(`^[0-9]+$`)

func (u SeedUser) validate(orgs []string) error {
	if err := u.identity(); err != nil {
		return err
	}
	return u.values(orgs)
}

// identity checks what makes a user addressable: a usr_key of digits and a
// login.
func (u SeedUser) identity() error {
	if !digits.MatchString(u.Key) {
		return errors.New("usr_key must be a string of digits")
	}
	if strings.TrimSpace(u.Login) == "" {
		return errors.New("login is empty")
	}
	return nil
}

// values checks each value against the rule a modify would apply to it.
func (u SeedUser) values(orgs []string) error {
	values := u.fields()
	for _, f := range catalog { // in catalog order, so the error reported is stable
		if f.check == nil {
			continue
		}
		if _, bad := f.check(values[f.name], orgs); bad != nil {
			return fmt.Errorf("%s %q: %s", f.name, values[f.name], bad.reason())
		}
	}
	return nil
}

func (s Seed) organizations() []string {
	orgs := []string{DefaultOrganization}
	for _, o := range s.Organizations {
		if !slices.ContainsFunc(orgs, func(x string) bool { return strings.EqualFold(x, o) }) {
			orgs = append(orgs, o)
		}
	}
	return orgs
}

// fields gives a seed user its defaults and its API field names.
func (u SeedUser) fields() map[string]string {
	or := func(v, def string) string {
		if v == "" {
			return def
		}
		return v
	}
	return map[string]string{
		FieldKey:          u.Key,
		FieldLogin:        u.Login,
		FieldFirstName:    u.FirstName,
		FieldMiddleName:   u.MiddleName,
		FieldLastName:     u.LastName,
		FieldDisplayName:  or(u.DisplayName, strings.TrimSpace(u.FirstName+" "+u.LastName)),
		FieldEmail:        u.Email,
		FieldOrganization: or(u.Organization, DefaultOrganization),
		FieldTitle:        u.Title,
		FieldRole:         or(u.Role, roles[0]),
		FieldStatus:       or(u.Status, "Active"),
		FieldTelephone:    u.Telephone,
	}
}

// NewStore loads the users of a seed that can be addressed and returns the
// problems of the others; a mock with one bad seed row still serves the
// rest. A value a modify would refuse is kept: a tenant holds users created
// elsewhere (an import, another tool, an older release), and reading them
// must work (fixtures/mock/elsewhere-seed.yaml). Seed.Validate still
// reports such values, for seeds meant to hold only what the API accepts.
func NewStore(seed Seed) (*Store, error) {
	st := &Store{users: map[string]map[string]string{}, orgs: seed.organizations(), seeded: map[string]map[string]bool{}}
	var errs []error
	for i, u := range seed.Users {
		if err := u.identity(); err != nil {
			errs = append(errs, fmt.Errorf("oig seed user %d (usr_key %q) skipped: %w", i+1, u.Key, err))
			continue
		}
		st.users[u.Key] = u.fields()
		for name, v := range st.users[u.Key] {
			if st.seeded[name] == nil {
				st.seeded[name] = map[string]bool{}
			}
			st.seeded[name][v] = true
		}
	}
	return st, errors.Join(errs...)
}

// Get returns a copy of the user's fields.
func (st *Store) Get(key string) (map[string]string, bool) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	u, ok := st.users[key]
	if !ok {
		return nil, false
	}
	out := make(map[string]string, len(u))
	for k, v := range u {
		out[k] = v
	}
	return out, true
}

// Update applies the changes to one user, all or none: a user with one bad
// field keeps every old value (Q-OIG-006).
func (st *Store) Update(key string, changes []change) *failure {
	st.mu.Lock()
	defer st.mu.Unlock()
	u, ok := st.users[key]
	if !ok {
		return unknownUser("")
	}
	next, bad := st.resolve(changes, u)
	if bad != nil {
		return bad
	}
	for k, v := range next {
		u[k] = v
	}
	return nil
}

// Check reports what Update would refuse, changing nothing: a change that
// awaits approval is checked when it is requested (Q-OIG-032).
func (st *Store) Check(key string, changes []change) *failure {
	st.mu.RLock()
	defer st.mu.RUnlock()
	u, ok := st.users[key]
	if !ok {
		return unknownUser("")
	}
	_, bad := st.resolve(changes, u)
	return bad
}

// resolve checks the changes and returns the new values, canonical. A value
// the user holds, or any seed user held in that field, passes unchecked:
// the rules are for what a request brings new, and users created elsewhere
// may hold what they refuse (an address without a dotted domain, an
// employee type of the tenant's own lookup), so writing a user back as it
// was read always works (fixtures/mock/elsewhere-seed.yaml).
func (st *Store) resolve(changes []change, current map[string]string) (map[string]string, *failure) {
	if len(changes) == 0 {
		return nil, fail(codeNoFields, "No fields to update", "")
	}
	next := make(map[string]string, len(changes))
	for _, c := range changes {
		f, known := lookupField(c.Name)
		switch {
		case !known:
			return nil, fail(codeUnknownField, "Unknown field", c.Name)
		case !f.modifiable:
			return nil, fail(codeReadOnly, "The field cannot be modified", c.Name)
		}
		if _, twice := next[c.Name]; twice {
			return nil, fail(codeDuplicateField, "The field is given more than once", c.Name)
		}
		v := ""
		if c.Value != nil {
			v = *c.Value
		}
		if held, ok := current[c.Name]; ok && held == v || st.seeded[c.Name][v] {
			next[c.Name] = v
			continue
		}
		canonical, bad := f.check(v, st.orgs)
		if bad != nil {
			bad.param = strings.TrimSuffix(c.Name+" "+bad.param, " ")
			return nil, bad
		}
		next[c.Name] = canonical
	}
	return next, nil
}
