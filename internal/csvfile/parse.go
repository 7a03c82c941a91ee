// readLine and parseRecord below are adapted from Go's encoding/csv
// (src/encoding/csv/reader.go, Go 1.26):
//
//	Copyright 2011 The Go Authors. All rights reserved.
//	Use of this source code is governed by a BSD-style
//	license that can be found in Go's LICENSE file.

package csvfile

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"io"
	"unicode"
	"unicode/utf8"
)

// parser splits the byte stream into records exactly as encoding/csv's
// Reader does with the settings this package used it with (Comma ',', no
// Comment, LazyQuotes false, TrimLeadingSpace true, FieldsPerRecord -1), and
// reports the same *csv.ParseError values. It is that Reader's readLine and
// readRecord (see the notice above) specialised to those settings, for the
// 1,000,000-row files of the v1 job (BENCHMARKS.md):
//
//   - fields stay bytes in one reused buffer: the Decoder trims and decodes
//     them there and makes a single string per record, where encoding/csv
//     made a string and the Decoder then copied the fields it changed;
//   - the leading-blank test looks at ASCII bytes directly and decodes a rune
//     only for a byte of 0x80 or above, where encoding/csv called
//     unicode.IsSpace through a closure for every field.
//
// Line numbers, columns and error positions are encoding/csv's, so messages
// do not change; TestParserMatchesEncodingCSV and FuzzDecoderEquivalence
// compare the two on tricky inputs.
type parser struct {
	r       *bufio.Reader
	numLine int // lines read so far (encoding/csv numLine)
	recLine int // line where the current record starts, 0 before the first

	rawBuffer    []byte // a line longer than the bufio buffer
	recordBuffer []byte // the unquoted fields of the record, back to back
	fieldIndexes []int  // end of each field in recordBuffer
}

// position is a 1-based line and byte column (encoding/csv's position).
type position struct{ line, col int }

// readLine is encoding/csv's readLine.
func (p *parser) readLine() ([]byte, error) {
	line, err := p.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		p.rawBuffer = append(p.rawBuffer[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = p.r.ReadSlice('\n')
			p.rawBuffer = append(p.rawBuffer, line...)
		}
		line = p.rawBuffer
	}
	readSize := len(line)
	if readSize > 0 && err == io.EOF {
		err = nil
		// For backwards compatibility, drop trailing \r before EOF.
		if line[readSize-1] == '\r' {
			line = line[:readSize-1]
		}
	}
	p.numLine++
	// Normalize \r\n to \n on all input lines.
	if n := len(line); n >= 2 && line[n-2] == '\r' && line[n-1] == '\n' {
		line[n-2] = '\n'
		line = line[:n-1]
	}
	return line, err
}

// lengthNL reports the number of bytes for the trailing \n.
func lengthNL(b []byte) int {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		return 1
	}
	return 0
}

// asciiSpace marks the ASCII runes unicode.IsSpace accepts.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// leadingSpace is the length of the run of unicode.IsSpace runes that starts
// b, or -1 when b holds nothing else (bytes.IndexFunc(b, !unicode.IsSpace)).
func leadingSpace(b []byte) int {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if !asciiSpace[c] {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if !unicode.IsSpace(r) {
			return i
		}
		i += size
	}
	return -1
}

// appendField adds field bytes to the record.
func (p *parser) appendField(b []byte) {
	p.recordBuffer = append(p.recordBuffer, b...)
}

// parseRecord is encoding/csv's readRecord once the first line (and its
// read error) is in hand, so that Decoder.Next can look at a line before
// deciding to parse it: it fills recordBuffer and fieldIndexes and returns io.EOF at the end, a *csv.ParseError for broken
// quoting, or the read error.
func (p *parser) parseRecord(line []byte, errRead error) error {
	for errRead == nil && len(line) == lengthNL(line) {
		line, errRead = p.readLine() // Skip empty lines
	}
	if errRead == io.EOF {
		return errRead
	}

	// Parse each field in the record.
	var err error
	const quoteLen = len(`"`)
	const commaLen = len(`,`)
	recLine := p.numLine // Starting line for record
	p.recLine = recLine
	p.recordBuffer = p.recordBuffer[:0]
	p.fieldIndexes = p.fieldIndexes[:0]
	pos := position{line: p.numLine, col: 1}
parseField:
	for {
		// TrimLeadingSpace.
		i := leadingSpace(line)
		if i < 0 {
			i = len(line)
			pos.col -= lengthNL(line)
		}
		line = line[i:]
		pos.col += i
		if len(line) == 0 || line[0] != '"' {
			// Non-quoted string field
			i := bytes.IndexByte(line, ',')
			field := line
			if i >= 0 {
				field = field[:i]
			} else {
				field = field[:len(field)-lengthNL(field)]
			}
			// Check to make sure a quote does not appear in field.
			if j := bytes.IndexByte(field, '"'); j >= 0 {
				col := pos.col + j
				err = &csv.ParseError{StartLine: recLine, Line: p.numLine, Column: col, Err: csv.ErrBareQuote}
				break parseField
			}
			p.appendField(field)
			p.fieldIndexes = append(p.fieldIndexes, len(p.recordBuffer))
			if i >= 0 {
				line = line[i+commaLen:]
				pos.col += i + commaLen
				continue parseField
			}
			break parseField
		} else {
			// Quoted string field
			line = line[quoteLen:]
			pos.col += quoteLen
			for {
				i := bytes.IndexByte(line, '"')
				if i >= 0 {
					// Hit next quote.
					p.appendField(line[:i])
					line = line[i+quoteLen:]
					pos.col += i + quoteLen
					switch {
					case len(line) > 0 && line[0] == '"':
						// `""` sequence (append quote).
						p.appendField(line[:quoteLen])
						line = line[quoteLen:]
						pos.col += quoteLen
					case len(line) > 0 && line[0] == ',':
						// `",` sequence (end of field).
						line = line[commaLen:]
						pos.col += commaLen
						p.fieldIndexes = append(p.fieldIndexes, len(p.recordBuffer))
						continue parseField
					case lengthNL(line) == len(line):
						// `"\n` sequence (end of line).
						p.fieldIndexes = append(p.fieldIndexes, len(p.recordBuffer))
						break parseField
					default:
						// `"*` sequence (invalid non-escaped quote).
						err = &csv.ParseError{StartLine: recLine, Line: p.numLine, Column: pos.col - quoteLen, Err: csv.ErrQuote}
						break parseField
					}
				} else if len(line) > 0 {
					// Hit end of line (copy all data so far).
					p.appendField(line)
					if errRead != nil {
						break parseField
					}
					pos.col += len(line)
					line, errRead = p.readLine()
					if len(line) > 0 {
						pos.line++
						pos.col = 1
					}
					if errRead == io.EOF {
						errRead = nil
					}
				} else {
					// Abrupt end of file (EOF or error).
					if errRead == nil {
						err = &csv.ParseError{StartLine: recLine, Line: pos.line, Column: pos.col, Err: csv.ErrQuote}
						break parseField
					}
					p.fieldIndexes = append(p.fieldIndexes, len(p.recordBuffer))
					break parseField
				}
			}
		}
	}
	if err == nil {
		err = errRead
	}
	return err
}

// field returns field i of the record read last (when kept).
func (p *parser) field(i int) []byte {
	start := 0
	if i > 0 {
		start = p.fieldIndexes[i-1]
	}
	return p.recordBuffer[start:p.fieldIndexes[i]]
}
