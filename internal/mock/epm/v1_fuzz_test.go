package epm_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/mock/auth"
	"github.com/oracle-users-conformance/conformance/internal/mock/epm"
)

// FuzzV1Job: whatever file is uploaded, the job ends with status 0 or 1,
// processed = succeeded + failed = number of items, and nothing panics or
// answers 500.
func FuzzV1Job(f *testing.F) {
	files, _ := fs.Glob(fixtures.FS, "csv/epm-v1/*.csv")
	for _, p := range files {
		f.Add(fixtureCSV(f, p))
	}
	f.Add([]byte("\xFF\xFE\x00"))
	dir := auth.New([]auth.Account{{Login: "admin", Password: "pw", Roles: map[string][]string{auth.EPM: {"Identity Domain Administrator", "Service Administrator"}}}})
	s := epm.New(dir, epm.Seed{Users: []epm.User{{Login: "jdoe", Email: "jdoe@example.com"}}}, epm.Options{JobDuration: -1, FileDir: f.TempDir()}, nil)
	f.Cleanup(func() { _ = s.Close() })
	mux := http.NewServeMux()
	s.Register(mux)
	call := func(t *testing.T, method, path, ctype string, body []byte) map[string]any {
		r := httptest.NewRequest(method, path, bytes.NewReader(body))
		r.SetBasicAuth("admin", "pw")
		r.Header.Set("Content-Type", ctype)
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("%s %s: %d %s", method, path, w.Code, w.Body)
		}
		var out map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s %s: not JSON: %v %s", method, path, err, w.Body)
		}
		return out
	}
	n := 0
	f.Fuzz(func(t *testing.T, data []byte) {
		n++
		name := "f" + time.Now().Format("150405.000000000") + ".csv"
		call(t, "POST", "/interop/rest/11.1.2.3.600/applicationsnapshots/"+name+"/contents", "application/octet-stream", data)
		defer call(t, "DELETE", "/interop/rest/11.1.2.3.600/applicationsnapshots/"+name, "", nil)
		sub := call(t, "PUT", "/interop/rest/security/v1/users", "application/x-www-form-urlencoded",
			[]byte(url.Values{"jobtype": {"UPDATE_USERS"}, "filename": {name}}.Encode()))
		href := sub["links"].([]any)[1].(map[string]any)["href"].(string)
		path := href[strings.Index(href, "/interop/"):]
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
			r := call(t, "GET", path, "", nil)
			st := r["status"].(float64)
			if st == -1 {
				if time.Now().After(deadline) {
					t.Fatal("job never finished")
				}
				continue
			}
			if st != 0 && st != 1 {
				t.Fatalf("status %v", st)
			}
			if st == 0 {
				items, _ := r["items"].([]any)
				var p, ok, bad int
				if _, err := fmtSscanf(r["details"].(string), &p, &ok, &bad); err != nil {
					t.Fatalf("details %q: %v", r["details"], err)
				}
				if p != ok+bad || bad != len(items) {
					t.Fatalf("details %q with %d items", r["details"], len(items))
				}
			}
			return
		}
	})
}

func fmtSscanf(s string, p, ok, bad *int) (int, error) {
	return fmt.Sscanf(s, "Processed - %d, Succeeded - %d, Failed - %d.", p, ok, bad)
}

// FuzzUploadQuery: whatever the q parameter and the file name, an upload is
// answered in the file envelope with status 0 or 1, never 5xx; a refused one
// leaves no file behind.
func FuzzUploadQuery(f *testing.F) {
	for _, q := range []string{"", `{"isFirst":true,"isLast":true,"chunkSize":38}`, `{"chunkSize":-5}`, `{"chunkSize":1e99}`, `{"isFirst":false}`, `{`, `null`, `[]`, `{"isLast":"x"}`} {
		f.Add(q, "f.csv")
	}
	f.Add("", "a%2Fb.csv")
	f.Add("", "\xff.csv")
	m := newV1(f, epm.Options{MaxFiles: 50})
	n := 0
	f.Fuzz(func(t *testing.T, q, name string) {
		m := *m // report on this input's t
		m.t = t
		n++
		name = fmt.Sprintf("%d-%s", n, name)
		path := "/interop/rest/11.1.2.3.600/applicationsnapshots/" + url.PathEscape(name)
		r := m.do(req{method: "POST", path: path + "/contents?q=" + url.QueryEscape(q), ctype: "application/octet-stream", body: []byte(hdr)})
		if r.status >= 500 {
			t.Fatalf("q %q name %q: %d %s", q, name, r.status, r.body)
		}
		if st := r.json["status"]; st != float64(0) && st != float64(1) {
			t.Fatalf("q %q name %q: status %v: %s", q, name, st, r.body)
		}
		// Remove it (or find nothing), so the store does not fill up.
		if d := m.do(req{method: "DELETE", path: path}); d.status >= 500 {
			t.Fatalf("delete %q: %d %s", name, d.status, d.body)
		}
	})
}
