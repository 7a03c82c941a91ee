// Package config is the one way in: a YAML file, overridden by environment
// variables, overridden by flags. Unknown keys and bad values are errors at
// start, never silent defaults.
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

// Config is everything a run needs to know about its targets.
type Config struct {
	// Target is the default base URL of every product; empty (and no
	// product URL) means the embedded mock.
	Target string `yaml:"target"`
	// AltTargets are other targets some scenarios need, by name: an absolute
	// URL, or a path that continues the product's URL. Scenarios needing
	// an alt target the config lacks are skipped with the reason.
	AltTargets  map[string]string `yaml:"alt_targets"`
	Credentials Credentials       `yaml:"credentials"`
	TLS         TLS               `yaml:"tls"`
	// Products override the defaults above per product: EPM Cloud, Essbase
	// and Identity Governance are three services on three hosts with three
	// accounts on a real estate. A product with no URL here and no default
	// target is not covered: its scenarios are skipped with that reason.
	Products map[string]Product `yaml:"products"`
	// SecretsFile is a second YAML file of the same shape, read on top of
	// this one, so credentials can live apart from the shared config.
	SecretsFile string            `yaml:"secrets_file,omitempty"`
	Vars        map[string]string `yaml:"vars"`
	// ShardVars are further sets of users for a run split into shards:
	// shard k (k ≥ 2) uses set k-1 in place of the vars it names, so each
	// shard changes its own users and the shards need not wait on each
	// other's (internal/shard). Shard 1 uses vars.
	ShardVars      []map[string]string `yaml:"shard_vars"`
	Timeout        Duration            `yaml:"timeout"`
	Rate           float64             `yaml:"rate"`
	Poll           Poll                `yaml:"poll"`
	AllowMutations bool                `yaml:"allow_mutations"`
	// AllowRefusals lets requests a conforming target must refuse before
	// acting (no or wrong credentials, a body that breaks the spec) reach a
	// live target without --allow-mutations. A deviating target might act
	// on them, so this is an opt-in of its own.
	AllowRefusals bool   `yaml:"allow_refusals"`
	LabelFilter   string `yaml:"label_filter"`
	ReportDir     string `yaml:"report_dir"`
	Fixtures      string `yaml:"fixtures"`
	Seed          int64  `yaml:"seed"`
	// Throttle bounds the waits on 429 and 503 answers.
	Throttle Throttle `yaml:"throttle"`
	// Breaker is how many consecutive transport failures or non-API answers
	// from one product stop its remaining scenarios.
	Breaker int `yaml:"breaker"`
	// Baseline lists accepted vendor deviations (report.LoadBaseline).
	Baseline string `yaml:"baseline"`

	// explicit are the settings a flag or variable gave, which the
	// embedded run keeps instead of the mock config's.
	explicit map[string]bool
}

// OwnUsers are the vars every one of n shards has its own user for: the
// keys every shard_vars set names, when there are sets for shards 2 to n.
func (c *Config) OwnUsers(n int) map[string]bool {
	if n < 2 || len(c.ShardVars) < n-1 {
		return nil
	}
	own := map[string]bool{}
	for k := range c.ShardVars[0] {
		own[k] = true
	}
	for _, set := range c.ShardVars[1 : n-1] {
		for k := range own {
			if _, ok := set[k]; !ok {
				delete(own, k)
			}
		}
	}
	return own
}

// ShardVarsFor are the vars shard k of n uses.
func (c *Config) ShardVarsFor(k, n int) map[string]string {
	own := c.OwnUsers(n)
	if k < 2 || len(own) == 0 {
		return c.Vars
	}
	out := map[string]string{}
	for key, v := range c.Vars {
		out[key] = v
	}
	for key := range own {
		out[key] = c.ShardVars[k-2][key]
	}
	return out
}

// SetExplicit records that a setting (by its flag name) was given.
func (c *Config) SetExplicit(name string) {
	if c.explicit == nil {
		c.explicit = map[string]bool{}
	}
	c.explicit[name] = true
}

// Explicit reports whether a setting was given by flag or variable.
func (c *Config) Explicit(name string) bool { return c.explicit[name] }

// AnyTarget reports whether the config names any target at all; none
// means the embedded mock.
func (c *Config) AnyTarget() bool {
	if c.Target != "" {
		return true
	}
	for _, p := range c.Products {
		if p.URL != "" {
			return true
		}
	}
	return false
}

