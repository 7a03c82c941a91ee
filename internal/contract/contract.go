// Package contract loads the OpenAPI specs and checks requests and responses
// against one operation. Operations are found by operationId or by method and
// path template, never through the spec's servers: a target can live at any
// URL (kin-openapi).
package contract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// Catalog is every operation of every spec, by operationId.
type Catalog struct {
	ops   map[string]*Operation
	order []*Operation
	docs  map[string]*openapi3.T
}

// Operation is one method on one path of one spec.
type Operation struct {
	ID     string
	Method string
	Path   string // the template, e.g. /essbase/rest/v1/users/{id}
	File   string // the spec file it comes from
	Line   int    // the line of its method key in File (put:, get: ...)
	Doc    *openapi3.T
	Item   *openapi3.PathItem
	Op     *openapi3.Operation
	// ChangesNothing is why a non-GET operation changes no data on the
	// target (its spec's x-changes-nothing), so the road sends it as a
	// read; "" for every other operation.
	ChangesNothing string

	pathRE *regexp.Regexp
	params []string
}

// Violation is one rule of the spec that an exchange broke.
type Violation struct {
	Operation string
	Side      string // "request" or "response"
	Status    int    // the response status, 0 for request violations
	Path      string // JSON pointer into the body, or a header/parameter name
	Message   string
}

func (v Violation) String() string {
	where := v.Side
	if v.Status != 0 {
		where = fmt.Sprintf("%s %d", v.Side, v.Status)
	}
	if v.Path != "" {
		return fmt.Sprintf("%s: %s at %s: %s", v.Operation, where, v.Path, v.Message)
	}
	return fmt.Sprintf("%s: %s: %s", v.Operation, where, v.Message)
}

// Load reads and validates every *.yaml document in fsys.
func Load(fsys fs.FS) (*Catalog, error) {
	files, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	c := &Catalog{ops: map[string]*Operation{}, docs: map[string]*openapi3.T{}}
	for _, name := range files {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		if err := c.add(name, data); err != nil {
			return nil, err
		}
	}
	sort.Slice(c.order, func(i, j int) bool { return c.order[i].ID < c.order[j].ID })
	return c, nil
}

func (c *Catalog) add(name string, data []byte) error {
	// Without kin-openapi's origins (IncludeOrigin): they cost a third of
	// loading the specs, which every run does at its start, and the one
	// thing they gave, the line of an operation, methodLines finds in the
	// text.
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return fmt.Errorf("spec %s: %w", name, err)
	}
	if doc.OpenAPI != "3.0.3" {
		return fmt.Errorf("spec %s: openapi %q, want 3.0.3 (3.1 validation is far slower)", name, doc.OpenAPI)
	}
	if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation()); err != nil {
		return fmt.Errorf("spec %s: %w", name, err)
	}
	c.docs[name] = doc
	lines := methodLines(data)
	for _, p := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(p)
		for method, op := range item.Operations() {
			if op.OperationID == "" {
				return fmt.Errorf("spec %s: %s %s has no operationId", name, method, p)
			}
			if _, dup := c.ops[op.OperationID]; dup {
				return fmt.Errorf("spec %s: operationId %s is used twice", name, op.OperationID)
			}
			o := &Operation{ID: op.OperationID, Method: method, Path: p, File: name, Line: lines[[2]string{p, strings.ToLower(method)}], Doc: doc, Item: item, Op: op}
			if why, ok := op.Extensions["x-changes-nothing"].(string); ok {
				o.ChangesNothing = why
			}
			o.compilePath()
			c.ops[o.ID] = o
			c.order = append(c.order, o)
		}
	}
	return nil
}

// Operation returns the operation with that operationId.
func (c *Catalog) Operation(id string) (*Operation, bool) {
	o, ok := c.ops[id]
	return o, ok
}

// Operations lists every operation, sorted by operationId.
func (c *Catalog) Operations() []*Operation { return c.order }

// Documents lists the loaded spec files by name.
func (c *Catalog) Documents() map[string]*openapi3.T { return c.docs }

// Match finds the operation for a method and a request path relative to the
// target's base URL. It reports whether the path matched some operation with
// another method too, so callers can tell "wrong method" from "unknown path".
func (c *Catalog) Match(method, reqPath string) (op *Operation, pathKnown bool) {
	for _, o := range c.order {
		if o.pathRE.MatchString(reqPath) {
			pathKnown = true
			if strings.EqualFold(o.Method, method) {
				return o, true
			}
		}
	}
	return nil, pathKnown
}

var templateParam = regexp.MustCompile(`\{([^}]+)\}`)

func (o *Operation) compilePath() {
	var b strings.Builder
	b.WriteString("^")
	last := 0
	for _, m := range templateParam.FindAllStringSubmatchIndex(o.Path, -1) {
		b.WriteString(regexp.QuoteMeta(o.Path[last:m[0]]))
		b.WriteString(`([^/]+)`)
		o.params = append(o.params, o.Path[m[2]:m[3]])
		last = m[1]
	}
	b.WriteString(regexp.QuoteMeta(o.Path[last:]))
	b.WriteString("$")
	o.pathRE = regexp.MustCompile(b.String())
}

