package epm

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/csvfile"
	"github.com/oracle-users-conformance/conformance/internal/mock/auth"
)

// partsResult is everything a job's reading leaves: its outcome (the
// failed rows read back from their file) and the users.
type partsResult struct {
	status                       int
	details                      string
	processed, succeeded, failed int
	items                        string
	users                        []User
}

// newPartsServer is the server a test's readings in parts run on;
// readInParts gives it a fresh domain each time.
func newPartsServer(t testing.TB) *Server {
	s := New(
		auth.New([]auth.Account{{Login: "admin", Password: "pw", Roles: map[string][]string{auth.EPM: {"Identity Domain Administrator", "Service Administrator"}}}}),
		Seed{Users: partsSeed}, Options{JobDuration: -1, FileDir: t.TempDir()}, nil)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

var partsSeed = []User{
	{Login: "jdoe", FirstName: "John", LastName: "Doe", Email: "jdoe@example.com"},
	{Login: "Chris", FirstName: "Chris", LastName: "Newton", Email: "chris@example.com"},
}

// readInParts runs the job's reading of data on a fresh domain with parts
// starting at cuts; ok is false when the header itself is refused (before
// any part).
func readInParts(t testing.TB, s *Server, data []byte, cuts []int64) (partsResult, bool) {
	t.Helper()
	return readInPartsLinked(t, s, data, cuts, true)
}

// readInPartsLinked is readInParts, with or without the job's link to its
// file (a file system without hard links).
func readInPartsLinked(t testing.TB, s *Server, data []byte, cuts []int64, linked bool) (partsResult, bool) {
	t.Helper()
	s.Domain = NewDomain(append([]User{{Login: "admin"}}, partsSeed...))
	// The job's own link to its file, which failed rows point into.
	// In the server's own directory: a new t.TempDir for each of the
	// thousands of cuts was most of this package's system time.
	kept, err := os.CreateTemp(s.opts.FileDir, "kept-*")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(kept.Name())
	defer kept.Close()
	if _, err := kept.Write(data); err != nil {
		t.Fatal(err)
	}
	size := int64(len(data))
	rd, err := csvfile.NewReader(io.NewSectionReader(kept, 0, size))
	if err != nil {
		return partsResult{}, false
	}
	link := ""
	if linked {
		link = kept.Name()
	}
	o := s.readParts(context.Background(), &job{id: 1, filename: "u.csv", caller: "admin"}, kept, size, rd, cuts, link)
	if o.failures != nil && o.failures.kept != "" && !linked {
		t.Fatalf("items point into a file the job has no link to: %+v", o.failures)
	}
	r := partsResult{status: o.status, details: o.details, processed: o.processed, succeeded: o.succeeded, failed: o.failed, users: s.Domain.Users()}
	if o.failures != nil {
		r.items = renderItems(t, o.failures)
		o.failures.remove()
	}
	return r, true
}

// renderItems writes the items of a job's failed rows as its answer does,
// and checks that they are as long as the job counted (the answer's
// Content-Length).
func renderItems(t testing.TB, fr *failedRows) string {
	t.Helper()
	src, err := fr.open()
	if err != nil {
		t.Fatal(err)
	}
	defer src.close()
	var b bytes.Buffer
	if err := src.writeItems(&b); err != nil {
		t.Fatal(err)
	}
	if int64(b.Len()) != fr.size {
		t.Fatalf("items of %d bytes, counted %d: %q", b.Len(), fr.size, b.String())
	}
	return b.String()
}

// onePass is what reading data in one part leaves, the reference every
// reading in parts of the same data is compared with (read once per file:
// the comparisons run by the hundred).
type onePass struct {
	data []byte
	want partsResult
	ok   bool // false when the header itself is refused
}

func readOnePass(t *testing.T, s *Server, data []byte) onePass {
	t.Helper()
	want, ok := readInParts(t, s, data, nil)
	return onePass{data: data, want: want, ok: ok}
}

// compareParts checks that reading the data in parts starting at cuts
// leaves exactly what reading it in one part leaves.
func compareParts(t *testing.T, s *Server, ref onePass, cuts ...int64) {
	t.Helper()
	if !ref.ok {
		return
	}
	got, _ := readInParts(t, s, ref.data, cuts)
	if !reflect.DeepEqual(got, ref.want) {
		t.Fatalf("cuts %v of %q:\n got %+v\nwant %+v", cuts, ref.data, got, ref.want)
	}
}

// partsFiles are files whose rows a wrong guess of a record boundary would
// read differently: newlines and commas inside quotes, quotes that look
// like the end of a field, blank lines and blank records, an encoding
// decided after the header, row errors of every kind, CRLF, a BOM.
var partsFiles = map[string]string{
	"quoted newlines": "First Name,Last Name,Email,User Login\n" +
		"John,\"Doe,\nJr\",j1@example.com,jdoe\n" +
		"\"A\n\"\"B\"\"\nC\",Last,c@example.com,chris\n" +
		"Ghost,X,g@example.com,ghost\n" +
		"\"x\ny,z\",\"\n\",bad-email,jdoe\n" +
		"Adm,In,a@example.com,ADMIN\n" +
		"only,three,fields\n" +
		"\n\n,,,\n" +
		"Last,\"Row\",last@example.com,JDOE\n",
	"fatal in the last part": "First Name,Last Name,Email,User Login\n" +
		"John,Doe,j1@example.com,jdoe\n" +
		"Chris,N,c1@example.com,chris\n" +
		"John,Doe,j2@example.com,jdoe\n" +
		"Broken,\"quote\"x,b@example.com,jdoe\n",
	"unclosed quote at the end": "First Name,Last Name,Email,User Login\n" +
		"John,Doe,j1@example.com,jdoe\n" +
		"Chris,N,c1@example.com,chris\n" +
		"John,\"Doe\n,j2@example.com,jdoe\n",
	// A part that numbers its lines from its own start must read the row
	// without a login, and the rows after the one that decides the
	// encoding, with their lines numbered from the file's start.
	"lines a later part needs": "First Name,Last Name,Email,User Login\n" +
		"John,Doe,j1@example.com,jdoe\n" +
		"Ghost,G,g@example.com,ghost1\n" +
		"Eve,D,e@example.com, \n" +
		"Zo\xc3\xab,N,z@example.com,ghost2\n" +
		"Ann,B,a@example.com,ghost3\n" +
		"Bad\xff,C,b@example.com,ghost4\n" +
		"Last,E,l@example.com,jdoe\n",
	"encoding decided in a later row": "First Name,Last Name,Email,User Login\n" +
		"John,Doe,j1@example.com,jdoe\n" +
		"Jos\xe9,N,c1@example.com,chris\n" +
		"Ren\xc3\xa9,Doe,j2@example.com,jdoe\n",
	"utf-8 with a bom and crlf": "\xef\xbb\xbfFirst Name,Last Name,Email,User Login\r\n" +
		"Jos\xc3\xa9,Doe,j1@example.com,jdoe\r\n" +
		"\"Chris\r\nX\",N,c1@example.com,chris\r\n" +
		"Bad\xff,Doe,j2@example.com,jdoe\r\n" +
		"Last,Row,l@example.com,chris",
}

// Every cut, at every byte, and every pair of cuts: reading in parts leaves
// what reading in one part leaves, whether or not a cut falls on a record
// boundary.
func TestPartsMatchOnePass(t *testing.T) {
	for name, data := range partsFiles {
		t.Run(name, func(t *testing.T) {
			s := newPartsServer(t)
			ref := readOnePass(t, s, []byte(data))
			n := int64(len(data))
			for i := int64(0); i <= n; i++ {
				compareParts(t, s, ref, i)
			}
			step := max(1, n/20)
			for i := int64(0); i <= n; i += step {
				for j := i; j <= n; j += step {
					compareParts(t, s, ref, i, j)
					compareParts(t, s, ref, i, j, min(n, j+step/2))
				}
			}
		})
	}
}

// Without a link to its file (a file system without hard links) the job
// writes every item itself, and the answer is the same.
func TestPartsWithoutLinkMatch(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(partsFiles["quoted newlines"])
	for i := range 3000 {
		fmt.Fprintf(&sb, "G%d,M,x@example.com,ghost%d\n", i, i)
	}
	files := []string{sb.String()}
	for _, data := range partsFiles {
		files = append(files, data)
	}
	s := newPartsServer(t)
	for _, data := range files {
		for _, cuts := range [][]int64{nil, {int64(len(data) / 2)}} {
			linked, ok := readInPartsLinked(t, s, []byte(data), cuts, true)
			if !ok {
				continue
			}
			alone, _ := readInPartsLinked(t, s, []byte(data), cuts, false)
			if !reflect.DeepEqual(linked, alone) {
				t.Fatalf("cuts %v of %q:\nlinked %+v\nalone  %+v", cuts, data, linked, alone)
			}
		}
	}
}

// A cut inside a quoted field, just after the newline it holds: the part
// that starts there reads nonsense, and is dropped.
func TestPartsCutInsideQuotedField(t *testing.T) {
	data := "First Name,Last Name,Email,User Login\n" +
		"John,\"Doe\nJohn,Doe,evil@example.com,chris\n\",j1@example.com,jdoe\n" +
		"Chris,N,c1@example.com,chris\n"
	cut := int64(strings.Index(data, "John,Doe,evil"))
	s := newPartsServer(t)
	got, _ := readInParts(t, s, []byte(data), []int64{cut})
	if got.status != 0 || got.processed != 2 || got.succeeded != 2 {
		t.Fatalf("%+v", got)
	}
	for _, u := range got.users {
		if strings.Contains(u.Email, "evil") {
			t.Fatalf("a row read from inside a quoted field: %+v", u)
		}
	}
	compareParts(t, s, readOnePass(t, s, []byte(data)), cut)
}

// A fatal error in the last part leaves every user unchanged, though the
// parts before it read good rows, and no failed rows behind.
func TestPartsFatalInLastPartChangesNoUser(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("First Name,Last Name,Email,User Login\n")
	for i := range 200 {
		fmt.Fprintf(&sb, "F%d,L%d,u%d@example.com,jdoe\nG%d,M,x@example.com,ghost%d\n", i, i, i, i, i)
	}
	good := int64(sb.Len())
	sb.WriteString("Broken,\"quote\"x,b@example.com,chris\n")
	data := []byte(sb.String())
	s := newPartsServer(t)
	before, _ := readInParts(t, s, []byte("First Name,Last Name,Email,User Login\n"), nil)
	for _, cuts := range [][]int64{nil, {good / 2}, {good / 3, 2 * good / 3, good}, {good}} {
		got, _ := readInParts(t, s, data, cuts)
		if got.status != 1 || !strings.Contains(got.details, "line 402") || got.items != "" {
			t.Errorf("cuts %v: %+v", cuts, got)
		}
		if !reflect.DeepEqual(got.users, before.users) {
			t.Errorf("cuts %v: users changed: %+v", cuts, got.users)
		}
	}
}

func TestCutPoints(t *testing.T) {
	var sb strings.Builder
	for sb.Len() < 3*minPartBytes {
		sb.WriteString("First,Last,first.last@example.com,login\n")
	}
	data := []byte(sb.String())
	f := bytes.NewReader(data)
	if cuts := cutPoints(f, 0, int64(len(data)), 4); len(cuts) != 2 {
		t.Fatalf("3 MiB in parts of at least 1 MiB: %v", cuts)
	} else {
		for i, c := range cuts {
			if data[c-1] != '\n' || i > 0 && c <= cuts[i-1] {
				t.Fatalf("cuts %v", cuts)
			}
		}
	}
	if cuts := cutPoints(f, 0, minPartBytes, 2); len(cuts) != 0 {
		t.Fatalf("1 MiB: %v", cuts)
	}
	if cuts := cutPoints(bytes.NewReader(bytes.Repeat([]byte("x"), 3*minPartBytes)), 0, 3*minPartBytes, 3); len(cuts) != 0 {
		t.Fatalf("no newline: %v", cuts)
	}
}

// FuzzPartsMatchOnePass: any file, any two cuts.
func FuzzPartsMatchOnePass(f *testing.F) {
	for _, data := range partsFiles {
		f.Add([]byte(data), uint16(len(data)/3), uint16(len(data)/2))
	}
	s := newPartsServer(f)
	f.Fuzz(func(t *testing.T, data []byte, a, b uint16) {
		n := int64(len(data))
		i, j := int64(a)%(n+1), int64(b)%(n+1)
		compareParts(t, s, readOnePass(t, s, data), min(i, j), max(i, j))
	})
}
