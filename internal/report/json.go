package report

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// Schema is the JSON Schema (draft 2020-12) of report.json at this Version.
// It is strict (no property it does not name), so a test catches the model
// and the schema drifting apart; validate a report with the schema of the
// tool that wrote it. Its descriptions mark the volatile fields.
//
//go:embed report.schema.json
var Schema []byte

// WriteJSON writes report.json: the model itself, indented, with version.
// Like every writer it only reads the run, so reporters may run at once.
func WriteJSON(w io.Writer, r *Run) error {
	c := *r
	if c.Version == 0 {
		c.Version = Version
	}
	b, err := json.MarshalIndent(&c, "", "  ")
	if err != nil {
		return fmt.Errorf("report.json: %w", err)
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}

// ReadJSON reads a report.json. Fields it does not know are ignored (a
// later tool may add some without changing Version); a version it does not
// know is an error, since fields may have changed meaning.
func ReadJSON(rd io.Reader) (*Run, error) {
	var r Run
	if err := json.NewDecoder(rd).Decode(&r); err != nil {
		return nil, fmt.Errorf("not a report.json: %w", err)
	}
	switch {
	case r.Version == 0:
		return nil, fmt.Errorf("not a report.json: no version")
	case r.Version > Version:
		return nil, fmt.Errorf("report.json version %d is newer than this tool's %d", r.Version, Version)
	}
	return &r, nil
}

// LoadJSON reads the report.json at path.
func LoadJSON(path string) (*Run, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := ReadJSON(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// clone is a deep copy, so Normalize and Diff never change their input.
func clone(r *Run) *Run {
	b, err := json.Marshal(r)
	if err != nil {
		panic(fmt.Sprintf("report: a Run that does not marshal: %v", err)) // only plain data: cannot happen
	}
	var c Run
	if err := json.Unmarshal(b, &c); err != nil {
		panic(fmt.Sprintf("report: a Run that does not unmarshal: %v", err))
	}
	return &c
}
