package config

import (
	"bytes"
	"flag"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// sample is a value of the setting's type that no default has, as a
// variable or a flag would give it.
func sample(t *testing.T, s *Setting) string {
	switch s.v.(type) {
	case field[string], productText, secretsFile:
		return "sample-text"
	case field[bool]:
		return "true"
	case field[int64], field[int], field[float64]:
		return "7"
	case field[Duration]:
		return "7s"
	}
	t.Fatalf("%s: no sample for %T", s.Key, s.v)
	return ""
}

// A setting's key is the file's: the file's key and the variable set the
// same field to the same value.
func TestKeysAreTheFilesKeys(t *testing.T) {
	for _, s := range Settings() {
		if s.Key == "" || s == SecretsFileSetting {
			continue
		}
		v := sample(t, s)
		doc := v
		parts := strings.Split(s.Key, ".")
		for i := len(parts) - 1; i >= 0; i-- {
			doc = "{" + parts[i] + ": " + doc + "}"
		}
		fromFile := Config{}
		if err := fromFile.Parse(s.Key, []byte(doc)); err != nil {
			t.Errorf("%s: the file does not take %s: %v", s.Key, doc, err)
			continue
		}
		direct := Config{Vars: map[string]string{}}
		if err := s.v.parse(&direct, s.Key, v); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fromFile, direct) {
			t.Errorf("%s: the file sets\n%+v\nthe setting sets\n%+v", s.Key, fromFile, direct)
		}
	}
	if (&Config{}).Parse("secrets", []byte("secrets_file: /nonexistent")) == nil {
		t.Error("secrets_file is not the file's key of the secrets file")
	}
}

// A variable and its flag set the same field to the same value, and both
// mark the setting given.
func TestVariableAndFlagAgree(t *testing.T) {
	for _, s := range Settings() {
		if s.Env == "" || s.Flag == "" || s == SecretsFileSetting {
			continue
		}
		v := sample(t, s)
		byEnv := Default()
		if err := byEnv.ApplyEnv(func(k string) (string, bool) { return v, k == s.Env }); err != nil {
			t.Fatal(err)
		}
		byFlag := Default()
		fs := flag.NewFlagSet("run", flag.ContinueOnError)
		flags := BindFlags(fs)
		if err := fs.Parse([]string{s.Arg(v)}); err != nil {
			t.Fatal(err)
		}
		flags.Apply(&byFlag)
		if !reflect.DeepEqual(byEnv, byFlag) || !byEnv.Explicit(s) {
			t.Errorf("%s and --%s differ:\n%+v\n%+v", s.Env, s.Flag, byEnv, byFlag)
		}
		if reflect.DeepEqual(byEnv, Default()) {
			t.Errorf("%s=%s changed nothing", s.Env, v)
		}
	}
	// A flag not given leaves the config as it is.
	c := Default()
	c.Timeout = Duration(time.Hour)
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	flags := BindFlags(fs)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	flags.Apply(&c)
	if c.Timeout != Duration(time.Hour) || c.Explicit(TimeoutSetting) {
		t.Errorf("a flag not given changed the config: %+v", c)
	}
}

// The defaults are the table's: a run with nothing given gets them.
func TestDefaultsComeFromTheTable(t *testing.T) {
	c := Default()
	want := map[*Setting]any{TimeoutSetting: Duration(30 * time.Second), PollIntervalSetting: Duration(time.Second),
		PollLimitSetting: Duration(5 * time.Minute), JobBreakerSetting: 2, SeedSetting: int64(1), ReportDirSetting: "reports",
		RateSetting: float64(RateUnset), BreakerSetting: 5, ThrottleMaxWaitSetting: Duration(30 * time.Second),
		ThrottleBudgetSetting: Duration(2 * time.Minute)}
	for s, w := range want {
		var got any
		switch f := s.v.(type) {
		case field[Duration]:
			got = *f.at(&c)
		case field[int]:
			got = *f.at(&c)
		case field[int64]:
			got = *f.at(&c)
		case field[string]:
			got = *f.at(&c)
		case field[float64]:
			got = *f.at(&c)
		}
		if got != w {
			t.Errorf("%s: default %v, want %v", s.Key, got, w)
		}
	}
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	BindFlags(fs)
	var help bytes.Buffer
	fs.SetOutput(&help)
	fs.PrintDefaults()
	for _, line := range []string{"timeout of one request (default 30s)", "(default 5 on a live target, no limit on the embedded mock)\n"} {
		if !strings.Contains(help.String(), line) {
			t.Errorf("-h lacks %q:\n%s", line, help.String())
		}
	}
}

