// Package jsonlog is log/slog's JSON handler with a shorter way for the
// records a server writes most: `conformance mock --log-format json`
// writes one line per request, and slog's general machinery (resolving
// values, the handle state, escaping every string) was about a twentieth
// of the mock's CPU per request (BENCHMARKS.md, section 2).
//
// A record whose message, keys and string values are plain (printable
// ASCII without a quote or a backslash: they need no escaping) and whose
// values are strings, integers, booleans or durations is written here, in
// the bytes slog.NewJSONHandler(w, nil) writes for it
// (TestMatchesSlog, FuzzMatchesSlog). Any other record, and every logger
// made With attributes or a group, goes to slog's handler itself.
package jsonlog

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"
)

// Handler writes records as slog.NewJSONHandler(w, nil) does.
type Handler struct {
	slog.Handler // slog's own, for every record the short way does not take
	w            *lockedWriter
}

// New returns a Handler writing to w, one Write per record.
func New(w io.Writer) *Handler {
	lw := &lockedWriter{w: w}
	return &Handler{Handler: slog.NewJSONHandler(lw, nil), w: lw}
}

// lockedWriter serialises the writes of both ways, as slog's handler
// serialises its own.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

var lines = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// Handle writes r the short way when it can, otherwise through slog.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	buf := lines.Get().(*[]byte)
	defer lines.Put(buf)
	line, ok := appendRecord((*buf)[:0], r)
	if !ok {
		return h.Handler.Handle(ctx, r)
	}
	if cap(line) <= 64<<10 { // a huge line's buffer is not kept
		*buf = line
	}
	_, err := h.w.Write(line)
	return err
}

// appendRecord appends the line slog's JSON handler writes for r, or
// reports false for a record it leaves to slog.
func appendRecord(b []byte, r slog.Record) ([]byte, bool) {
	b = append(b, '{')
	if !r.Time.IsZero() {
		t := r.Time.Round(0) // as slog: no monotonic reading
		if y := t.Year(); y < 0 || y >= 10000 {
			return b, false // slog writes an error for it
		}
		b = append(b, `"time":"`...)
		b = t.AppendFormat(b, time.RFC3339Nano)
		b = append(b, `",`...)
	}
	level := r.Level.String()
	if !plain(level) || !plain(r.Message) {
		return b, false
	}
	b = append(b, `"level":"`...)
	b = append(b, level...)
	b = append(b, `","msg":"`...)
	b = append(b, r.Message...)
	b = append(b, '"')
	ok := true
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "" || !plain(a.Key) {
			ok = false // slog elides or escapes it
			return false
		}
		b = append(b, ',', '"')
		b = append(b, a.Key...)
		b = append(b, '"', ':')
		switch v := a.Value; v.Kind() {
		case slog.KindString:
			s := v.String()
			if !plain(s) {
				ok = false
				return false
			}
			b = append(b, '"')
			b = append(b, s...)
			b = append(b, '"')
		case slog.KindInt64:
			b = strconv.AppendInt(b, v.Int64(), 10)
		case slog.KindUint64:
			b = strconv.AppendUint(b, v.Uint64(), 10)
		case slog.KindBool:
			b = strconv.AppendBool(b, v.Bool())
		case slog.KindDuration:
			b = strconv.AppendInt(b, int64(v.Duration()), 10) // as json.Marshal
		default:
			ok = false // floats, times, groups, values that resolve: slog's rules
			return false
		}
		return true
	})
	if !ok {
		return b, false
	}
	return append(b, '}', '\n'), true
}

// plain reports whether s is written in JSON as it is: printable ASCII
// without a quote or a backslash.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
