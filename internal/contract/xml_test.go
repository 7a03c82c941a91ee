package contract_test

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/specs"
)

func essbaseSchema(t *testing.T, name string) *openapi3.SchemaRef {
	t.Helper()
	c, err := contract.Load(specs.FS)
	if err != nil {
		t.Fatal(err)
	}
	doc := c.Documents()["essbase-users.yaml"]
	if doc == nil {
		t.Fatal("essbase-users.yaml not loaded")
	}
	s := doc.Components.Schemas[name]
	if s == nil {
		t.Fatalf("no schema %s", name)
	}
	return s
}

// The schema decides the shape: lists are arrays even with one element, the
// root name picks the alternative, a single empty <groups/> is no groups.
func TestXMLBodyDecoderFollowsTheSchema(t *testing.T) {
	input := essbaseSchema(t, "UserOrUsersInputXML")
	output := essbaseSchema(t, "UserOrUsersXML")
	cases := []struct {
		name   string
		schema *openapi3.SchemaRef
		body   string
		want   any
	}{
		{"one user, one group", input,
			`<?xml version="1.0" encoding="UTF-8"?><user><id>u1</id><name>User One</name><role>user</role><groups>Sales</groups></user>`,
			map[string]any{"id": "u1", "name": "User One", "role": "user", "groups": []any{"Sales"}}},
		{"two groups", input,
			"<user>\n  <id>u1</id>\n  <groups>Sales</groups>\n  <groups>Finance</groups>\n</user>",
			map[string]any{"id": "u1", "groups": []any{"Sales", "Finance"}}},
		{"empty groups clears", input,
			`<user><id>u1</id><groups/></user>`,
			map[string]any{"id": "u1", "groups": []any{}}},
		{"token once is a string, twice a list", input,
			`<users><user><id>a</id><token>t</token></user><user><id>b</id><token>x</token><token>y</token></user></users>`,
			map[string]any{"user": []any{
				map[string]any{"id": "a", "token": "t"},
				map[string]any{"id": "b", "token": []any{"x", "y"}},
			}}},
		{"a list of one user", input,
			`<users><user><id>a</id></user></users>`,
			map[string]any{"user": []any{map[string]any{"id": "a"}}}},
		{"spaces in text are kept", input,
			`<user><role> User</role></user>`,
			map[string]any{"role": " User"}},
		{"answer with links", output,
			`<user><id>jenp</id><role>Power User</role><links><rel>get</rel><href>http://x/essbase/rest/v1/users/jenp</href><method>GET</method></links></user>`,
			map[string]any{"id": "jenp", "role": "Power User", "links": []any{
				map[string]any{"rel": "get", "href": "http://x/essbase/rest/v1/users/jenp", "method": "GET"},
			}}},
		{"unknown elements keep their shape", input,
			`<user><id>a</id><extra><x>1</x></extra><more>1</more><more>2</more></user>`,
			map[string]any{"id": "a", "extra": map[string]any{"x": "1"}, "more": []any{"1", "2"}}},
		{"no schema", nil,
			`<thing><a>1</a><a>2</a><b/></thing>`,
			map[string]any{"a": []any{"1", "2"}, "b": ""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := contract.XMLBodyDecoder(strings.NewReader(tc.body), nil, tc.schema, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got  %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

func TestXMLBodyDecoderErrors(t *testing.T) {
	input := essbaseSchema(t, "UserOrUsersInputXML")
	for _, body := range []string{
		"",
		"   ",
		"<user><id>a</id>",
		"<user></user><user></user>",
		"text<user/>",
		"<person><id>a</id></person>", // the schema names <user> or <users>
		`<?xml version="1.0" encoding="x-unknown"?><user/>`,
	} {
		if _, err := contract.XMLBodyDecoder(strings.NewReader(body), nil, input, nil); err == nil {
			t.Errorf("%q: want an error", body)
		}
	}
}

// Windows-1252 declared in the prolog is read as such.
func TestXMLBodyDecoderCharset(t *testing.T) {
	body := "<?xml version=\"1.0\" encoding=\"windows-1252\"?><user><name>Ren\xe9e</name></user>"
	got, err := contract.XMLBodyDecoder(strings.NewReader(body), nil, essbaseSchema(t, "UserInput"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"name": "Renée"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v", got)
	}
}

// XML requests and answers of the Essbase operations are checked against
// the schema like JSON ones: no more "unsupported content type".
func TestEssbaseXMLIsValidated(t *testing.T) {
	c, err := contract.Load(specs.FS)
	if err != nil {
		t.Fatal(err)
	}
	add, _ := c.Operation("essbaseAddUsers")
	upd, _ := c.Operation("essbaseUpdateUser")
	const users = "/essbase/rest/v1/users"
	request := func(op *contract.Operation, method, path, body string) []contract.Violation {
		req := httptest.NewRequest(method, "http://x"+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/xml")
		req.Header.Set("Accept", "application/xml")
		return op.ValidateRequest(req, path, []byte(body))
	}
	response := func(op *contract.Operation, method, path string, status int, body string) []contract.Violation {
		req := httptest.NewRequest(method, "http://x"+path, nil)
		req.Header.Set("Accept", "application/xml")
		h := http.Header{"Content-Type": {"application/xml"}}
		return op.ValidateResponse(req, path, nil, status, h, []byte(body))
	}
	cases := []struct {
		name string
		vs   []contract.Violation
		want string // substring of a violation; "" for none
	}{
		{"add one", request(add, "POST", users, `<user><id>a1</id><password>p</password><role>power user</role><groups>Sales</groups></user>`), ""},
		{"add a list", request(add, "POST", users, `<users><user><id>a1</id><password>p</password></user><user><id>a2</id><password>p</password></user></users>`), ""},
		{"add an id with a space", request(add, "POST", users, `<user><id>a 1</id><password>p</password></user>`), "request at /"},
		{"add a bad role in a list", request(add, "POST", users, `<users><user><id>a1</id><role>Boss</role></user></users>`), "request at /"},
		{"add a group with a period", request(add, "POST", users, `<user><id>a1</id><groups>a.b</groups></user>`), "request at /"},
		{"add malformed", request(add, "POST", users, `<user><id>a1</id>`), "well-formed"},
		{"add another root", request(add, "POST", users, `<account><id>a1</id></account>`), "root element"},
		{"update clears groups", request(upd, "PUT", users+"/jenp", `<user><id>jenp</id><groups/></user>`), ""},
		{"answer one", response(add, "POST", users, 200, `<?xml version="1.0" encoding="UTF-8"?>
<user><id>a1</id><name>A</name><role>Power User</role><groups>Sales</groups><links><rel>get</rel><href>http://x/u/a1</href><method>GET</method></links></user>`), ""},
		{"answer a list", response(add, "POST", users, 200, `<users><user><id>a1</id><role>User</role></user><user><id>a2</id><role>User</role></user></users>`), ""},
		{"answer in lower case", response(add, "POST", users, 200, `<user><id>a1</id><role>user</role></user>`), "role"},
		{"answer with a password", response(upd, "PUT", users+"/a1", 200, `<user><id>a1</id><role>User</role><password>secret</password></user>`), "password"},
		{"answer a link without method", response(upd, "PUT", users+"/a1", 200, `<user><id>a1</id><role>User</role><links><rel>get</rel><href>h</href></links></user>`), "method"},
		{"error answer", response(upd, "PUT", users+"/a1", 400, `<error><errorCode>INVALID_ROLE</errorCode><errorMessage>Invalid role.</errorMessage></error>`), ""},
		// No document gives an error body, so the schema requires nothing of
		// it (Q-ESS-008); what it names must still have its type.
		{"error answer without message", response(upd, "PUT", users+"/a1", 400, `<error><errorCode>INVALID_ROLE</errorCode></error>`), ""},
		{"error answer with a structured code", response(upd, "PUT", users+"/a1", 400, `<error><errorCode><name>X</name></errorCode></error>`), "errorCode"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var all strings.Builder
			for _, v := range tc.vs {
				all.WriteString(v.String() + "\n")
			}
			if strings.Contains(all.String(), "unsupported content type") || strings.Contains(all.String(), "not supported") {
				t.Fatalf("XML is not decoded:\n%s", all.String())
			}
			if tc.want == "" && len(tc.vs) > 0 {
				t.Fatalf("unexpected violations:\n%s", all.String())
			}
			if tc.want != "" && !strings.Contains(all.String(), tc.want) {
				t.Fatalf("want a violation mentioning %q, got:\n%s", tc.want, all.String())
			}
		})
	}
}

// FuzzXMLBodyDecoder: no input may panic, and what decodes is JSON-like.
func FuzzXMLBodyDecoder(f *testing.F) {
	for _, s := range []string{
		`<user><id>a</id><groups>x</groups><groups/></user>`,
		`<users><user><id>a</id></user></users>`,
		`<user a="1"><links><rel>r</rel></links></user>`,
		`<?xml version="1.0" encoding="windows-1252"?><user/>`,
		`<`,
	} {
		f.Add(s)
	}
	c, err := contract.Load(specs.FS)
	if err != nil {
		f.Fatal(err)
	}
	schema := c.Documents()["essbase-users.yaml"].Components.Schemas["UserOrUsersInputXML"]
	f.Fuzz(func(t *testing.T, body string) {
		v, err := contract.XMLBodyDecoder(strings.NewReader(body), nil, schema, nil)
		if err != nil {
			return
		}
		var check func(any)
		check = func(x any) {
			switch y := x.(type) {
			case map[string]any:
				for _, e := range y {
					check(e)
				}
			case []any:
				for _, e := range y {
					check(e)
				}
			case string, float64, bool:
			default:
				t.Fatalf("%T in the decoded value", x)
			}
		}
		check(v)
	})
}
