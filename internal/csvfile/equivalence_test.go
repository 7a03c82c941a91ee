package csvfile

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// refDecoder is the Decoder as it was before the parser of parse.go: the
// same rules on top of encoding/csv itself, one string per field. It is kept
// here as the reference the fast Decoder must match record for record,
// error for error (TestParserMatchesEncodingCSV, FuzzDecoderEquivalence).
// It shares the Decoder's encoding rules (BOM and UTF-16 at the start, the
// choice between UTF-8 and Windows-1252), which the parser left as they
// were; what it checks is everything the parser replaced: splitting,
// quoting, positions, trimming, decoding.
type refDecoder struct {
	st  Decoder // the encoding state and its rules (start, settle), which the parser did not change
	csv *csv.Reader
	err error
}

func newRefDecoder(r io.Reader) *refDecoder {
	br := bufio.NewReaderSize(r, 64<<10)
	c := csv.NewReader(br)
	c.FieldsPerRecord = -1
	c.ReuseRecord = true
	c.TrimLeadingSpace = true
	return &refDecoder{st: Decoder{br: br}, csv: c}
}

func (d *refDecoder) Next() (Record, error) {
	if d.err != nil {
		return Record{}, d.err
	}
	if !d.st.started {
		if err := d.st.start(); err != nil {
			d.err = err
			return Record{}, err
		}
	}
	raw, err := d.csv.Read()
	if err != nil {
		// The real Decoder's convert, with encoding/csv's FieldPos as the
		// line of a read failure (no read fails in these tests).
		var pe *csv.ParseError
		switch {
		case errors.Is(err, io.EOF):
			d.err = io.EOF
		case errors.As(err, &pe):
			d.err = (&Decoder{}).convert(err) // the error's own positions only
		default:
			line, _ := d.csv.FieldPos(0)
			d.err = &Error{Line: line, Err: ErrRead, Detail: err.Error(), Fatal: true}
		}
		return Record{}, d.err
	}
	line, _ := d.csv.FieldPos(0)
	rec := Record{Line: line}
	var rowErr error
	high, valid := false, true
	for _, f := range raw {
		high = high || highByte([]byte(f))
		valid = valid && utf8.ValidString(f)
	}
	if high {
		rowErr = d.st.settle(valid, line)
	}
	for _, f := range raw {
		switch {
		case d.st.enc == Windows1252:
			var sb strings.Builder
			for i := 0; i < len(f); i++ {
				sb.WriteRune(cp1252[f[i]])
			}
			f = sb.String()
		case !utf8.ValidString(f):
			f = strings.ToValidUTF8(f, "\uFFFD")
		}
		rec.Fields = append(rec.Fields, strings.Trim(f, " \t"))
	}
	return rec, rowErr
}

// step renders one record or error of a decoder, with the encoding state.
func step(rec Record, err error, enc Encoding, bom bool) string {
	return fmt.Sprintf("%d %q err=%v fatal=%v enc=%v bom=%v", rec.Line, rec.Fields, err, err != nil && IsFatal(err), enc, bom)
}

// compareDecoders reads data with both decoders and reports the first
// difference; the buffer size of the fast one is chosen by the caller, so
// lines longer than it are covered.
func compareDecoders(t *testing.T, data []byte, bufSize int) {
	t.Helper()
	fast := NewDecoder(bytes.NewReader(data))
	if bufSize > 0 {
		fast.br = bufio.NewReaderSize(bytes.NewReader(data), bufSize)
		fast.p.r = fast.br
	}
	ref := newRefDecoder(bytes.NewReader(data))
	for n := 0; n <= len(data)+2; n++ {
		frec, ferr := fast.Next()
		rrec, rerr := ref.Next()
		got := step(frec, ferr, fast.Encoding(), fast.BOM())
		want := step(rrec, rerr, ref.st.enc, ref.st.bom)
		if got != want {
			t.Fatalf("record %d of %q:\nfast: %s\nref:  %s", n, data, got, want)
		}
		if ferr != nil && IsFatal(ferr) {
			return
		}
	}
	t.Fatalf("no end after %d records of %q", len(data)+2, data)
}

