// Package oiguser is the one reading of Oracle Identity Governance's user
// on the wire (specs/oig-users.yaml): a user is a list of {name, value}
// fields named by display name, which fields exist and which may change is
// the spec's x-known-fields, and two values compare the way OIG stores
// them. The ledger, the flows and the deviations all read users through it.
package oiguser

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/oracle-users-conformance/conformance/internal/contract"
)

// User is one user's fields by name; a nil value is null or absent.
type User map[string]any

// Field is one {name, value} pair as OIG writes it.
type Field struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// Decode reads a Get User answer's fields list.
func Decode(body []byte) (User, error) {
	var doc struct {
		Fields []Field `json:"fields"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("the answer is not a user: %w", err)
	}
	u := User{}
	for _, f := range doc.Fields {
		u[f.Name] = f.Value
	}
	return u, nil
}

// Update is one entry of a bulk Update Users body. ID stays as sent: a
// malformed row may send a number.
type Update struct {
	ID     any     `json:"id"`
	Fields []Field `json:"fields"`
}

// DecodeUpdates reads the users of a bulk Update Users body.
func DecodeUpdates(body []byte) ([]Update, error) {
	var doc struct {
		Users []Update `json:"users"`
	}
	err := json.Unmarshal(body, &doc)
	return doc.Users, err
}

// IDs are the distinct string ids a bulk Update Users body names, in
// order; nil when the body is not one.
func IDs(body []byte) []string {
	users, err := DecodeUpdates(body)
	if err != nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, u := range users {
		if id, ok := u.ID.(string); ok && id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// known reads the spec's x-known-fields: field name → modifiable.
func known(cat *contract.Catalog) map[string]bool {
	out := map[string]bool{}
	for _, doc := range cat.Documents() {
		if doc.Components == nil {
			continue
		}
		for _, s := range doc.Components.Schemas {
			if s.Value == nil {
				continue
			}
			for _, p := range s.Value.Properties {
				if p.Value == nil {
					continue
				}
				fields, ok := p.Value.Extensions["x-known-fields"].(map[string]any)
				if !ok {
					continue
				}
				for name, v := range fields {
					m, _ := v.(map[string]any)
					out[name] = m["modifiable"] == true
				}
			}
		}
	}
	return out
}

// Known are the fields the spec's x-known-fields lists, sorted.
func Known(cat *contract.Catalog) []string {
	var out []string
	for name := range known(cat) {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// Modifiable are the fields x-known-fields marks modifiable, in the order
// a restore writes them: Display Name last, after the names a target may
// derive it from.
func Modifiable(cat *contract.Catalog) []string {
	var out []string
	for name, mod := range known(cat) {
		if mod {
			out = append(out, name)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i] == "Display Name") != (out[j] == "Display Name") {
			return out[j] == "Display Name"
		}
		return out[i] < out[j]
	})
	return out
}

// Same compares two field values; the fields OIG stores in its own
// spelling compare without case (Q-OIG-008), and null equals empty.
func Same(name string, a, b any) bool {
	as, bs := Text(a), Text(b)
	if name == "Organization Name" || name == "Role" {
		return strings.EqualFold(as, bs)
	}
	return as == bs
}

// Text is a field value as one string: null is empty, a string itself,
// anything else its JSON.
func Text(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}
