package deviate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"unicode/utf8"
)

// jsonStyle is how a JSON answer is written again: RFC 8259 lets a writer
// order an object's members, place whitespace and escape characters as it
// likes, and a vendor's serializer changes such things between releases.
type jsonStyle struct {
	reverseKeys bool   // members in reverse order of their names
	indent      string // pretty-printed with this indent, "" for compact
	escapeAll   bool   // every non-ASCII character and "/" escaped
}

// restyle decodes a JSON answer, lets edit change the value (nil leaves it
// alone), and writes it in style. A body that is not JSON is left alone.
func restyle(body []byte, style jsonStyle, edit func(v any) any) []byte {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return body
	}
	if edit != nil {
		v = edit(v)
	}
	var b bytes.Buffer
	style.write(&b, v, 0)
	if style.indent != "" {
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func (s jsonStyle) write(b *bytes.Buffer, v any, depth int) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if s.reverseKeys {
			for i, j := 0, len(keys)-1; i < j; i, j = i+1, j-1 {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			s.newline(b, depth+1)
			s.str(b, k)
			b.WriteByte(':')
			if s.indent != "" {
				b.WriteByte(' ')
			}
			s.write(b, x[k], depth+1)
		}
		if len(keys) > 0 {
			s.newline(b, depth)
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			s.newline(b, depth+1)
			s.write(b, e, depth+1)
		}
		if len(x) > 0 {
			s.newline(b, depth)
		}
		b.WriteByte(']')
	case string:
		s.str(b, x)
	default: // json.Number, bool, nil
		out, _ := json.Marshal(x)
		b.Write(out)
	}
}

func (s jsonStyle) newline(b *bytes.Buffer, depth int) {
	if s.indent == "" {
		return
	}
	b.WriteByte('\n')
	for range depth {
		b.WriteString(s.indent)
	}
}

func (s jsonStyle) str(b *bytes.Buffer, v string) {
	if !s.escapeAll {
		out, _ := json.Marshal(v)
		b.Write(out)
		return
	}
	b.WriteByte('"')
	for _, r := range v {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '/':
			b.WriteString(`\/`)
		case r < 0x20 || r > 0x7e:
			if r > 0xffff { // outside the BMP: a UTF-16 surrogate pair
				r -= 0x10000
				fmt.Fprintf(b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
			} else if r != utf8.RuneError {
				fmt.Fprintf(b, `\u%04x`, r)
			} else {
				b.WriteString(`\ufffd`)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}