// Product is one service's target.
type Product struct {
	URL         string            `yaml:"url"`
	Credentials *Credentials      `yaml:"credentials"`
	AltTargets  map[string]string `yaml:"alt_targets"`
	TLS         *TLS              `yaml:"tls"`
	// AllowPlainHTTP lets credentials travel over http:// to a host that is
	// not loopback. Off by default: a password on the wire in clear text is
	// a finding, not a convenience.
	AllowPlainHTTP bool `yaml:"allow_plain_http"`
}

// TLS is how a product's certificate is checked: the system roots, plus an
// extra CA bundle; Insecure turns checking off and warns on every run.
type TLS struct {
	CAFile   string `yaml:"ca_file"`
	Insecure bool   `yaml:"insecure"`
}

// Throttle bounds how long the run waits for Retry-After.
type Throttle struct {
	MaxWait Duration `yaml:"max_wait"` // one wait at most
	Budget  Duration `yaml:"budget"`   // all waits of the run together
}

// Credentials are the accounts scenarios log in with.
type Credentials struct {
	Admin    Account `yaml:"admin"`
	NonAdmin Account `yaml:"non_admin"`
	// Throwaway is the account wrong-password probes use, so a lockout
	// policy never locks the service account the team relies on. Without
	// it those probes are skipped with the reason.
	Throwaway Account `yaml:"throwaway"`
	// Token is a bearer token given directly; TokenFile names a file that
	// holds one; TokenCommand is a shell command printing one (a short-lived
	// OAuth token). The file and the command are read again once when a 401
	// says the token expired.
	Token        string `yaml:"token"`
	TokenFile    string `yaml:"token_file"`
	TokenCommand string `yaml:"token_command"`
}

