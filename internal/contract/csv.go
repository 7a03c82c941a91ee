package contract

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/oracle-users-conformance/conformance/internal/csvfile"
)

// kin-openapi decodes a text/csv body into one string, so a schema that
// describes the rows (specs/epm-users-v1.yaml, UserFile) could never be
// checked (kin-openapi). Registering this decoder makes a CSV body
// an array of rows before validation.
func init() {
	openapi3filter.RegisterBodyDecoder("text/csv", CSVBodyDecoder)
}

// CSVBodyDecoder decodes a CSV body into []any of map[string]any: one object
// per record after the header, keyed by the header's cells as written
// (trimmed). It reads the file as internal/csvfile does (BOM, UTF-8 or
// Windows-1252, CRLF, RFC 4180 quoting), so the contract and the mock agree
// on what the bytes say. A field beyond the header is keyed "column N", so
// the schema's additionalProperties reports it; a missing field is an absent
// key, reported by required. Records whose fields are all empty are skipped,
// as the mock skips them. Validation holds the whole body in memory anyway
// (kin-openapi reads it), so this is for scenario-sized files.
func CSVBodyDecoder(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
	dec := csvfile.NewDecoder(body)
	head, err := dec.Next()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("csv body: empty, no header line")
	}
	if err != nil {
		return nil, fmt.Errorf("csv body header: %w", err)
	}
	names := append([]string(nil), head.Fields...)
	rows := []any{}
	for {
		rec, err := dec.Next()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("csv body: %w", err)
		}
		if allEmpty(rec.Fields) {
			continue
		}
		row := make(map[string]any, len(rec.Fields))
		for i, f := range rec.Fields {
			key := "column " + strconv.Itoa(i+1)
			if i < len(names) && names[i] != "" {
				key = names[i]
			}
			row[key] = f
		}
		rows = append(rows, row)
	}
}

func allEmpty(fields []string) bool {
	for _, f := range fields {
		if f != "" {
			return false
		}
	}
	return true
}
