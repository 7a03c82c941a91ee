package oig

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"go.yaml.in/yaml/v3"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/expect"
	"github.com/oracle-users-conformance/conformance/internal/mock/auth"
	"github.com/oracle-users-conformance/conformance/specs"
)

// The tests run the mock over the real seed file, so a seed edit that breaks
// a scenario's assumption (usr_key 24 exists, 9999 does not) fails here.
var loadSeed = sync.OnceValues(func() (seedFile, error) {
	var out seedFile
	data, err := fs.ReadFile(fixtures.FS, "mock/seed.yaml")
	if err != nil {
		return out, err
	}
	// Only the accounts and the oig section are decoded, each strictly: the
	// other products' sections belong to their simulators.
	var doc map[string]yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return out, err
	}
	accounts, oig := doc["accounts"], doc["oig"]
	if err := strictDecode(&accounts, &out.Accounts); err != nil {
		return out, err
	}
	return out, strictDecode(&oig, &out.OIG)
})

type seedFile struct {
	Accounts []auth.Account
	OIG      Seed
}

func strictDecode(n *yaml.Node, v any) error {
	raw, err := yaml.Marshal(n)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	return dec.Decode(v)
}

// loadSpec loads only this API's spec, so another API's spec in progress
// cannot break these tests.
var loadSpec = sync.OnceValues(func() (*contract.Catalog, error) {
	data, err := fs.ReadFile(specs.FS, "oig-users.yaml")
	if err != nil {
		return nil, err
	}
	return contract.Load(fstest.MapFS{"oig-users.yaml": {Data: data}})
})

func newMock(t testing.TB, opts Options) (*Server, http.Handler) {
	t.Helper()
	seed, err := loadSeed()
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	s := New(auth.New(seed.Accounts), seed.OIG, opts, slog.New(slog.DiscardHandler))
	mux := http.NewServeMux()
	s.Register(mux)
	return s, mux
}

// call describes one request; zero values mean "as a well-behaved client".
type call struct {
	method string // default PUT
	path   string // default the bulk users path
	body   string
	auth   string            // admin (default), viewer, none, wrong-password, bearer, bad-token
	header map[string]string // overrides; "" removes the header
}

func (c call) request() *http.Request {
	method, path := c.method, c.path
	if method == "" {
		method = http.MethodPut
	}
	if path == "" {
		path = usersPath
	}
	r := httptest.NewRequest(method, "http://oig.test"+path, strings.NewReader(c.body))
	if method != http.MethodGet {
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Requested-By", "unit-test")
	}
	switch c.auth {
	case "", "admin":
		r.SetBasicAuth("admin", "Welcome1")
	case "viewer":
		r.SetBasicAuth("viewer", "Viewer#2026")
	case "wrong-password":
		r.SetBasicAuth("admin", "nope")
	case "bearer":
		r.Header.Set("Authorization", "Bearer mock-admin-token")
	case "bad-token":
		r.Header.Set("Authorization", "Bearer nope")
	}
	for k, v := range c.header {
		if v == "" {
			r.Header.Del(k)
			continue
		}
		r.Header.Set(k, v)
	}
	return r
}

// answer sends a call, checks the answer against the spec (every answer of
// an operation the spec has must conform) and decodes its JSON body.
func answer(t testing.TB, h http.Handler, c call) (*httptest.ResponseRecorder, any) {
	t.Helper()
	req := c.request()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code == http.StatusInternalServerError {
		t.Fatalf("500: %s", rec.Body)
	}
	cat, err := loadSpec()
	if err != nil {
		t.Fatalf("spec: %v", err)
	}
	if op, _ := cat.Match(req.Method, req.URL.Path); op != nil {
		for _, v := range op.ValidateResponse(req, req.URL.Path, []byte(c.body), rec.Code, rec.Header(), rec.Body.Bytes()) {
			t.Errorf("the answer breaks the spec: %s\nbody: %s", v, rec.Body)
		}
	}
	var body any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("answer is not JSON (%v): %q", err, rec.Body)
	}
	return rec, body
}

const docExample = `{"users":[
 {"requestId":"123","id":"24","fields":[{"name":"First Name","value":"UpdatedFN"}]},
 {"requestId":"123","id":"9999","fields":[{"name":"First Name","value":"UpdatedFN1"}]}]}`

