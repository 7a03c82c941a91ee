package csvfile_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/csvfile"
)

const hdr = "First Name,Last Name,Email,User Login\n"

// render writes what a Reader makes of a file, one line per row or error, so
// tables and golden files compare text.
func render(data []byte) string {
	var b strings.Builder
	rd, err := csvfile.NewReader(bytes.NewReader(data))
	if err != nil {
		fmt.Fprintf(&b, "error: %v (fatal=%v)\n", err, csvfile.IsFatal(err))
		return b.String()
	}
	fmt.Fprintf(&b, "header: %q\n", rd.Header())
	for row, err := range rd.All() {
		if err != nil {
			fmt.Fprintf(&b, "error: %v (fatal=%v)\n", err, csvfile.IsFatal(err))
			if csvfile.IsFatal(err) {
				continue
			}
		}
		fmt.Fprintf(&b, "row %d: %q %q %q %q\n", row.Line, row.FirstName, row.LastName, row.Email, row.UserLogin)
	}
	fmt.Fprintf(&b, "encoding: %s, bom: %v\n", rd.Encoding(), rd.BOM())
	return b.String()
}

func TestReader(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want string // substrings of render, in order
	}{
		{"plain", hdr + "John,Doe,jdoe@example.com,jdoe\n", `row 2: "John" "Doe" "jdoe@example.com" "jdoe"`},
		{"no final newline", hdr + "John,Doe,j@example.com,jdoe", `row 2: "John"`},
		{"crlf", strings.ReplaceAll(hdr, "\n", "\r\n") + "John,Doe,j@example.com,jdoe\r\n", `row 2: "John" "Doe" "j@example.com" "jdoe"`},
		{"bom", "\xEF\xBB\xBF" + hdr + "Zoë,B,z@example.com,z\n", `row 2: "Zoë"|encoding: UTF-8, bom: true`},
		{"utf8 decided", hdr + "Zoë,B,z@example.com,z\n", `row 2: "Zoë"|encoding: UTF-8, bom: false`},
		{"windows-1252", hdr + "Ren\xe9e,O\x92Brien,r@example.com,r\n", `row 2: "Renée" "O’Brien"|encoding: Windows-1252`},
		{"1252 typographic quotes", hdr + "\"\x93Jeff\x94\",C,j@example.com,j\n", `"“Jeff”"`},
		{"1252 undefined byte", hdr + "A\x81,B,a@example.com,a\n", `encoding: Windows-1252`},
		{"ascii only", hdr + "A,B,a@example.com,a\n", `encoding: undecided`},
		{"quoted spaces", hdr + `"Mary Ann","van der Berg",m@example.com,m` + "\n", `"Mary Ann" "van der Berg"`},
		{"blanks trimmed", hdr + "  John , Doe ,\t j@example.com ,jdoe \n", `"John" "Doe" "j@example.com" "jdoe"`},
		{"blank before quote", hdr + `John, "Doe, Jr.",j@example.com,j` + "\n", `"John" "Doe, Jr."`},
		{"quoted comma", hdr + `"Doe, John",X,j@example.com,j` + "\n", `"Doe, John"`},
		{"doubled quotes", hdr + `"John ""Jack""",Doe,j@example.com,j` + "\n", `"John \"Jack\""`},
		{"quoted line break", hdr + "John,\"Doe\r\nSmith\",j@example.com,j\nA,B,a@example.com,a\n", `row 2: "John" "Doe\nSmith"|row 4: "A"`},
		{"header only", hdr, "header:|encoding"},
		{"empty", "", "error: line 1: the file is empty"},
		{"only bom", "\xEF\xBB\xBF", "error: line 1: the file is empty"},
		{"utf-16", "\xFF\xFEF\x00", "UTF-16"},
		{"printed typo header", "Firt Name, Last Name,Email, User Login\nJ,D,j@example.com,j\n", `row 2: "J" "D"`},
		{"case and blanks in header", "first  NAME,LAST name,EMAIL,user login\nJ,D,j@example.com,j\n", `row 2: "J"`},
		{"columns in another order", "User Login,Email,Last Name,First Name\nj,j@example.com,D,J\n", `row 2: "J" "D" "j@example.com" "j"`},
		{"wrong header", "Name,Surname,Mail,Login\n", `error: line 1: wrong header: unknown column "Name"`},
		{"header missing a column", "First Name,Last Name,Email\n", "wrong header: no column User Login"},
		{"header column twice", "First Name,Firt Name,Last Name,Email,User Login\n", "appears twice"},
		{"header empty column", "First Name,Last Name,Email,User Login,\n", "column 5 of the header has no name"},
		{"missing column", hdr + "A,B,a@example.com,a\nC,D,c\nE,F,e@example.com,e\n", `row 2|error: line 3: missing column: 3 fields where the header has 4 (no User Login) (fatal=false)|row 3: "C" "D" "c" ""|row 4`},
		{"extra column", hdr + "C,Newton, Jr.,c@example.com,c\n", `error: line 2: extra column: 5 fields where the header has 4`},
		{"bare quote", hdr + "Jo\"hn,D,j@example.com,j\n", `error: line 2, column 3: broken quoting: bare " in non-quoted-field; a field that holds a quote`},
		{"unterminated quote", hdr + "A,B,a@example.com,a\n\"C,D,c@example.com,c\nE,F,e@example.com,e\n", `row 2|error: line 3: broken quoting: a quoted field that opens on this line is not closed properly (read on to line 4, column 21) (fatal=true)`},
		{"blank records skipped", hdr + "\n,,,\nA,B,a@example.com,a\n , ,,\n", `row 4: "A"|encoding`},
		{"mixed encodings", hdr + "Zoë,B,z@example.com,z\nRen\xe9e,S,r@example.com,r\n", `row 2: "Zoë"|error: line 3: wrong encoding: bytes that are not valid UTF-8, but line 2 already had UTF-8 text|row 3: "Ren` + "\uFFFD" + `e"`},
		{"bom then 1252", "\xEF\xBB\xBF" + hdr + "Ren\xe9e,S,r@example.com,r\n", `starts with a UTF-8 byte order mark`},
		{"late first accent", hdr + strings.Repeat("A,B,a@example.com,a\n", 2000) + "Jos\xe9,G,j@example.com,j\n", `row 2002: "José"|encoding: Windows-1252`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := render([]byte(tc.in))
			rest := got
			for _, want := range strings.Split(tc.want, "|") {
				i := strings.Index(rest, want)
				if i < 0 {
					t.Fatalf("want %q (in order) in:\n%s", want, got)
				}
				rest = rest[i+len(want):]
			}
		})
	}
}

