package contract_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/specs"
)

// Loading validates every spec and every example in it against its schema
// (openapi3.EnableExamplesValidation), so a broken transcription fails here.
func TestEverySpecLoadsAndItsExamplesValidate(t *testing.T) {
	c, err := contract.Load(specs.FS)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Operations()) == 0 {
		t.Fatal("no operations loaded")
	}
	for _, o := range c.Operations() {
		if o.Op.Extensions["x-source"] == nil {
			t.Errorf("%s (%s) has no x-source", o.ID, o.File)
		}
	}
}

func TestResponseValidation(t *testing.T) {
	c, err := contract.Load(specs.FS)
	if err != nil {
		t.Fatal(err)
	}
	op, ok := c.Operation("updateUsersV2")
	if !ok {
		t.Fatal("updateUsersV2 missing")
	}
	req := httptest.NewRequest(http.MethodPut, "http://x/base/interop/rest/security/v2/users/update", strings.NewReader(`{"users":[]}`))
	req.Header.Set("Content-Type", "application/json")
	rel := "/interop/rest/security/v2/users/update"
	hdr := http.Header{"Content-Type": {"application/json"}}
	cases := []struct {
		name   string
		status int
		body   string
		want   string // substring of a violation, "" for none
	}{
		{"valid", 200, `{"links":{"href":"h","action":"PUT"},"status":0,"error":null,"details":{"processed":0,"succeeded":0,"failed":0,"faileditems":null}}`, ""},
		{"status out of enum", 200, `{"links":{"href":"h","action":"PUT"},"status":2,"error":null,"details":null}`, "/status"},
		{"links as array", 200, `{"links":[{"href":"h","action":"PUT"}],"status":0,"error":null,"details":null}`, "/links"},
		{"undocumented status", 502, `{}`, "502"},
		{"bad error code", 200, `{"links":{"href":"h","action":"PUT"},"status":1,"error":{"errorcode":"X1","errormessage":"m"},"details":null}`, "/error/errorcode"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			vs := op.ValidateResponse(req, rel, []byte(`{"users":[]}`), tc.status, hdr, []byte(tc.body))
			var all bytes.Buffer
			for _, v := range vs {
				all.WriteString(v.String() + "\n")
			}
			if tc.want == "" && len(vs) > 0 {
				t.Fatalf("unexpected violations:\n%s", all.String())
			}
			if tc.want != "" && !strings.Contains(all.String(), tc.want) {
				t.Fatalf("want a violation mentioning %q, got:\n%s", tc.want, all.String())
			}
		})
	}
}

func TestRequestValidationNamesMissingProperty(t *testing.T) {
	c, _ := contract.Load(specs.FS)
	op, _ := c.Operation("updateUsersV2")
	body := []byte(`{"users":[{"firstname":"x"}]}`)
	req := httptest.NewRequest(http.MethodPut, "http://x/interop/rest/security/v2/users/update", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	vs := op.ValidateRequest(req, req.URL.Path, body)
	if len(vs) == 0 || !strings.Contains(vs[0].String(), "userlogin") {
		t.Fatalf("want a violation naming userlogin, got %v", vs)
	}
}

func TestMatchByPathTemplate(t *testing.T) {
	c, _ := contract.Load(specs.FS)
	op, known := c.Match("PUT", "/interop/rest/security/v2/users/update")
	if op == nil || op.ID != "updateUsersV2" || !known {
		t.Fatalf("Match PUT = %v, %v", op, known)
	}
	op, known = c.Match("GET", "/interop/rest/security/v2/users/update")
	if op != nil || !known {
		t.Fatalf("Match GET = %v, %v; want nil, path known", op, known)
	}
}