// one builds a request for one user with the given fields JSON.
func one(id, fields string) string {
	return `{"users":[{"requestId":"r1","id":"` + id + `","fields":` + fields + `}]}`
}

func TestUpdateUsers(t *testing.T) {
	reason := func(code string) map[string]any { return map[string]any{"$match": "^" + code + ":"} }
	seeded := map[string]string{FieldFirstName: "Dana", FieldLastName: "Cole", FieldEmail: "dana.cole@example.com"}
	cases := []struct {
		name   string
		opts   Options
		call   call
		status int
		want   map[string]any               // expect paths on the answer
		after  map[string]map[string]string // usr_key -> fields it must then hold
		header map[string]string            // answer headers
	}{
		{
			name: "document example: 24 succeeds, 9999 fails, both echo requestId", call: call{body: docExample}, status: 200,
			want: map[string]any{
				"users":                  map[string]any{"$len": 2},
				"users[0].status":        "SUCCESS",
				"users[0].requestId":     "123",
				"users[0].links[0].rel":  "self",
				"users[0].links[0].href": "http://oig.test/iam/governance/selfservice/api/v1/users/24",
				"users[0].fields[0]":     map[string]any{"name": "First Name", "value": "UpdatedFN"},
				"users[0].reason":        map[string]any{"$present": false},
				"users[1].status":        "FAIL",
				"users[1].requestId":     "123",
				"users[1].reason":        "IAM-2040028:User does not exists:",
				"users[1].links[0].href": "http://oig.test/iam/governance/selfservice/api/v1/users/9999",
				"users[1].fields":        map[string]any{"$present": false},
			},
			after: map[string]map[string]string{"24": {FieldFirstName: "UpdatedFN"}},
		},
		{
			name: "every modifiable field at once", status: 200,
			call: call{body: one("25", `[
				{"name":"First Name","value":"Al"},{"name":"Middle Name","value":"B"},
				{"name":"Last Name","value":"Smyth"},{"name":"Display Name","value":"Al Smyth"},
				{"name":"Email","value":"al.smyth@example.com"},{"name":"Organization Name","value":"engineering"},
				{"name":"Title","value":"Lead"},{"name":"Role","value":"consultant"},
				{"name":"Telephone Number","value":"+1 555 0100"}]`)},
			want: map[string]any{"users[0].status": "SUCCESS", "users[0].fields": map[string]any{"$len": 9}},
			after: map[string]map[string]string{"25": {
				FieldFirstName: "Al", FieldMiddleName: "B", FieldLastName: "Smyth", FieldDisplayName: "Al Smyth",
				FieldEmail: "al.smyth@example.com", FieldOrganization: "Engineering", FieldTitle: "Lead",
				FieldRole: "Consultant", FieldTelephone: "+1 555 0100",
			}},
		},
		{
			name: "several users, in request order", status: 200,
			call: call{body: `{"users":[
				{"requestId":"a","id":"26","fields":[{"name":"Title","value":"Staff"}]},
				{"requestId":"b","id":"27","fields":[{"name":"Title","value":"Rep"}]},
				{"requestId":"c","id":"28","fields":[{"name":"Title","value":"CFO"}]}]}`},
			want:  map[string]any{"users[*].status": "SUCCESS", "users[0].requestId": "a", "users[2].requestId": "c", "users[2].links[0].href": map[string]any{"$match": "/users/28$"}},
			after: map[string]map[string]string{"26": {FieldTitle: "Staff"}, "27": {FieldTitle: "Rep"}, "28": {FieldTitle: "CFO"}},
		},
		{
			name: "no requestId: none echoed", status: 200,
			call: call{body: `{"users":[{"id":"24","fields":[{"name":"Title","value":"X"}]}]}`},
			want: map[string]any{"users[0].status": "SUCCESS", "users[0].requestId": map[string]any{"$present": false}},
		},
		{
			name: "leading-space status when configured", opts: Options{LeadingSpaceStatus: true}, status: 200,
			call: call{body: docExample},
			want: map[string]any{"users[0].status": " SUCCESS", "users[1].status": "FAIL"},
		},
		{
			name: "same user twice: applied in order", status: 200,
			call:  call{body: `{"users":[{"id":"24","fields":[{"name":"Title","value":"One"}]},{"id":"24","fields":[{"name":"Title","value":"Two"}]}]}`},
			want:  map[string]any{"users[*].status": "SUCCESS"},
			after: map[string]map[string]string{"24": {FieldTitle: "Two"}},
		},
		{
			name: "empty Email clears it", status: 200,
			call:  call{body: one("24", `[{"name":"Email","value":""}]`)},
			want:  map[string]any{"users[0].status": "SUCCESS"},
			after: map[string]map[string]string{"24": {FieldEmail: ""}},
		},
		{
			name: "null value clears an optional field", status: 200,
			call:  call{body: one("24", `[{"name":"Title","value":null}]`)},
			want:  map[string]any{"users[0].status": "SUCCESS", "users[0].fields[0].value": nil},
			after: map[string]map[string]string{"24": {FieldTitle: ""}},
		},
		{
			name: "Bearer token", call: call{auth: "bearer", body: docExample}, status: 200,
			want: map[string]any{"users[0].status": "SUCCESS"},
		},
		{
			name: "Content-Type with charset", call: call{body: docExample, header: map[string]string{"Content-Type": "application/json; charset=UTF-8"}}, status: 200,
		},
		{
			name: "X-Requested-By present but empty counts", call: call{body: docExample, header: map[string]string{"X-Requested-By": " "}}, status: 200,
		},

		// Per-user failures: HTTP 200, the user fails, the others succeed.
		{
			name: "missing id fails that user only", status: 200,
			call: call{body: `{"users":[{"requestId":"x","fields":[{"name":"Title","value":"T"}]},{"requestId":"y","id":"25","fields":[{"name":"Title","value":"T"}]}]}`},
			want: map[string]any{
				"users[0].status": "FAIL", "users[0].reason": "IAM-4060010:The id field is mandatory:",
				"users[0].requestId": "x", "users[0].links": map[string]any{"$present": false},
				"users[1].status": "SUCCESS",
			},
			after: map[string]map[string]string{"25": {FieldTitle: "T"}},
		},
		{name: "null id", call: call{body: `{"users":[{"id":null,"fields":[{"name":"Title","value":"T"}]}]}`}, status: 200, want: map[string]any{"users[0].reason": reason("IAM-4060010")}},
		{name: "empty id", call: call{body: one("", `[{"name":"Title","value":"T"}]`)}, status: 200, want: map[string]any{"users[0].reason": reason("IAM-4060010")}},
		{name: "numeric id", call: call{body: `{"users":[{"id":24,"fields":[{"name":"Title","value":"T"}]}]}`}, status: 200, want: map[string]any{"users[0].reason": reason("IAM-4060016")}},
		{name: "empty fields", call: call{body: one("24", `[]`)}, status: 200, want: map[string]any{"users[0].status": "FAIL", "users[0].reason": "IAM-4060011:No fields to update:", "users[0].links[0].href": map[string]any{"$match": "/users/24$"}}},
		{name: "no fields key", call: call{body: `{"users":[{"id":"24"}]}`}, status: 200, want: map[string]any{"users[0].reason": reason("IAM-4060011")}},
		{name: "null fields", call: call{body: one("24", `null`)}, status: 200, want: map[string]any{"users[0].reason": reason("IAM-4060011")}},
		{name: "unknown user wins over empty fields", call: call{body: one("9999", `[]`)}, status: 200, want: map[string]any{"users[0].reason": "IAM-2040028:User does not exists:"}},
		{
			name: "unknown field fails the user and changes nothing of it", status: 200,
			call:  call{body: one("24", `[{"name":"First Name","value":"Changed"},{"name":"Nick Name","value":"D"}]`)},
			want:  map[string]any{"users[0].status": "FAIL", "users[0].reason": "IAM-4060012:Unknown field:Nick Name"},
			after: map[string]map[string]string{"24": seeded},
		},
		{name: "field names are case-sensitive", call: call{body: one("24", `[{"name":"first name","value":"x"}]`)}, status: 200, want: map[string]any{"users[0].reason": "IAM-4060012:Unknown field:first name"}},
		{name: "User Login is read-only", call: call{body: one("24", `[{"name":"User Login","value":"NEW"}]`)}, status: 200, want: map[string]any{"users[0].reason": "IAM-4060013:The field cannot be modified:User Login"}, after: map[string]map[string]string{"24": {FieldLogin: "DCOLE"}}},
		{name: "usr_key is read-only", call: call{body: one("24", `[{"name":"usr_key","value":"99"}]`)}, status: 200, want: map[string]any{"users[0].reason": reason("IAM-4060013")}},
		{name: "Status is read-only", call: call{body: one("24", `[{"name":"Status","value":"Disabled"}]`)}, status: 200, want: map[string]any{"users[0].reason": reason("IAM-4060013")}},
		{
			name: "invalid email fails that user, the other succeeds", status: 200,
			call: call{body: `{"users":[{"id":"24","fields":[{"name":"Email","value":"not-an-email"}]},{"id":"25","fields":[{"name":"Email","value":"alan@example.org"}]}]}`},
			want: map[string]any{
				"users[0].status": "FAIL", "users[0].reason": "IAM-4060014:Invalid value:Email not an email address",
				"users[1].status": "SUCCESS",
			},
			after: map[string]map[string]string{"24": seeded, "25": {FieldEmail: "alan@example.org"}},
		},
		{name: "empty Last Name", call: call{body: one("24", `[{"name":"Last Name","value":""}]`)}, status: 200, want: map[string]any{"users[0].reason": "IAM-4060015:The field is mandatory and cannot be empty:Last Name"}, after: map[string]map[string]string{"24": seeded}},
		{name: "blank Last Name", call: call{body: one("24", `[{"name":"Last Name","value":"  "}]`)}, status: 200, want: map[string]any{"users[0].reason": reason("IAM-4060015")}},
		{name: "null Last Name", call: call{body: one("24", `[{"name":"Last Name","value":null}]`)}, status: 200, want: map[string]any{"users[0].reason": reason("IAM-4060015")}},
		{name: "empty Display Name", call: call{body: one("24", `[{"name":"Display Name","value":""}]`)}, status: 200, want: map[string]any{"users[0].reason": reason("IAM-4060015")}},
		{name: "unknown organization", call: call{body: one("24", `[{"name":"Organization Name","value":"Nowhere"}]`)}, status: 200, want: map[string]any{"users[0].reason": "IAM-4060014:Invalid value:Organization Name no such organization"}},
		{name: "Role outside the list", call: call{body: one("24", `[{"name":"Role","value":"Boss"}]`)}, status: 200, want: map[string]any{"users[0].reason": reason("IAM-4060014")}},
		{name: "value too long", call: call{body: one("24", `[{"name":"Title","value":"`+strings.Repeat("x", 256)+`"}]`)}, status: 200, want: map[string]any{"users[0].reason": reason("IAM-4060014")}},
		{name: "255 characters are fine", call: call{body: one("24", `[{"name":"Title","value":"`+strings.Repeat("é", 255)+`"}]`)}, status: 200, want: map[string]any{"users[0].status": "SUCCESS"}},
		{name: "same field twice", call: call{body: one("24", `[{"name":"Title","value":"a"},{"name":"Title","value":"b"}]`)}, status: 200, want: map[string]any{"users[0].reason": "IAM-4060017:The field is given more than once:Title"}},
		{name: "value not a string", call: call{body: one("24", `[{"name":"Title","value":7}]`)}, status: 200, want: map[string]any{"users[0].reason": reason("IAM-4060016")}},
		{name: "field without value", call: call{body: one("24", `[{"name":"Title"}]`)}, status: 200, want: map[string]any{"users[0].reason": reason("IAM-4060016")}},
		{name: "fields not an array", call: call{body: one("24", `{"Title":"x"}`)}, status: 200, want: map[string]any{"users[0].reason": reason("IAM-4060016")}},
		{name: "user entry not an object", call: call{body: `{"users":["24",{"id":"25","fields":[{"name":"Title","value":"ok"}]}]}`}, status: 200, want: map[string]any{"users[0].reason": reason("IAM-4060016"), "users[1].status": "SUCCESS"}},
		{name: "requestId not a string", call: call{body: `{"users":[{"requestId":5,"id":"24","fields":[{"name":"Title","value":"x"}]}]}`}, status: 200, want: map[string]any{"users[0].reason": reason("IAM-4060016")}},
		// requestId is not nullable in the spec; null once read as absent and
		// the user was changed (SUCCESS).
		{
			name: "null requestId", call: call{body: `{"users":[{"requestId":null,"id":"24","fields":[{"name":"Title","value":"x"}]}]}`}, status: 200,
			want:  map[string]any{"users[0].status": "FAIL", "users[0].reason": "IAM-4060016:Malformed user entry:requestId must be a string"},
			after: map[string]map[string]string{"24": {FieldTitle: "Analyst"}},
		},

		// Whole-request failures, in the order the checks run.
		{name: "no credentials", call: call{auth: "none", body: docExample}, status: 401, want: map[string]any{"status": "FAIL", "reason": reason("IAM-4060006")}, header: map[string]string{"WWW-Authenticate": `Basic realm="OIG"`}, after: map[string]map[string]string{"24": seeded}},
		{name: "wrong password", call: call{auth: "wrong-password", body: docExample}, status: 401},
		{name: "unknown bearer token", call: call{auth: "bad-token", body: docExample}, status: 401},
		{name: "401 before missing X-Requested-By", call: call{auth: "none", body: docExample, header: map[string]string{"X-Requested-By": ""}}, status: 401},
		{
			name: "no X-Requested-By", call: call{body: docExample, header: map[string]string{"X-Requested-By": ""}}, status: 400,
			want:  map[string]any{"status": "FAIL", "reason": "IAM-4060001:The X-Requested-By header is required on PUT:"},
			after: map[string]map[string]string{"24": seeded},
		},
		{name: "viewer may not modify", call: call{auth: "viewer", body: docExample}, status: 403, want: map[string]any{"status": "FAIL", "reason": "IAM-4060007:The caller has no privilege to modify users:viewer"}, after: map[string]map[string]string{"24": seeded}},
		{name: "viewer without X-Requested-By gets 400 first", call: call{auth: "viewer", body: docExample, header: map[string]string{"X-Requested-By": ""}}, status: 400},
		{name: "no Content-Type", call: call{body: docExample, header: map[string]string{"Content-Type": ""}}, status: 415, want: map[string]any{"reason": reason("IAM-4060002")}},
		{name: "text/plain", call: call{body: docExample, header: map[string]string{"Content-Type": "text/plain"}}, status: 415},
		{name: "malformed JSON", call: call{body: `{"users":[{"id":"24",}]}`}, status: 400, want: map[string]any{"status": "FAIL", "reason": map[string]any{"$match": "^IAM-4060003:The request body is not valid JSON:invalid character '}' .* line 1"}}},
		{name: "truncated JSON", call: call{body: `{"users":[`}, status: 400, want: map[string]any{"reason": reason("IAM-4060003")}},
		// encoding/json would store \xff as U+FFFD: not JSON (RFC 8259 8.1).
		{
			name: "not UTF-8", call: call{body: "{\"users\":[{\"id\":\"24\",\"fields\":[{\"name\":\"Title\",\"value\":\"A\xffB\"}]}]}"}, status: 400,
			want:  map[string]any{"status": "FAIL", "reason": "IAM-4060003:The request body is not valid JSON:bytes that are not UTF-8 at line 1 byte 58"},
			after: map[string]map[string]string{"24": {FieldTitle: "Analyst"}},
		},
		{name: "empty body", call: call{body: ``}, status: 400, want: map[string]any{"reason": reason("IAM-4060003")}},
		{name: "JSON array body", call: call{body: `[]`}, status: 400, want: map[string]any{"reason": "IAM-4060003:The request body is not valid JSON:the body must be an object, not array"}},
		{name: "users not an array", call: call{body: `{"users":{}}`}, status: 400, want: map[string]any{"reason": "IAM-4060003:The request body is not valid JSON:users must be an array, not object"}},
		{name: "no users key", call: call{body: `{}`}, status: 400, want: map[string]any{"reason": "IAM-4060004:The request has no users to update:users must be a non-empty array"}},
		{name: "null users", call: call{body: `{"users":null}`}, status: 400, want: map[string]any{"reason": reason("IAM-4060004")}},
		{name: "empty users", call: call{body: `{"users":[]}`}, status: 400, want: map[string]any{"reason": reason("IAM-4060004")}},
		{name: "body over the cap", opts: Options{MaxBody: 64}, call: call{body: docExample}, status: 413, want: map[string]any{"reason": "IAM-4060005:The request body is too large:more than 64 bytes"}},
		{name: "POST is not served", call: call{method: http.MethodPost, body: docExample}, status: 405, want: map[string]any{"reason": reason("IAM-4060008")}, header: map[string]string{"Allow": "PUT"}},

		// Reading back.
		{
			name: "GET a user", call: call{method: http.MethodGet, path: usersPath + "/24"}, status: 200,
			want: map[string]any{
				"links[0].href":                        "http://oig.test/iam/governance/selfservice/api/v1/users/24",
				"fields":                               map[string]any{"$len": len(catalog)},
				"fields[name=usr_key].value":           "24",
				"fields[name=User Login].value":        "DCOLE",
				"fields[name=Display Name].value":      "Dana Cole",
				"fields[name=Organization Name].value": DefaultOrganization,
				"fields[name=Status].value":            "Active",
			},
		},
		{name: "GET by the viewer", call: call{method: http.MethodGet, path: usersPath + "/24", auth: "viewer"}, status: 200},
		{name: "GET by bearer", call: call{method: http.MethodGet, path: usersPath + "/24", auth: "bearer"}, status: 200},
		{name: "GET unknown", call: call{method: http.MethodGet, path: usersPath + "/9999"}, status: 404, want: map[string]any{"status": "FAIL", "reason": "IAM-2040028:User does not exists:9999"}},
		{name: "GET without credentials", call: call{method: http.MethodGet, path: usersPath + "/24", auth: "none"}, status: 401},
		{name: "PUT on one user is not served", call: call{method: http.MethodPut, path: usersPath + "/24", body: docExample}, status: 405, header: map[string]string{"Allow": "GET"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, h := newMock(t, tc.opts)
			rec, body := answer(t, h, tc.call)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d; body %s", rec.Code, tc.status, rec.Body)
			}
			for _, m := range expect.Match(body, tc.want) {
				t.Errorf("%s\nbody: %s", m, rec.Body)
			}
			for k, v := range tc.header {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			for key, fields := range tc.after {
				u, ok := s.Users.Get(key)
				if !ok {
					t.Fatalf("user %s is gone", key)
				}
				for name, want := range fields {
					if u[name] != want {
						t.Errorf("user %s %s = %q, want %q", key, name, u[name], want)
					}
				}
			}
		})
	}
}