// HasToken reports whether any bearer source is configured.
func (c Credentials) HasToken() bool {
	return c.Token != "" || c.TokenFile != "" || c.TokenCommand != ""
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
	// Breaker is how many jobs of a product in a row may exceed Limit
	// before its remaining job scenarios are not run (0: never): a stuck
	// job queue ends a run in minutes, not hours.
	Breaker int `yaml:"breaker"`
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

// Products are the three services, in the order reports list them.
var Products = []string{"epm", "essbase", "oig"}

// ProductOf is the service an API belongs to: both EPM Update Users
// versions are EPM Cloud's.
func ProductOf(api string) string {
	switch api {
	case "epm-v1", "epm-v2", "epm-migration":
		return "epm"
	}
	return api
}

// Default is the configuration before any file, variable or flag.
func Default() Config {
	return Config{
		Timeout:   Duration(30 * time.Second),
		Poll:      Poll{Interval: Duration(time.Second), Limit: Duration(5 * time.Minute), Breaker: 2},
		ReportDir: "reports",
		Seed:      1,
		Vars:      map[string]string{},
		Rate:      -1, // unset: a foreign target gets DefaultForeignRate
		Throttle:  Throttle{MaxWait: Duration(30 * time.Second), Budget: Duration(2 * time.Minute)},
		Breaker:   5,
	}
}

// DefaultForeignRate is the request rate a target other than the embedded
// mock gets unless the config or --rate says otherwise: gentle enough for
// a production tenant, fast enough for a run within a CI job.
const DefaultForeignRate = 5.0

// Parse applies a YAML document on top of c, then the secrets file it names.
func (c *Config) Parse(name string, data []byte) error {
	before := c.SecretsFile
	if err := c.parse(name, data); err != nil {
		return err
	}
	if c.SecretsFile != "" && c.SecretsFile != before {
		sec, err := os.ReadFile(c.SecretsFile)
		if err != nil {
			return fmt.Errorf("config %s: secrets_file: %w", name, err)
		}
		return c.parse(c.SecretsFile, sec)
	}
	return nil
}

func (c *Config) parse(name string, data []byte) error {
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

// Environment variables that override the file. Per product, the same
// names with the product after CONFORMANCE_: CONFORMANCE_EPM_URL,
// CONFORMANCE_ESSBASE_USER, CONFORMANCE_OIG_TOKEN_COMMAND, … (EnvNames).
const (
	EnvTarget          = "CONFORMANCE_TARGET"
	EnvUser            = "CONFORMANCE_USER"
	EnvPassword        = "CONFORMANCE_PASSWORD"
	EnvToken           = "CONFORMANCE_TOKEN"
	EnvTokenFile       = "CONFORMANCE_TOKEN_FILE"
	EnvTokenCommand    = "CONFORMANCE_TOKEN_COMMAND"
	EnvNonAdminUser    = "CONFORMANCE_NONADMIN_USER"
	EnvNonAdminPass    = "CONFORMANCE_NONADMIN_PASSWORD"
	EnvThrowawayUser   = "CONFORMANCE_THROWAWAY_USER"
	EnvThrowawayPass   = "CONFORMANCE_THROWAWAY_PASSWORD"
	EnvSecretsFile     = "CONFORMANCE_SECRETS_FILE"
	EnvAllowMutations  = "CONFORMANCE_ALLOW_MUTATIONS"
	EnvAllowRefusals   = "CONFORMANCE_ALLOW_REFUSALS"
	EnvPollInterval    = "CONFORMANCE_POLL_INTERVAL"
	EnvPollLimit       = "CONFORMANCE_POLL_LIMIT"
	EnvGeneratorSeed   = "CONFORMANCE_SEED"
	EnvRequestTimeout  = "CONFORMANCE_TIMEOUT"
	EnvRequestsPerSecs = "CONFORMANCE_RATE"
)

// productEnv maps the suffix of a per-product variable to its field.
var productEnv = []struct {
	suffix string
	field  func(p *Product) *string
}{
	{"URL", func(p *Product) *string { return &p.URL }},
	{"USER", func(p *Product) *string { return &p.Credentials.Admin.User }},
	{"PASSWORD", func(p *Product) *string { return &p.Credentials.Admin.Password }},
	{"TOKEN", func(p *Product) *string { return &p.Credentials.Token }},
	{"TOKEN_FILE", func(p *Product) *string { return &p.Credentials.TokenFile }},
	{"TOKEN_COMMAND", func(p *Product) *string { return &p.Credentials.TokenCommand }},
	{"NONADMIN_USER", func(p *Product) *string { return &p.Credentials.NonAdmin.User }},
	{"NONADMIN_PASSWORD", func(p *Product) *string { return &p.Credentials.NonAdmin.Password }},
	{"THROWAWAY_USER", func(p *Product) *string { return &p.Credentials.Throwaway.User }},
	{"THROWAWAY_PASSWORD", func(p *Product) *string { return &p.Credentials.Throwaway.Password }},
}

// ProductEnv is the name of a per-product variable: ProductEnv("epm", "URL")
// is CONFORMANCE_EPM_URL.
func ProductEnv(product, suffix string) string {
	return "CONFORMANCE_" + strings.ToUpper(product) + "_" + suffix
}

// EnvNames lists every variable the run reads, for the README and -h.
func EnvNames() []string {
	out := []string{EnvTarget, EnvUser, EnvPassword, EnvToken, EnvTokenFile, EnvTokenCommand,
		EnvNonAdminUser, EnvNonAdminPass, EnvThrowawayUser, EnvThrowawayPass, EnvSecretsFile,
		EnvAllowMutations, EnvAllowRefusals, EnvPollInterval, EnvPollLimit, EnvGeneratorSeed,
		EnvRequestTimeout, EnvRequestsPerSecs}
	for _, p := range Products {
		for _, e := range productEnv {
			out = append(out, ProductEnv(p, e.suffix))
		}
	}
	return out
}

// ApplyEnv overrides c from the environment (lookup is os.LookupEnv in use).
func (c *Config) ApplyEnv(lookup func(string) (string, bool)) error {
	str := func(name string, dst *string) {
		if v, ok := lookup(name); ok && v != "" {
			*dst = v
		}
	}
	var errs []error
	if v, ok := lookup(EnvSecretsFile); ok && v != "" {
		if data, err := os.ReadFile(v); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", EnvSecretsFile, err))
		} else if err := c.parse(v, data); err != nil {
			errs = append(errs, err)
		}
	}
	str(EnvTarget, &c.Target)
	str(EnvUser, &c.Credentials.Admin.User)
	str(EnvPassword, &c.Credentials.Admin.Password)
	str(EnvToken, &c.Credentials.Token)
	str(EnvTokenFile, &c.Credentials.TokenFile)
	str(EnvTokenCommand, &c.Credentials.TokenCommand)
	str(EnvNonAdminUser, &c.Credentials.NonAdmin.User)
	str(EnvNonAdminPass, &c.Credentials.NonAdmin.Password)
	str(EnvThrowawayUser, &c.Credentials.Throwaway.User)
	str(EnvThrowawayPass, &c.Credentials.Throwaway.Password)
	for _, name := range Products {
		p, had := c.Products[name]
		creds := Credentials{}
		if p.Credentials != nil {
			creds = *p.Credentials
		}
		p.Credentials = &creds
		set := false
		for _, e := range productEnv {
			if v, ok := lookup(ProductEnv(name, e.suffix)); ok && v != "" {
				*e.field(&p) = v
				set = true
			}
		}
		if !set {
			continue
		}
		if creds == (Credentials{}) && !had {
			p.Credentials = nil
		}
		if c.Products == nil {
			c.Products = map[string]Product{}
		}
		c.Products[name] = p
	}
	boolean := func(name string, dst *bool) {
		if v, ok := lookup(name); ok && v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q is not true or false", name, v))
			}
			*dst = b
		}
	}
	boolean(EnvAllowMutations, &c.AllowMutations)
	boolean(EnvAllowRefusals, &c.AllowRefusals)
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
	for name, flag := range map[string]string{EnvPollInterval: "poll-interval", EnvPollLimit: "poll-limit", EnvRequestTimeout: "timeout"} {
		if v, ok := lookup(name); ok && v != "" {
			c.SetExplicit(flag)
		}
	}
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

