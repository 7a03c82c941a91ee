package csvfile

import (
	"encoding/csv"
	"fmt"
	"io"
)

// Writer writes an Update Users file in UTF-8 with the canonical header, for
// fixtures generated at run time (the 10,000- and 1,000,000-row files are not
// committed). encoding/csv quotes values that need it.
type Writer struct {
	w   *csv.Writer
	rec [numColumns]string
}

// NewWriter writes the header and returns a Writer for the rows.
func NewWriter(w io.Writer) (*Writer, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(Header); err != nil {
		return nil, fmt.Errorf("write csv header: %w", err)
	}
	return &Writer{w: cw}, nil
}

// Write writes one row.
func (w *Writer) Write(r Row) error {
	w.rec = [numColumns]string{r.FirstName, r.LastName, r.Email, r.UserLogin}
	if err := w.w.Write(w.rec[:]); err != nil {
		return fmt.Errorf("write csv row %s: %w", r.UserLogin, err)
	}
	return nil
}

// Close flushes the rows; it does not close the underlying writer.
func (w *Writer) Close() error {
	w.w.Flush()
	if err := w.w.Error(); err != nil {
		return fmt.Errorf("flush csv: %w", err)
	}
	return nil
}
