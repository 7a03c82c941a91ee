package epm

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/csvfile"
	"github.com/oracle-users-conformance/conformance/internal/mock/auth"
)

// failedRow is a row and the error it failed with.
type failedRow struct {
	row csvfile.Row
	err error
}

// encodeItemsRef is what the item file held when encoding/json wrote it:
// items separated by commas, each followed by the newline Encode adds.
func encodeItemsRef(items []failedRow) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		_ = enc.Encode(itemV1{UserName: it.row.UserLogin, ErrorDetails: itemDetails(it.row, it.err)})
	}
	return b.Bytes()
}

// writeItems writes items as a job does and returns them as its answer
// writes them. With placed, the rows of unknown users are kept as where
// their logins are in a file (a file of the logins one after the other
// stands for the job's), as the job keeps them; otherwise as items.
func writeItems(t *testing.T, items []failedRow, placed bool) (answer []byte, pointing int) {
	t.Helper()
	s := New(auth.New(nil), Seed{}, Options{FileDir: t.TempDir()}, slog.New(slog.DiscardHandler))
	defer s.Close()
	fw, err := s.newFailedWriter(1)
	if err != nil {
		t.Fatal(err)
	}
	var logins bytes.Buffer
	for _, it := range items {
		if placed && errors.Is(it.err, ErrUnknownUser) {
			logins.WriteString("x,") // the login is never the first byte
			err = fw.addUnknown(it.row, int64(logins.Len()), true)
			logins.WriteString(it.row.UserLogin)
		} else {
			err = fw.add(it.row, it.err)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	path, err := fw.finish()
	if err != nil {
		t.Fatal(err)
	}
	fr := &failedRows{}
	fr.addList(path, fw)
	if fw.items > 0 {
		fr.size += int64(fw.items - 1)
	}
	if fw.placed > 0 {
		fr.kept = filepath.Join(t.TempDir(), "kept")
		if err := os.WriteFile(fr.kept, logins.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if !placed && fw.placed > 0 {
		t.Fatalf("%d items point into a file the job has not", fw.placed)
	}
	return []byte(renderItems(t, fr)), fw.placed
}

var itemStrings = []string{
	"", "jdoe", " User ghost not found. Verify that the user exists. ", `a"b`, `a\b`, "a/b",
	"<&>", "tab\there", "line\nbreak", "cr\r", "\b\f", "\x00\x01\x1f", "\x7f", "Zoë", "O’Brien",
	"\u2028\u2029", "bad\xff\xfeutf8", "\xc3", "\xed\xa0\x80", "😀",
}

// rowErrors are the errors a row can fail with, so every way itemWriter
// builds Error_Details is compared.
var rowErrors = []error{
	ErrUnknownUser, ErrInvalidEmail, ErrOwnAccount, ErrNoLogin, errors.New("other"),
	&csvfile.Error{Line: 7, Err: csvfile.ErrMissingColumn, Detail: "3 fields where the header has 4 (no User Login)"},
}

func TestItemWriterMatchesEncodingJSON(t *testing.T) {
	var items []failedRow
	for _, a := range itemStrings {
		for _, b := range itemStrings {
			for _, err := range rowErrors {
				items = append(items, failedRow{csvfile.Row{Line: 3, UserLogin: a, Email: b}, err})
			}
		}
	}
	want := encodeItemsRef(items)
	for _, placed := range []bool{false, true} {
		got, pointing := writeItems(t, items, placed)
		if !bytes.Equal(got, want) {
			t.Fatalf("placed %v: items differ from encoding/json's:\ngot:  %q\nwant: %q", placed, got, want)
		}
		if placed && pointing == 0 {
			t.Fatal("no item points into the file: the comparison says nothing of those that do")
		}
		if got, _ := writeItems(t, nil, placed); len(got) != 0 {
			t.Fatalf("no item written, items %q", got)
		}
	}
}

func FuzzItemWriter(f *testing.F) {
	for _, s := range itemStrings {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, login, email string) {
		var items []failedRow
		for _, err := range rowErrors {
			items = append(items, failedRow{csvfile.Row{Line: 2, UserLogin: login, Email: email}, err})
		}
		want := encodeItemsRef(items)
		for _, placed := range []bool{false, true} {
			if got, _ := writeItems(t, items, placed); !bytes.Equal(got, want) {
				t.Fatalf("placed %v: got %q, want %q", placed, got, want)
			}
		}
	})
}
