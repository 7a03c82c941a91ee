package epm

import (
	"fmt"
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
