package csvfile

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// BenchmarkReaderPlainRows reads, Transient, rows of the shape of the v1
// job's benchmark file (internal/mock/epm BenchmarkV1Job1M), held in
// memory: the reader's own cost per row, without the file system or the
// job's checks, for changes to splitPlain and Next.
func BenchmarkReaderPlainRows(b *testing.B) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf)
	if err != nil {
		b.Fatal(err)
	}
	const rows = 100_000
	for i := range rows {
		login := fmt.Sprintf("ghost%07d", i)
		if err := w.Write(Row{FirstName: fmt.Sprintf("First %d", i), LastName: "Last, Name", Email: fmt.Sprintf("%s.%d@example.com", login, i), UserLogin: login}); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	file := buf.Bytes()
	b.SetBytes(int64(len(file)))
	for b.Loop() {
		rd, err := NewReader(bytes.NewReader(file))
		if err != nil {
			b.Fatal(err)
		}
		rd.Transient()
		n := 0
		for {
			_, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != rows {
			b.Fatalf("%d rows, want %d", n, rows)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
}