// compareResume checks that a Reader resumed at the end of any row (with
// the line and the encoding state a Reader reading from the start has
// there) reads the rows that Reader reads after it, with the same errors
// and the same end: a record parses the same whatever came before it,
// which reading a file in parts relies on (Resume).
func compareResume(t *testing.T, data []byte) {
	t.Helper()
	rd, err := NewReader(bytes.NewReader(data))
	if err != nil {
		return
	}
	resume := rd.Resume()
	type step struct {
		at  Point
		row string
	}
	steps := []step{{at: rd.At()}}
	for {
		row, err := rd.Next()
		steps = append(steps, step{at: rd.At(), row: fmt.Sprintf("%+v %v", row, err)})
		if IsFatal(err) {
			break
		}
	}
	for i, s := range steps[:len(steps)-1] {
		from := s.at.Offset
		later := resume.Reader(bytes.NewReader(data[from:]), from, s.at.Line)
		if i%2 == 1 {
			later.Transient() // each row is printed before the next is read
		}
		if later.Start() != s.at {
			if i == 0 {
				t.Fatalf("resumed after the header of %q: starts at %+v, the header ends at %+v", data, later.Start(), s.at)
			}
			continue // the encoding was decided before this point: not the header's state
		}
		for _, want := range steps[i+1:] {
			row, err := later.Next()
			checkVerbatim(t, data, later, row, err)
			if got := fmt.Sprintf("%+v %v", row, err); got != want.row || later.At() != want.at {
				t.Fatalf("resumed at %d of %q: %s at %+v; from the start: %s at %+v", from, data, got, later.At(), want.row, want.at)
			}
		}
	}
}

// compareTransient checks that a Transient Reader yields, row by row,
// what a Reader that copies each row yields (each row looked at before the
// next is read, as Transient allows), with the normal buffer and with one
// so small that lines are read in pieces (the parser's own buffer then).
func compareTransient(t *testing.T, data []byte, bufSize int) {
	t.Helper()
	open := func(transient bool) *Reader {
		dec := NewDecoder(bytes.NewReader(data))
		if bufSize > 0 {
			dec.br = bufio.NewReaderSize(dec.src, bufSize) // still counted: Verbatim needs the offsets
			dec.p.r = dec.br
		}
		rd, err := newReader(dec)
		if err != nil {
			return nil
		}
		if transient {
			rd.Transient()
		}
		return rd
	}
	kept, lent := open(false), open(true)
	if kept == nil || lent == nil {
		if (kept == nil) != (lent == nil) {
			t.Fatalf("%q: the header reads differently", data)
		}
		return
	}
	for n := 0; n <= len(data)+2; n++ {
		krow, kerr := kept.Next()
		lrow, lerr := lent.Next()
		checkVerbatim(t, data, kept, krow, kerr)
		checkVerbatim(t, data, lent, lrow, lerr)
		if got, want := fmt.Sprintf("%+v %v", lrow, lerr), fmt.Sprintf("%+v %v", krow, kerr); got != want {
			t.Fatalf("row %d of %q:\ntransient: %s\ncopied:    %s", n, data, got, want)
		}
		if IsFatal(kerr) {
			return
		}
	}
	t.Fatalf("no end after %d rows of %q", len(data)+2, data)
}

// checkVerbatim checks that every value Verbatim places in the file is
// there, byte for byte; and that a row ASCII calls so holds no byte of
// 0x80 or above, and that every row read by splitPlain is called so.
func checkVerbatim(t *testing.T, data []byte, rd *Reader, row Row, err error) {
	t.Helper()
	if IsFatal(err) {
		return
	}
	values := row.FirstName + row.LastName + row.Email + row.UserLogin
	if rd.ASCII() && highByte([]byte(values)) {
		t.Fatalf("line %d of %q: ASCII, yet the row is %+v", row.Line, data, row)
	}
	if rd.dec.plain && !rd.ASCII() {
		t.Fatalf("line %d of %q: read by splitPlain, yet not ASCII", row.Line, data)
	}
	for c, v := range map[Column]string{FirstName: row.FirstName, LastName: row.LastName, Email: row.Email, UserLogin: row.UserLogin} {
		off, ok := rd.Verbatim(c)
		if ok && (off < 0 || off+int64(len(v)) > int64(len(data)) || string(data[off:off+int64(len(v))]) != v) {
			t.Fatalf("line %d of %q: %s %q is not the file's bytes at %d", row.Line, data, c, v, off)
		}
	}
}

