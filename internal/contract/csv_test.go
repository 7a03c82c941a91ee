package contract_test

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/specs"
)

func TestCSVBodyDecoderGivesRows(t *testing.T) {
	in := "\xEF\xBB\xBFFirst Name, Last Name,Email,User Login\r\n\"Mary Ann\",\"Doe, Jr.\",m@example.com,jdoe\r\n,,,\r\nZoë,\"A \"\"B\"\"\",z@example.com,chris\r\n"
	got, err := contract.CSVBodyDecoder(strings.NewReader(in), nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []any{
		map[string]any{"First Name": "Mary Ann", "Last Name": "Doe, Jr.", "Email": "m@example.com", "User Login": "jdoe"},
		map[string]any{"First Name": "Zoë", "Last Name": `A "B"`, "Email": "z@example.com", "User Login": "chris"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v\nwant %#v", got, want)
	}
}

func TestCSVBodyDecoderErrors(t *testing.T) {
	// Empty, broken quoting, UTF-16, and a Windows-1252 row after a UTF-8 BOM.
	for _, in := range []string{"", "a,b\n\"x,y\n", "\xFF\xFEa", "\xEF\xBB\xBFa\nRen\xe9e\n"} {
		if _, err := contract.CSVBodyDecoder(strings.NewReader(in), nil, nil, nil); err == nil {
			t.Errorf("%q: want an error", in)
		}
	}
	got, err := contract.CSVBodyDecoder(strings.NewReader("First Name,Last Name,Email,User Login\nRen\xe9e,O\x92Brien,r@example.com,chris,extra\n"), nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []any{map[string]any{"First Name": "Renée", "Last Name": "O’Brien", "Email": "r@example.com", "User Login": "chris", "column 5": "extra"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v\nwant %#v", got, want)
	}
}

// The upload's text/csv alternative is checked row by row against UserRow.
func TestUploadCSVValidatesRows(t *testing.T) {
	c, err := contract.Load(specs.FS)
	if err != nil {
		t.Fatal(err)
	}
	op, ok := c.Operation("epmUploadFile")
	if !ok {
		t.Fatal("epmUploadFile missing")
	}
	const hdr = "First Name,Last Name,Email,User Login\n"
	cases := []struct {
		name string
		body string
		want string // substring of a violation; "" for none
	}{
		{"valid", hdr + "Jane,Doe,jane@example.com,jdoe\n", ""},
		{"header only", hdr, ""},
		{"printed misprint", "Firt Name, Last Name,Email, User Login\nJane,Doe,jane@example.com,jdoe\n", ""},
		{"crlf and quotes", strings.ReplaceAll(hdr, "\n", "\r\n") + "\"Mary Ann\",\"Doe, Jr.\",m@example.com,jdoe\r\n", ""},
		{"wrong header", "Name,Surname,Mail,Login\nJ,D,j@example.com,j\n", "request at /0"},
		{"missing column", hdr + "Jane,Doe,jane@example.com\n", "User Login"},
		{"extra column", hdr + "Jane,Doe,Jr.,jane@example.com,jdoe\n", "column 5"},
		{"broken quoting", hdr + "\"Jane,Doe,jane@example.com,jdoe\n", "line 2"},
		{"empty login", hdr + "Jane,Doe,jane@example.com,\n", "User Login"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := "/interop/rest/11.1.2.3.600/applicationsnapshots/users.csv/contents"
			req := httptest.NewRequest(http.MethodPost, "http://x"+path, strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "text/csv")
			vs := op.ValidateRequest(req, path, []byte(tc.body))
			var all strings.Builder
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
