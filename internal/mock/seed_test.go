package mock_test

import (
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/mock"
	"github.com/oracle-users-conformance/conformance/internal/mock/epm"
)

func loadSeed(t testing.TB, path string) mock.Seed {
	t.Helper()
	data, err := fs.ReadFile(fixtures.FS, path)
	if err != nil {
		t.Fatal(err)
	}
	seed, err := mock.ParseSeed(data)
	if err != nil {
		t.Fatal(err)
	}
	return seed
}

// target is the part of a target config this test reads; internal/config
// owns the format, this only checks the names agree with the seed.
type target struct {
	Credentials struct {
		Admin    struct{ User, Password string } `yaml:"admin"`
		NonAdmin struct{ User, Password string } `yaml:"non_admin"`
		Token    string                          `yaml:"token"`
	} `yaml:"credentials"`
	Vars map[string]string `yaml:"vars"`
}

func loadTarget(t testing.TB, path string) target {
	t.Helper()
	data, err := fs.ReadFile(fixtures.FS, path)
	if err != nil {
		t.Fatal(err)
	}
	var tg target
	if err := yaml.Unmarshal(data, &tg); err != nil {
		t.Fatal(err)
	}
	return tg
}

// names lists every login, user ID, usr_key, password and token of a seed.
func names(s mock.Seed) map[string]bool {
	out := map[string]bool{}
	add := func(v string) { out[strings.ToLower(v)] = true }
	for _, a := range s.Accounts {
		add(a.Login)
		add(a.Password)
		for _, tok := range a.Tokens {
			add(tok)
		}
	}
	for _, u := range s.EPM.Users {
		add(u.Login)
	}
	for _, u := range s.Essbase.Users {
		add(u.ID)
		add(u.Password)
	}
	for _, u := range s.OIG.Users {
		add(u.Key)
		add(u.Login)
	}
	return out
}

// The other seed shares nothing with the shipped one, and its target config
// has the same keys as mock.yaml.
func TestOtherSeedIsDisjoint(t *testing.T) {
	shipped, other := names(loadSeed(t, "mock/seed.yaml")), names(loadSeed(t, "mock/other-seed.yaml"))
	for n := range other {
		if shipped[n] {
			t.Errorf("other-seed.yaml reuses %q from seed.yaml", n)
		}
	}
	want, got := loadTarget(t, "targets/mock.yaml"), loadTarget(t, "targets/other-seed.yaml")
	for k := range want.Vars {
		if got.Vars[k] == "" {
			t.Errorf("targets/other-seed.yaml has no vars.%s", k)
		} else if got.Vars[k] == want.Vars[k] {
			t.Errorf("targets/other-seed.yaml vars.%s is %q, as in mock.yaml", k, got.Vars[k])
		}
	}
	if err := loadSeed(t, "mock/other-seed.yaml").OIG.Validate(); err != nil {
		t.Error(err)
	}
}

// Every one of the five operations works for the other seed's users, with
// the credentials of its target config, and so does the non-administrator's
// refusal: nothing in the mock depends on the names of seed.yaml.
func TestOtherSeedServesEveryOperation(t *testing.T) {
	seed, tg := loadSeed(t, "mock/other-seed.yaml"), loadTarget(t, "targets/other-seed.yaml")
	m, err := mock.New(mock.Options{Seed: seed, Logger: slog.New(slog.DiscardHandler), EPM: epm.Options{JobDuration: -1, FileDir: t.TempDir()}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(func() { srv.Close(); _ = m.Close() })
	admin := &client{t: t, base: srv.URL, hc: srv.Client(), user: tg.Credentials.Admin.User, pass: tg.Credentials.Admin.Password}
	viewer := &client{t: t, base: srv.URL, hc: srv.Client(), user: tg.Credentials.NonAdmin.User, pass: tg.Credentials.NonAdmin.Password}
	v := tg.Vars

	t.Run("epm v2", func(t *testing.T) {
		a := admin.epmV2(v["epm_user_1"], "Paula", "Martins", "paula@tenant.example.org")
		if d, _ := a.json["details"].(map[string]any); a.json["status"] != 0.0 || d["succeeded"] != 1.0 {
			t.Errorf("update %s: %s", v["epm_user_1"], a.raw)
		}
		if u, _ := m.EPM.Domain.Get(v["epm_user_1"]); u.LastName != "Martins" {
			t.Errorf("stored %+v", u)
		}
		r := viewer.epmV2(v["epm_user_2"], "A", "B", "b@tenant.example.org")
		if e, _ := r.json["error"].(map[string]any); r.json["status"] != 1.0 || e["errorcode"] != "EPMCSS-21192" {
			t.Errorf("the non-administrator was not refused: %s", r.raw)
		}
	})
	t.Run("epm v1", func(t *testing.T) {
		j := admin.epmV1("other-seed.csv", v["epm_user_2"], "Lina", "Cheng", "lina@tenant.example.org")
		if j.json["status"] != 0.0 || j.json["details"] != "Processed - 1, Succeeded - 1, Failed - 0." {
			t.Errorf("job: %s", j.raw)
		}
		if u, _ := m.EPM.Domain.Get(v["epm_user_2"]); u.FirstName != "Lina" || u.Email != "lina@tenant.example.org" {
			t.Errorf("stored %+v", u)
		}
	})
	t.Run("essbase add and update", func(t *testing.T) {
		if a := admin.do(http.MethodPost, essbasePath, "application/json", essbaseUser("newcomer", "New Comer", "new@tenant.example.org", "User")); a.status != 200 {
			t.Errorf("add: %d %s", a.status, a.raw)
		}
		a := admin.do(http.MethodPut, essbasePath+"/"+v["essbase_user_1"], "application/json", []byte(`{"role":"Power User"}`))
		if a.status != 200 || a.json["role"] != "Power User" || a.json["id"] != v["essbase_user_1"] {
			t.Errorf("update %s: %d %s", v["essbase_user_1"], a.status, a.raw)
		}
		if a := viewer.do(http.MethodPut, essbasePath+"/"+v["essbase_user_2"], "application/json", []byte(`{"role":"User"}`)); a.status != 400 {
			t.Errorf("the non-administrator updated %s: %d %s", v["essbase_user_2"], a.status, a.raw)
		}
	})
	t.Run("oig", func(t *testing.T) {
		a := admin.oigUpdate(v["oig_user_1"], map[string]string{"Organization Name": v["oig_organization"], "Title": "Head"})
		users, _ := a.json["users"].([]any)
		if a.status != 200 || len(users) != 1 || users[0].(map[string]any)["status"] != "SUCCESS" {
			t.Fatalf("update %s: %d %s", v["oig_user_1"], a.status, a.raw)
		}
		if f := admin.oigFields(v["oig_user_1"]); f["Organization Name"] != v["oig_organization"] || f["Title"] != "Head" {
			t.Errorf("read back %v", f)
		}
		a = admin.oigUpdate(v["oig_unknown_id"], map[string]string{"Title": "x"})
		if !strings.Contains(string(a.raw), "IAM-2040028") {
			t.Errorf("unknown id %s: %s", v["oig_unknown_id"], a.raw)
		}
		if a := viewer.oigUpdate(v["oig_user_2"], map[string]string{"Title": "x"}); a.status != 403 {
			t.Errorf("the non-administrator updated %s: %d %s", v["oig_user_2"], a.status, a.raw)
		}
	})
	t.Run("bearer token", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+essbasePath+"/"+v["essbase_user_2"], nil)
		req.Header.Set("Authorization", "Bearer "+tg.Credentials.Token)
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("GET with the token: %d", res.StatusCode)
		}
	})
}