// trickyInputs are the cases where a byte-level parser is most likely to
// part from encoding/csv.
var trickyInputs = []string{
	"", "\n", "\r\n", "\r", "a", "a\r", "a\r\r\n", "a\rb\n", "\n\n\na\n\n",
	hdrLine + "A,B,c@d.e,f\n",
	hdrLine + `"A","B, C","c@d.e","f"` + "\n",
	hdrLine + `"A""x""",B,c,d` + "\n",
	hdrLine + `"A"x,B,c,d` + "\n",
	hdrLine + `"A" ,B,c,d` + "\n",
	hdrLine + `A"x,B,c,d` + "\n",
	hdrLine + `A,"B` + "\n" + `C",d,e` + "\n" + `next,1,2,3` + "\n",
	hdrLine + `A,"B` + "\r\n\r\n" + `C",d,e` + "\r\n",
	hdrLine + `A,"B` + "\n",
	hdrLine + `A,"B`,
	hdrLine + `A,"B"`,
	hdrLine + `A,"B"` + "\r",
	hdrLine + `A,"B"` + "\r\n",
	hdrLine + `A,"B"` + "\rx\n",
	hdrLine + "  A,\t B \t,\v\f c ,d  \n",
	hdrLine + " \u00a0\"A\",B,c,d\n",
	hdrLine + "\u0085A,\u2003\"B\",c,d\n",
	hdrLine + "\xa0\"A\",B,c,d\n",
	hdrLine + ", , ,\n",
	hdrLine + ",,,\n   \n\t\n",
	hdrLine + "A,B\n" + "A,B,C,D,E\n",
	hdrLine + "Ren\xe9e,O\x92Brien,r@x.y,r\n",
	hdrLine + "Zoë,B,c,d\nRen\xe9e,B,c,d\n",
	"\xEF\xBB\xBF" + hdrLine + "Ren\xe9e,B,c,d\n",
	"\xEF\xBB\xBF\"First Name\",Last Name,Email,User Login\n",
	"\xFF\xFEF\x00", "\xFE\xFF\x00F",
	hdrLine + "\"\x93Jeff\x94\",C,j,j\n",
	hdrLine + "A\xc3,B\xc3\xa9,\xed\xa0\x80,\xf4\x90\x80\x80\n",
	hdrLine + "\"a\"\"\",\"\"\"\",\"\",\"\"\"\"\"\"\n",
	hdrLine + "\"\n\"\n",
	hdrLine + "\"abc\n\ndef\"\n",
	hdrLine + "x,\"abc\n",
	hdrLine + strings.Repeat("A,B,c@d.e,f\n", 50) + "\"unclosed,b,c,d\n" + strings.Repeat("A,B,c@d.e,f\n", 3),
	hdrLine + `a,b,"c""` + "\n",
	hdrLine + `a,"",""` + "\n",
	hdrLine + "a,b,c,\"" + strings.Repeat("long ", 40) + "\"\n" + strings.Repeat("z", 300) + ",b,c,d\n",
	// Lines Decoder.splitPlain reads without the parser, and their edges.
	hdrLine + " \" A \" ,\t\"B, C\",\"c@d.e\",\"f\",\n",
	hdrLine + "\"A\",\"B\"\n" + "\r\v\f A,\" \t\",,\n",
	hdrLine + "A,B\r\r\n" + "\"A\",\"B\"\r",
	hdrLine + "a,\"b\" \n" + "a,\v\"b\"\n" + "\"a\"b,c\n",
	hdrLine + "A,\"\",c\n" + "A, \"x\"\"\",c\n",
}

const hdrLine = "First Name,Last Name,Email,User Login\n"

func TestParserMatchesEncodingCSV(t *testing.T) {
	inputs := append([]string(nil), trickyInputs...)
	for _, pattern := range []string{"../../fixtures/csv/epm-v1/*.csv", "testdata/*.csv"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			inputs = append(inputs, string(data))
		}
	}
	for i, in := range inputs {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			compareDecoders(t, []byte(in), 0)
			compareDecoders(t, []byte(in), 16) // every line longer than the buffer
			compareResume(t, []byte(in))
			compareTransient(t, []byte(in), 0)
			compareTransient(t, []byte(in), 16)
		})
	}
}

// FuzzDecoderEquivalence: on any input the Decoder yields what the
// encoding/csv-based reference yields, with the normal buffer and with one
// so small that lines are read in pieces, and a Reader resumed after any
// row reads on as the Reader from the start does.
func FuzzDecoderEquivalence(f *testing.F) {
	for _, s := range trickyInputs {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		compareDecoders(t, data, 0)
		compareDecoders(t, data, 16)
		compareResume(t, data)
		compareTransient(t, data, 0)
		compareTransient(t, data, 16)
	})
}
