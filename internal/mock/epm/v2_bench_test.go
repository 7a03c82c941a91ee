package epm

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkUpdateUsersV2Batch1000 measures the mock answering a 1,000-user
// batch (the size of scenario EPM2-BATCH-002), half known, half unknown.
func BenchmarkUpdateUsersV2Batch1000(b *testing.B) {
	_, h := newTestServer(b)
	var sb strings.Builder
	sb.WriteString(`{"users":[`)
	for i := range 1000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		login := "jdoe"
		if i%2 == 1 {
			login = fmt.Sprintf("nobody%d", i)
		}
		fmt.Fprintf(&sb, `{"userlogin":%q,"firstname":"F%d","email":"u%d@example.com"}`, login, i, i)
	}
	sb.WriteString(`]}`)
	body := sb.String()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		req := httptest.NewRequest("PUT", "/interop/rest/security/v2/users/update", strings.NewReader(body))
		req.SetBasicAuth("admin", "pw")
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}

// BenchmarkV2OneUser is step 2 of make bench in one process, without the
// network: the one-user update of bench/epm2-update.lua through the EPM
// handler (Basic auth, routing, decoding, the change, the answer, its
// summary logged to a discarding logger), next to a handler doing what
// bench/bare does (read the body, answer the same bytes). The difference
// of the two is what the mock's v2 path costs per request beyond net/http;
// profile it with -cpuprofile.
//
//	go test -run '^$' -bench BenchmarkV2OneUser -benchmem ./internal/mock/epm/
func BenchmarkV2OneUser(b *testing.B) {
	_, mock := newTestServer(b)
	const body = `{"users":[{"userlogin":"jdoe","firstname":"Jane","lastname":"Doe","email":"jane.doe@example.com"}]}`
	answer := []byte(`{"links":{"href":"http://example.com/interop/rest/security/v2/users/update","action":"PUT"},"status":0,"error":null,"details":{"processed":1,"succeeded":1,"failed":0,"faileditems":null}}` + "\n")
	length := fmt.Sprint(len(answer))
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", length)
		_, _ = w.Write(answer)
	})
	for _, c := range []struct {
		name string
		h    http.Handler
	}{{"mock", mock}, {"bare", bare}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest("PUT", "/interop/rest/security/v2/users/update", strings.NewReader(body))
				req.SetBasicAuth("admin", "pw")
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				c.h.ServeHTTP(rec, req)
				if rec.Code != 200 || rec.Body.Len() != len(answer) {
					b.Fatal(rec.Code, rec.Body.String())
				}
			}
		})
	}
}
