// Package csvfile reads the CSV files that EPM Cloud Update Users v1 takes
// (Update Users (v1) (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users.html): "an ANSI or UTF-8 encoded comma-separated value
// (CSV) file"), one record at a time, the way a user who prepared the file in
// a spreadsheet would expect it to be read.
//
// Two layers:
//
//   - Decoder turns any CSV byte stream into records of UTF-8 strings with
//     line numbers: it strips a UTF-8 byte order mark, tells UTF-8 from
//     Windows-1252 ("ANSI") while streaming, accepts CRLF or LF and RFC 4180
//     quoting (commas, doubled quotes and line breaks inside quotes).
//   - Reader reads the Update Users file on top of it: it checks the header
//     (First Name, Last Name, Email, User Login, with the tolerance described
//     on NewReader) and yields Rows.
//
// Nothing is held beyond the current record, so a file of a million rows
// costs the memory of one row.
//
// # How the encoding is chosen
//
// A byte order mark (EF BB BF) makes the file UTF-8. Without one, the encoding
// is decided by the first record that holds a byte of 0x80 or above: if that
// record is valid UTF-8 the file is UTF-8, otherwise it is Windows-1252. Every
// record before it is pure ASCII, which reads the same in both, so this gives
// the answer a whole-file sniff would give without buffering the file, however
// far down the first accented name is. Once decided, the encoding holds for the
// rest of the file: a later record that is not valid UTF-8 in a UTF-8 file is
// reported as a row error (ErrEncoding) naming the line that decided, rather
// than being silently read in another encoding. (A Windows-1252 file whose
// first non-ASCII record happens to be valid UTF-8, such as "Ã©", is read as
// UTF-8; that takes two specific accented capitals in a row and is accepted as
// the price of streaming.) Windows-1252 and not Latin-1: the byte 0x92 is a
// right single quotation mark (’), as Windows writes it in "O’Brien".
// UTF-16 files (FF FE or FE FF) are refused with a clear error.
package csvfile

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Encoding is the character encoding a Decoder settled on.
type Encoding int

// The encodings a file can have. Undecided means every record so far was
// ASCII, which reads the same in both.
const (
	Undecided Encoding = iota
	UTF8
	Windows1252
)

func (e Encoding) String() string {
	switch e {
	case UTF8:
		return "UTF-8"
	case Windows1252:
		return "Windows-1252"
	default:
		return "undecided (ASCII so far)"
	}
}

// Sentinel errors; every error of this package is an *Error wrapping one of
// them, so callers can test with errors.Is.
var (
	ErrEmpty         = errors.New("the file is empty")
	ErrHeader        = errors.New("wrong header")
	ErrMissingColumn = errors.New("missing column")
	ErrExtraColumn   = errors.New("extra column")
	ErrQuoting       = errors.New("broken quoting")
	ErrEncoding      = errors.New("wrong encoding")
	ErrRead          = errors.New("read failed")
)

// Error is a problem at a line (and column, when known) of the file.
// Fatal errors end the file: Next returns the same error from then on.
// Non-fatal ones concern one record only; reading can go on.
type Error struct {
	Line   int   // 1-based line where the record (or the problem) starts
	Column int   // 1-based byte column, 0 when not known
	Err    error // one of the sentinels above
	Detail string
	Fatal  bool
}

func (e *Error) Error() string {
	where := fmt.Sprintf("line %d", e.Line)
	if e.Column > 0 {
		where = fmt.Sprintf("line %d, column %d", e.Line, e.Column)
	}
	if e.Detail == "" {
		return where + ": " + e.Err.Error()
	}
	return where + ": " + e.Err.Error() + ": " + e.Detail
}

func (e *Error) Unwrap() error { return e.Err }

// IsFatal reports whether err ends the file (any error that is not a
// non-fatal *Error, io.EOF included).
func IsFatal(err error) bool {
	if err == nil {
		return false // every good row of a file asks
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Fatal
	}
	return err != nil
}

// Record is one CSV record with its fields decoded to UTF-8 and trimmed of
// blanks (see Decoder.Next). Fields is reused by the next call to Next.
type Record struct {
	Line   int
	Fields []string
}

