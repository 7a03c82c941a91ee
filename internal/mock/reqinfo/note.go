package reqinfo

import (
	"log/slog"
	"net/http"
)

// Noter is implemented by the response writer the mock's middleware hands
// to the simulators: what a handler notes about a request is written in
// the request's one log line, instead of a line of its own. A log line
// costs more than the rest of a small request's handling (BENCHMARKS.md,
// section 2), and one line per request says the same.
type Noter interface {
	Note(attrs ...slog.Attr)
}

// Note adds attrs to the log line of the request w answers and reports
// whether it could; when w does not take notes (a simulator served without
// the mock's middleware, as in its own tests), the handler logs them itself.
func Note(w http.ResponseWriter, attrs ...slog.Attr) bool {
	n, ok := w.(Noter)
	if ok {
		n.Note(attrs...)
	}
	return ok
}