// An update must be visible through the self link it answers with: that is
// how the suite reads an update back.
func TestSelfLinkReadsTheUpdateBack(t *testing.T) {
	_, h := newMock(t, Options{})
	_, put := answer(t, h, call{body: one("26", `[{"name":"Last Name","value":"García-López"},{"name":"Role","value":"Intern"}]`)})
	hrefs, _, _ := expect.Lookup(put, "users[0].links[0].href")
	if len(hrefs) != 1 {
		t.Fatalf("no self link in %v", put)
	}
	path := strings.TrimPrefix(hrefs[0].(string), "http://oig.test")
	_, got := answer(t, h, call{method: http.MethodGet, path: path})
	for _, m := range expect.Match(got, map[string]any{
		"fields[name=Last Name].value":  "García-López",
		"fields[name=Role].value":       "Intern",
		"fields[name=First Name].value": "María",
	}) {
		t.Error(m)
	}
}

func TestSeedFileIsValid(t *testing.T) {
	seed, err := loadSeed()
	if err != nil {
		t.Fatal(err)
	}
	if err := seed.OIG.Validate(); err != nil {
		t.Fatal(err)
	}
	st, err := NewStore(seed.OIG)
	if err != nil {
		t.Fatal(err)
	}
	// The document's example needs 24 to exist and 9999 not to.
	if _, ok := st.Get("24"); !ok {
		t.Error("usr_key 24 (the document's user) is not seeded")
	}
	if _, ok := st.Get("9999"); ok {
		t.Error("usr_key 9999 is the document's unknown user and must not be seeded")
	}
}