// Decoder reads CSV records from a byte stream.
type Decoder struct {
	br      *bufio.Reader
	src     *countingReader // under br: where in the file a record ends
	p       parser
	started bool
	enc     Encoding
	bom     bool
	encLine int // the line whose bytes decided the encoding
	err     error
	fields  []string
	out     []byte // the record's fields after trimming and decoding
	ends    []int  // end of each field in out
	lend    bool   // fields share the decoder's buffers (transient.go)

	// Of the last record, when splitPlain read it (verbatim.go): its
	// fields are then bytes of the file, the spans in ends being offsets
	// in plainText, the line as the file holds it, which starts at plainAt.
	plain     bool
	plainAt   int64
	plainText string
	ascii     bool // the last record held no byte of 0x80 or above (ascii.go)
}

// bufferSize is the read buffer. A line longer than it is still read whole
// (parser.rawBuffer). Larger buffers measured no faster: at 64 KiB a 60 MB
// file is under a thousand reads.
const bufferSize = 64 << 10

// NewDecoder reads CSV from r. It reads nothing until the first Next.
//
// Blanks before a field, and before an opening quote, are not part of it
// (encoding/csv's TrimLeadingSpace): the v1 page prints its header with
// blanks after commas ("Firt Name, Last Name"). Field counts are not checked
// here but by Reader, with clearer errors.
func NewDecoder(r io.Reader) *Decoder {
	src := &countingReader{r: r}
	br := bufio.NewReaderSize(src, bufferSize)
	return &Decoder{br: br, src: src, p: parser{r: br}}
}

// countingReader counts the bytes read from r, plus the offset in the file
// where r starts.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// offset is the position in the file just after the last line read.
func (d *Decoder) offset() int64 { return d.src.n - int64(d.br.Buffered()) }

// Encoding reports the encoding decided so far.
func (d *Decoder) Encoding() Encoding { return d.enc }

// BOM reports whether the file started with a UTF-8 byte order mark.
func (d *Decoder) BOM() bool { return d.bom }

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func (d *Decoder) start() error {
	d.started = true
	head, _ := d.br.Peek(3)
	switch {
	case bytes.HasPrefix(head, utf8BOM):
		_, _ = d.br.Discard(3)
		d.bom, d.enc, d.encLine = true, UTF8, 1
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return &Error{Line: 1, Err: ErrEncoding, Fatal: true,
			Detail: "the file is UTF-16; save it as UTF-8 or ANSI (Windows-1252)"}
	}
	return nil
}

// Next returns the next record, io.EOF at the end, or an error. A fatal error
// (broken quoting, UTF-16, a read failure) is returned again by every later
// call. A record that is not valid UTF-8 in a file already known to be UTF-8
// comes back with its bad bytes replaced by U+FFFD and a non-fatal
// ErrEncoding error. Every field is trimmed of blanks (spaces and tabs) at
// both ends, quoted or not: no name, email or login starts or ends with one,
// and files typed by hand after the vendor's own header carry them.
// Empty lines are skipped (as encoding/csv skips them) and count for line
// numbers.
//
// The fields of a record share one string, the only allocation of a record.
func (d *Decoder) Next() (Record, error) {
	if err := d.ready(); err != nil {
		return Record{}, err
	}
	d.plain, d.ascii = false, false
	at := d.offset()
	line, errRead := d.p.readLine()
	for errRead == nil && len(line) == lengthNL(line) {
		at = d.offset()
		line, errRead = d.p.readLine() // empty lines, as parseRecord skips them
	}
	if errRead == nil {
		if rec, ok := d.splitPlain(line); ok {
			d.plain, d.plainAt, d.ascii = true, at, true
			return rec, nil
		}
	}
	if err := d.p.parseRecord(line, errRead); err != nil {
		d.err = d.convert(err)
		return Record{}, d.err
	}
	return d.decode()
}

// decode trims and decodes the fields of the record the parser read last.
func (d *Decoder) decode() (Record, error) {
	line := d.p.recLine
	rec := Record{Line: line, Fields: d.fields[:0]}
	var rowErr error
	high := highByte(d.p.recordBuffer)
	d.ascii = !high
	if high {
		rowErr = d.decide(line)
	}
	d.out, d.ends = d.out[:0], d.ends[:0]
	for i := range d.p.fieldIndexes {
		f := trimBlanks(d.p.field(i))
		switch {
		case !high: // ASCII reads the same in both encodings
			d.out = append(d.out, f...)
		case d.enc == Windows1252:
			for _, c := range f {
				d.out = utf8.AppendRune(d.out, cp1252[c])
			}
		case !utf8.Valid(f):
			d.out = append(d.out, bytes.ToValidUTF8(f, []byte("\uFFFD"))...)
		default:
			d.out = append(d.out, f...)
		}
		d.ends = append(d.ends, len(d.out))
	}
	str := d.text(d.out)
	prev := 0
	for _, end := range d.ends {
		rec.Fields = append(rec.Fields, str[prev:end])
		prev = end
	}
	d.fields = rec.Fields
	return rec, rowErr
}

