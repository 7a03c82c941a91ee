// Package reqinfo tells the simulators what to echo back about a request:
// the URL the caller used (for self links that lead back to the mock, also
// behind a proxy) and, for a body that does not parse or is not UTF-8, where
// it broke.
package reqinfo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"unicode/utf8"
)

// Origin is the scheme and host the caller used.
func Origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "http" || p == "https" {
		scheme = p
	}
	return scheme + "://" + r.Host
}

// URL is the absolute URL of the request as sent (escapes kept), without
// its query.
func URL(r *http.Request) string { return Origin(r) + r.URL.EscapedPath() }

// JSONProblem says where and how a JSON body broke, so the caller can fix it.
func JSONProblem(body []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off := min(int(se.Offset), len(body))
		line := 1 + bytes.Count(body[:off], []byte("\n"))
		return fmt.Sprintf("%s at line %d byte %d", se.Error(), line, se.Offset)
	case errors.As(err, &te):
		where := te.Field
		if where == "" {
			where = "the body"
		}
		return fmt.Sprintf("%s must be %s, not %s", where, kind(te.Type.Kind().String()), te.Value)
	}
	return err.Error()
}

// InvalidUTF8 says where a body stops being UTF-8, for a caller that must
// find the byte; call it only when utf8.Valid(body) is false.
func InvalidUTF8(body []byte) string {
	off := 0
	for off < len(body) {
		r, size := utf8.DecodeRune(body[off:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		off += size
	}
	line := 1 + bytes.Count(body[:off], []byte("\n"))
	return fmt.Sprintf("bytes that are not UTF-8 at line %d byte %d", line, off+1)
}

func kind(goKind string) string {
	switch goKind {
	case "struct", "map":
		return "an object"
	case "slice", "array", "ptr":
		return "an array"
	}
	return "a " + goKind
}
