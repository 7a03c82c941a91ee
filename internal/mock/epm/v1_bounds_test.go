package epm_test

import (
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/mock/epm"
)

func (m *v1) chunk(name, q, data string) resp {
	m.t.Helper()
	return m.do(req{method: "POST", path: "/interop/rest/11.1.2.3.600/applicationsnapshots/" + name + "/contents?q=" + url.QueryEscape(q), ctype: "application/octet-stream", body: []byte(data)})
}

func details(r resp) string { s, _ := r.json["details"].(string); return s }

// chunkSize is bounded by the spec's ChunkParams (0 to 50 MiB, "Upload",
// https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/upload.html). Once -5 was taken and answered status 0.
func TestChunkSizeOutOfRange(t *testing.T) {
	m := newV1(t, epm.Options{})
	for _, q := range []string{`{"chunkSize":-5}`, `{"isFirst":true,"isLast":true,"chunkSize":52428801}`, `{"chunkSize":9223372036854775807}`} {
		if r := m.chunk("q.csv", q, hdr); r.status != 400 || r.json["status"] != float64(1) || !strings.Contains(details(r), "chunkSize") {
			t.Errorf("q=%s: %d %s", q, r.status, r.body)
		}
	}
	for _, q := range []string{`{"chunkSize":1e99}`, `{"chunkSize":"10"}`, `{"isFirst":true} trailing`} {
		if r := m.chunk("q.csv", q, hdr); r.status != 400 || r.json["status"] != float64(1) {
			t.Errorf("q=%s: %d %s", q, r.status, r.body)
		}
	}
	for i, q := range []string{`{"chunkSize":0}`, `{"isFirst":true,"isLast":true,"chunkSize":52428800}`} {
		name := "ok" + string(rune('a'+i)) + ".csv"
		if r := m.chunk(name, q, hdr); r.status != 200 || r.json["status"] != float64(0) {
			t.Errorf("q=%s: %d %s", q, r.status, r.body)
		}
	}
}

// Text that is not UTF-8 names no file: a file name or form field with such
// bytes is refused, not stored under a name the caller cannot write again.
func TestNamesThatAreNotUTF8(t *testing.T) {
	m := newV1(t, epm.Options{})
	if r := m.upload("bad\xff.csv", []byte(hdr)); r.status != 400 || r.json["status"] != float64(1) || !strings.Contains(details(r), "not UTF-8") {
		t.Errorf("upload: %d %s", r.status, r.body)
	}
	if r := m.submit("admin", "bad\xff.csv"); r.status != 400 || r.json["status"] != float64(1) || !strings.Contains(details(r), "UTF-8") {
		t.Errorf("submit: %d %s", r.status, r.body)
	}
}

// Bytes that reach a name as U+FFFD (a byte Windows-1252 leaves undefined, a
// row that is not UTF-8 in a UTF-8 file) fail their row and leave the user
// as it was; a real Windows-1252 file still reads (TestFixtures).
func TestRowsWithLostText(t *testing.T) {
	m := newV1(t, epm.Options{})
	before, _ := m.epm.Domain.Get("jdoe")
	for name, file := range map[string]string{
		"undefined-1252.csv": hdr + "J\x81hn,Doe,jdoe@example.com,jdoe\n",
		"bom-then-ff.csv":    "\xef\xbb\xbf" + hdr + "J\xffhn,Doe,jdoe@example.com,jdoe\n",
	} {
		r := m.run(name, []byte(file))
		it := items(r)
		if r.json["status"] != float64(0) || details(r) != "Processed - 1, Succeeded - 0, Failed - 1." || len(it) != 1 || it[0].user != "jdoe" {
			t.Errorf("%s: %s", name, r.body)
		}
		if after, _ := m.epm.Domain.Get("jdoe"); after != before {
			t.Errorf("%s changed jdoe: %+v", name, after)
		}
	}
}

