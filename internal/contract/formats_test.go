package contract_test

import (
	"bytes"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/specs"
)

// Every format a spec states is checked: kin-openapi skips a format it has
// no validator for, so a spec could promise a format nobody enforces.
// binary is the one exception: it marks a body as bytes (a file upload),
// nothing a string validator could judge.
func TestEveryFormatOfTheSpecsIsChecked(t *testing.T) {
	if _, err := contract.Load(specs.FS); err != nil { // registers the formats
		t.Fatal(err)
	}
	stated := regexp.MustCompile(`(?m)^\s*format:\s*"?([A-Za-z0-9-]+)"?\s*$`)
	files, _ := fs.Glob(specs.FS, "*.yaml")
	seen := 0
	for _, f := range files {
		data, _ := fs.ReadFile(specs.FS, f)
		for _, m := range stated.FindAllStringSubmatch(string(data), -1) {
			seen++
			if _, ok := openapi3.SchemaStringFormats[m[1]]; !ok && m[1] != "binary" {
				t.Errorf("%s states format %q, which no validator checks: register one in internal/contract/formats.go", f, m[1])
			}
		}
	}
	if seen == 0 {
		t.Fatal("found no format in the specs: the pattern is wrong")
	}
}

// An email the v2 payload carries must have the form of an address.
func TestEmailFormatIsValidated(t *testing.T) {
	c, err := contract.Load(specs.FS)
	if err != nil {
		t.Fatal(err)
	}
	op, _ := c.Operation("updateUsersV2")
	for email, valid := range map[string]bool{
		"jane.doe@example.com":        true,
		"jane.doe.r1a2@example.co.uk": true,
		"o'brien+tag@example.com":     true,
		"jdoe.example.com":            false,
		"j@doe@example.com":           false,
		"j doe@example.com":           false,
		"jdoe@":                       false,
		"":                            false,
		"Jane Doe <jdoe@example.com>": false,
	} {
		body := []byte(`{"users":[{"userlogin":"jdoe","email":"` + email + `"}]}`)
		req := httptest.NewRequest(http.MethodPut, "http://x/interop/rest/security/v2/users/update", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		vs := op.ValidateRequest(req, req.URL.Path, body)
		switch {
		case valid && len(vs) > 0:
			t.Errorf("%q is an address, yet: %v", email, vs)
		case !valid && (len(vs) == 0 || !strings.Contains(vs[0].String(), "/users/0/email")):
			t.Errorf("%q is no address, yet no violation at /users/0/email: %v", email, vs)
		}
	}
}

// OIG's Field.value is a scalar or null: null passes (answers clear an
// attribute that way), an object or a list does not. A bare `nullable:
// true` without a type would have let every shape through in kin-openapi
// (and meant "null only" to Specmatic).
func TestOIGFieldValueIsScalarOrNull(t *testing.T) {
	c, err := contract.Load(specs.FS)
	if err != nil {
		t.Fatal(err)
	}
	op, _ := c.Operation("oigGetUser")
	req := httptest.NewRequest(http.MethodGet, "http://x/iam/governance/selfservice/api/v1/users/24", nil)
	hdr := http.Header{"Content-Type": {"application/json"}}
	for value, valid := range map[string]bool{
		`null`: true, `"Cole"`: true, `1767225600000`: true, `true`: true,
		`{"a":1}`: false, `["Cole"]`: false,
	} {
		body := []byte(`{"fields":[{"name":"usr_key","value":"24"},{"name":"Last Name","value":` + value + `}]}`)
		vs := op.ValidateResponse(req, req.URL.Path, nil, 200, hdr, body)
		switch {
		case valid && len(vs) > 0:
			t.Errorf("value %s: %v", value, vs)
		case !valid && (len(vs) == 0 || !strings.Contains(vs[0].String(), "/fields/1/value")):
			t.Errorf("value %s passed, or not at /fields/1/value: %v", value, vs)
		}
	}
}