// AdminPassword applies to the accounts holding an administrator role
// whatever they are called, or to AdminLogin alone; a login the seed lacks
// is an error, and a seed without an administrator is served as it is.
func TestAdminPassword(t *testing.T) {
	seed := loadSeed(t, "mock/other-seed.yaml")
	login := func(m *mock.Server, user, pass string) int {
		req := httptest.NewRequest(http.MethodGet, "/iam/governance/selfservice/api/v1/users/3101", nil)
		req.SetBasicAuth(user, pass)
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, req)
		return rec.Code
	}
	m, err := mock.New(mock.Options{Seed: seed, AdminPassword: "Changed#1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := login(m, "opsroot", "Changed#1"); got != 200 {
		t.Errorf("opsroot with the new password: %d", got)
	}
	if got := login(m, "opsroot", "Ops#Root-7731"); got != 401 {
		t.Errorf("opsroot with the seed's password: %d", got)
	}
	if got := login(m, "readonly7", "Read#Only-4410"); got != 200 {
		t.Errorf("the non-administrator's password changed: %d", got)
	}
	if !m.PasswordOverridden("OpsRoot") || m.PasswordOverridden("readonly7") {
		t.Error("PasswordOverridden does not say which passwords are the option's")
	}

	m, err = mock.New(mock.Options{Seed: seed, AdminLogin: "readonly7", AdminPassword: "Changed#2"})
	if err != nil {
		t.Fatal(err)
	}
	if login(m, "readonly7", "Changed#2") != 200 || login(m, "opsroot", "Ops#Root-7731") != 200 {
		t.Error("AdminLogin did not limit the new password to that account")
	}
	if _, err := mock.New(mock.Options{Seed: seed, AdminLogin: "admin", AdminPassword: "x"}); err == nil {
		t.Error("an AdminLogin the seed lacks was accepted")
	}
	noAdmin := mock.Seed{Accounts: seed.Accounts[1:]}
	if _, err := mock.New(mock.Options{Seed: noAdmin}); err != nil {
		t.Errorf("a seed without an administrator: %v", err)
	}
	if _, err := mock.New(mock.Options{Seed: noAdmin, AdminPassword: "x"}); err == nil {
		t.Error("a password for an administrator the seed lacks was accepted")
	}
}

// The approval option of a seed (internal/mock/oig/approval.go) reads as the
// README documents it.
func TestSeedApprovalOption(t *testing.T) {
	seed, err := mock.ParseSeed([]byte("accounts: [{login: a, password: b}]\noig:\n  approval: {users: [\"24\"], after: 1500ms}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if a := seed.OIG.Approval; a.All || len(a.Users) != 1 || a.Users[0] != "24" || a.After.Milliseconds() != 1500 {
		t.Errorf("approval %+v", a)
	}
	if def := loadSeed(t, "mock/seed.yaml").OIG.Approval; def.All || len(def.Users) != 0 {
		t.Errorf("the shipped seed routes modifies through approval: %+v", def)
	}
}