// splitPlain reads the record of line without the parser when it can: an
// ASCII line where every field is either unquoted and free of quotes, or
// quoted, free of doubled quotes and followed by a comma or the end of the
// line. Such a line is one whole record that parses without error and
// whose fields need neither unescaping nor decoding, so they are
// substrings of one copy of the line, trimmed in place: what the parser
// and decode give (TestParserMatchesEncodingCSV and FuzzDecoderEquivalence
// compare them), without copying every field twice. That is nearly every
// line of a real file. ok is false for any other line, which then goes to
// the parser; nothing has been changed then.
func (d *Decoder) splitPlain(line []byte) (Record, bool) {
	body := line[:len(line)-lengthNL(line)]
	// One pass, byte by byte: fields of a few dozen bytes are split faster
	// so than with a library search per field and per quote (the profile
	// showed the calls, not the bytes). Every byte is looked at by one of
	// the loops, each stopping at a byte its table marks, a byte of 0x80 or
	// above among them, so such a byte anywhere sends the line to the
	// parser. A field's blanks are trimmed as its span is taken, so the
	// spans are the fields.
	spans := d.ends[:0] // start and end of each field, in pairs
	for i, n := 0, len(body); ; {
		for i < n && body[i] < utf8.RuneSelf && asciiSpace[body[i]] {
			i++ // TrimLeadingSpace: ASCII white space, as leadingSpace skips it
		}
		if i < n && body[i] == '"' {
			j := i + 1 + stopsAt(body[i+1:], quoteBytes, quoteBytes)
			for j < n && !quotedStop[body[j]] {
				j++
			}
			if j >= n || body[j] != '"' {
				return Record{}, false // a high byte; or goes on to the next line, or is broken
			}
			from, to := trimBlanksSpan(body, i+1, j) // j is the closing quote
			spans = append(spans, from, to)
			if i = j + 1; i >= n {
				break
			}
			if body[i] != ',' {
				return Record{}, false // a doubled quote, or bytes after the closing one
			}
			i++
			continue
		}
		j := i + stopsAt(body[i:], commaBytes, quoteBytes)
		for j < n && !plainStop[body[j]] {
			j++
		}
		if j < n && body[j] != ',' {
			return Record{}, false // a bare quote (the parser's error), or a high byte
		}
		to := j // leading blanks were skipped above, ' ' and '\t' among them
		for to > i && (body[to-1] == ' ' || body[to-1] == '\t') {
			to--
		}
		spans = append(spans, i, to)
		if j >= n {
			break
		}
		i = j + 1
	}
	d.ends = spans
	d.p.recLine = d.p.numLine
	str := d.text(body)
	d.plainText = str
	fields := d.fields[:0]
	for k := 0; k < len(spans); k += 2 {
		fields = append(fields, str[spans[k]:spans[k+1]])
	}
	d.fields = fields
	return Record{Line: d.p.recLine, Fields: fields}, true
}

// plainStop marks the bytes that end an unquoted field in splitPlain, or
// send its line to the parser: the comma, the quote, and every byte of
// 0x80 or above; quotedStop, those of a quoted field: the quote and every
// byte of 0x80 or above. One lookup a byte, where three comparisons were.
var plainStop, quotedStop = func() (plain, quoted [256]bool) {
	for c := utf8.RuneSelf; c < 256; c++ {
		plain[c], quoted[c] = true, true
	}
	plain[','], plain['"'], quoted['"'] = true, true, true
	return plain, quoted
}()

// Eight copies of a byte, for stopsAt.
const (
	commaBytes = 0x0101010101010101 * ',' // a comma in every byte
	quoteBytes = 0x0101010101010101 * '"'
	lowBits    = 0x0101010101010101
	highBits   = 0x8080808080808080
)

