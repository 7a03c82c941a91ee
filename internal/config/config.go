// Package config is the one way in: a YAML file, overridden by environment
// variables, overridden by flags. Unknown keys and bad values are errors at
// start, never silent defaults (GUIDE.md, "One way in").
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is everything a run needs to know about its target.
type Config struct {
	// Target is the base URL; empty means the embedded mock.
	Target string `yaml:"target"`
	// AltTargets are other targets some scenarios need, by name: an absolute
	// URL, or a path that continues the main target's URL. Scenarios needing
	// an alt target the config lacks are skipped with the reason.
	AltTargets     map[string]string `yaml:"alt_targets"`
	Credentials    Credentials       `yaml:"credentials"`
	Vars           map[string]string `yaml:"vars"`
	Timeout        Duration          `yaml:"timeout"`
	Rate           float64           `yaml:"rate"`
	Poll           Poll              `yaml:"poll"`
	AllowMutations bool              `yaml:"allow_mutations"`
	LabelFilter    string            `yaml:"label_filter"`
	ReportDir      string            `yaml:"report_dir"`
	Fixtures       string            `yaml:"fixtures"`
	Seed           int64             `yaml:"seed"`
}

// Credentials are the accounts scenarios log in with.
type Credentials struct {
	Admin    Account `yaml:"admin"`
	NonAdmin Account `yaml:"non_admin"`
	Token    string  `yaml:"token"`
}

// Account is a Basic login.
type Account struct {
	User     string `yaml:"user"`
	Password string `yaml:"password"`
}

// Poll bounds how asynchronous jobs are waited for.
type Poll struct {
	Interval Duration `yaml:"interval"`
	Limit    Duration `yaml:"limit"`
}

// Duration reads "200ms", "30s" from YAML.
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration like 500ms or 30s", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration back as text.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// D is the duration as time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// Default is the configuration before any file, variable or flag.
func Default() Config {
	return Config{
		Timeout:   Duration(30 * time.Second),
		Poll:      Poll{Interval: Duration(time.Second), Limit: Duration(5 * time.Minute)},
		ReportDir: "reports",
		Seed:      1,
		Vars:      map[string]string{},
	}
}

// Parse applies a YAML document on top of c.
func (c *Config) Parse(name string, data []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("config %s: %w", name, err)
	}
	if c.Vars == nil {
		c.Vars = map[string]string{}
	}
	return nil
}

// Load reads a config file on top of the defaults.
func Load(path string) (Config, error) {
	c := Default()
	if path == "" {
		return c, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	return c, c.Parse(path, data)
}

// Environment variables that override the file.
const (
	EnvTarget          = "CONFORMANCE_TARGET"
	EnvUser            = "CONFORMANCE_USER"
	EnvPassword        = "CONFORMANCE_PASSWORD"
	EnvToken           = "CONFORMANCE_TOKEN"
	EnvNonAdminUser    = "CONFORMANCE_NONADMIN_USER"
	EnvNonAdminPass    = "CONFORMANCE_NONADMIN_PASSWORD"
	EnvAllowMutations  = "CONFORMANCE_ALLOW_MUTATIONS"
	EnvPollInterval    = "CONFORMANCE_POLL_INTERVAL"
	EnvPollLimit       = "CONFORMANCE_POLL_LIMIT"
	EnvGeneratorSeed   = "CONFORMANCE_SEED"
	EnvRequestTimeout  = "CONFORMANCE_TIMEOUT"
	EnvRequestsPerSecs = "CONFORMANCE_RATE"
)

// ApplyEnv overrides c from the environment (lookup is os.LookupEnv in use).
func (c *Config) ApplyEnv(lookup func(string) (string, bool)) error {
	str := func(name string, dst *string) {
		if v, ok := lookup(name); ok && v != "" {
			*dst = v
		}
	}
	str(EnvTarget, &c.Target)
	str(EnvUser, &c.Credentials.Admin.User)
	str(EnvPassword, &c.Credentials.Admin.Password)
	str(EnvToken, &c.Credentials.Token)
	str(EnvNonAdminUser, &c.Credentials.NonAdmin.User)
	str(EnvNonAdminPass, &c.Credentials.NonAdmin.Password)
	var errs []error
	if v, ok := lookup(EnvAllowMutations); ok && v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q is not true or false", EnvAllowMutations, v))
		}
		c.AllowMutations = b
	}
	dur := func(name string, dst *Duration) {
		if v, ok := lookup(name); ok && v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q is not a duration like 500ms or 30s", name, v))
			}
			*dst = Duration(d)
		}
	}
	dur(EnvPollInterval, &c.Poll.Interval)
	dur(EnvPollLimit, &c.Poll.Limit)
	dur(EnvRequestTimeout, &c.Timeout)
	if v, ok := lookup(EnvGeneratorSeed); ok && v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q is not an integer", EnvGeneratorSeed, v))
		}
		c.Seed = n
	}
	if v, ok := lookup(EnvRequestsPerSecs); ok && v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q is not a number", EnvRequestsPerSecs, v))
		}
		c.Rate = f
	}
	return errors.Join(errs...)
}

