// Package auth is the mock's account directory: who may log in, with which
// password or bearer token, holding which roles on which product. Each product
// simulator asks it who the caller is and decides itself what the caller may do.
package auth

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"slices"
	"sort"
	"strings"
)

// Products name the role sets an account can hold.
const (
	EPM     = "epm"
	Essbase = "essbase"
	OIG     = "oig"
)

// Account is one login of the simulated service.
type Account struct {
	Login     string              `yaml:"login"`
	Password  string              `yaml:"password"`
	Tokens    []string            `yaml:"tokens"`
	FirstName string              `yaml:"firstname"`
	LastName  string              `yaml:"lastname"`
	Email     string              `yaml:"email"`
	Roles     map[string][]string `yaml:"roles"` // product -> role names
}

// HasRole reports whether the account holds the role on the product; role
// names compare case-insensitively, as the vendor's consoles do.
func (a *Account) HasRole(product, role string) bool {
	return slices.ContainsFunc(a.Roles[product], func(r string) bool { return strings.EqualFold(r, role) })
}

// ErrNoCredentials and ErrBadCredentials tell a missing from a wrong login.
var (
	ErrNoCredentials  = errors.New("no credentials")
	ErrBadCredentials = errors.New("invalid credentials")
)

// Directory holds the accounts. It is read-only after New, so it needs no lock.
type Directory struct {
	byLogin map[string]*Account
	byToken map[string]*Account
}

// New builds a directory; logins compare case-insensitively (REST APIs for Oracle Enterprise Performance Management Cloud (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/):
// User Login is case-insensitive).
func New(accounts []Account) *Directory {
	d := &Directory{byLogin: map[string]*Account{}, byToken: map[string]*Account{}}
	for i := range accounts {
		a := &accounts[i]
		d.byLogin[strings.ToLower(a.Login)] = a
		for _, t := range a.Tokens {
			d.byToken[t] = a
		}
	}
	return d
}

// Accounts lists the accounts sorted by login.
func (d *Directory) Accounts() []*Account {
	out := make([]*Account, 0, len(d.byLogin))
	for _, a := range d.byLogin {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Login < out[j].Login })
	return out
}

// Lookup finds an account by login.
func (d *Directory) Lookup(login string) (*Account, bool) {
	a, ok := d.byLogin[strings.ToLower(login)]
	return a, ok
}

// Authenticate reads Basic or Bearer credentials. A Basic user name may carry
// the identity domain as a prefix ("idomain.jdoe"), as EPM Cloud accepts
// (REST APIs for Oracle Enterprise Performance Management Cloud (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/), Authentication).
func (d *Directory) Authenticate(r *http.Request) (*Account, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, ErrNoCredentials
	}
	if tok, ok := strings.CutPrefix(h, "Bearer "); ok {
		if a, found := d.byToken[strings.TrimSpace(tok)]; found {
			return a, nil
		}
		return nil, ErrBadCredentials
	}
	user, pass, ok := r.BasicAuth()
	if !ok {
		return nil, ErrBadCredentials
	}
	a, found := d.Lookup(user)
	if !found {
		if _, rest, cut := strings.Cut(user, "."); cut {
			a, found = d.Lookup(rest)
		}
	}
	if !found || subtle.ConstantTimeCompare([]byte(a.Password), []byte(pass)) != 1 {
		return nil, ErrBadCredentials
	}
	return a, nil
}

// Challenge writes the 401 answer every product shares.
func Challenge(w http.ResponseWriter, realm string) {
	w.Header().Set("WWW-Authenticate", `Basic realm="`+realm+`"`)
}
