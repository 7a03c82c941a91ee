package epm

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/csvfile"
)

// failAfter reads r, then fails: a disk that breaks halfway through a file.
type failAfter struct{ r io.Reader }

func (f failAfter) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if errors.Is(err, io.EOF) {
		return n, errors.New("disk gone")
	}
	return n, err
}

// readAhead yields every row in the file's order, across batches, with its
// read error, and the fatal error that ends the file after the rows before it.
func TestReadAheadKeepsOrderAndEndsOnFatal(t *testing.T) {
	const n = 3*rowBatchSize + 7
	var sb strings.Builder
	sb.WriteString("First Name,Last Name,Email,User Login\n")
	for i := range n {
		if i == 600 {
			sb.WriteString("only,three,fields\n") // a row error, not fatal
			continue
		}
		fmt.Fprintf(&sb, "F%d,L,e%d@x.y,u%d\n", i, i, i)
	}
	rd, err := csvfile.NewReader(failAfter{strings.NewReader(sb.String())})
	if err != nil {
		t.Fatal(err)
	}
	batches, stop := readAhead(rd)
	defer stop()
	got, fatals := 0, 0
	for b := range batches {
		for i, row := range b.rows {
			if got == 600 {
				if !errors.Is(b.errs[i], csvfile.ErrMissingColumn) {
					t.Errorf("row 600: err %v, want a missing column", b.errs[i])
				}
			} else if want := fmt.Sprintf("u%d", got); row.UserLogin != want || b.errs[i] != nil {
				t.Fatalf("row %d: %q, %v; want %q", got, row.UserLogin, b.errs[i], want)
			}
			got++
		}
		if b.fatal != nil {
			fatals++
			if !errors.Is(b.fatal, csvfile.ErrRead) {
				t.Errorf("fatal %v, want a read failure", b.fatal)
			}
		}
		b.done()
	}
	if got != n || fatals != 1 {
		t.Errorf("%d rows and %d fatal errors, want %d and 1", got, fatals, n)
	}
}

// stop ends the reader early, with batches still unread.
func TestReadAheadStopsEarly(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("First Name,Last Name,Email,User Login\n")
	for i := range 20 * rowBatchSize {
		fmt.Fprintf(&sb, "F,L,e@x.y,u%d\n", i)
	}
	rd, err := csvfile.NewReader(strings.NewReader(sb.String()))
	if err != nil {
		t.Fatal(err)
	}
	batches, stop := readAhead(rd)
	b := <-batches
	b.done()
	stop() // returns only once the reading goroutine is gone
}
