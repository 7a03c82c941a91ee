// Package generate derives scenarios from the OpenAPI specs, so that what a
// spec says in schema is exercised without anyone writing it by hand: a valid
// request the target must accept; for each required property a request
// without it; for each property a value of the wrong type; for each enum a
// value outside it; for each maxLength, pattern or format a value breaking
// it; requests without or with wrong credentials, with an unsupported media
// type and with an unsupported method. A new or corrected spec tests more
// with no Go edit.
//
// What the schema cannot say lives in the operation's `x-conformance`
// extension: the API label, a valid body using the target's variables, path
// parameters, headers, and what acceptance and refusal look like (EPM refuses
// with HTTP 200 and status 1; others with 4xx).
package generate

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"

	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
)

// Hints is the `x-conformance` extension of an operation.
type Hints struct {
	API         string            `yaml:"api"`
	Skip        string            `yaml:"skip"` // a reason not to generate for this operation
	Mutates     bool              `yaml:"mutates"`
	Labels      []string          `yaml:"labels"`
	Params      map[string]string `yaml:"params"`
	Query       map[string]string `yaml:"query"`
	Headers     map[string]string `yaml:"headers"`
	ContentType string            `yaml:"content_type"`
	Body        string            `yaml:"body"` // a valid body (template); default: the spec's example
	Accepted    scenario.Expect   `yaml:"accepted"`
	Rejected    scenario.Expect   `yaml:"rejected"`
	// Unauthenticated is the answer without or with wrong credentials
	// (default: status 401).
	Unauthenticated scenario.Expect `yaml:"unauthenticated"`
	// Setup are requests run before every generated scenario (see
	// scenario.Scenario): an update needs a user to update. What they and
	// the row create is undone by the ledger.
	Setup []scenario.Request `yaml:"setup"`
	// Variants are other media types of the request body to generate rules
	// for: a CSV import, the XML form of a JSON body.
	Variants []Variant `yaml:"variants"`
	// SkipRules names rules not to generate, each with the reason, e.g.
	// {"type-users.firstname": "the service coerces numbers to strings"}.
	SkipRules map[string]string `yaml:"skip_rules"`
	// Flow and With run the operation's rows through a registered flow (for
	// example one that reads the users first and writes them back after);
	// a variant's own flow replaces it for that variant's rows.
	Flow string            `yaml:"flow"`
	With map[string]string `yaml:"with"`
}

// Variant is another body format of an operation.
type Variant struct {
	ContentType string            `yaml:"content_type"`
	Body        string            `yaml:"body"`     // a valid body (template); XML defaults to the JSON body written as XML
	Schema      string            `yaml:"schema"`   // the media type whose schema describes it; default content_type
	XMLRoot     string            `yaml:"xml_root"` // the root element of one object (XML)
	Headers     map[string]string `yaml:"headers"`
	Flow        string            `yaml:"flow"` // run the rows through this flow (e.g. a CSV uploaded as a job)
	With        map[string]string `yaml:"with"`
	Accepted    *scenario.Expect  `yaml:"accepted"`
	Rejected    *scenario.Expect  `yaml:"rejected"`
}

// Tables derives one table per API from every operation that has hints.
// The seed picks the wrong values; the same seed gives the same scenarios.
func Tables(cat *contract.Catalog, seed int64) ([]*scenario.Table, error) {
	byAPI := map[string]*scenario.Table{}
	var order []string
	for _, op := range cat.Operations() {
		h, ok, err := hints(op)
		if err != nil {
			return nil, err
		}
		if !ok || h.Skip != "" {
			continue
		}
		g := &gen{op: op, h: h, rnd: rand.New(rand.NewPCG(uint64(seed), uint64(len(op.ID)))), format: jsonFormat(), accepted: h.Accepted, rejected: h.Rejected, flow: h.Flow, with: h.With}
		rows, err := g.scenarios()
		if err != nil {
			return nil, fmt.Errorf("generate %s: %w", op.ID, err)
		}
		t := byAPI[h.API]
		if t == nil {
			t = &scenario.Table{API: h.API, Prefix: "GEN-", File: "specs/" + op.File, Title: "generated from " + op.File}
			byAPI[h.API] = t
			order = append(order, h.API)
		}
		t.Scenarios = append(t.Scenarios, rows...)
	}
	sort.Strings(order)
	var out []*scenario.Table
	for _, api := range order {
		if err := scenario.Check(byAPI[api]); err != nil {
			return nil, err
		}
		out = append(out, byAPI[api])
	}
	return out, nil
}

