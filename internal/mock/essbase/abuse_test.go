package essbase

import (
	"encoding/json"
	"strings"
	"testing"
)

// Bodies that look close enough to be read as users but are not what the
// document and Q-ESS-010 describe: another XML root (once <banana> added a
// user and <group> updated one) and bytes that are not UTF-8 (once stored as
// U+FFFD). Each is refused with 400 MALFORMED_BODY and changes nothing.
func TestRefusesBodiesThatAreNotUsers(t *testing.T) {
	for _, c := range []struct {
		name                      string
		method, path, ctype, body string
		message                   string
	}{
		{"add: XML root banana", "POST", usersPath, xmlCT, `<banana><id>b1</id><password>p</password></banana>`, "root element is <banana>"},
		{"add: XML root group in a list", "POST", usersPath, xmlCT, `<groups><user><id>b2</id><password>p</password></user></groups>`, "root element is <groups>"},
		{"update: XML root group", "PUT", usersPath + "/jenp", xmlCT, `<group><role>Power User</role></group>`, "root element is <group>"},
		{"update: XML list", "PUT", usersPath + "/jenp", xmlCT, `<users><user><role>Power User</role></user></users>`, "one <user> element"},
		{"add: JSON not UTF-8", "POST", usersPath, jsonCT, "{\"id\":\"b3\",\"password\":\"p\",\"name\":\"B\xff\"}", "not UTF-8 at line 1 byte 36"},
		{"add: JSON list not UTF-8", "POST", usersPath, jsonCT, "[{\"id\":\"b4\xfe\",\"password\":\"p\"}]", "not UTF-8"},
		{"update: JSON not UTF-8", "PUT", usersPath + "/jenp", jsonCT, "{\"name\":\"Jen \xffPower\"}", "not UTF-8"},
		{"add: XML not UTF-8", "POST", usersPath, xmlCT, "<user><id>b5</id><password>p</password><name>B\xff</name></user>", "invalid UTF-8"},
		{"update: XML not UTF-8", "PUT", usersPath + "/jenp", xmlCT, "<user><name>Jen\xff</name></user>", "invalid UTF-8"},
		{"add: CSV not UTF-8", "POST", usersPath, "text/csv", "id,password,name\nb6,p,B\xff\n", "not UTF-8"},
		// None of the User properties is nullable in the spec; null once
		// read as absent ("leave the email as it is").
		{"update: null email", "PUT", usersPath + "/jenp", jsonCT, `{"email":null,"role":"Power User"}`, "email must not be null"},
		{"add: null name", "POST", usersPath, jsonCT, `{"id":"b7","password":"p","name":null}`, "name must not be null"},
		{"add: null groups in a list", "POST", usersPath, jsonCT, `[{"id":"b8","password":"p"},{"id":"b9","password":"p","groups":null}]`, "User 2: malformed body: groups must not be null"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, h := newTestServer(t, Options{})
			before := s.Users.List()
			_, rec := call{method: c.method, path: c.path, user: "admin", pass: "Welcome1", contentType: c.ctype, accept: jsonCT, body: c.body}.do(t, h)
			var e errorBody
			_ = json.Unmarshal(rec.Body.Bytes(), &e)
			if rec.Code != 400 || errorCode(t, rec) != "MALFORMED_BODY" || !strings.Contains(e.Message, c.message) {
				t.Errorf("%d %s, want 400 MALFORMED_BODY with %q", rec.Code, rec.Body, c.message)
			}
			after := s.Users.List()
			if len(after) != len(before) {
				t.Fatalf("%d users, then %d", len(before), len(after))
			}
			for i := range after {
				if after[i].ID != before[i].ID || after[i].Name != before[i].Name || after[i].Role != before[i].Role {
					t.Errorf("user %s changed: %+v -> %+v", before[i].ID, before[i], after[i])
				}
			}
		})
	}
}
