// Package scenario reads the scenario tables in fixtures/scenarios: rows a
// user can read and extend without Go. Each row has a stable ID, a title,
// labels, the request and the expectation; the loader remembers the file and
// line of every row so a failure points at the data, not at Go code.
package scenario

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Table is one file of scenarios for one API.
type Table struct {
	API       string     `yaml:"api"`       // epm-v1, epm-v2, essbase, oig
	Prefix    string     `yaml:"prefix"`    // the ID prefix every row must carry, e.g. EPM2-
	Operation string     `yaml:"operation"` // the default operationId of the rows
	Title     string     `yaml:"title"`
	Scenarios []Scenario `yaml:"scenarios"`
	File      string     `yaml:"-"`
}

// Scenario is one row.
type Scenario struct {
	ID      string            `yaml:"id"`
	Title   string            `yaml:"title"`
	Labels  []string          `yaml:"labels"`
	Quirk   string            `yaml:"quirk"`
	Flow    string            `yaml:"flow"` // "" is one request; others are registered by the suites
	With    map[string]string `yaml:"with"` // parameters of the flow
	Request Request           `yaml:"request"`
	Expect  Expect            `yaml:"expect"`
	// Setup requests run first and must succeed (2xx); Cleanup requests run
	// after the scenario, even when it failed, newest first, and "not found"
	// counts as done (csi-sanity's rule). A row that creates something names
	// its removal here, so nothing a run creates stays on the target.
	Setup   []Request `yaml:"setup"`
	Cleanup []Request `yaml:"cleanup"`
	// Then are further requests, each with its own expectation, sent after
	// the main one passed: a read-back of an update, a second call.
	Then []Step `yaml:"then"`
	// Observe names response paths whose values are recorded in the report
	// without being asserted: what a live target does where the documents
	// leave it open.
	Observe []string `yaml:"observe"`

	API  string `yaml:"-"`
	File string `yaml:"-"`
	Line int    `yaml:"-"`
}

// Step is one further request of a row and what it must answer.
type Step struct {
	Request Request  `yaml:"request"`
	Expect  Expect   `yaml:"expect"`
	Observe []string `yaml:"observe"`
}

// Request is what the row sends.
type Request struct {
	// Target names another target of the config's alt_targets (for example
	// a service in another security mode); empty is the main target.
	Target    string            `yaml:"target"`
	Operation string            `yaml:"operation"`
	Method    string            `yaml:"method"`
	Path      string            `yaml:"path"` // template; defaults to the operation's path
	Params    map[string]string `yaml:"params"`
	Query     map[string]string `yaml:"query"`
	Auth      string            `yaml:"auth"` // admin (default), non-admin, none, wrong-password, bearer, bad-token
	Headers   map[string]string `yaml:"headers"`
	Body      string            `yaml:"body"`          // text template
	BodyFile  string            `yaml:"body_file"`     // sent byte for byte (fixtures-relative)
	BodyTmpl  string            `yaml:"body_template"` // a file rendered as a text template
	// Encoding re-encodes the rendered body: utf-16le or utf-16be (with a
	// BOM) or windows-1252. Templates are rendered first, so a UTF-16 CSV
	// can still carry {{.Run}}.
	Encoding string `yaml:"encoding"`
	// Invalid marks a request that breaks the spec on purpose.
	Invalid bool `yaml:"invalid"`
	// Role is why the request is sent (setup, request, then, undo); set by
	// the suites, never by a row.
	Role string `yaml:"-"`
}

// Expect is what the answer must be.
type Expect struct {
	Status  Statuses          `yaml:"status"`
	JSON    map[string]any    `yaml:"json"`
	Headers map[string]string `yaml:"headers"`
	// NoContract turns off the response check against the spec, for answers
	// to requests the spec does not describe (a wrong method).
	NoContract bool `yaml:"no_contract"`
	// AnyOf lists alternative expectations: the answer must meet one of them
	// (for example "HTTP 400" or "HTTP 200 with status 1" for a refusal).
	AnyOf []Expect `yaml:"any_of"`
}

// Statuses accepts `status: 200` or `status: [200, 400]`.
type Statuses []int

// UnmarshalYAML reads one status or a list.
func (s *Statuses) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.SequenceNode {
		var l []int
		if err := n.Decode(&l); err != nil {
			return err
		}
		*s = l
		return nil
	}
	var one int
	if err := n.Decode(&one); err != nil {
		return fmt.Errorf("line %d: status must be a number or a list of numbers", n.Line)
	}
	*s = Statuses{one}
	return nil
}

// Has reports whether code is one of the statuses.
func (s Statuses) Has(code int) bool {
	for _, c := range s {
		if c == code {
			return true
		}
	}
	return false
}

// Auth modes a row may name.
var authModes = map[string]bool{"": true, "admin": true, "non-admin": true, "none": true, "wrong-password": true, "bearer": true, "bad-token": true}

// Generated IDs carry an operationId (GEN-updateUsersV2-missing-users.userlogin),
// so their second part may have lower case.
var idForm = regexp.MustCompile(`^((EPM1|EPM2|EPMV|ESS|OIG)-[A-Z0-9]+|GEN-[A-Za-z0-9]+)(-[A-Za-z0-9_.]+)*$`)

