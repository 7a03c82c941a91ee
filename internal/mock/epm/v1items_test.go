package epm

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
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

// writeItems writes items with the job's itemWriter and returns the file.
func writeItems(t *testing.T, items []failedRow) []byte {
	t.Helper()
	s := New(auth.New(nil), Seed{}, Options{FileDir: t.TempDir()}, slog.New(slog.DiscardHandler))
	defer s.Close()
	iw, err := s.newItemWriter(1)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if err := iw.add(it.row, it.err); err != nil {
			t.Fatal(err)
		}
	}
	path, err := iw.finish()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
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
	got, want := writeItems(t, items), encodeItemsRef(items)
	if !bytes.Equal(got, want) {
		t.Fatalf("item file differs from encoding/json's:\ngot:  %q\nwant: %q", got, want)
	}
	if got := writeItems(t, nil); len(got) != 0 {
		t.Fatalf("no item written, file %q", got)
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
		if got, want := writeItems(t, items), encodeItemsRef(items); !bytes.Equal(got, want) {
			t.Fatalf("got %q, want %q", got, want)
		}
	})
}
