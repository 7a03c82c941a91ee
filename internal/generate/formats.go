package generate

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
)

// format reads a valid body into a document the schema walk understands
// and writes mutated documents back in the same form.
type format struct {
	decode func(text string) (any, map[string]string, error)
	encode func(doc any) (string, error)
	// typed formats carry value types (JSON); text formats (CSV, XML) have
	// only strings, so wrong-type rules do not apply.
	typed bool
	// columns: a missing required property is a missing column (CSV).
	columns bool
	// extra are rules of the format itself (an extra CSV column, broken XML).
	extra []extraRule
}

type extraRule struct {
	rule, title string
	make        func(doc any, valid string) (string, error)
	encoding    string // the body is sent re-encoded (see scenario.Request.Encoding)
}

func jsonFormat() format {
	return format{
		decode: decodeTemplated,
		encode: func(doc any) (string, error) {
			b, err := json.Marshal(doc)
			return string(b), err
		},
		typed: true,
	}
}

// bodyFormat picks the format of an operation's own request body by media
// type: a form is read into its fields (so a required field can go missing
// and an enum be broken), a body that is neither JSON nor a form is opaque
// (only the valid request and the request-level rules apply), anything else
// is JSON. Other formats of the same operation are variants.
func bodyFormat(contentType string) format {
	mt := strings.ToLower(strings.TrimSpace(strings.Split(contentType, ";")[0]))
	switch {
	case mt == "application/x-www-form-urlencoded":
		return formFormat()
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return jsonFormat()
	}
	return opaqueFormat()
}

// formFormat: the document is the form's fields as strings, each field
// once (a repeated field keeps its first value).
func formFormat() format {
	return format{
		decode: func(text string) (any, map[string]string, error) {
			swapped, ph := swapPlaceholders(text)
			vals, err := url.ParseQuery(swapped)
			if err != nil {
				return nil, nil, fmt.Errorf("not a form: %w", err)
			}
			doc := map[string]any{}
			for k, v := range vals {
				doc[k] = v[0]
			}
			return doc, ph, nil
		},
		encode: func(doc any) (string, error) {
			m, ok := doc.(map[string]any)
			if !ok {
				return "", fmt.Errorf("a form is a set of fields")
			}
			vals := url.Values{}
			for k, v := range m {
				vals.Set(k, fmt.Sprint(v))
			}
			return vals.Encode(), nil
		},
	}
}

// opaqueFormat: the body is sent as written and never mutated.
func opaqueFormat() format {
	return format{
		decode: func(text string) (any, map[string]string, error) { return nil, nil, nil },
		encode: func(any) (string, error) { return "", fmt.Errorf("an opaque body is not mutated") },
	}
}

// csvFormat: the document is the rows as objects keyed by the header, as the
// specs' text/csv schemas describe them (internal/contract/csv.go).
func csvFormat() format {
	var header []string
	encode := func(doc any) (string, error) {
		rows, _ := doc.([]any)
		cols := append([]string(nil), header...)
		seen := map[string]bool{}
		for _, c := range cols {
			seen[c] = true
		}
		var added []string
		for _, r := range rows {
			if m, ok := r.(map[string]any); ok {
				for k := range m {
					if !seen[k] {
						seen[k] = true
						added = append(added, k)
					}
				}
			}
		}
		sort.Strings(added)
		cols = append(cols, added...)
		var present []string
		for _, c := range cols {
			for _, r := range rows {
				if m, ok := r.(map[string]any); ok {
					if _, has := m[c]; has {
						present = append(present, c)
						break
					}
				}
			}
		}
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		if err := w.Write(present); err != nil {
			return "", err
		}
		for _, r := range rows {
			m, _ := r.(map[string]any)
			rec := make([]string, len(present))
			for i, c := range present {
				if v, ok := m[c]; ok && v != nil {
					rec[i] = fmt.Sprint(v)
				}
			}
			if err := w.Write(rec); err != nil {
				return "", err
			}
		}
		w.Flush()
		return b.String(), w.Error()
	}
	return format{
		decode: func(text string) (any, map[string]string, error) {
			swapped, ph := swapPlaceholders(text)
			r := csv.NewReader(strings.NewReader(swapped))
			r.FieldsPerRecord = -1
			recs, err := r.ReadAll()
			if err != nil {
				return nil, nil, fmt.Errorf("not CSV: %w", err)
			}
			if len(recs) < 2 {
				return nil, nil, fmt.Errorf("a valid CSV body needs a header and a row")
			}
			header = nil
			for _, h := range recs[0] {
				header = append(header, strings.TrimSpace(h))
			}
			var rows []any
			for _, rec := range recs[1:] {
				m := map[string]any{}
				for i, v := range rec {
					if i < len(header) {
						m[header[i]] = v
					}
				}
				rows = append(rows, m)
			}
			return rows, ph, nil
		},
		encode:  encode,
		columns: true,
		extra: []extraRule{{
			rule: "extra-column", title: "a column the layout does not have is refused",
			make: func(doc any, _ string) (string, error) {
				rows := deepCopy(doc).([]any)
				for _, r := range rows {
					if m, ok := r.(map[string]any); ok {
						m["Conformance Extra"] = "x"
					}
				}
				return encode(rows)
			},
		}, {
			rule: "encoding", title: "a file in UTF-16, neither UTF-8 nor ANSI, is refused",
			make:     func(_ any, valid string) (string, error) { return valid, nil },
			encoding: "utf-16le",
		}},
	}
}

