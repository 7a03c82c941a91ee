package jsonlog

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"math"
	"testing"
	"time"
)

// compare writes r through Handler and through slog.NewJSONHandler and
// fails on any difference in the bytes.
func compare(t *testing.T, r slog.Record) {
	t.Helper()
	var got, want bytes.Buffer
	if err := New(&got).Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if err := slog.NewJSONHandler(&want, nil).Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Fatalf("jsonlog wrote\n%s\nslog writes\n%s", got.String(), want.String())
	}
}

func record(tm time.Time, level slog.Level, msg string, attrs ...slog.Attr) slog.Record {
	r := slog.NewRecord(tm, level, msg, 0)
	r.AddAttrs(attrs...)
	return r
}

var when = time.Date(2026, 12, 7, 21, 9, 49, 353208178, time.UTC)

// TestMatchesSlog: the mock's request line, and records at the edges of
// the short way (each either written by it or handed to slog), come out as
// slog writes them.
func TestMatchesSlog(t *testing.T) {
	for name, r := range map[string]slog.Record{
		"request line": record(time.Now(), slog.LevelInfo, "request",
			slog.String("method", "PUT"), slog.String("path", "/interop/rest/security/v2/users/update"),
			slog.Int("status", 200), slog.Duration("duration", 13085*time.Nanosecond),
			slog.String("caller", "admin"), slog.Int("processed", 1), slog.Int("failed", 0)),
		"no time":          record(time.Time{}, slog.LevelWarn, "m", slog.Bool("b", true)),
		"zone and zero ns": record(time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", -7*3600)), slog.LevelError, "m"),
		"monotonic":        record(time.Now().Add(time.Second), slog.LevelDebug, "m"),
		"odd level":        record(when, slog.LevelInfo+2, "m"),
		"year 10000":       record(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), slog.LevelInfo, "m"),
		"uint, negative":   record(when, slog.LevelInfo, "m", slog.Uint64("u", math.MaxUint64), slog.Int64("i", math.MinInt64), slog.Duration("d", -time.Hour)),
		"quote in value":   record(when, slog.LevelInfo, "m", slog.String("s", `a"b`), slog.Int("after", 1)),
		"escapes":          record(when, slog.LevelInfo, "tab\there", slog.String("s", "<&>\u2028\xff\x7f\\")),
		"key to escape":    record(when, slog.LevelInfo, "m", slog.Int("k\n", 1)),
		"empty key":        record(when, slog.LevelInfo, "m", slog.Int("", 0), slog.String("x", "y")),
		"empty string":     record(when, slog.LevelInfo, "", slog.String("x", "")),
		"float":            record(when, slog.LevelInfo, "m", slog.Float64("f", 1e21)),
		"time value":       record(when, slog.LevelInfo, "m", slog.Time("t", when)),
		"error value":      record(when, slog.LevelInfo, "m", slog.Any("err", errors.New("boom"))),
		"group":            record(when, slog.LevelInfo, "m", slog.Group("g", slog.Int("a", 1))),
		"many attrs":       record(when, slog.LevelInfo, "m", slog.Int("a", 1), slog.Int("b", 2), slog.Int("c", 3), slog.Int("d", 4), slog.Int("e", 5), slog.Int("f", 6), slog.Int("a", 7)),
	} {
		t.Run(name, func(t *testing.T) { compare(t, r) })
	}
}

// TestWithAttrsGoesToSlog: a derived logger writes what slog writes, to
// the same writer.
func TestWithAttrsGoesToSlog(t *testing.T) {
	var got, want bytes.Buffer
	slog.New(New(&got)).With("job", 1001).WithGroup("g").Info("started", "file", "u.csv")
	slog.New(slog.NewJSONHandler(&want, nil)).With("job", 1001).WithGroup("g").Info("started", "file", "u.csv")
	// The time differs; everything after it must not.
	cut := func(s string) string { return s[bytes.IndexByte([]byte(s), ',')+1:] }
	if cut(got.String()) != cut(want.String()) {
		t.Fatalf("jsonlog wrote %s, slog writes %s", got.String(), want.String())
	}
}

// FuzzMatchesSlog: any message, key, string and numbers, in the shapes the
// mock logs, come out as slog writes them.
func FuzzMatchesSlog(f *testing.F) {
	f.Add(int64(1765141789353208178), 0, "request", "method", "PUT", int64(200), uint64(7), true)
	f.Add(int64(0), 4, "a\"b", "", "\xff", int64(-1), uint64(0), false)
	f.Add(int64(-62135596800000000000/1000), -4, "m", "k", "v\u2028", int64(0), uint64(1), true)
	f.Fuzz(func(t *testing.T, nanos int64, level int, msg, key, s string, i int64, u uint64, b bool) {
		tm := time.Unix(0, nanos).UTC()
		if nanos == 0 {
			tm = time.Time{}
		}
		compare(t, record(tm, slog.Level(level), msg,
			slog.String(key, s), slog.Int64("i", i), slog.Uint64("u", u), slog.Bool("b", b),
			slog.Duration("d", time.Duration(i)), slog.String("path", s)))
	})
}

// TestRequestLineTakesTheShortWay: the line the mock writes per request
// is written here, not handed to slog (else the package saves nothing).
func TestRequestLineTakesTheShortWay(t *testing.T) {
	r := record(when, slog.LevelInfo, "request", slog.String("method", "PUT"), slog.String("path", "/x"),
		slog.Int("status", 200), slog.Duration("duration", time.Millisecond), slog.String("caller", "admin"))
	if _, ok := appendRecord(nil, r); !ok {
		t.Fatal("the request line went to slog")
	}
}
