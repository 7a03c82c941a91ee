package mock_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/jsonlog"
	"github.com/oracle-users-conformance/conformance/internal/mock"
	"github.com/oracle-users-conformance/conformance/internal/mocktest"
)

// A request is one log line: the middleware's, with what the handler noted
// (here the v2 summary: caller, processed, failed) and never the password;
// through slog's JSON handler and through jsonlog, which `conformance mock
// --log-format json` uses.
func TestOneLogLinePerRequest(t *testing.T) {
	for name, h := range map[string]func(io.Writer) slog.Handler{
		"slog":    func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) },
		"jsonlog": func(w io.Writer) slog.Handler { return jsonlog.New(w) },
	} {
		t.Run(name, func(t *testing.T) { oneLogLinePerRequest(t, h) })
	}
}

func oneLogLinePerRequest(t *testing.T, handler func(io.Writer) slog.Handler) {
	var buf bytes.Buffer
	m := mocktest.New(t, mock.Options{Logger: slog.New(handler(&buf))})
	req := httptest.NewRequest("PUT", "/interop/rest/security/v2/users/update",
		strings.NewReader(`{"users":[{"userlogin":"jdoe","firstname":"Jane"},{"userlogin":"nobody"}]}`))
	req.SetBasicAuth("admin", "Welcome1")
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d log lines, want 1:\n%s", len(lines), buf.String())
	}
	var line map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &line); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"msg": "request", "level": "INFO", "method": "PUT", "path": "/interop/rest/security/v2/users/update",
		"status": 200.0, "caller": "admin", "processed": 2.0, "failed": 1.0}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("%s = %v, want %v (line %s)", k, line[k], v, lines[0])
		}
	}
	if _, ok := line["duration"]; !ok {
		t.Errorf("no duration in %s", lines[0])
	}
	if strings.Contains(buf.String(), "Welcome1") {
		t.Errorf("the password reached the log: %s", lines[0])
	}
}