// PathParams extracts the template's parameters from a concrete path.
func (o *Operation) PathParams(reqPath string) (map[string]string, bool) {
	m := o.pathRE.FindStringSubmatch(reqPath)
	if m == nil {
		return nil, false
	}
	out := map[string]string{}
	for i, name := range o.params {
		out[name] = m[i+1]
	}
	return out, true
}

// Fill is the operation's path with its template parameters filled in,
// each escaped as one path segment; parameters it does not name are
// ignored, and those not given stay as written. It is the one place a path
// template is filled: the rows, the ledger and the deviations all use it.
func (o *Operation) Fill(params map[string]string) string { return FillPath(o.Path, params) }

// FillPath fills a path template (see Operation.Fill).
func FillPath(template string, params map[string]string) string {
	return templateParam.ReplaceAllStringFunc(template, func(m string) string {
		if v, ok := params[m[1:len(m)-1]]; ok {
			return url.PathEscape(v)
		}
		return m
	})
}

// APIRoot is a path template's first two segments with their slashes
// (/iam/governance/ of /iam/governance/selfservice/api/v1/users): where a
// product's API starts in a link that is not a URL.
func APIRoot(template string) string {
	parts := strings.SplitN(strings.TrimPrefix(template, "/"), "/", 3)
	if len(parts) < 2 {
		return template
	}
	return "/" + parts[0] + "/" + parts[1] + "/"
}

// Documented reports whether the operation documents that response status.
func (o *Operation) Documented(status int) bool {
	return o.Op.Responses.Status(status) != nil
}

// options are shared by request and response validation. Security is checked
// by the scenarios themselves (they send wrong credentials on purpose), so
// the filter does not authenticate. Formats are checked by the validators
// formats.go registers.
func options() *openapi3filter.Options {
	return &openapi3filter.Options{
		IncludeResponseStatus: true,
		MultiError:            true,
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
	}
}

func (o *Operation) input(req *http.Request, relPath string, body []byte) *openapi3filter.RequestValidationInput {
	params, _ := o.PathParams(relPath)
	clone := req.Clone(req.Context())
	clone.Body = io.NopCloser(bytes.NewReader(body))
	clone.URL.Path = relPath
	return &openapi3filter.RequestValidationInput{
		Request:    clone,
		PathParams: params,
		Route: &routers.Route{
			Spec: o.Doc, Path: o.Path, PathItem: o.Item, Method: o.Method, Operation: o.Op,
		},
		Options: options(),
	}
}

// ValidateRequest checks a request (path relative to the target base) and its body.
func (o *Operation) ValidateRequest(req *http.Request, relPath string, body []byte) []Violation {
	err := openapi3filter.ValidateRequest(req.Context(), o.input(req, relPath, body))
	return o.violations("request", 0, err)
}

// ValidateResponse checks a response against the operation: the status must be
// documented, the content type declared and the body must match its schema.
func (o *Operation) ValidateResponse(req *http.Request, relPath string, reqBody []byte, status int, header http.Header, body []byte) []Violation {
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: o.input(req, relPath, reqBody),
		Status:                 status,
		Header:                 header,
		Options:                options(),
	}
	in.SetBodyBytes(body)
	err := openapi3filter.ValidateResponse(req.Context(), in)
	return o.violations("response", status, err)
}

func (o *Operation) violations(side string, status int, err error) []Violation {
	if err == nil {
		return nil
	}
	var out []Violation
	for _, e := range flatten(err) {
		v := Violation{Operation: o.ID, Side: side, Status: status, Message: e.Error()}
		var se *openapi3.SchemaError
		if errors.As(e, &se) {
			v.Path = "/" + path.Join(se.JSONPointer()...)
			v.Message = se.Reason
			if v.Message == "" {
				v.Message = se.Error()
			}
		}
		var re *openapi3filter.RequestError
		if se == nil && errors.As(e, &re) {
			if re.Parameter != nil {
				v.Path = re.Parameter.In + " " + re.Parameter.Name
			}
			v.Message = re.Error()
		}
		var rse *openapi3filter.ResponseError
		if se == nil && errors.As(e, &rse) {
			v.Message = rse.Error()
		}
		out = append(out, v)
	}
	return out
}

// flatten unwraps kin-openapi's MultiError trees into single errors.
func flatten(err error) []error {
	var multi openapi3.MultiError
	if errors.As(err, &multi) {
		var out []error
		for _, e := range multi {
			out = append(out, flatten(e)...)
		}
		return out
	}
	var re *openapi3filter.RequestError
	if errors.As(err, &re) && re.Err != nil {
		var inner openapi3.MultiError
		if errors.As(re.Err, &inner) {
			var out []error
			for _, e := range inner {
				out = append(out, flatten(e)...)
			}
			return out
		}
	}
	var rse *openapi3filter.ResponseError
	if errors.As(err, &rse) && rse.Err != nil {
		var inner openapi3.MultiError
		if errors.As(rse.Err, &inner) {
			var out []error
			for _, e := range inner {
				out = append(out, flatten(e)...)
			}
			return out
		}
	}
	return []error{err}
}