// Validate reports every bad value at once.
func (c *Config) Validate() error {
	var errs []error
	if c.Target != "" {
		u, err := url.Parse(c.Target)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("target %q is not an http(s) URL", c.Target))
		}
	}
	if c.Timeout <= 0 {
		errs = append(errs, errors.New("timeout must be positive"))
	}
	if c.Poll.Interval <= 0 || c.Poll.Limit <= 0 {
		errs = append(errs, errors.New("poll interval and limit must be positive"))
	}
	if c.Poll.Interval > c.Poll.Limit {
		errs = append(errs, errors.New("poll interval is longer than the poll limit"))
	}
	if c.Rate < 0 {
		errs = append(errs, errors.New("rate must not be negative"))
	}
	if c.Credentials.Admin.User == "" && c.Credentials.Token == "" {
		errs = append(errs, fmt.Errorf("no credentials: set credentials.admin in the config file, or %s and %s, or %s", EnvUser, EnvPassword, EnvToken))
	}
	if c.ReportDir == "" {
		errs = append(errs, errors.New("report_dir must not be empty"))
	}
	return errors.Join(errs...)
}

// AltTarget resolves an alt target to a URL: absolute as given, or the
// main target's URL continued by the path.
func (c *Config) AltTarget(name string) (string, error) {
	v := c.AltTargets[name]
	u, err := url.Parse(v)
	if err != nil {
		return "", fmt.Errorf("alt target %s: %w", name, err)
	}
	if u.IsAbs() {
		return v, nil
	}
	return strings.TrimSuffix(c.Target, "/") + "/" + strings.TrimPrefix(v, "/"), nil
}

// Secrets lists every secret value, for the redactor.
func (c *Config) Secrets() []string {
	return []string{c.Credentials.Admin.Password, c.Credentials.NonAdmin.Password, c.Credentials.Token}
}

// BasicPairs lists the user/password pairs, for masking Basic headers.
func (c *Config) BasicPairs() [][2]string {
	return [][2]string{
		{c.Credentials.Admin.User, c.Credentials.Admin.Password},
		{c.Credentials.NonAdmin.User, c.Credentials.NonAdmin.Password},
	}
}

// Masked is the effective config as it may be shown: secrets replaced.
func (c Config) Masked() Config {
	mask := func(s string) string {
		if s == "" {
			return ""
		}
		return "[REDACTED]"
	}
	c.Credentials.Admin.Password = mask(c.Credentials.Admin.Password)
	c.Credentials.NonAdmin.Password = mask(c.Credentials.NonAdmin.Password)
	c.Credentials.Token = mask(c.Credentials.Token)
	return c
}

// YAML renders the masked config.
func (c Config) YAML() string {
	b, err := yaml.Marshal(c.Masked())
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// Has reports whether a scenario need is met; needs come from labels like
// needs:non-admin-account.
func (c *Config) Has(need string) bool {
	need = strings.TrimPrefix(need, "needs:")
	if name, ok := strings.CutPrefix(need, "target:"); ok {
		return c.AltTargets[name] != ""
	}
	switch need {
	case "non-admin-account":
		return c.Credentials.NonAdmin.User != ""
	case "token":
		return c.Credentials.Token != ""
	case "basic-account":
		return c.Credentials.Admin.User != ""
	}
	return false
}
