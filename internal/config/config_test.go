package config

import (
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
	env := map[string]string{EnvPassword: "secret", EnvPollLimit: "9s", EnvAllowMutations: "true"}
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
	bad := map[string]string{EnvAllowMutations: "maybe", EnvGeneratorSeed: "x"}
	if err := c.ApplyEnv(func(k string) (string, bool) { v, ok := bad[k]; return v, ok }); err == nil {
		t.Error("bad environment values accepted")
	}
}