func TestErrorsAreSentinels(t *testing.T) {
	_, err := csvfile.NewReader(strings.NewReader("Name\n"))
	if !errors.Is(err, csvfile.ErrHeader) || !csvfile.IsFatal(err) {
		t.Fatalf("err = %v; want fatal ErrHeader", err)
	}
	var e *csvfile.Error
	if !errors.As(err, &e) || e.Line != 1 {
		t.Fatalf("err = %#v; want *Error at line 1", err)
	}
	rd, err := csvfile.NewReader(strings.NewReader(hdr + "a,b\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rd.Next(); !errors.Is(err, csvfile.ErrMissingColumn) || csvfile.IsFatal(err) {
		t.Fatalf("err = %v; want non-fatal ErrMissingColumn", err)
	}
	if _, err := rd.Next(); err != io.EOF {
		t.Fatalf("err = %v; want io.EOF", err)
	}
	if _, err := rd.Next(); err != io.EOF {
		t.Fatalf("io.EOF must be sticky, got %v", err)
	}
}

// failingReader fails after its data, as a broken disk or connection would.
type failingReader struct{ r io.Reader }

func (f failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, errors.New("disk on fire")
	}
	return n, err
}

func TestReadFailureIsFatalAndWrapped(t *testing.T) {
	rd, err := csvfile.NewReader(failingReader{strings.NewReader(hdr + "A,B,a@example.com,a\n")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rd.Next(); err != nil {
		t.Fatal(err)
	}
	_, err = rd.Next()
	if !errors.Is(err, csvfile.ErrRead) || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("err = %v", err)
	}
}

func TestWriterRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w, err := csvfile.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	in := []csvfile.Row{
		{FirstName: `John "Jack"`, LastName: "Doe, Jr.", Email: "j@example.com", UserLogin: "jdoe"},
		{FirstName: "Zoë", LastName: "Line\nBreak", Email: "z@example.com", UserLogin: "z"},
	}
	for _, r := range in {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rd, err := csvfile.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	for row, err := range rd.All() {
		if err != nil {
			t.Fatal(err)
		}
		row.Line = 0
		if row != in[i] {
			t.Fatalf("row %d = %+v, want %+v", i, row, in[i])
		}
		i++
	}
	if i != len(in) {
		t.Fatalf("%d rows, want %d", i, len(in))
	}
}

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGolden reads every fixture of fixtures/csv/epm-v1 (the files the suite
// uploads) and testdata/*.csv, and compares what the Reader makes of them
// with testdata/golden/<name>.txt. Run with -update after a deliberate change.
func TestGolden(t *testing.T) {
	var files []string
	for _, pattern := range []string{"../../fixtures/csv/epm-v1/*.csv", "testdata/*.csv"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 20 {
		t.Fatalf("only %d CSV files found", len(files))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".csv")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got := render(data)
			golden := filepath.Join("testdata", "golden", name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update)", err)
			}
			if got != string(want) {
				t.Fatalf("%s:\ngot:\n%s\nwant:\n%s", f, got, want)
			}
		})
	}
}