func TestSeedValidate(t *testing.T) {
	good := SeedUser{Key: "1", Login: "A", LastName: "A"}
	with := func(f func(*SeedUser)) Seed {
		u := good
		f(&u)
		return Seed{Organizations: []string{"Finance"}, Users: []SeedUser{u}}
	}
	cases := []struct {
		name string
		seed Seed
		want string // "" for valid
	}{
		{"minimal user", with(func(*SeedUser) {}), ""},
		{"listed organization, other case", with(func(u *SeedUser) { u.Organization = "finance" }), ""},
		{"key not digits", with(func(u *SeedUser) { u.Key = "a1" }), "usr_key must be a string of digits"},
		{"no login", with(func(u *SeedUser) { u.Login = " " }), "login is empty"},
		{"no last name", with(func(u *SeedUser) { u.LastName = "" }), "Last Name"},
		{"bad email", with(func(u *SeedUser) { u.Email = "x" }), "Email"},
		{"unlisted organization", with(func(u *SeedUser) { u.Organization = "Sales" }), "Organization Name"},
		{"bad role", with(func(u *SeedUser) { u.Role = "Boss" }), "Role"},
		{"duplicate key", Seed{Users: []SeedUser{good, {Key: "1", Login: "B", LastName: "B"}}}, "usr_key \"1\" is used twice"},
		{"duplicate login, other case", Seed{Users: []SeedUser{good, {Key: "2", Login: "a", LastName: "B"}}}, "login \"a\" is used twice"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.seed.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

// A bad seed row is skipped and reported; the good rows still load.
func TestNewStoreSkipsBadRows(t *testing.T) {
	st, err := NewStore(Seed{Users: []SeedUser{{Key: "x", Login: "A", LastName: "A"}, {Key: "2", Login: "B", LastName: "B"}}})
	if err == nil || !strings.Contains(err.Error(), "skipped") {
		t.Fatalf("error %v, want a skipped row", err)
	}
	if _, ok := st.Get("2"); !ok {
		t.Fatal("the good row did not load")
	}
}

// Concurrent updates and reads of the same users must be race-free (run
// with -race) and every update must land.
func TestConcurrentUpdates(t *testing.T) {
	s, h := newMock(t, Options{})
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			id := []string{"24", "25"}[i%2]
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, call{body: one(id, `[{"name":"Title","value":"t"}]`)}.request())
			if rec.Code != 200 {
				t.Errorf("status %d", rec.Code)
			}
			rec = httptest.NewRecorder()
			h.ServeHTTP(rec, call{method: http.MethodGet, path: usersPath + "/" + id}.request())
		})
	}
	wg.Wait()
	for _, id := range []string{"24", "25"} {
		if u, _ := s.Users.Get(id); u[FieldTitle] != "t" {
			t.Errorf("user %s Title %q", id, u[FieldTitle])
		}
	}
}

