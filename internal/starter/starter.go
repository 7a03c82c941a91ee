// Package starter writes the starter config of `conformance init`: the
// products' URLs and account names (never a password or a token), and the
// vars proposed by listing the target's users through read-only list
// operations, each marked as a suggestion. A proposal never names an
// account the run logs in with, nor an administrator: those are the users
// a run must not change.
package starter

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/opid"
	"github.com/oracle-users-conformance/conformance/internal/varscat"
)

// Read-only operations that list and read users (Essbase: Search or
// Export Users, Get User; Identity Governance: Get Users, Get User).
// The paths come from the specs' operations (internal/opid).
var (
	essbaseUsers = opid.Templates[opid.EssbaseListUsers]
	oigUsers     = opid.Templates[opid.OigListUsers]
)

const (
	// listLimit bounds one listing: enough candidates, a small answer.
	listLimit = 50
)

// essbaseAdminRole administers Essbase users (Essbase REST API, Add or
// Import Users: "Valid roles: User, Power User, and Service Administrator").
const essbaseAdminRole = "Service Administrator"

// oigSystemLogins are Identity Governance's own administrator and internal
// accounts, which exist on every installation and must never be changed.
var oigSystemLogins = []string{"xelsysadm", "oiminternal", "weblogic"}

// unknownProbe is the usr_key proposed for a user no one has, once a read
// shows it names no user.
const unknownProbe = "999999999"

// Proposal is one var the starter config suggests.
type Proposal struct {
	Key, Value string
	// Why says where the value comes from ("Kim Wong, role Power User").
	Why string
}

// Product is what init learned about one product.
type Product struct {
	Name      string
	Proposals []Proposal
	// Notes are sentences for the config's comments: what could not be
	// listed, what the user must fill in by hand.
	Notes []string
}

// Lister proposes vars for one product through its client.
type Lister struct {
	Client *exchange.Client
	Admin  *exchange.Credential
	// Own are the logins the config's accounts use, never proposed.
	Own  []string
	Vars varscat.Catalogue
	// Known are vars an existing config already names, read back when the
	// users cannot be listed.
	Known map[string]string
}

// Propose lists the product's users and picks the vars.
func (l *Lister) Propose(ctx context.Context, product string) Product {
	p := Product{Name: product}
	switch product {
	case "essbase":
		l.essbase(ctx, &p)
	case "oig":
		l.oig(ctx, &p)
	default:
		var keys []string
		for _, v := range l.Vars.Of(product, varscat.User) {
			keys = append(keys, v.Key)
		}
		p.Notes = append(p.Notes, fmt.Sprintf("EPM Cloud offers no API to list or read users: name %d existing test users under %s yourself (not an account the run logs in with, nor an administrator); until then their scenarios are skipped", len(keys), strings.Join(keys, ", ")))
	}
	return p
}

type essbaseUser struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

func (l *Lister) essbase(ctx context.Context, p *Product) {
	want := l.Vars.Of("essbase", varscat.User)
	ex, err := l.get(ctx, essbaseUsers, url.Values{"limit": {fmt.Sprint(listLimit)}})
	var list struct {
		Items []essbaseUser `json:"items"`
	}
	if err == nil {
		err = json.Unmarshal(ex.Body(), &list)
	}
	if err != nil {
		p.Notes = append(p.Notes, fmt.Sprintf("could not list Essbase users (GET %s: %v)", essbaseUsers, err))
		l.readKnown(ctx, p, essbaseUsers, want, func(ex *exchange.Exchange) string {
			var u essbaseUser
			_ = json.Unmarshal(ex.Body(), &u)
			if strings.EqualFold(u.Role, essbaseAdminRole) {
				return ""
			}
			return describe(u.Name, "role "+u.Role)
		})
		return
	}
	var picked []essbaseUser
	for _, u := range list.Items {
		if u.ID == "" || l.own(u.ID) || strings.EqualFold(u.Role, essbaseAdminRole) {
			continue
		}
		picked = append(picked, u)
	}
	sort.Slice(picked, func(i, j int) bool { return picked[i].ID < picked[j].ID })
	for i, v := range want {
		if i >= len(picked) {
			p.Notes = append(p.Notes, fmt.Sprintf("the listing had too few users who are neither an account of this config nor a %s: name %s yourself", essbaseAdminRole, v.Key))
			continue
		}
		u := picked[i]
		p.Proposals = append(p.Proposals, Proposal{Key: v.Key, Value: u.ID, Why: describe(u.Name, "role "+u.Role)})
	}
}

type oigUser struct {
	ID     string `json:"id"`
	Fields []struct {
		Name  string `json:"name"`
		Value any    `json:"value"`
	} `json:"fields"`
}

func (u oigUser) field(name string) string {
	for _, f := range u.Fields {
		if strings.EqualFold(f.Name, name) && f.Value != nil {
			return fmt.Sprint(f.Value)
		}
	}
	return ""
}