// FuzzReader: no input may panic, every row keeps a positive, non-decreasing
// line number, and every value is valid UTF-8.
func FuzzReader(f *testing.F) {
	seeds := []string{
		"", hdr, hdr + "a,b,c@d.e,f\n", "\xEF\xBB\xBF" + hdr, "\xFF\xFE",
		hdr + "\"a\nb\",c,d,e\r\n", hdr + "Ren\xe9e,b,c,d\n", hdr + "a\"b,c,d,e\n",
		hdr + "\"unterminated,b,c,d\n", "Firt Name, Last Name,Email, User Login\n",
		hdr + "Zoë,b,c,d\n\xe9,b,c,d\n", hdr + ",,,\n\n\r\n", hdr + "a,b,c,d,e,f\n",
	}
	if files, _ := filepath.Glob("../../fixtures/csv/epm-v1/*.csv"); files != nil {
		for _, p := range files {
			if data, err := os.ReadFile(p); err == nil {
				seeds = append(seeds, string(data))
			}
		}
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rd, err := csvfile.NewReader(bytes.NewReader(data))
		if err != nil {
			if !csvfile.IsFatal(err) {
				t.Fatalf("NewReader returned a non-fatal error: %v", err)
			}
			return
		}
		last := 0
		for n := 0; ; n++ {
			if n > len(data)+1 {
				t.Fatal("more rows than bytes: the reader does not advance")
			}
			row, err := rd.Next()
			if err == io.EOF {
				return
			}
			if csvfile.IsFatal(err) {
				if e := (*csvfile.Error)(nil); !errors.As(err, &e) || e.Line < 1 {
					t.Fatalf("fatal error without a line: %v", err)
				}
				return
			}
			if row.Line < 1 || row.Line < last {
				t.Fatalf("row line %d after %d", row.Line, last)
			}
			last = row.Line
			for _, v := range []string{row.FirstName, row.LastName, row.Email, row.UserLogin} {
				if !utf8Valid(v) {
					t.Fatalf("value %q is not UTF-8", v)
				}
			}
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "") == s }

// TestReadFailureInsideQuotedField: a read that fails while a quoted first
// field is still open is a fatal ErrRead at the record's line. (On top of
// encoding/csv this panicked: FieldPos(0) had no field to report.)
func TestReadFailureInsideQuotedField(t *testing.T) {
	rd, err := csvfile.NewReader(failingReader{strings.NewReader(hdr + "A,B,a@example.com,a\n\"Still open")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rd.Next(); err != nil {
		t.Fatal(err)
	}
	_, err = rd.Next()
	var e *csvfile.Error
	if !errors.Is(err, csvfile.ErrRead) || !csvfile.IsFatal(err) || !errors.As(err, &e) || e.Line != 3 {
		t.Fatalf("err = %v; want a fatal ErrRead at line 3", err)
	}
}