// LoadDir reads every *.yaml table under dir of fsys, checks the rows, and
// returns them in file order. IDs must be unique across all tables.
func LoadDir(fsys fs.FS, dir string) ([]*Table, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	seen := map[string]string{}
	var tables []*Table
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		t, err := Parse(name, data)
		if err != nil {
			return nil, err
		}
		for _, s := range t.Scenarios {
			where := fmt.Sprintf("%s:%d", s.File, s.Line)
			if prev, dup := seen[s.ID]; dup {
				return nil, fmt.Errorf("%s: scenario ID %s is already used at %s", where, s.ID, prev)
			}
			seen[s.ID] = where
		}
		tables = append(tables, t)
	}
	return tables, nil
}

// Check validates a table built in code (the generated ones) like a parsed one.
func Check(t *Table) error {
	var problems []string
	for i := range t.Scenarios {
		for _, p := range check(t, &t.Scenarios[i]) {
			problems = append(problems, t.Scenarios[i].ID+": "+p)
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s:\n  %s", t.File, strings.Join(problems, "\n  "))
	}
	return nil
}

// Parse reads one table strictly: unknown keys are errors.
func Parse(name string, data []byte) (*Table, error) {
	t := &Table{File: name}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(t); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	// A second pass over the node tree finds each row's line.
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	lines := rowLines(&root)
	var problems []string
	for i := range t.Scenarios {
		s := &t.Scenarios[i]
		s.API, s.File = t.API, name
		if i < len(lines) {
			s.Line = lines[i]
		}
		if s.Request.Operation == "" {
			s.Request.Operation = t.Operation
		}
		for _, p := range check(t, s) {
			problems = append(problems, fmt.Sprintf("%s:%d: %s", name, s.Line, p))
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("scenario table problems:\n  %s", strings.Join(problems, "\n  "))
	}
	return t, nil
}

func check(t *Table, s *Scenario) []string {
	var p []string
	if !idForm.MatchString(s.ID) {
		p = append(p, fmt.Sprintf("ID %q is not of the form PREFIX-KIND-NNN (EPM1-, EPM2-, EPMV-, ESS-, OIG-, GEN-)", s.ID))
	}
	if t.Prefix != "" && !strings.HasPrefix(s.ID, t.Prefix) {
		p = append(p, fmt.Sprintf("ID %s does not start with the table's prefix %s", s.ID, t.Prefix))
	}
	if s.Title == "" {
		p = append(p, s.ID+" has no title")
	}
	if !authModes[s.Request.Auth] {
		p = append(p, fmt.Sprintf("%s: auth %q is not one of admin, non-admin, none, wrong-password, bearer, bad-token", s.ID, s.Request.Auth))
	}
	bodies := 0
	for _, b := range []string{s.Request.Body, s.Request.BodyFile, s.Request.BodyTmpl} {
		if b != "" {
			bodies++
		}
	}
	if bodies > 1 {
		p = append(p, s.ID+": give at most one of body, body_file, body_template")
	}
	if _, ok := encodings[s.Request.Encoding]; !ok {
		p = append(p, fmt.Sprintf("%s: encoding %q is not utf-16le, utf-16be or windows-1252", s.ID, s.Request.Encoding))
	}
	if s.Flow == "" && len(s.Expect.Status) == 0 && len(s.Expect.AnyOf) == 0 {
		p = append(p, s.ID+": expect.status is required")
	}
	for i, st := range s.Then {
		if len(st.Expect.Status) == 0 && len(st.Expect.AnyOf) == 0 {
			p = append(p, fmt.Sprintf("%s: then[%d] needs expect.status", s.ID, i))
		}
	}
	return p
}

// rowLines returns the line of each element of the top-level scenarios list.
func rowLines(root *yaml.Node) []int {
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return nil
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "scenarios" {
			var out []int
			for _, row := range m.Content[i+1].Content {
				out = append(out, row.Line)
			}
			return out
		}
	}
	return nil
}

// AllLabels are the row's labels plus the ones derived from it: the API, the
// quirk, and what its auth mode needs from the target.
func (s *Scenario) AllLabels() []string {
	labels := append([]string{"api:" + s.API}, s.Labels...)
	switch s.Request.Auth {
	case "non-admin":
		labels = append(labels, "needs:non-admin-account")
	case "bearer":
		labels = append(labels, "needs:token")
	case "wrong-password":
		labels = append(labels, "needs:throwaway-account")
	}
	labels = append(labels, "id:"+s.ID)
	if s.Quirk != "" {
		labels = append(labels, "quirk")
	}
	if s.Request.Target != "" {
		labels = append(labels, "needs:target:"+s.Request.Target)
	}
	labels = append(labels, "id:"+s.ID)
	sort.Strings(labels)
	return compact(labels)
}

// Requests are every request the row names: setup, the main one, its
// then-steps and cleanups.
func (s *Scenario) Requests() []Request {
	out := append([]Request(nil), s.Setup...)
	out = append(out, s.Request)
	for _, st := range s.Then {
		out = append(out, st.Request)
	}
	return append(out, s.Cleanup...)
}

// HasLabel reports whether the row carries the label.
func (s *Scenario) HasLabel(l string) bool {
	for _, x := range s.AllLabels() {
		if x == l {
			return true
		}
	}
	return false
}

// Name is the spec text: the ID first, so it begins the JUnit test name.
func (s *Scenario) Name() string { return s.ID + " " + s.Title }

func compact(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}