// FuzzUpdateUsers: whatever the body and headers, the mock never panics,
// never answers 500, always answers JSON, and its answer conforms to the spec.
func FuzzUpdateUsers(f *testing.F) {
	for _, b := range []string{
		docExample, ``, `{}`, `[]`, `null`, `{"users":[]}`, `{"users":{}}`, `{"users":[null]}`,
		`{"users":[{"id":"24","fields":[{"name":"Email","value":"a@b.c"}]}]}`,
		`{"users":[{"id":"24","fields":[{"name":"Title","value":null},{"name":"Title"}]}]}`,
		`{"users":[{"id":24,"requestId":[1],"fields":"x"}]}`, `{"users":[`, "\xff\xfe", `{"users":[{"id":"24","fields":[{"name":1,"value":{}}]}]}`,
	} {
		f.Add([]byte(b), "application/json", true)
	}
	f.Add([]byte(docExample), "text/plain", true)
	f.Add([]byte(docExample), "application/json", false)
	f.Add([]byte(docExample), "application/json; charset=\"", true)
	_, h := newMock(f, Options{MaxBody: 4 << 10})
	cat, err := loadSpec()
	if err != nil {
		f.Fatal(err)
	}
	op, _ := cat.Operation("oigUpdateUsers")
	f.Fuzz(func(t *testing.T, body []byte, contentType string, requestedBy bool) {
		req := httptest.NewRequest(http.MethodPut, "http://oig.test"+usersPath, bytes.NewReader(body))
		req.SetBasicAuth("admin", "Welcome1")
		req.Header.Set("Content-Type", contentType)
		if requestedBy {
			req.Header.Set("X-Requested-By", "fuzz")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
		out, _ := io.ReadAll(rec.Body)
		if !json.Valid(out) {
			t.Fatalf("answer is not JSON: %q", out)
		}
		for _, v := range op.ValidateResponse(req, usersPath, body, rec.Code, rec.Header(), out) {
			t.Fatalf("the answer breaks the spec: %s\nrequest %q\nanswer %s", v, body, out)
		}
	})
}
