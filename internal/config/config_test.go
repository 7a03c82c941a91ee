package config

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestFileThenEnvironment(t *testing.T) {
	c := Default()
	err := c.Parse("c.yaml", []byte("target: http://h:1\ncredentials: {admin: {user: a, password: p}}\npoll: {interval: 50ms, limit: 2s}\n"))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{PasswordSetting.Env: "secret", PollLimitSetting.Env: "9s", AllowMutationsSetting.Env: "true"}
	if err := c.ApplyEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		t.Fatal(err)
	}
	if c.Credentials.Admin.Password != "secret" || c.Poll.Limit.D() != 9*time.Second || !c.AllowMutations || c.Poll.Interval.D() != 50*time.Millisecond {
		t.Fatalf("%+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(c.YAML(), "secret") {
		t.Fatal("the echoed config shows the password")
	}
}

func TestBadValuesAreErrors(t *testing.T) {
	for name, doc := range map[string]string{
		"unknown key":  "targt: http://x\n",
		"bad duration": "timeout: soon\n",
	} {
		c := Default()
		if err := c.Parse(name, []byte(doc)); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	c := Default()
	c.Target = "ftp://x"
	c.Poll.Interval = Duration(time.Hour)
	err := c.Validate()
	for _, want := range []string{"not an http(s) URL", "no credentials", "longer than the poll limit"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in %v", want, err)
		}
	}
	bad := map[string]string{AllowMutationsSetting.Env: "maybe", SeedSetting.Env: "x"}
	if err := c.ApplyEnv(func(k string) (string, bool) { v, ok := bad[k]; return v, ok }); err == nil {
		t.Error("bad environment values accepted")
	}
}

// Each product takes its own target and account from the file, the secrets
// file and the environment, and falls back to the defaults; a product with
// no URL at all is not covered.
func TestProductsResolveFromFileSecretsAndEnvironment(t *testing.T) {
	dir := t.TempDir()
	secrets := dir + "/secrets.yaml"
	if err := os.WriteFile(secrets, []byte("products:\n  essbase:\n    url: https://ess.example.com/base\n    credentials: {admin: {user: ess, password: from-secrets-file}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := Default()
	doc := "credentials: {admin: {user: shared, password: p}}\nsecrets_file: " + secrets + "\nproducts:\n  epm:\n    url: https://epm.example.com\n"
	if err := c.Parse("c.yaml", []byte(doc)); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{ProductEnv("epm", "PASSWORD"): "from-env", ProductEnv("epm", "USER"): "idd.svc", ProductEnv("oig", "TOKEN_COMMAND"): "echo t"}
	if err := c.ApplyEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		t.Fatal(err)
	}
	epm, ess, oig := c.Resolve("epm"), c.Resolve("essbase"), c.Resolve("oig")
	if !epm.Covered || epm.URL != "https://epm.example.com" || epm.Credentials.Admin != (Account{User: "idd.svc", Password: "from-env"}) {
		t.Errorf("epm: %+v", epm)
	}
	if !ess.Covered || ess.URL != "https://ess.example.com/base" || ess.Credentials.Admin.Password != "from-secrets-file" {
		t.Errorf("essbase: %+v", ess)
	}
	if oig.Covered || oig.Credentials.TokenCommand != "echo t" {
		t.Errorf("oig: %+v (no URL: not covered)", oig)
	}
	for _, s := range []string{"from-env", "from-secrets-file", "echo t"} {
		if strings.Contains(c.YAML(), s) {
			t.Errorf("the echoed config shows %q", s)
		}
	}
	bad := c
	bad.Products = map[string]Product{"epm": {URL: "http://127.0.0.1:99999"}, "essbase": {URL: "https://a b"}}
	err := bad.Validate()
	for _, want := range []string{"not 1 to 65535", "white space"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in %v", want, err)
		}
	}
}
