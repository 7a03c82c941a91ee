package mock_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
)

// The "created elsewhere" seed loads, every user it holds is served as the
// seed wrote it, and a user written back as it was read is accepted, though
// its values break the rules for what a request creates.
func TestElsewhereSeedIsServed(t *testing.T) {
	seed := loadSeed(t, "mock/elsewhere-seed.yaml")
	srv := newServer(t, "mock/elsewhere-seed.yaml")
	tg := loadTarget(t, "targets/mock.yaml")
	admin := &client{t: t, base: srv.URL, hc: srv.Client(), user: tg.Credentials.Admin.User, pass: tg.Credentials.Admin.Password}

	for _, u := range seed.Essbase.Users {
		a := admin.do(http.MethodGet, "/essbase/rest/v1/users/"+url.PathEscape(u.ID), "", nil)
		if a.status != 200 || a.json["id"] != u.ID || a.json["name"] != u.Name {
			t.Errorf("essbase %q: %d %s", u.ID, a.status, a.raw)
			continue
		}
		// Written back as read: its own name, groups some user holds.
		fields := map[string]any{}
		for _, k := range []string{"name", "email", "role", "groups"} {
			if v, ok := a.json[k]; ok && v != nil {
				fields[k] = v
			}
		}
		back, _ := json.Marshal(fields)
		if w := admin.do(http.MethodPut, "/essbase/rest/v1/users/"+url.PathEscape(u.ID), "application/json", back); w.status != 200 {
			t.Errorf("essbase %q written back: %d %s", u.ID, w.status, w.raw)
		}
	}
	// The rules still hold for what a request brings new.
	if w := admin.do(http.MethodPut, "/essbase/rest/v1/users/jenp", "application/json", []byte(`{"groups":["New Group"]}`)); w.status != 400 {
		t.Errorf("a new group with a space: %d %s", w.status, w.raw)
	}

	for _, u := range seed.OIG.Users {
		got := admin.oigFields(u.Key)
		if got["User Login"] != u.Login || got["Last Name"] != u.LastName || got["Email"] != u.Email {
			t.Errorf("oig %s: %v", u.Key, got)
			continue
		}
		back := map[string]string{}
		for _, f := range []string{"Title", "Role", "Email", "Organization Name", "Display Name"} {
			back[f] = got[f]
		}
		a := admin.oigUpdate(u.Key, back)
		if e, _ := a.json["users"].([]any); len(e) != 1 || e[0].(map[string]any)["status"] != "SUCCESS" {
			t.Errorf("oig %s written back: %s", u.Key, a.raw)
		}
	}
	if a := admin.oigUpdate("24", map[string]string{"Role": "Astronaut"}); a.raw == nil || !json.Valid(a.raw) || a.json["users"].([]any)[0].(map[string]any)["status"] != "FAIL" {
		t.Errorf("oig new bad role: %s", a.raw)
	}

	// Changed, then written back as it was before (the suite's undo).
	kwong := admin.do(http.MethodGet, "/essbase/rest/v1/users/kwong", "", nil)
	admin.do(http.MethodPut, "/essbase/rest/v1/users/kwong", "application/json", []byte(`{"name":"Kim Wong","groups":["Sales"]}`))
	back, _ := json.Marshal(map[string]any{"name": kwong.json["name"], "groups": kwong.json["groups"]})
	if w := admin.do(http.MethodPut, "/essbase/rest/v1/users/kwong", "application/json", back); w.status != 200 {
		t.Errorf("essbase kwong restored: %d %s", w.status, w.raw)
	}
	before := admin.oigFields("24")
	admin.oigUpdate("24", map[string]string{"Email": "dana@example.com", "Role": "Contractor", "Title": "Short"})
	a := admin.oigUpdate("24", map[string]string{"Email": before["Email"], "Role": before["Role"], "Title": before["Title"]})
	if e, _ := a.json["users"].([]any); len(e) != 1 || e[0].(map[string]any)["status"] != "SUCCESS" {
		t.Errorf("oig 24 restored: %s", a.raw)
	}

	v := tg.Vars
	if a := admin.epmV2(v["epm_user_1"], "John", "O'Doe, Jr.", "john@example.com"); a.json["status"] != 0.0 {
		t.Errorf("epm v2 on %s: %s", v["epm_user_1"], a.raw)
	}
	if j := admin.epmV1("elsewhere.csv", v["epm_user_2"], "Chris", "Newton", "chris@example.com"); j.json["status"] != 0.0 {
		t.Errorf("epm v1 on %s: %s", v["epm_user_2"], j.raw)
	}
}