func hints(op *contract.Operation) (Hints, bool, error) {
	var h Hints
	raw, ok := op.Op.Extensions["x-conformance"]
	if !ok {
		return h, false, nil
	}
	b, err := yaml.Marshal(raw)
	if err != nil {
		return h, false, err
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&h); err != nil {
		return h, false, fmt.Errorf("%s: x-conformance: %w", op.ID, err)
	}
	if h.API == "" {
		return h, false, fmt.Errorf("%s: x-conformance needs api", op.ID)
	}
	if len(h.Unauthenticated.Status) == 0 && len(h.Unauthenticated.AnyOf) == 0 {
		h.Unauthenticated.Status = scenario.Statuses{http.StatusUnauthorized}
	}
	return h, true, nil
}

type gen struct {
	op   *contract.Operation
	h    Hints
	rnd  *rand.Rand
	rows []scenario.Scenario
	// placeholders maps the sentinels of a templated body back to {{...}}.
	placeholders map[string]string

	// The body format being generated, its rule-name tag, its expectations,
	// and the flow its rows run through (variants may name one).
	format             format
	tag                string
	accepted, rejected scenario.Expect
	flow               string
	with               map[string]string
}

func (g *gen) scenarios() ([]scenario.Scenario, error) {
	ct, media := g.media()
	base := scenario.Request{
		Operation: g.op.ID,
		Params:    g.h.Params,
		Query:     g.h.Query,
		Headers:   map[string]string{},
	}
	for k, v := range g.h.Headers {
		base.Headers[k] = v
	}
	hasBody := media != nil
	var doc any
	if hasBody {
		base.Headers["Content-Type"] = ct
		text, err := g.validBody(media)
		if err != nil {
			return nil, err
		}
		base.Body = text
		if doc, err = g.bodyRules(base, bodyFormat(ct), "", media.Schema, g.h.Accepted, g.h.Rejected); err != nil {
			return nil, err
		}
	} else {
		g.add("valid", "", "a request built from the spec is accepted", base, g.h.Accepted, false)
	}
	for _, v := range g.h.Variants {
		if err := g.variant(base, doc, v); err != nil {
			return nil, fmt.Errorf("variant %s: %w", v.ContentType, err)
		}
	}

	noAuth := base
	noAuth.Auth = "none"
	g.add("noauth", "", "without credentials is refused", noAuth, g.h.Unauthenticated, true)
	badAuth := base
	badAuth.Auth = "wrong-password"
	g.add("badauth", "", "with a wrong password is refused", badAuth, g.h.Unauthenticated, true)
	if hasBody {
		mt := base
		mt.Headers = copyMap(base.Headers)
		mt.Headers["Content-Type"] = "text/plain"
		g.add("mediatype", "", "an unsupported media type (text/plain) is refused", mt, g.h.Rejected, true)
	}
	if m := g.unsupportedMethod(); m != "" {
		wm := base
		wm.Method = m
		wm.Invalid = true
		g.add("method", "", fmt.Sprintf("method %s, which the path does not have, is refused", m), wm,
			scenario.Expect{Status: scenario.Statuses{http.StatusNotFound, http.StatusMethodNotAllowed}, NoContract: true}, true)
	}
	return g.rows, nil
}

// bodyRules adds the valid request and every schema rule's refused variant
// for one body format, and returns the decoded valid document.
func (g *gen) bodyRules(base scenario.Request, f format, tag string, schema *openapi3.SchemaRef, accepted, rejected scenario.Expect) (any, error) {
	g.format, g.tag, g.accepted, g.rejected = f, tag, accepted, rejected
	defer func() { g.format, g.tag, g.accepted, g.rejected = jsonFormat(), "", g.h.Accepted, g.h.Rejected }()
	g.add(g.rule("valid"), "", "a request built from the spec is accepted"+g.in(), base, accepted, false)
	doc, ph, err := f.decode(base.Body)
	if err != nil {
		return nil, fmt.Errorf("the valid body: %w", err)
	}
	g.placeholders = ph
	if schema != nil {
		g.walk(base, doc, schema, nil)
	}
	for _, extra := range f.extra {
		text, err := extra.make(doc, base.Body)
		if err != nil {
			return nil, err
		}
		req := base
		req.Body = restorePlaceholders(text, g.placeholders)
		req.Headers = copyMap(base.Headers)
		req.Encoding = extra.encoding
		g.add(g.rule(extra.rule), "", extra.title+g.in(), req, rejected, true)
	}
	return doc, nil
}