// stopsAt returns the index of the first byte of b that is a or q (each a
// byte repeated eight times) or of 0x80 or above, looking at eight bytes
// at a time, or the length of the whole words it looked at when none of
// their bytes is: the caller looks at the rest (fewer than eight bytes)
// byte by byte. A field is mostly bytes that do not stop it, and eight
// are looked at in about the time one was.
func stopsAt(b []byte, a, q uint64) int {
	k := 0
	for ; k+8 <= len(b); k += 8 {
		x := binary.LittleEndian.Uint64(b[k:])
		// A byte of x^a is zero where x holds a; (v-lowBits)&^v sets the
		// high bit of every byte of v that is zero, and may set it in
		// bytes above the first such (a borrow), never below: the lowest
		// high bit set is the first byte that stops.
		va, vq := x^a, x^q
		if m := ((va-lowBits)&^va | (vq-lowBits)&^vq | x) & highBits; m != 0 {
			return k + bits.TrailingZeros64(m)/8
		}
	}
	return k
}

// trimBlanksSpan is trimBlanks for the span [from, to) of b.
func trimBlanksSpan(b []byte, from, to int) (int, int) {
	for from < to && (b[from] == ' ' || b[from] == '\t') {
		from++
	}
	for to > from && (b[to-1] == ' ' || b[to-1] == '\t') {
		to--
	}
	return from, to
}

// ready returns the error that ended the file, if one did, and looks at the
// start of the file (BOM, UTF-16) before the first record.
func (d *Decoder) ready() error {
	if d.err != nil {
		return d.err
	}
	if !d.started {
		if err := d.start(); err != nil {
			d.err = err
			return err
		}
	}
	return nil
}

// trimBlanks trims spaces and tabs at both ends.
func trimBlanks(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	for j > i && (b[j-1] == ' ' || b[j-1] == '\t') {
		j--
	}
	return b[i:j]
}

// decide settles the encoding on the first record with a high byte, and
// checks later records against it.
func (d *Decoder) decide(line int) error {
	valid := true
	for i := range d.p.fieldIndexes {
		if !utf8.Valid(d.p.field(i)) {
			valid = false
			break
		}
	}
	return d.settle(valid, line)
}

// settle is decide once the record's validity as UTF-8 is known.
func (d *Decoder) settle(valid bool, line int) error {
	switch d.enc {
	case Undecided:
		d.encLine = line
		if valid {
			d.enc = UTF8
		} else {
			d.enc = Windows1252
		}
	case UTF8:
		if !valid {
			why := fmt.Sprintf("line %d already had UTF-8 text", d.encLine)
			if d.bom {
				why = "the file starts with a UTF-8 byte order mark"
			}
			return &Error{Line: line, Err: ErrEncoding,
				Detail: "bytes that are not valid UTF-8, but " + why + "; a file must use one encoding"}
		}
	}
	return nil
}

func (d *Decoder) convert(err error) error {
	if errors.Is(err, io.EOF) {
		return io.EOF
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		detail := pe.Err.Error()
		if errors.Is(pe.Err, csv.ErrQuote) && pe.StartLine != pe.Line {
			// The user needs the line where the quote opened, not the one
			// where the parser gave up (often the end of the file).
			detail = fmt.Sprintf("a quoted field that opens on this line is not closed properly (read on to line %d, column %d)", pe.Line, pe.Column)
			return &Error{Line: pe.StartLine, Err: ErrQuoting, Detail: detail, Fatal: true}
		}
		if errors.Is(pe.Err, csv.ErrBareQuote) {
			detail += "; a field that holds a quote must be quoted itself, with the quote doubled"
		}
		return &Error{Line: pe.Line, Column: pe.Column, Err: ErrQuoting, Detail: detail, Fatal: true}
	}
	return &Error{Line: d.lineSoFar(), Err: ErrRead, Detail: err.Error(), Fatal: true}
}

// lineSoFar is where a read failure is reported: the line of the record
// being read (encoding/csv's FieldPos(0), which panicked when the failure
// came inside a quoted first field), or 1 before any.
func (d *Decoder) lineSoFar() int {
	if d.p.recLine > 0 {
		return d.p.recLine
	}
	return 1
}

// highByte reports whether b holds a byte of 0x80 or above. It looks at
// eight bytes at a time, since every record of a file goes through it.
func highByte(b []byte) bool {
	const high = 0x8080808080808080
	for len(b) >= 8 {
		if binary.NativeEndian.Uint64(b)&high != 0 {
			return true
		}
		b = b[8:]
	}
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// cp1252 maps every byte to its rune once, so decoding a field is a table
// lookup per byte. Bytes that Windows-1252 leaves undefined (0x81, 0x8D, 0x8F,
// 0x90, 0x9D) map as x/text maps them.
var cp1252 = func() (t [256]rune) {
	for i := range t {
		t[i] = charmap.Windows1252.DecodeByte(byte(i))
	}
	return t
}()
