package contract

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"golang.org/x/text/encoding/htmlindex"
)

// kin-openapi has no application/xml body decoder, so every XML exchange
// (Essbase takes and answers XML, Add or Import User(s) (https://docs.oracle.com/en/database/other-databases/essbase/21/essrt/op-users-post.html)) was reported
// as "unsupported content type" and never checked. Registering this decoder
// turns the XML into the value the schema describes, so an XML request or
// answer is checked against the same schema as its JSON twin.
func init() {
	openapi3filter.RegisterBodyDecoder("application/xml", XMLBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/xml", XMLBodyDecoder)
}

// XMLBodyDecoder decodes an XML body into the JSON-like value its schema
// describes, following OpenAPI's XML mapping (the layout of Q-ESS-010):
//
//   - the root element is the object itself; its name must be the schema's
//     xml.name when the schema gives one (with oneOf/anyOf, the root name
//     picks the alternative that names it: <user> or <users>);
//   - each child element is the property of its name (or of the property
//     whose xml.name it is); an attribute is a property marked
//     xml.attribute;
//   - an array property is unwrapped, one element per value, unless its
//     schema says xml.wrapped; a single empty element alone is an empty
//     array (XML has no other way to send one: "<groups/>" clears groups);
//     a property that may be a string or an array (oneOf) is an array only
//     when its element repeats;
//   - text is a string, or a number or boolean where the schema says so; an
//     element that is not in the schema keeps its shape (text, object, or a
//     list when it repeats) so additionalProperties can report it.
//
// Mixed content and namespaces are ignored; a body that is not well-formed
// XML, has no root element or more than one, or names another root than
// the schema is an error, which validation reports as a violation.
func XMLBodyDecoder(body io.Reader, _ http.Header, schema *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
	root, err := parseXML(body)
	if err != nil {
		return nil, err
	}
	var s *openapi3.Schema
	if schema != nil {
		s = schema.Value
	}
	alts := rootAlternatives(s, root.name)
	if alts == nil {
		return nil, fmt.Errorf("xml body: root element <%s>, the schema names %s", root.name, strings.Join(rootNames(s), " or "))
	}
	return convert(root, merge(alts)), nil
}

// element is one parsed XML element.
type element struct {
	name     string
	attrs    []xml.Attr
	text     string
	children []*element
}

// parseXML reads the whole document into a tree.
func parseXML(body io.Reader) (*element, error) {
	d := xml.NewDecoder(body)
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		enc, err := htmlindex.Get(label)
		if err != nil {
			return nil, fmt.Errorf("encoding %q is not supported", label)
		}
		return enc.NewDecoder().Reader(in), nil
	}
	var root *element
	var stack []*element
	var text bytes.Buffer
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line, _ := d.InputPos()
			return nil, fmt.Errorf("xml body: not well-formed near line %d: %w", line, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			e := &element{name: t.Name.Local, attrs: t.Attr}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("xml body: more than one root element")
				}
				root = e
			} else {
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, e)
			}
			stack = append(stack, e)
			text.Reset()
		case xml.EndElement:
			e := stack[len(stack)-1]
			if len(e.children) == 0 {
				e.text = text.String()
			}
			stack = stack[:len(stack)-1]
			text.Reset()
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, errors.New("xml body: text outside the root element")
				}
				continue
			}
			text.Write(t)
		}
	}
	if root == nil {
		return nil, errors.New("xml body: no root element")
	}
	return root, nil
}

// alternatives flattens oneOf and anyOf (allOf parts are merged by merge).
func alternatives(s *openapi3.Schema) []*openapi3.Schema {
	if s == nil {
		return nil
	}
	var parts openapi3.SchemaRefs
	parts = append(parts, s.OneOf...)
	parts = append(parts, s.AnyOf...)
	if len(parts) == 0 {
		return []*openapi3.Schema{s}
	}
	var out []*openapi3.Schema
	for _, p := range parts {
		if p != nil && p.Value != nil {
			out = append(out, alternatives(p.Value)...)
		}
	}
	return out
}

