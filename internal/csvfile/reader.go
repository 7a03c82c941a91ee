package csvfile

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
)

// Column is one of the four columns of the Update Users file.
type Column int

// The columns, in the order the vendor prints them.
const (
	FirstName Column = iota
	LastName
	Email
	UserLogin
	numColumns
)

// Header is the header as the sibling pages and the vendor CLI write it
// (REST APIs for Oracle Enterprise Performance Management Cloud (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/)); Write and the fixtures use it.
var Header = []string{"First Name", "Last Name", "Email", "User Login"}

func (c Column) String() string { return Header[c] }

// headerNames maps a normalised header cell (see normaliseHeader) to its
// column. "firt name" is the v1 page's own misprint ("Firt Name, Last
// Name,Email, User Login", Update Users (v1) (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users.html)): a user who copies the header from
// the page must not be refused for it (Q-EPM1-002).
var headerNames = map[string]Column{
	"first name": FirstName,
	"firt name":  FirstName,
	"last name":  LastName,
	"email":      Email,
	"user login": UserLogin,
}

// Row is one user of the file. The values are decoded to UTF-8 and trimmed.
type Row struct {
	Line      int // the line the record starts on
	FirstName string
	LastName  string
	Email     string
	UserLogin string
}

// Reader reads an Update Users file row by row.
type Reader struct {
	dec    *Decoder
	index  [numColumns]int // column -> field position
	width  int             // fields in the header
	header []string        // the header as written, trimmed
	err    error
	start  Point // where reading began (resume.go)
}

// NewReader reads the header from r and returns a Reader positioned on the
// first row. The header is matched with this tolerance (Q-EPM1-002):
// blanks around a name are ignored, runs of blanks inside count as one,
// case is ignored, the page's misprint "Firt Name" stands for "First Name",
// and the columns may come in any order. All four columns must be there,
// each once, and nothing else: an unknown or empty name is ErrHeader, since
// a column the service would ignore is more likely a typo than a wish.
func NewReader(r io.Reader) (*Reader, error) { return newReader(NewDecoder(r)) }

// newReader is NewReader on a given Decoder (tests give one a small buffer).
func newReader(dec *Decoder) (*Reader, error) {
	rd := &Reader{dec: dec}
	rec, err := rd.dec.Next()
	// rd.start stays the zero Point: the start of the file.
	if errors.Is(err, io.EOF) {
		rd.err = &Error{Line: 1, Err: ErrEmpty, Fatal: true,
			Detail: "no header line; the first line must be " + strings.Join(Header, ",")}
		return nil, rd.err
	}
	if err != nil && IsFatal(err) {
		return nil, err
	}
	if err := rd.readHeader(rec); err != nil {
		return nil, err
	}
	return rd, nil
}

func (rd *Reader) readHeader(rec Record) error {
	for i := range rd.index {
		rd.index[i] = -1
	}
	rd.width = len(rec.Fields)
	rd.header = append([]string(nil), rec.Fields...)
	want := "; the header must be " + strings.Join(Header, ",")
	for pos, cell := range rec.Fields {
		col, ok := headerNames[normaliseHeader(cell)]
		switch {
		case cell == "":
			return &Error{Line: rec.Line, Err: ErrHeader, Fatal: true,
				Detail: fmt.Sprintf("column %d of the header has no name", pos+1) + want}
		case !ok && len(rec.Fields) == 1 && strings.ContainsAny(cell, ";\t"):
			return &Error{Line: rec.Line, Err: ErrHeader, Fatal: true,
				Detail: fmt.Sprintf("unknown column %q: the columns seem separated by semicolons or tabs, the file must use commas", cell)}
		case !ok:
			return &Error{Line: rec.Line, Err: ErrHeader, Fatal: true,
				Detail: fmt.Sprintf("unknown column %q", cell) + want}
		case rd.index[col] >= 0:
			return &Error{Line: rec.Line, Err: ErrHeader, Fatal: true,
				Detail: fmt.Sprintf("column %s appears twice (%q and %q)", col, rec.Fields[rd.index[col]], cell)}
		}
		rd.index[col] = pos
	}
	var missing []string
	for c := range numColumns {
		if rd.index[c] < 0 {
			missing = append(missing, c.String())
		}
	}
	if missing != nil {
		return &Error{Line: rec.Line, Err: ErrHeader, Fatal: true,
			Detail: "no column " + strings.Join(missing, ", ") + want}
	}
	return nil
}

// normaliseHeader lower-cases a header cell and collapses its blanks.
func normaliseHeader(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// Header returns the header as the file writes it (trimmed).
func (rd *Reader) Header() []string { return rd.header }

// Encoding reports the encoding decided so far (final once Next returned io.EOF).
func (rd *Reader) Encoding() Encoding { return rd.dec.Encoding() }

// BOM reports whether the file started with a UTF-8 byte order mark.
func (rd *Reader) BOM() bool { return rd.dec.BOM() }

// Next returns the next row or io.EOF. A row with fewer or more fields than
// the header comes back as far as it could be read, with a non-fatal
// ErrMissingColumn or ErrExtraColumn; a row with bytes in the wrong encoding
// with a non-fatal ErrEncoding. Fatal errors (IsFatal) end the file. Records
// whose fields are all empty, such as the ",,," lines spreadsheets leave at
// the end, are skipped.
func (rd *Reader) Next() (Row, error) {
	if rd.err != nil {
		return Row{}, rd.err
	}
	for {
		rec, err := rd.dec.Next()
		if err != nil && IsFatal(err) {
			rd.err = err
			return Row{}, err
		}
		if blank(rec.Fields) {
			continue
		}
		if f := rec.Fields; len(f) == rd.width {
			// Every column there, as on nearly every row: no per-column test.
			ix := &rd.index
			return Row{Line: rec.Line, FirstName: f[ix[FirstName]], LastName: f[ix[LastName]], Email: f[ix[Email]], UserLogin: f[ix[UserLogin]]}, err
		}
		row := Row{Line: rec.Line}
		for c := range numColumns {
			if i := rd.index[c]; i < len(rec.Fields) {
				row.set(c, rec.Fields[i])
			}
		}
		if err != nil {
			return row, err
		}
		return row, rd.checkWidth(rec)
	}
}

func (rd *Reader) checkWidth(rec Record) error {
	switch n := len(rec.Fields); {
	case n < rd.width:
		var absent []string
		for c := range numColumns {
			if rd.index[c] >= n {
				absent = append(absent, c.String())
			}
		}
		return &Error{Line: rec.Line, Err: ErrMissingColumn,
			Detail: fmt.Sprintf("%d fields where the header has %d (no %s)", n, rd.width, strings.Join(absent, ", "))}
	case n > rd.width:
		return &Error{Line: rec.Line, Err: ErrExtraColumn,
			Detail: fmt.Sprintf("%d fields where the header has %d; a value with a comma must be in double quotes", n, rd.width)}
	}
	return nil
}

// All iterates over the rows with their errors; it stops after a fatal error
// or at the end of the file (io.EOF is not yielded).
func (rd *Reader) All() iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		for {
			row, err := rd.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if !yield(row, err) || IsFatal(err) {
				return
			}
		}
	}
}

func (r *Row) set(c Column, v string) {
	switch c {
	case FirstName:
		r.FirstName = v
	case LastName:
		r.LastName = v
	case Email:
		r.Email = v
	case UserLogin:
		r.UserLogin = v
	}
}

func blank(fields []string) bool {
	for _, f := range fields {
		if f != "" {
			return false
		}
	}
	return true
}