// xmlFormat: one object is <root>…</root> with one element per property and
// a repeated element per value of a list; a list of objects is <roots>.
func xmlFormat(root string) format {
	encode := func(doc any) (string, error) {
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
		if list, ok := doc.([]any); ok {
			b.WriteString("<" + root + "s>")
			for _, e := range list {
				writeXML(&b, root, e)
			}
			b.WriteString("</" + root + "s>")
		} else {
			writeXML(&b, root, doc)
		}
		return b.String(), nil
	}
	return format{
		decode: func(text string) (any, map[string]string, error) {
			swapped, ph := swapPlaceholders(text)
			doc, err := readXML(swapped)
			return doc, ph, err
		},
		encode: encode,
		extra: []extraRule{{
			rule: "malformed", title: "XML that is not well-formed is refused",
			make: func(_ any, valid string) (string, error) {
				i := strings.LastIndex(valid, "</")
				if i < 0 {
					return "", fmt.Errorf("the valid XML body has no end tag")
				}
				return valid[:i], nil
			},
		}},
	}
}

func writeXML(b *strings.Builder, name string, v any) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString("<" + name + ">")
		for _, k := range keys {
			writeXML(b, k, x[k])
		}
		b.WriteString("</" + name + ">")
	case []any:
		for _, e := range x {
			writeXML(b, name, e)
		}
	case nil:
	default:
		b.WriteString("<" + name + ">")
		_ = xml.EscapeText(b2w{b}, []byte(fmt.Sprint(x)))
		b.WriteString("</" + name + ">")
	}
}

type b2w struct{ b *strings.Builder }

func (w b2w) Write(p []byte) (int, error) { return w.b.Write(p) }

// readXML turns XML into maps, lists (repeated elements) and strings.
func readXML(text string) (any, error) {
	d := xml.NewDecoder(strings.NewReader(text))
	var read func() (any, error)
	read = func() (any, error) {
		obj := map[string]any{}
		var chars strings.Builder
		children := false
		for {
			tok, err := d.Token()
			if err != nil {
				return nil, fmt.Errorf("not XML: %w", err)
			}
			switch t := tok.(type) {
			case xml.StartElement:
				children = true
				v, err := read()
				if err != nil {
					return nil, err
				}
				name := t.Name.Local
				switch prev := obj[name].(type) {
				case nil:
					obj[name] = v
				case []any:
					obj[name] = append(prev, v)
				default:
					obj[name] = []any{prev, v}
				}
			case xml.CharData:
				chars.Write(t)
			case xml.EndElement:
				if !children {
					return chars.String(), nil
				}
				return obj, nil
			}
		}
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil, fmt.Errorf("not XML: no root element")
		}
		if err != nil {
			return nil, fmt.Errorf("not XML: %w", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			v, err := read()
			if err != nil {
				return nil, err
			}
			// <users><user/>…</users>: the list of objects itself.
			if m, ok := v.(map[string]any); ok && len(m) == 1 && strings.HasSuffix(se.Name.Local, "s") {
				for _, inner := range m {
					if l, ok := inner.([]any); ok {
						return l, nil
					}
					return []any{inner}, nil
				}
			}
			return v, nil
		}
	}
}

// dropColumn removes a property from every row.
func dropColumn(doc any, col string) any {
	if rows, ok := doc.([]any); ok {
		for _, r := range rows {
			if m, ok := r.(map[string]any); ok {
				delete(m, col)
			}
		}
	}
	return doc
}