// xmlName is the element name a schema gives itself, or the first one its
// allOf parts give, or "".
func xmlName(s *openapi3.Schema) string {
	if s == nil {
		return ""
	}
	if s.XML != nil && s.XML.Name != "" {
		return s.XML.Name
	}
	for _, p := range s.AllOf {
		if p != nil {
			if n := xmlName(p.Value); n != "" {
				return n
			}
		}
	}
	return ""
}

// rootAlternatives are the alternatives the root element may be: those that
// name it, else those that name no root. nil means the root is wrong.
func rootAlternatives(s *openapi3.Schema, root string) []*openapi3.Schema {
	alts := alternatives(s)
	if len(alts) == 0 {
		return []*openapi3.Schema{nil} // no schema: keep the shape
	}
	var named, unnamed []*openapi3.Schema
	for _, a := range alts {
		switch xmlName(a) {
		case root:
			named = append(named, a)
		case "":
			unnamed = append(unnamed, a)
		}
	}
	if len(named) > 0 {
		return named
	}
	return unnamed
}

func rootNames(s *openapi3.Schema) []string {
	var out []string
	for _, a := range alternatives(s) {
		if n := xmlName(a); n != "" {
			out = append(out, "<"+n+">")
		}
	}
	return out
}

// shape is what conversion needs to know about the schemas a value may
// have: the merged properties of every alternative and allOf part, whether
// it is (or may be) an array, its items, and its scalar type.
type shape struct {
	props   map[string]*openapi3.SchemaRef
	array   bool // the schema is an array
	maybe   bool // one alternative is an array, another is not
	items   *openapi3.Schema
	scalar  string // "number", "integer", "boolean", or "" for strings
	wrapped bool
	known   bool // a schema was there at all
}

// merge describes the union of the schemas; where two declare the same
// property, an array declaration wins (it decides how elements group).
func merge(schemas []*openapi3.Schema) shape {
	sh := shape{props: map[string]*openapi3.SchemaRef{}}
	nonArray := false
	var visit func(s *openapi3.Schema)
	visit = func(s *openapi3.Schema) {
		if s == nil {
			return
		}
		sh.known = true
		for _, part := range s.AllOf {
			if part != nil {
				visit(part.Value)
			}
		}
		if len(s.OneOf)+len(s.AnyOf) > 0 {
			for _, a := range alternatives(s) {
				visit(a)
			}
			return
		}
		switch {
		case s.Type.Is("array"):
			sh.array = true
			if sh.items == nil && s.Items != nil {
				sh.items = s.Items.Value
			}
			if s.XML != nil && s.XML.Wrapped {
				sh.wrapped = true
			}
		case s.Type.Is("number"), s.Type.Is("integer"), s.Type.Is("boolean"):
			nonArray = true
			if sh.scalar == "" {
				sh.scalar = s.Type.Slice()[0]
			}
		default:
			if s.Type.Is("object") || len(s.Properties) > 0 || s.Type.Is("string") {
				nonArray = true
			}
		}
		for name, p := range s.Properties {
			old, seen := sh.props[name]
			if !seen || (p != nil && p.Value != nil && p.Value.Type.Is("array") && (old == nil || old.Value == nil || !old.Value.Type.Is("array"))) {
				sh.props[name] = p
			}
		}
	}
	for _, s := range schemas {
		visit(s)
	}
	if sh.array && nonArray {
		sh.array, sh.maybe = false, true
	}
	return sh
}

func shapeOf(s *openapi3.Schema) shape {
	if s == nil {
		return shape{props: map[string]*openapi3.SchemaRef{}}
	}
	return merge([]*openapi3.Schema{s})
}

