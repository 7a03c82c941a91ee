package contract_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/specs"
)

// BenchmarkLoad measures loading and validating every spec (done once per run).
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := contract.Load(specs.FS); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateV2Response measures the per-exchange cost of checking an
// EPM v2 answer (done for every exchange of every scenario).
func BenchmarkValidateV2Response(b *testing.B) {
	c, err := contract.Load(specs.FS)
	if err != nil {
		b.Fatal(err)
	}
	op, _ := c.Operation("updateUsersV2")
	reqBody := []byte(`{"users":[{"userlogin":"jdoe","email":"j@example.com"}]}`)
	req := httptest.NewRequest(http.MethodPut, "http://x/interop/rest/security/v2/users/update", bytes.NewReader(reqBody))
	req.Header.Set("Content-Type", "application/json")
	body := []byte(`{"links":{"href":"h","action":"PUT"},"status":0,"error":null,"details":{"processed":2,"succeeded":1,"failed":1,"faileditems":[{"userlogin":"x","errorcode":"EPMCSS-21144","errormessage":"m"}]}}`)
	hdr := http.Header{"Content-Type": {"application/json"}}
	for b.Loop() {
		if vs := op.ValidateResponse(req, req.URL.Path, reqBody, 200, hdr, body); len(vs) > 0 {
			b.Fatal(vs)
		}
	}
}