// Each product's own variables name that product, and set only it.
func TestProductSettings(t *testing.T) {
	if got := TargetSetting.Of("epm"); got.Env != "CONFORMANCE_EPM_URL" || got.Flag != "epm-url" || got.Key != "products.epm.url" {
		t.Errorf("epm's URL: %+v", got)
	}
	if got := PasswordSetting.Of("oig"); got.Env != "CONFORMANCE_OIG_PASSWORD" || got.Flag != "" {
		t.Errorf("oig's password: %+v", got)
	}
	if TimeoutSetting.Of("epm") != nil {
		t.Error("timeout is not a product's own")
	}
	// A product's URL from a variable keeps the default accounts for it:
	// it gives no credentials of its own.
	c := Default()
	if err := c.Parse("c.yaml", []byte("credentials: {admin: {user: shared, password: p}}\nproducts: {epm: {url: https://a.example.com}}\n")); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{TargetSetting.Of("epm").Env: "https://b.example.com"}
	if err := c.ApplyEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		t.Fatal(err)
	}
	if r := c.Resolve("epm"); r.URL != "https://b.example.com" || r.Credentials.Admin.User != "shared" {
		t.Errorf("epm: %+v", r)
	}
	// A product's password from a variable does not reach a copy of the
	// config that shares the product's credentials.
	c = Default()
	if err := c.Parse("c.yaml", []byte("products: {epm: {url: https://a.example.com, credentials: {admin: {user: u, password: file}}}}\n")); err != nil {
		t.Fatal(err)
	}
	before := c.Products["epm"].Credentials
	env = map[string]string{PasswordSetting.Of("epm").Env: "env"}
	if err := c.ApplyEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		t.Fatal(err)
	}
	if before.Admin.Password != "file" || c.Resolve("epm").Credentials.Admin != (Account{User: "u", Password: "env"}) {
		t.Errorf("before %+v, after %+v", before.Admin, c.Resolve("epm").Credentials.Admin)
	}
}

// A bad value names its variable and what it should be.
func TestBadVariablesNameThemselves(t *testing.T) {
	for s, bad := range map[*Setting]string{TimeoutSetting: "soon", RateSetting: "fast", SeedSetting: "x", AllowRefusalsSetting: "maybe"} {
		c := Default()
		err := c.ApplyEnv(func(k string) (string, bool) { return bad, k == s.Env })
		if err == nil || !strings.HasPrefix(err.Error(), s.Env+"=") {
			t.Errorf("%s=%s: %v", s.Env, bad, err)
		}
	}
	c := Default()
	err := c.ApplyEnv(func(k string) (string, bool) { return "/nonexistent/secrets.yaml", k == SecretsFileSetting.Env })
	if err == nil || !strings.Contains(err.Error(), SecretsFileSetting.Env) {
		t.Errorf("a missing secrets file: %v", err)
	}
}

// The README's list is the table's: `go generate ./internal/config` writes it.
func TestREADMEListIsCurrent(t *testing.T) {
	doc, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want, err := SpliceSettings(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(doc, want) {
		got, wantLines := strings.Split(string(doc), "\n"), strings.Split(string(want), "\n")
		for i := range min(len(got), len(wantLines)) {
			if got[i] != wantLines[i] {
				t.Fatalf("README.md's list of settings is stale: run `go generate ./internal/config`\nline %d is\n  %s\nthe table renders\n  %s", i+1, got[i], wantLines[i])
			}
		}
		t.Fatal("README.md's list of settings is stale: run `go generate ./internal/config`")
	}
}

// A list that differs from the table is noticed, and a README without the
// markers is an error, not a silent pass.
func TestAStaleListIsNoticed(t *testing.T) {
	stale := []byte("# x\n" + settingsBegin + "| `timeout` | | | `10s` | |\n" + settingsEnd + "rest\n")
	fixed, err := SpliceSettings(stale)
	if err != nil || bytes.Equal(fixed, stale) || !bytes.Contains(fixed, []byte("`"+TimeoutSetting.Env+"`")) || !bytes.HasSuffix(fixed, []byte(settingsEnd+"rest\n")) {
		t.Errorf("splice: %v\n%s", err, fixed)
	}
	if _, err := SpliceSettings([]byte("# no markers\n")); err == nil {
		t.Error("a README without the markers passed")
	}
}
