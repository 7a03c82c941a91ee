package clientcheck

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/oracle-users-conformance/conformance/internal/csvfile"
)

// unquotedSpaces lists the fields of the data rows (the header is the
// page's own, printed unquoted) that hold a space inside their value but
// are not enclosed in double quotation marks, as "line N field M: value".
// Blanks around a value are not "a field that contains space characters":
// the service trims them (Q-EPM1-014).
func unquotedSpaces(csv []byte) []string {
	var out []string
	line, field := 1, 1
	start, quoted, inQuotes := 0, false, false
	recordLine := 1
	flush := func(end int) {
		v := strings.Trim(string(csv[start:end]), " \t\r")
		if !quoted && recordLine > 1 && strings.ContainsAny(v, " \t") {
			out = append(out, fmt.Sprintf("line %d field %d: %q", recordLine, field, v))
		}
	}
	for i := 0; i < len(csv); i++ {
		c := csv[i]
		switch {
		case inQuotes:
			if c == '"' {
				if i+1 < len(csv) && csv[i+1] == '"' {
					i++
				} else {
					inQuotes = false
				}
			} else if c == '\n' {
				line++
			}
		case c == '"' && strings.TrimSpace(string(csv[start:i])) == "":
			quoted, inQuotes = true, true
		case c == ',':
			flush(i)
			field++
			start, quoted = i+1, false
		case c == '\n':
			flush(i)
			line++
			field, start, quoted, recordLine = 1, i+1, false, line
		}
	}
	if start < len(csv) {
		flush(len(csv))
	}
	return out
}

// ownRows lists the lines whose User Login is the caller's.
func ownRows(csv []byte, login string) []int {
	rd, err := csvfile.NewReader(bytes.NewReader(csv))
	if err != nil {
		return nil // a file the job refuses updates nobody
	}
	var lines []int
	for row, err := range rd.All() {
		if err == nil && strings.EqualFold(strings.TrimSpace(row.UserLogin), login) {
			lines = append(lines, row.Line)
		}
	}
	return lines
}

// notANSIOrUTF8 says why a file is neither UTF-8 nor ANSI (Windows-1252),
// or "" when it is one of them.
func notANSIOrUTF8(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return "it begins with a UTF-16 byte order mark"
	case bytes.IndexByte(b, 0) >= 0:
		return fmt.Sprintf("it holds a NUL byte at offset %d (UTF-16 or binary)", bytes.IndexByte(b, 0))
	case utf8.Valid(b):
		return ""
	}
	// Not UTF-8, so ANSI: Windows-1252 leaves five bytes undefined.
	for i, c := range b {
		switch c {
		case 0x81, 0x8D, 0x8F, 0x90, 0x9D:
			return fmt.Sprintf("it is not UTF-8, and byte 0x%02X at offset %d is not a Windows-1252 (ANSI) character", c, i)
		}
	}
	return ""
}
