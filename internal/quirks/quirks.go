// Package quirks reads the quirks register (fixtures/quirks/*.yaml): each
// place where the vendor documents are silent, ambiguous or contradict
// themselves, the decision taken, and the scenarios that record what a
// target really does.
package quirks

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"

	"go.yaml.in/yaml/v3"
)

// Quirk is one entry of the register.
type Quirk struct {
	ID        string   `yaml:"id"`
	API       string   `yaml:"api"`
	Doc       string   `yaml:"doc"`
	Says      string   `yaml:"says"`
	Problem   string   `yaml:"problem"`
	Decision  string   `yaml:"decision"`
	Scenarios []string `yaml:"scenarios"`
	// Reconciliation, when present, compares a spec element by element
	// with a vendor artefact (reconcile.go).
	Reconciliation *Reconciliation `yaml:"reconciliation"`
	File           string          `yaml:"-"`
}

var idForm = regexp.MustCompile(`^Q-(EPM1|EPM2|ESS|OIG|GEN)-[0-9]{3}$`)

// Load reads every *.yaml file of dir strictly and checks each entry.
func Load(fsys fs.FS, dir string) ([]Quirk, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []Quirk
	seen := map[string]string{}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var file struct {
			Quirks []Quirk `yaml:"quirks"`
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&file); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, q := range file.Quirks {
			q.File = name
			switch {
			case !idForm.MatchString(q.ID):
				return nil, fmt.Errorf("%s: quirk ID %q is not of the form Q-EPM2-001", name, q.ID)
			case seen[q.ID] != "":
				return nil, fmt.Errorf("%s: quirk %s is already in %s", name, q.ID, seen[q.ID])
			case q.Doc == "" || q.Says == "" || q.Decision == "":
				return nil, fmt.Errorf("%s: quirk %s needs doc, says and decision", name, q.ID)
			}
			seen[q.ID] = name
			out = append(out, q)
		}
	}
	return out, nil
}