func (l *Lister) oig(ctx context.Context, p *Product) {
	want := l.Vars.Of("oig", varscat.User)
	ex, err := l.get(ctx, oigUsers, url.Values{"fields": {"usr_key,User Login,First Name,Last Name,Organization Name"}, "limit": {fmt.Sprint(listLimit)}})
	var list struct {
		Users []oigUser `json:"users"`
	}
	if err == nil {
		err = json.Unmarshal(ex.Body(), &list)
	}
	org := ""
	if err != nil {
		p.Notes = append(p.Notes, fmt.Sprintf("could not list Identity Governance users (GET %s: %v)", oigUsers, err))
		l.readKnown(ctx, p, oigUsers, want, func(ex *exchange.Exchange) string {
			var u oigUser
			_ = json.Unmarshal(ex.Body(), &u)
			if l.own(u.field("User Login")) || oigSystem(u.field("User Login")) {
				return ""
			}
			if org == "" {
				org = u.field("Organization Name")
			}
			return describe(u.field("User Login"), "")
		})
	} else {
		var picked []oigUser
		for _, u := range list.Users {
			login := u.field("User Login")
			if u.ID == "" || l.own(login) || oigSystem(login) {
				continue
			}
			picked = append(picked, u)
		}
		for i, v := range want {
			if i >= len(picked) {
				p.Notes = append(p.Notes, fmt.Sprintf("the listing had too few users who are neither an account of this config nor a system account: name %s yourself", v.Key))
				continue
			}
			u := picked[i]
			if org == "" {
				org = u.field("Organization Name")
			}
			p.Proposals = append(p.Proposals, Proposal{Key: v.Key, Value: u.ID, Why: describe(u.field("User Login"), strings.TrimSpace(u.field("First Name")+" "+u.field("Last Name")))})
		}
	}
	for _, v := range l.Vars.Of("oig", varscat.Value) {
		if org != "" && v.Key == "oig_organization" {
			p.Proposals = append(p.Proposals, Proposal{Key: v.Key, Value: org, Why: "the organization of a proposed user"})
		}
	}
	for _, v := range l.Vars.Of("oig", varscat.Unknown) {
		ex, err := l.get(ctx, oigUsers+"/"+unknownProbe, nil)
		if ex != nil && ex.Status() == http.StatusNotFound {
			p.Proposals = append(p.Proposals, Proposal{Key: v.Key, Value: unknownProbe, Why: "reading it answered 404"})
			continue
		}
		p.Notes = append(p.Notes, fmt.Sprintf("could not confirm that usr_key %s names no user (%v): name %s yourself", unknownProbe, errOrStatus(ex, err), v.Key))
	}
}

// readKnown is the fallback when a product cannot list its users: the
// vars an existing config names are read one by one, and kept when they
// exist and accept says they are no administrator.
func (l *Lister) readKnown(ctx context.Context, p *Product, path string, want []varscat.Var, accept func(*exchange.Exchange) string) {
	for _, v := range want {
		id := l.Known[v.Key]
		if id == "" {
			continue // the config's commented line says what to name
		}
		ex, err := l.get(ctx, path+"/"+url.PathEscape(id), nil)
		if err != nil {
			p.Notes = append(p.Notes, fmt.Sprintf("vars.%s = %q could not be read (%v)", v.Key, id, err))
			continue
		}
		why := accept(ex)
		if why == "" || l.own(id) {
			p.Notes = append(p.Notes, fmt.Sprintf("vars.%s = %q is an account of this config or an administrator: name another user", v.Key, id))
			continue
		}
		p.Proposals = append(p.Proposals, Proposal{Key: v.Key, Value: id, Why: "read back: " + why})
	}
}

// get sends one read as the admin; a non-200 answer is an error.
func (l *Lister) get(ctx context.Context, path string, q url.Values) (*exchange.Exchange, error) {
	ex, err := l.Client.Do(ctx, exchange.Request{Method: http.MethodGet, Path: path, Query: q, Auth: l.Admin, Role: "init"})
	if err != nil {
		return nil, err
	}
	if ex.Status() != 0 && ex.Status() != http.StatusOK {
		return ex, fmt.Errorf("answered %d", ex.Status())
	}
	if ex.Err != nil {
		return ex, ex.Err
	}
	return ex, nil
}

func (l *Lister) own(login string) bool {
	for _, o := range l.Own {
		// EPM-style logins carry the identity domain before a dot.
		if o != "" && (strings.EqualFold(o, login) || strings.HasSuffix(strings.ToLower(o), "."+strings.ToLower(login))) {
			return true
		}
	}
	return false
}

func oigSystem(login string) bool {
	for _, s := range oigSystemLogins {
		if strings.EqualFold(s, login) {
			return true
		}
	}
	return false
}

func describe(parts ...string) string {
	var out []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" && strings.TrimSpace(p) != "role" {
			out = append(out, p)
		}
	}
	return strings.Join(out, ", ")
}

func errOrStatus(ex *exchange.Exchange, err error) string {
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("answered %d", ex.Status())
}

// Accounts are the logins of a product's configured accounts.
func Accounts(r config.Resolved) []string {
	c := r.Credentials
	return []string{c.Admin.User, c.NonAdmin.User, c.Throwaway.User}
}