// CheckURL says what is wrong with a base URL, or nil: an http(s) scheme,
// a host, a port in range, no spaces, no credentials in the URL.
func CheckURL(raw string) error {
	if strings.ContainsAny(raw, " \t\r\n") {
		return fmt.Errorf("%q contains white space", raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a URL: %v", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", raw)
	}
	if u.User != nil {
		return fmt.Errorf("%q carries credentials in the URL: put them under credentials", u.Redacted())
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%q has port %s, which is not 1 to 65535", raw, p)
		}
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%q has a query or fragment; give the base URL only", raw)
	}
	return nil
}

// Validate reports every bad value at once. The embedded run validates
// after pointing the config at the mock.
func (c *Config) Validate() error {
	var errs []error
	if c.Target != "" {
		if err := CheckURL(c.Target); err != nil {
			errs = append(errs, fmt.Errorf("target %w", err))
		}
	}
	known := map[string]bool{}
	for _, p := range Products {
		known[p] = true
	}
	for name, p := range c.Products {
		if !known[name] {
			errs = append(errs, fmt.Errorf("products: %q is not one of %s", name, strings.Join(Products, ", ")))
			continue
		}
		if p.URL != "" {
			if err := CheckURL(p.URL); err != nil {
				errs = append(errs, fmt.Errorf("products.%s.url %w", name, err))
			}
		}
	}
	covered := 0
	for _, name := range Products {
		r := c.Resolve(name)
		if !r.Covered {
			continue
		}
		covered++
		if r.Credentials.Admin.User == "" && !r.Credentials.HasToken() {
			errs = append(errs, fmt.Errorf("%s: no credentials: set credentials.admin (or products.%s.credentials) in the config file, or %s and %s, or %s", name, name, ProductEnv(name, "USER"), ProductEnv(name, "PASSWORD"), ProductEnv(name, "TOKEN")))
		}
		if r.Credentials.Token != "" && (r.Credentials.TokenFile != "" || r.Credentials.TokenCommand != "") ||
			r.Credentials.TokenFile != "" && r.Credentials.TokenCommand != "" {
			errs = append(errs, fmt.Errorf("%s: give one of token, token_file, token_command", name))
		}
		if r.TLS.CAFile != "" {
			if _, err := os.Stat(r.TLS.CAFile); err != nil {
				errs = append(errs, fmt.Errorf("%s: tls.ca_file: %w", name, err))
			}
		}
		for alt := range r.AltTargets {
			if u, err := r.AltTarget(alt); err != nil {
				errs = append(errs, err)
			} else if err := CheckURL(u); err != nil {
				errs = append(errs, fmt.Errorf("%s: alt target %s %w", name, alt, err))
			}
		}
	}
	if covered == 0 {
		errs = append(errs, errors.New("no product is covered: give target, or products.<epm|essbase|oig>.url"))
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
	if c.Poll.Breaker < 0 {
		errs = append(errs, errors.New("poll breaker (--job-breaker) must not be negative"))
	}
	if c.Rate < 0 && c.Rate != -1 {
		errs = append(errs, errors.New("rate must not be negative"))
	}
	if c.Throttle.MaxWait < 0 || c.Throttle.Budget < 0 {
		errs = append(errs, errors.New("throttle waits must not be negative"))
	}
	if c.Breaker < 1 {
		errs = append(errs, errors.New("breaker must be at least 1"))
	}
	if c.ReportDir == "" {
		errs = append(errs, errors.New("report_dir must not be empty"))
	}
	for i, set := range c.ShardVars {
		for k := range set {
			if _, ok := c.Vars[k]; !ok {
				errs = append(errs, fmt.Errorf("shard_vars[%d].%s is not a key of vars", i, k))
			}
		}
	}
	return errors.Join(errs...)
}

// Resolved is one product's effective target: its own settings where the
// config gives them, else the defaults.
type Resolved struct {
	Name           string
	URL            string
	Covered        bool
	Credentials    Credentials
	AltTargets     map[string]string
	TLS            TLS
	AllowPlainHTTP bool
}

// Resolve is the effective target of a product.
func (c *Config) Resolve(product string) Resolved {
	p := c.Products[product]
	r := Resolved{Name: product, URL: c.Target, Credentials: c.Credentials, AltTargets: c.AltTargets, TLS: c.TLS, AllowPlainHTTP: p.AllowPlainHTTP}
	if p.URL != "" {
		r.URL = p.URL
	}
	if p.Credentials != nil {
		r.Credentials = *p.Credentials
	}
	if p.AltTargets != nil {
		r.AltTargets = p.AltTargets
	}
	if p.TLS != nil {
		r.TLS = *p.TLS
	}
	r.Covered = r.URL != ""
	return r
}

// AltTarget resolves an alt target to a URL: absolute as given, or the
// product's URL continued by the path.
func (r Resolved) AltTarget(name string) (string, error) {
	v := r.AltTargets[name]
	u, err := url.Parse(v)
	if err != nil {
		return "", fmt.Errorf("%s: alt target %s: %w", r.Name, name, err)
	}
	if u.IsAbs() {
		return v, nil
	}
	return strings.TrimSuffix(r.URL, "/") + "/" + strings.TrimPrefix(v, "/"), nil
}

// Has reports whether a scenario need is met by this product's settings;
// needs come from labels like needs:non-admin-account.
func (r Resolved) Has(need string) bool {
	need = strings.TrimPrefix(need, "needs:")
	if name, ok := strings.CutPrefix(need, "target:"); ok {
		return r.AltTargets[name] != ""
	}
	switch need {
	case "non-admin-account":
		return r.Credentials.NonAdmin.User != ""
	case "token":
		return r.Credentials.HasToken()
	case "basic-account":
		return r.Credentials.Admin.User != ""
	case "throwaway-account":
		return r.Credentials.Throwaway.User != ""
	}
	return false
}

// allCredentials are the default credentials and every product's own.
func (c *Config) allCredentials() []Credentials {
	out := []Credentials{c.Credentials}
	for _, name := range Products {
		if p := c.Products[name]; p.Credentials != nil {
			out = append(out, *p.Credentials)
		}
	}
	return out
}

// Secrets lists every secret value, for the redactor.
func (c *Config) Secrets() []string {
	var out []string
	for _, cr := range c.allCredentials() {
		out = append(out, cr.Admin.Password, cr.NonAdmin.Password, cr.Throwaway.Password, cr.Token)
	}
	return out
}

// BasicPairs lists the user/password pairs, for masking Basic headers.
func (c *Config) BasicPairs() [][2]string {
	var out [][2]string
	for _, cr := range c.allCredentials() {
		out = append(out, [2]string{cr.Admin.User, cr.Admin.Password}, [2]string{cr.NonAdmin.User, cr.NonAdmin.Password},
			[2]string{cr.Throwaway.User, cr.Throwaway.Password})
	}
	return out
}

// Masked is the effective config as it may be shown: secrets replaced.
func (c Config) Masked() Config {
	c.Credentials = c.Credentials.masked()
	if c.Products != nil {
		ps := map[string]Product{}
		for k, p := range c.Products {
			if p.Credentials != nil {
				m := p.Credentials.masked()
				p.Credentials = &m
			}
			ps[k] = p
		}
		c.Products = ps
	}
	return c
}

func (cr Credentials) masked() Credentials {
	mask := func(s string) string {
		if s == "" {
			return ""
		}
		return "[REDACTED]"
	}
	cr.Admin.Password = mask(cr.Admin.Password)
	cr.NonAdmin.Password = mask(cr.NonAdmin.Password)
	cr.Throwaway.Password = mask(cr.Throwaway.Password)
	cr.Token = mask(cr.Token)
	// A command may carry a secret of its own (a client secret on its
	// command line): it is masked too.
	cr.TokenCommand = mask(cr.TokenCommand)
	return cr
}

// YAML renders the masked config.
func (c Config) YAML() string {
	b, err := yaml.Marshal(c.Masked())
	if err != nil {
		return err.Error()
	}
	return string(b)
}
