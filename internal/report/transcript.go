package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// BodyLimit is how much of one body the human reports (JUnit, HTML) show;
// report.json always keeps the whole body. 16 KiB shows any realistic user
// payload in full and keeps a 10 000-row CSV from making report.html slow to
// open.
const BodyLimit = 16 << 10

// Transcript writes one exchange as a person reads HTTP: request line,
// headers, body, then the answer. Headers are sorted so two transcripts of
// the same exchange compare equal. A compact JSON body is indented for
// reading (report.json keeps the bytes as they were); XML, CSV and other
// bodies are shown as they were. Bodies longer than limit are clipped with
// a note saying how much was left out.
func Transcript(e Exchange, limit int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", e.Method, e.URL)
	if e.Role != "" || e.Operation != "" {
		b.WriteString("    (" + strings.TrimSpace(e.Role+" "+e.Operation) + ")")
	}
	b.WriteByte('\n')
	writeHeaders(&b, e.RequestHeaders)
	writeBody(&b, e.RequestBody, limit)
	for _, w := range e.Waits {
		fmt.Fprintf(&b, "... waited %s s (Retry-After)\n", strconv.FormatFloat(w, 'f', 3, 64))
	}
	switch {
	case e.Error != "":
		fmt.Fprintf(&b, "<-- no answer: %s\n", e.Error)
	default:
		fmt.Fprintf(&b, "<-- %d after %s ms\n", e.Status, strconv.FormatFloat(e.Millis, 'f', 0, 64))
		writeHeaders(&b, e.ResponseHeaders)
		writeBody(&b, e.ResponseBody, limit)
	}
	return b.String()
}

func writeHeaders(b *strings.Builder, h map[string][]string) {
	names := make([]string, 0, len(h))
	for n := range h {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		for _, v := range h[n] {
			fmt.Fprintf(b, "%s: %s\n", n, v)
		}
	}
}

func writeBody(b *strings.Builder, body string, limit int) {
	if body == "" {
		return
	}
	b.WriteByte('\n')
	text, clipped := Clip(readable(body), limit)
	b.WriteString(text)
	if !strings.HasSuffix(text, "\n") {
		b.WriteByte('\n')
	}
	if clipped > 0 {
		fmt.Fprintf(b, "[... %d more bytes not shown; report.json has the whole body]\n", clipped)
	}
	b.WriteByte('\n')
}

// readable indents a JSON body written on one line.
func readable(body string) string {
	t := strings.TrimSpace(body)
	if len(t) < 2 || (t[0] != '{' && t[0] != '[') || strings.Contains(t, "\n") || !json.Valid([]byte(t)) {
		return body
	}
	var out bytes.Buffer
	if json.Indent(&out, []byte(t), "", "  ") != nil {
		return body
	}
	return out.String()
}

// Clip returns at most limit bytes of s, cut at a character boundary, and
// how many bytes it left out.
func Clip(s string, limit int) (string, int) {
	if len(s) <= limit {
		return s, 0
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut], len(s) - cut
}
