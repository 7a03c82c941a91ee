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
	// Workers is how many scenarios one process runs at once; 0 takes the
	// default for the target (DefaultWorkers).
	Workers int `yaml:"workers"`

	// explicit are the settings a flag or variable gave, which the
	// embedded run keeps instead of the mock config's.
	explicit map[*Setting]bool
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

// ShardVarsFor are the vars shard k uses: vars, with shard_vars set k-1 in
// place of the keys own names (the users every shard has its own of).
func (c *Config) ShardVarsFor(k int, own map[string]bool) map[string]string {
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

// SetExplicit records that a setting was given by flag or variable.
func (c *Config) SetExplicit(s *Setting) {
	if c.explicit == nil {
		c.explicit = map[*Setting]bool{}
	}
	c.explicit[s] = true
}

// Explicit reports whether a setting was given by flag or variable.
func (c *Config) Explicit(s *Setting) bool { return c.explicit[s] }

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

// DefaultForeignRate is the request rate a target other than the embedded
// mock gets unless the config or --rate says otherwise: gentle enough for
// a production tenant, fast enough for a run within a CI job.
const DefaultForeignRate = 5.0

// DefaultWorkers is how many scenarios a process runs at once against a
// live target unless the config or --workers says otherwise. A product's
// rate R is in use only while R × latency of its requests are in flight:
// 5/s at a tenant's 200-500 ms is 1-2.5 per product, three products 3-8,
// and a v1 scenario holds its worker through poll intervals that send
// nothing. Eight keep every product's rate busy at such latencies (and 20/s
// at 200 ms, bench step 5) while the rate, not the workers, bounds what the
// tenant receives. The embedded mock answers in microseconds: there a run
// is bound by the machine's cores, not by waiting, so it stays at one
// (DefaultWorkersEmbedded), and make run and make test keep the order whose
// outcomes the deviation and sensitivity tests compare.
const (
	DefaultWorkers         = 8
	DefaultWorkersEmbedded = 1
)

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
			errs = append(errs, fmt.Errorf("%s: no credentials: set credentials.admin (or products.%s.credentials) in the config file, or %s and %s, or %s", name, name, UserSetting.Of(name).Env, PasswordSetting.Of(name).Env, TokenSetting.Of(name).Env))
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
		errs = append(errs, fmt.Errorf("poll breaker (--%s) must not be negative", JobBreakerSetting.Flag))
	}
	if c.Rate < 0 && c.Rate != RateUnset {
		errs = append(errs, errors.New("rate must not be negative"))
	}
	if c.Workers < 0 {
		errs = append(errs, fmt.Errorf("workers (--%s) must not be negative", WorkersSetting.Flag))
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