// variant generates the body rules for another media type of the same
// operation: a CSV import, the XML form of a JSON body.
func (g *gen) variant(base scenario.Request, jsonDoc any, v Variant) error {
	rb := g.op.Op.RequestBody
	schemaType := v.Schema
	if schemaType == "" {
		schemaType = v.ContentType
	}
	var schema *openapi3.SchemaRef
	if rb != nil && rb.Value != nil {
		if m := rb.Value.Content.Get(schemaType); m != nil {
			schema = m.Schema
		}
	}
	req := base
	req.Headers = copyMap(base.Headers)
	req.Headers["Content-Type"] = v.ContentType
	for k, val := range v.Headers {
		req.Headers[k] = val
	}
	var f format
	var tag string
	switch {
	case strings.Contains(v.ContentType, "csv"):
		f, tag = csvFormat(), "csv"
		req.Body = v.Body
	case strings.Contains(v.ContentType, "xml"):
		if v.XMLRoot == "" {
			return fmt.Errorf("an XML variant needs xml_root")
		}
		f, tag = xmlFormat(v.XMLRoot), "xml"
		req.Body = v.Body
		if req.Body == "" {
			if jsonDoc == nil {
				return fmt.Errorf("an XML variant without a body needs a JSON body to write as XML")
			}
			text, err := f.encode(jsonDoc)
			if err != nil {
				return err
			}
			req.Body = restorePlaceholders(text, g.placeholders)
		}
	default:
		return fmt.Errorf("no generator for %s bodies", v.ContentType)
	}
	if req.Body == "" {
		return fmt.Errorf("a %s variant needs a body", tag)
	}
	accepted, rejected := g.h.Accepted, g.h.Rejected
	if v.Accepted != nil {
		accepted = *v.Accepted
	}
	if v.Rejected != nil {
		rejected = *v.Rejected
	}
	g.flow, g.with = v.Flow, v.With
	defer func() { g.flow, g.with = g.h.Flow, g.h.With }()
	_, err := g.bodyRules(req, f, tag, schema, accepted, rejected)
	return err
}

// rule prefixes a rule name with the format's tag (csv-missing-id).
func (g *gen) rule(r string) string {
	if g.tag == "" {
		return r
	}
	return g.tag + "-" + r
}

// in names the format in titles of non-JSON variants.
func (g *gen) in() string {
	if g.tag == "" {
		return ""
	}
	return " (" + strings.ToUpper(g.tag) + ")"
}

// add appends one row unless a skip rule names it.
func (g *gen) add(rule, path, title string, req scenario.Request, want scenario.Expect, invalid bool) {
	name := rule
	if path != "" {
		name += "-" + path
	}
	if reason, skip := g.h.SkipRules[name]; skip && reason != "" {
		return
	}
	req.Invalid = req.Invalid || invalid
	labels := append([]string{"generated", "op:" + g.op.ID, "kind:" + kindOf(rule)}, g.h.Labels...)
	if g.h.Mutates {
		labels = append(labels, "mutates")
	}
	g.rows = append(g.rows, scenario.Scenario{
		ID:      "GEN-" + g.op.ID + "-" + name,
		Title:   title,
		Labels:  labels,
		Flow:    g.flow,
		With:    g.with,
		Request: req,
		Expect:  want,
		Setup:   g.h.Setup,
		API:     g.h.API,
		File:    "specs/" + g.op.File,
		Line:    g.op.Line,
	})
}

func kindOf(rule string) string {
	switch rule {
	case "noauth", "badauth":
		return "auth"
	case "valid":
		return "contract"
	}
	return "error-code"
}

// media picks the request content type: the hint, else the first declared.
func (g *gen) media() (string, *openapi3.MediaType) {
	rb := g.op.Op.RequestBody
	if rb == nil || rb.Value == nil || len(rb.Value.Content) == 0 {
		return "", nil
	}
	if g.h.ContentType != "" {
		return g.h.ContentType, rb.Value.Content.Get(g.h.ContentType)
	}
	var types []string
	for t := range rb.Value.Content {
		types = append(types, t)
	}
	sort.Strings(types)
	return types[0], rb.Value.Content[types[0]]
}

