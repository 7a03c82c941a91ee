// Package bodycap reads a request body up to the mock's limit and, beyond
// it, hears the client out before the refusal.
//
// http.MaxBytesReader refuses at the limit and has the server close the
// connection while the client is still sending: the client's write then
// fails (a broken pipe, a reset) and, depending on which of its goroutines
// the machine runs first, it reports that failure instead of the 413 the
// server sent. A client that sent 9 MB got the refusal on an idle machine
// and "could not be reached" on a loaded one. Reading on, up to Drain,
// lets the client finish and read the answer every time.
package bodycap

import (
	"bytes"
	"io"
	"net/http"
)

// Drain is how much of a body beyond the limit is read and thrown away
// before the refusal. A client sending more than this finds the
// connection closed after the answer, as with http.MaxBytesReader.
const Drain = 64 << 20

// Read returns the body, or an *http.MaxBytesError when it is longer than
// limit; any other error is the body's own (a client that went away).
func Read(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	var b bytes.Buffer
	if err := ReadInto(w, r, limit, &b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ReadInto is Read into a buffer of the caller's (a pooled one), which
// holds the body when the error is nil.
func ReadInto(w http.ResponseWriter, r *http.Request, limit int64, b *bytes.Buffer) error {
	if _, err := b.ReadFrom(io.LimitReader(r.Body, limit+1)); err != nil {
		return err
	}
	if int64(b.Len()) <= limit {
		return nil
	}
	b.Reset()
	if n, err := io.Copy(io.Discard, io.LimitReader(r.Body, Drain)); err != nil || n == Drain {
		w.Header().Set("Connection", "close")
	}
	return &http.MaxBytesError{Limit: limit}
}