// convert turns an element into the value its shape describes. An array
// element at the root (a wrapped list) holds its items as children.
func convert(e *element, sh shape) any {
	if sh.array {
		var out []any
		for _, c := range e.children {
			out = append(out, convert(c, shapeOf(sh.items)))
		}
		if out == nil {
			out = []any{}
		}
		return out
	}
	if len(e.children) == 0 && len(e.attrs) == 0 && len(sh.props) == 0 {
		return scalar(e.text, sh.scalar)
	}
	if len(e.children) == 0 && len(e.attrs) == 0 && (!sh.known || strings.TrimSpace(e.text) != "") {
		// Text where an object is described stays text, so the type check
		// reports it.
		return e.text
	}
	obj := map[string]any{}
	// Property names by element name (xml.name renames) and attribute.
	byElement := map[string]string{}
	for name, p := range sh.props {
		el := name
		if p != nil && p.Value != nil {
			if n := xmlName(p.Value); n != "" && (p.Value.XML == nil || !p.Value.XML.Wrapped) {
				el = n
			}
			if p.Value.Type.Is("array") && p.Value.Items != nil && p.Value.Items.Value != nil && (p.Value.XML == nil || !p.Value.XML.Wrapped) {
				if n := xmlName(p.Value.Items.Value); n != "" {
					el = n
				}
			}
		}
		byElement[el] = name
	}
	for _, a := range e.attrs {
		if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" {
			continue
		}
		name := a.Name.Local
		if prop, ok := byElement[name]; ok {
			name = prop
		}
		var ps *openapi3.Schema
		if p := sh.props[name]; p != nil {
			ps = p.Value
		}
		if ps == nil || ps.XML == nil || !ps.XML.Attribute {
			continue // an attribute the schema does not describe is markup
		}
		obj[name] = scalar(a.Value, shapeOf(ps).scalar)
	}
	// Group the children by property, keeping the first appearance order.
	groups := map[string][]*element{}
	var order []string
	for _, c := range e.children {
		name := c.name
		if prop, ok := byElement[name]; ok {
			name = prop
		}
		if _, seen := groups[name]; !seen {
			order = append(order, name)
		}
		groups[name] = append(groups[name], c)
	}
	for _, name := range order {
		els := groups[name]
		p, known := sh.props[name]
		if !known || p == nil || p.Value == nil {
			obj[name] = unknown(els)
			continue
		}
		psh := shapeOf(p.Value)
		switch {
		case psh.array && psh.wrapped:
			obj[name] = convert(els[0], psh)
		case psh.array || (psh.maybe && len(els) > 1):
			if len(els) == 1 && len(els[0].children) == 0 && strings.TrimSpace(els[0].text) == "" && len(els[0].attrs) == 0 {
				obj[name] = []any{}
				continue
			}
			items := shapeOf(psh.items)
			if psh.maybe {
				items = merge(nonArrays(p.Value))
			}
			list := make([]any, len(els))
			for i, c := range els {
				list[i] = convert(c, items)
			}
			obj[name] = list
		case len(els) > 1:
			// Repeated where the schema wants one value: keep them all, so
			// the type check says so.
			list := make([]any, len(els))
			for i, c := range els {
				list[i] = convert(c, psh)
			}
			obj[name] = list
		default:
			obj[name] = convert(els[0], psh)
		}
	}
	return obj
}

// nonArrays are the alternatives of a string-or-array schema that are not
// the array, plus the array's items: what one repeated element may be.
func nonArrays(s *openapi3.Schema) []*openapi3.Schema {
	var out []*openapi3.Schema
	for _, a := range alternatives(s) {
		if a.Type.Is("array") {
			if a.Items != nil && a.Items.Value != nil {
				out = append(out, a.Items.Value)
			}
			continue
		}
		out = append(out, a)
	}
	return out
}

// unknown converts elements no schema describes, by their shape.
func unknown(els []*element) any {
	one := func(e *element) any {
		if len(e.children) == 0 {
			return e.text
		}
		return convert(e, shape{props: map[string]*openapi3.SchemaRef{}})
	}
	if len(els) == 1 {
		return one(els[0])
	}
	list := make([]any, len(els))
	for i, e := range els {
		list[i] = one(e)
	}
	return list
}

// scalar reads text as the schema's type; text that is not one stays a
// string, so the type check reports it.
func scalar(text, typ string) any {
	t := strings.TrimSpace(text)
	switch typ {
	case "number", "integer":
		if f, err := strconv.ParseFloat(t, 64); err == nil {
			return f
		}
	case "boolean":
		if b, err := strconv.ParseBool(t); err == nil && (t == "true" || t == "false") {
			return b
		}
	}
	return text
}
