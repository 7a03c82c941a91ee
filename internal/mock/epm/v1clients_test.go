package epm_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/mock/epm"
)

// What real clients send (Q-EPM1-031 to Q-EPM1-035); fixtures/clients holds
// the same shapes with their sources, run against the whole mock.

func TestUploadQWithUnquotedKeys(t *testing.T) {
	m := newV1(t, epm.Options{})
	line := "John,Doe,jdoe@example.com,jdoe\n"
	for i, q := range []string{
		`{chunkSize:83,isFirst:true,isLast:true}`,
		`{ chunkSize : 83 , isFirst : true , isLast : true }`,
		`{"isLast":true,"chunkSize":83,"isFirst":true}`,
	} {
		name := string(rune('a'+i)) + "-q.csv"
		if r := m.chunk(name, q, hdr+line); r.status != 200 || r.json["status"] != float64(0) {
			t.Errorf("q=%s: %d %s", q, r.status, r.body)
		}
		if r := m.wait(m.submit("admin", name)); r.json["details"] != "Processed - 1, Succeeded - 1, Failed - 0." {
			t.Errorf("q=%s: the job saw %s", q, r.body)
		}
	}
	// Raw in the URL, as Oracle's sample writes it.
	path := "/interop/rest/11.1.2.3.600/applicationsnapshots/raw.csv/contents?q={chunkSize:83,isFirst:true,isLast:true}"
	if r := m.do(req{method: "POST", path: path, ctype: "application/octet-stream", body: []byte(hdr)}); r.status != 200 || r.json["status"] != float64(0) {
		t.Errorf("raw q: %d %s", r.status, r.body)
	}
	for _, q := range []string{`{chunkSize:"x"}`, `{isFirst:maybe}`, `{chunkSize:-1}`, `isFirst:true`} {
		if r := m.chunk("bad.csv", q, hdr); r.status != 400 || r.json["status"] != float64(1) {
			t.Errorf("q=%s: %d %s", q, r.status, r.body)
		}
	}
}

func TestUploadSeparateChunkParameters(t *testing.T) {
	m := newV1(t, epm.Options{})
	up := func(query, data string) resp {
		return m.do(req{method: "POST", path: "/interop/rest/11.1.2.3.600/applicationsnapshots/two.csv/contents?" + query, ctype: "application/octet-stream", body: []byte(data)})
	}
	if r := up("isFirst=true&isLast=false&chunkSize=38&fileSize=70", hdr); r.json["status"] != float64(0) {
		t.Fatalf("first chunk: %s", r.body)
	}
	// The second chunk appends; it is not a new file that "already exists".
	if r := up("isFirst=false&isLast=true&chunkSize=32&fileSize=70", "John,Doe,jdoe@example.com,jdoe\n"); r.json["status"] != float64(0) {
		t.Fatalf("second chunk: %s", r.body)
	}
	if r := m.wait(m.submit("admin", "two.csv")); r.json["details"] != "Processed - 1, Succeeded - 1, Failed - 0." {
		t.Errorf("two chunks: %s", r.body)
	}
	if r := up("isFirst=false&isLast=true", "x"); r.json["status"] != float64(1) || !strings.Contains(details(r), "complete") {
		t.Errorf("a chunk after the last: %s", r.body)
	}
	for _, q := range []string{"isFirst=yes", "chunkSize=ten", "fileSize=-1", "chunkSize=52428801"} {
		if r := up(q, "x"); r.status != 400 || r.json["status"] != float64(1) {
			t.Errorf("%s: %d %s", q, r.status, r.body)
		}
	}
}

func TestFolders(t *testing.T) {
	m := newV1(t, epm.Options{})
	body := []byte(hdr + "John,Doe,jdoe@example.com,jdoe\n")
	base := "/interop/rest/11.1.2.3.600/applicationsnapshots/"
	if r := m.do(req{method: "POST", path: base + "file1.csv/contents?extDirPath=inbox", ctype: "application/octet-stream", body: body}); r.json["status"] != float64(0) {
		t.Fatalf("upload to inbox: %s", r.body)
	}
	// One file, whichever spelling names it.
	for _, name := range []string{"inbox%5Cfile1.csv", "inbox%2Ffile1.csv"} {
		if r := m.do(req{method: "POST", path: base + name + "/contents", ctype: "application/octet-stream", body: body}); r.json["status"] != float64(1) || !strings.Contains(details(r), "already exists") {
			t.Errorf("upload %s over inbox/file1.csv: %s", name, r.body)
		}
	}
	if r := m.do(req{method: "POST", path: base + "file1.csv/contents", ctype: "application/octet-stream", body: body}); r.json["status"] != float64(0) {
		t.Errorf("file1.csv at the top is another file: %s", r.body)
	}
	for _, filename := range []string{`inbox\file1.csv`, "inbox/file1.csv"} {
		if r := m.wait(m.submit("admin", filename)); r.json["details"] != "Processed - 1, Succeeded - 1, Failed - 0." {
			t.Errorf("job on %s: %s", filename, r.body)
		}
	}
	if r := m.do(req{method: "DELETE", path: base + "inbox%5Cfile1.csv"}); r.status != 200 || r.json["status"] != float64(0) {
		t.Errorf("delete inbox%%5Cfile1.csv: %d %s", r.status, r.body)
	}
	if r := m.do(req{method: "DELETE", path: base + "inbox%2Ffile1.csv"}); r.status != 200 || r.json["status"] != float64(1) {
		t.Errorf("delete it again: %d %s", r.status, r.body)
	}
	if r := m.do(req{method: "POST", path: base + "x.csv/contents?extDirPath=..", ctype: "application/octet-stream", body: body}); r.status != 400 {
		t.Errorf("extDirPath=..: %d %s", r.status, r.body)
	}
}

// Oracle's Java helper sends the v1 update PUT as a form without a
// Content-Type, and Java's default Accept.
func TestSubmitFormWithoutContentType(t *testing.T) {
	m := newV1(t, epm.Options{})
	m.upload("java.csv", []byte(hdr+"John,Doe,jdoe@example.com,jdoe\n"))
	r := m.do(req{method: "PUT", path: "/interop/rest/security/v1/users", accept: javaAccept,
		body: []byte(url.Values{"jobtype": {"UPDATE_USERS"}, "filename": {"java.csv"}}.Encode())})
	if r.status != 200 || r.json["status"] != float64(-1) {
		t.Fatalf("form without Content-Type: %d %s", r.status, r.body)
	}
	links := r.json["links"].([]any)
	job := links[1].(map[string]any)["href"].(string)
	u, _ := url.Parse(job)
	if got := m.do(req{method: "GET", path: u.Path, accept: javaAccept, ctype: "application/x-www-form-urlencoded"}); got.status != 200 {
		t.Errorf("job status with Java's headers: %d %s", got.status, got.body)
	}
}

const javaAccept = "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2"
