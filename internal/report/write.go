package report

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Files are the reports WriteAll writes, by name, with their writers.
var Files = []struct {
	Name  string
	Write func(io.Writer, *Run) error
}{
	{"junit.xml", WriteJUnit},
	{"report.json", WriteJSON},
	{"report.html", WriteHTML},
	{"summary.md", WriteMarkdown},
	{"ctrf.json", WriteCTRF},
}

// WriteAll writes every report of the run into dir, creating it. Each file
// is rendered in memory first and then written whole, so a reporter that
// fails leaves no half-written file for CI to trust.
func WriteAll(dir string, r *Run) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range Files {
		var b bytes.Buffer
		if err := f.Write(&b, r); err != nil {
			return err
		}
		path := filepath.Join(dir, f.Name)
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return nil
}