// validBody is the hint's body, else the first example, else one built from
// the schema.
func (g *gen) validBody(m *openapi3.MediaType) (string, error) {
	if g.h.Body != "" {
		return g.h.Body, nil
	}
	if m.Example != nil {
		b, err := json.Marshal(m.Example)
		return string(b), err
	}
	names := make([]string, 0, len(m.Examples))
	for n := range m.Examples {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if ex := m.Examples[n]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
			b, err := json.Marshal(ex.Value.Value)
			return string(b), err
		}
	}
	if m.Schema == nil {
		return "", fmt.Errorf("no schema and no example for the request body")
	}
	b, err := json.Marshal(Example(m.Schema))
	return string(b), err
}

var allMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch}

func (g *gen) unsupportedMethod() string {
	var free []string
	for _, m := range allMethods {
		if g.op.Item.GetOperation(m) == nil {
			free = append(free, m)
		}
	}
	if len(free) == 0 {
		return ""
	}
	return free[g.rnd.IntN(len(free))]
}

// walk generates the schema rules for the value at path (keys and indexes).
func (g *gen) walk(base scenario.Request, doc any, ref *openapi3.SchemaRef, path []any) {
	s := resolve(ref)
	if s == nil {
		return
	}
	val, present := get(doc, path)
	if alt := alternative(s, val); alt != nil {
		// oneOf/anyOf (one user or a list of users): the rules of the
		// alternative the valid body takes.
		g.walk(base, doc, alt, path)
		return
	}
	switch {
	case s.Type.Is("object") || len(s.Properties) > 0:
		names := make([]string, 0, len(s.Properties))
		for n := range s.Properties {
			names = append(names, n)
		}
		sort.Strings(names)
		required := map[string]bool{}
		for _, r := range s.Required {
			required[r] = true
		}
		obj, _ := val.(map[string]any)
		for _, n := range names {
			p := append(append([]any{}, path...), n)
			ps := resolve(s.Properties[n])
			if ps == nil || ps.ReadOnly {
				continue
			}
			if required[n] && obj != nil {
				g.mutation(base, doc, p, nil, true, "missing", "without required "+show(p)+" is refused")
			}
			g.valueRules(base, doc, ps, p)
			if _, ok := obj[n]; ok {
				g.walk(base, doc, s.Properties[n], p)
			}
		}
	case s.Type.Is("array"):
		if arr, ok := val.([]any); ok && present && len(arr) > 0 && s.Items != nil {
			g.walk(base, doc, s.Items, append(append([]any{}, path...), 0))
		}
	}
}

// alternative is the first oneOf/anyOf alternative of a schema that has
// no type or properties of its own whose kind (object or array) is the
// valid value's; nil when there is none.
func alternative(s *openapi3.Schema, val any) *openapi3.SchemaRef {
	if s.Type != nil && len(s.Type.Slice()) > 0 || len(s.Properties) > 0 {
		return nil
	}
	alts := append(append(openapi3.SchemaRefs{}, s.OneOf...), s.AnyOf...)
	for _, a := range alts {
		as := resolve(a)
		if as == nil {
			continue
		}
		switch val.(type) {
		case map[string]any:
			if as.Type.Is("object") || len(as.Properties) > 0 {
				return a
			}
		case []any:
			if as.Type.Is("array") {
				return a
			}
		}
	}
	return nil
}

// valueRules: wrong type, outside the enum, too long, breaking the pattern or format.
func (g *gen) valueRules(base scenario.Request, doc any, s *openapi3.Schema, p []any) {
	if g.format.typed {
		g.mutation(base, doc, p, g.wrongType(s), false, "type", show(p)+" of the wrong type is refused")
	}
	if len(s.Enum) > 0 {
		g.mutation(base, doc, p, "not-in-enum-"+fmt.Sprint(g.rnd.IntN(1000)), false, "enum", show(p)+" outside its enum is refused")
	}
	if s.MaxLength != nil {
		g.mutation(base, doc, p, strings.Repeat("x", int(*s.MaxLength)+1), false, "maxlength", fmt.Sprintf("%s longer than %d is refused", show(p), *s.MaxLength))
	}
	if s.Pattern != "" {
		if v, ok := breaking(s.Pattern, g.rnd); ok {
			g.mutation(base, doc, p, v, false, "pattern", show(p)+" breaking /"+s.Pattern+"/ is refused")
		}
	}
	if bad, ok := badFormat[s.Format]; ok {
		g.mutation(base, doc, p, bad[g.rnd.IntN(len(bad))], false, "format", show(p)+" breaking format "+s.Format+" is refused")
	}
}

