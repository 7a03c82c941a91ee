package epm

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
)

// Hand-written JSON for the two answers that are written the most: a v1
// job's failed items (a million of them for a file that fails throughout)
// and the v2 answer (every v2 request). Both have a fixed shape, so
// reflection bought nothing there (BENCHMARKS.md). The bytes are
// encoding/json's: strings that need any escaping are handed to it, so its
// rules (HTML characters, U+2028, invalid UTF-8) are not copied here, and
// TestItemWriterMatchesEncodingJSON and TestEnvelopeV2MatchesEncodingJSON
// (with their fuzz targets) compare the output with its own.

// appendJSONString appends s as encoding/json writes it, with or without
// its HTML escaping (json.Encoder.SetEscapeHTML).
func appendJSONString(b []byte, s string, escapeHTML bool) []byte {
	b = append(b, '"')
	b = appendJSONEscaped(b, s, escapeHTML)
	return append(b, '"')
}

// appendJSONEscaped appends s escaped for a JSON string, without the quotes.
// A byte for which escapes is false is written as it is, as encoding/json
// writes it; a string with any other byte goes through encoding/json.
func appendJSONEscaped(b []byte, s string, escapeHTML bool) []byte {
	for i := 0; i < len(s); i++ {
		if escapes(s[i], escapeHTML) {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(escapeHTML)
			_ = enc.Encode(s) // a string always encodes: "...", then a newline
			quoted := buf.Bytes()
			return append(b, quoted[1:len(quoted)-2]...)
		}
	}
	return append(b, s...)
}

// escapes reports whether encoding/json may write the byte c of a string
// other than as itself: anything but printable ASCII, " and \, and < > &
// when it escapes HTML.
func escapes(c byte, escapeHTML bool) bool {
	return c < 0x20 || c >= 0x7F || c == '"' || c == '\\' || (escapeHTML && (c == '<' || c == '>' || c == '&'))
}

// jsonPlain reports whether encoding/json writes s as it is (without HTML
// escaping).
func jsonPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if escapes(s[i], false) {
			return false
		}
	}
	return true
}

// writeEnvelopeV2 writes e as writeJSON writes it (encoding/json with its
// default HTML escaping, then a newline), without reflection.
func writeEnvelopeV2(w http.ResponseWriter, status int, e envelopeV2) {
	buf := answerBuffers.Get().(*[]byte)
	defer answerBuffers.Put(buf)
	b := (*buf)[:0]
	b = append(b, `{"links":{"href":`...)
	b = appendJSONString(b, e.Links.Href, true)
	b = append(b, `,"action":`...)
	b = appendJSONString(b, e.Links.Action, true)
	b = append(b, `},"status":`...)
	b = strconv.AppendInt(b, int64(e.Status), 10)
	b = append(b, `,"error":`...)
	if e.Error == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"errorcode":`...)
		b = appendJSONString(b, e.Error.Code, true)
		b = append(b, `,"errormessage":`...)
		b = appendJSONString(b, e.Error.Message, true)
		b = append(b, '}')
	}
	b = append(b, `,"details":`...)
	if d := e.Details; d == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"processed":`...)
		b = strconv.AppendInt(b, int64(d.Processed), 10)
		b = append(b, `,"succeeded":`...)
		b = strconv.AppendInt(b, int64(d.Succeeded), 10)
		b = append(b, `,"failed":`...)
		b = strconv.AppendInt(b, int64(d.Failed), 10)
		b = append(b, `,"faileditems":`...)
		if d.FailedItems == nil {
			b = append(b, "null"...)
		} else {
			b = append(b, '[')
			for i, it := range d.FailedItems {
				if i > 0 {
					b = append(b, ',')
				}
				b = append(b, `{"userlogin":`...)
				b = appendJSONString(b, it.UserLogin, true)
				b = append(b, `,"errorcode":`...)
				b = appendJSONString(b, it.Code, true)
				b = append(b, `,"errormessage":`...)
				b = appendJSONString(b, it.Message, true)
				b = append(b, '}')
			}
			b = append(b, ']')
		}
		b = append(b, '}')
	}
	b = append(b, "}\n"...)
	// One shared value: net/http only reads it, and Set would allocate
	// a slice for it on every answer.
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(status)
	_, _ = w.Write(b)
	if cap(b) <= 64<<10 { // a large batch's answer is not kept
		*buf = b
	}
}

var jsonContentType = []string{"application/json"}

// answerBuffers holds the buffers v2 answers are written in: the bytes are
// copied by Write, so the buffer serves the next answer.
var answerBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}
