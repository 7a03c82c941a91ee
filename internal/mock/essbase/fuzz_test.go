package essbase

import (
	"net/http"
	"testing"
)

// The fuzz targets send arbitrary bodies through the handlers. Whatever the
// body, the mock must not panic, must not answer 500, and must answer only
// statuses the spec declares for the operation.

func fuzzHandler(f *testing.F, method, path, contentType, accept string, seeds ...string) {
	for _, s := range seeds {
		f.Add(s)
	}
	_, h := newTestServer(f, Options{MaxBody: 64 << 10})
	op, _ := catalog.Match(method, "/essbase/rest/v1/users/jenp")
	if method == http.MethodPost {
		op, _ = catalog.Match(method, usersPath)
	}
	f.Fuzz(func(t *testing.T, body string) {
		c := call{method: method, path: path, user: "admin", pass: "Welcome1", contentType: contentType, accept: accept, body: body}
		_, rec := c.do(t, h)
		if rec.Code >= 500 || !op.Documented(rec.Code) {
			t.Fatalf("status %d for body %q: %s", rec.Code, body, rec.Body.String())
		}
		if rec.Code >= 400 {
			errorCode(t, rec)
		}
	})
}

func FuzzAddUsersJSON(f *testing.F) {
	fuzzHandler(f, "POST", usersPath, jsonCT, jsonCT,
		`{"password":"tempPa55","role":"user","email":"user001@example.com","id":"User001","name":"User One"}`,
		`[{"password":"p","id":"a","groups":["g"]},{"password":"p","id":"b","token":"x"}]`,
		`{"id":"a b","password":"p"}`, `[]`, `null`, `{"groups":"x"}`, `{"id":`, "\xff")
}

func FuzzAddUsersXML(f *testing.F) {
	fuzzHandler(f, "POST", usersPath, xmlCT, xmlCT,
		`<user><id>x1</id><name>X One</name><password>p</password><role>user</role><groups>A</groups></user>`,
		`<?xml version="1.0"?><users><user><id>x2</id><password>p</password></user></users>`,
		`<users/>`, `<user><id>x</id>`, `<!DOCTYPE x [<!ENTITY a "b">]><user><id>&a;</id></user>`, `text`)
}

func FuzzAddUsersCSV(f *testing.F) {
	fuzzHandler(f, "POST", usersPath, "text/csv", "application/octet-stream",
		"id,name,email,password,role,groups\nc1,C One,c@example.com,p,User,\"A,B\"\n",
		"\ufeffpassword,id\np,c2\n", "id,password\n", "c3,p\n", "id,password\n\"unterminated,p\n", "id,id\n")
}

func FuzzUpdateUser(f *testing.F) {
	fuzzHandler(f, "PUT", usersPath+"/jenp", jsonCT, jsonCT,
		`{"role":"Power User","email":"jen.x.power@example.com","id":"jenp","name":"Jen Power"}`,
		`{"id":"other"}`, `{"password":""}`, `[{}]`, `{}`)
}

func FuzzUpdateUserXML(f *testing.F) {
	fuzzHandler(f, "PUT", usersPath+"/jenp", xmlCT, xmlCT,
		`<user><role>Power User</role><email>jen.x.power@example.com</email><groups/></user>`,
		`<user><id>other</id></user>`, `<users><user/></users>`, `<group><role>User</role></group>`,
		"<user><name>J\xff</name></user>", `<user><groups>A</groups><groups>B.C</groups></user>`, `<?xml version="1.0" encoding="ISO-8859-1"?><user/>`)
}
