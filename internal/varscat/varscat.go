// Package varscat is the catalogue of the config's `vars` (fixtures/vars.yaml):
// for every key a scenario may name, the product it belongs to, what kind of
// value it takes and one sentence saying what it must name. The run, the
// reports, `conformance doctor` and `conformance init` describe a key from
// here, so the sentence is written once.
package varscat

import (
	"bytes"
	"fmt"
	"io/fs"
	"sort"

	"go.yaml.in/yaml/v3"
)

// Kinds of value a key takes.
const (
	// User is an existing user scenarios may change or read back.
	User = "user"
	// Unknown is an identifier no user has.
	Unknown = "unknown"
	// Value is any other value the target accepts (an organization).
	Value = "value"
)

// Var describes one key.
type Var struct {
	Key     string `yaml:"-"`
	Product string `yaml:"product"`
	Kind    string `yaml:"kind"`
	About   string `yaml:"about"`
}

// Catalogue is every key, by name.
type Catalogue map[string]Var

// Load reads vars.yaml from the fixtures.
func Load(fsys fs.FS) (Catalogue, error) {
	data, err := fs.ReadFile(fsys, "vars.yaml")
	if err != nil {
		return nil, fmt.Errorf("vars catalogue: %w", err)
	}
	var c Catalogue
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("vars catalogue vars.yaml: %w", err)
	}
	for k, v := range c {
		if v.About == "" || v.Product == "" {
			return nil, fmt.Errorf("vars catalogue vars.yaml: %s needs product and about", k)
		}
		switch v.Kind {
		case User, Unknown, Value:
		default:
			return nil, fmt.Errorf("vars catalogue vars.yaml: %s: kind %q is not user, unknown or value", k, v.Kind)
		}
		v.Key = k
		c[k] = v
	}
	return c, nil
}

// Describe is "vars.KEY (what it names)", or "vars.KEY" for a key the
// catalogue lacks (a fixtures directory of the user's own).
func (c Catalogue) Describe(key string) string {
	if v, ok := c[key]; ok {
		return fmt.Sprintf("vars.%s (%s)", key, v.About)
	}
	return "vars." + key
}

// Of lists a product's keys of one kind, sorted.
func (c Catalogue) Of(product, kind string) []Var {
	var out []Var
	for _, v := range c {
		if v.Product == product && v.Kind == kind {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