// badFormat holds values every validator of the format refuses.
var badFormat = map[string][]string{
	"email":     {"not-an-email", "two@@example.com", "no-domain@"},
	"date":      {"2026-13-45", "yesterday"},
	"date-time": {"2026-13-45T99:00:00Z", "now"},
	"uri":       {"::not a uri::"},
}

func (g *gen) wrongType(s *openapi3.Schema) any {
	switch {
	case s.Type.Is("string"):
		return []any{12345, true}[g.rnd.IntN(2)]
	case s.Type.Is("integer"), s.Type.Is("number"):
		return "not-a-number"
	case s.Type.Is("boolean"):
		return "not-a-boolean"
	case s.Type.Is("array"):
		return "not-an-array"
	case s.Type.Is("object"):
		return []any{"not-an-object", 7}[g.rnd.IntN(2)]
	}
	return nil
}

// mutation adds one refused variant of the valid body: the value at p
// deleted (remove) or replaced.
func (g *gen) mutation(base scenario.Request, doc any, p []any, v any, remove bool, rule, title string) {
	if !remove && v == nil {
		return
	}
	var mutated any
	if remove && g.format.columns {
		// In a table a required property is missing for every row: the
		// column is gone from the header.
		mutated = dropColumn(deepCopy(doc), p[len(p)-1].(string))
		rule, title = "missing-column", "without the required column "+show(p[len(p)-1:])+" is refused"
	} else {
		mutated = set(deepCopy(doc), p, v, remove)
	}
	text, err := g.format.encode(mutated)
	if err != nil {
		return
	}
	req := base
	req.Body = restorePlaceholders(text, g.placeholders)
	req.Headers = copyMap(base.Headers)
	g.add(g.rule(rule), pathID(p), title+g.in(), req, g.rejected, true)
}

func resolve(ref *openapi3.SchemaRef) *openapi3.Schema {
	if ref == nil || ref.Value == nil {
		return nil
	}
	s := ref.Value
	if len(s.AllOf) > 0 && len(s.Properties) == 0 {
		// allOf of one object and refinements: merge the properties.
		merged := *s
		merged.Properties = openapi3.Schemas{}
		for _, part := range s.AllOf {
			if ps := resolve(part); ps != nil {
				for k, v := range ps.Properties {
					merged.Properties[k] = v
				}
				merged.Required = append(merged.Required, ps.Required...)
				if merged.Type == nil {
					merged.Type = ps.Type
				}
			}
		}
		return &merged
	}
	return s
}

// breaking finds a value that does not match the pattern.
func breaking(pattern string, rnd *rand.Rand) (string, bool) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return "", false
	}
	candidates := []string{"", " ", "x y", "!!invalid!!", "\t", "../", strings.Repeat("9", 300)}
	start := rnd.IntN(len(candidates))
	for i := range candidates {
		c := candidates[(start+i)%len(candidates)]
		if !re.MatchString(c) {
			return c, true
		}
	}
	return "", false
}

// idUnsafe are the characters a scenario ID cannot hold (CSV columns have spaces).
var idUnsafe = regexp.MustCompile(`[^A-Za-z0-9_]`)

// pathID renders a path for an ID: users.userlogin (indexes dropped).
func pathID(p []any) string {
	var parts []string
	for _, x := range p {
		if s, ok := x.(string); ok {
			parts = append(parts, idUnsafe.ReplaceAllString(s, "_"))
		}
	}
	return strings.Join(parts, ".")
}

// show renders a path for a title: users[0].userlogin.
func show(p []any) string {
	var b strings.Builder
	for _, x := range p {
		switch v := x.(type) {
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(v)
		case int:
			fmt.Fprintf(&b, "[%d]", v)
		}
	}
	return b.String()
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// All is every scenario table of a run: the hand-written ones under
// fixtures' scenarios/, then those generated from the specs with seed.
func All(fixtures fs.FS, cat *contract.Catalog, seed int64) ([]*scenario.Table, error) {
	tables, err := scenario.LoadDir(fixtures, "scenarios")
	if err != nil {
		return nil, err
	}
	generated, err := Tables(cat, seed)
	if err != nil {
		return nil, err
	}
	return append(tables, generated...), nil
}