// The file store is bounded in files and bytes: beyond either an upload is
// refused with status 1 until files are deleted; a refused or deleted file
// gives its bytes back.
func TestFileStoreBounds(t *testing.T) {
	m := newV1(t, epm.Options{MaxFiles: 2, MaxStoredBytes: 100})
	if r := m.upload("a.csv", []byte(hdr)); r.json["status"] != float64(0) { // 38 bytes
		t.Fatalf("a: %s", r.body)
	}
	if r := m.upload("b.csv", []byte(strings.Repeat("x", 70))); r.status != 200 || r.json["status"] != float64(1) || !strings.Contains(details(r), "at most 2 files and 100 bytes") {
		t.Errorf("over the bytes: %d %s", r.status, r.body)
	}
	if r := m.upload("b.csv", []byte(strings.Repeat("x", 62))); r.json["status"] != float64(0) {
		t.Errorf("b fits exactly after the refused one gave its bytes back: %s", r.body)
	}
	if r := m.upload("c.csv", []byte("x")); r.json["status"] != float64(1) || !strings.Contains(details(r), "Delete the files") {
		t.Errorf("over the files: %d %s", r.status, r.body)
	}
	m.do(req{method: "DELETE", path: "/interop/rest/11.1.2.3.600/applicationsnapshots/b.csv"})
	if r := m.upload("c.csv", []byte(strings.Repeat("y", 62))); r.json["status"] != float64(0) {
		t.Errorf("after a delete: %s", r.body)
	}
}

// The job table keeps MaxJobs: the oldest finished job is forgotten (404
// from then on), and when every kept job is running a new one is refused.
func TestJobTableBounds(t *testing.T) {
	m := newV1(t, epm.Options{MaxJobs: 2})
	m.upload("j.csv", []byte(hdr+"John,Doe,jdoe@example.com,jdoe\n"))
	first := m.submit("admin", "j.csv")
	firstPath := strings.TrimPrefix(first.json["links"].([]any)[1].(map[string]any)["href"].(string), m.srv.URL)
	m.wait(first)
	m.wait(m.submit("admin", "j.csv"))
	third := m.wait(m.submit("admin", "j.csv"))
	if third.json["status"] != float64(0) {
		t.Errorf("third job: %s", third.body)
	}
	if r := m.do(req{method: "GET", path: firstPath}); r.status != 404 {
		t.Errorf("the oldest finished job is still kept: %d %s", r.status, r.body)
	}

	// An evicted job's failed rows leave the disk with it.
	one := newV1(t, epm.Options{MaxJobs: 1})
	for _, name := range []string{"u1.csv", "u2.csv"} {
		if r := one.run(name, []byte(hdr+"No,Body,nobody@example.com,nobody\n")); len(items(r)) != 1 {
			t.Fatalf("%s: %s", name, r.body)
		}
	}
	// The first job is 1001: its list of failed rows and its link to the
	// file they point into go; the second's stay.
	if left, _ := filepath.Glob(filepath.Join(one.fileDir, "*", "job-1001-*")); len(left) != 0 {
		t.Errorf("the forgotten job's files are on disk: %v", left)
	}
	if kept, _ := filepath.Glob(filepath.Join(one.fileDir, "*", "job-1002-*")); len(kept) != 2 {
		t.Errorf("the kept job's files: %v, want its list and its link", kept)
	}

	busy := newV1(t, epm.Options{MaxJobs: 1, JobDuration: time.Hour}) // Close ends the job
	busy.upload("j.csv", []byte(hdr))
	if r := busy.submit("admin", "j.csv"); r.json["status"] != float64(-1) {
		t.Fatalf("first: %s", r.body)
	}
	if r := busy.submit("admin", "j.csv"); r.status != 200 || r.json["status"] != float64(1) || !strings.Contains(details(r), "running 1 jobs") {
		t.Errorf("a job beyond the running ones: %d %s", r.status, r.body)
	}
}
