package config

// The settings table: every setting of `conformance run` (and of config,
// doctor and init, which take the same flags) is declared here once, with
// its config-file key, its environment variable, its flag, its default and
// its help. Default, ApplyEnv, EnvNames, the flags (BindFlags), -h and the
// README's list (SettingsMarkdown) are all derived from it; nothing else
// types a setting's name (settings_scan_test.go checks).

//go:generate go run ./gen -readme ../../README.md

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Setting is one setting, declared once.
type Setting struct {
	// Key is the setting's path in the config file ("poll.limit"), "" when
	// the file has none.
	Key string
	// Env is its environment variable, "" when none.
	Env string
	// Flag is its flag of run, config, doctor and init, "" when none.
	Flag string
	// Help is one line for -h and the README.
	Help string
	// DefaultText, when set, is the default as -h and the README say it,
	// for a default that is no single value (rate).
	DefaultText string

	v value
	// product, when set, makes the setting one each product has of its own
	// too (CONFORMANCE_EPM_USER beside CONFORMANCE_USER).
	product *perProduct
	// products are the products' own settings, made from product.
	products map[string]*Setting
}

// perProduct is how a setting is named under each product.
type perProduct struct {
	key  string // under products.<product>.
	env  string // after CONFORMANCE_<PRODUCT>_; "" is the setting's own after CONFORMANCE_
	flag string // after <product>-; "" for none
	help string // %s is the product
	at   func(*Product) *string
}

// EnvPrefix begins every variable of the command.
const EnvPrefix = "CONFORMANCE_"

// The settings, by name for the code that needs one. Their order is the
// order the environment is applied in: the secrets file first, so every
// other variable wins over it.
var (
	SecretsFileSetting = &Setting{Key: "secrets_file", Env: "CONFORMANCE_SECRETS_FILE", Flag: "secrets",
		Help: "a second YAML file of the config's shape holding credentials, read on top of the config",
		v:    secretsFile{}}
	TargetSetting = &Setting{Key: "target", Env: "CONFORMANCE_TARGET", Flag: "target",
		Help: "default base URL of every product; no target at all starts the embedded mock",
		v:    text(func(c *Config) *string { return &c.Target }),
		product: &perProduct{key: "url", env: "URL", flag: "url", help: "base URL of %s",
			at: func(p *Product) *string { return &p.URL }}}
	UserSetting = credential("CONFORMANCE_USER", "admin.user", "the administrator account's user name",
		func(c *Credentials) *string { return &c.Admin.User })
	PasswordSetting = credential("CONFORMANCE_PASSWORD", "admin.password", "the administrator account's password",
		func(c *Credentials) *string { return &c.Admin.Password })
	TokenSetting = credential("CONFORMANCE_TOKEN", "token", "a bearer token, given directly",
		func(c *Credentials) *string { return &c.Token })
	TokenFileSetting = credential("CONFORMANCE_TOKEN_FILE", "token_file", "a file holding a bearer token, read again once when a 401 says it expired",
		func(c *Credentials) *string { return &c.TokenFile })
	TokenCommandSetting = credential("CONFORMANCE_TOKEN_COMMAND", "token_command", "a shell command printing a bearer token, run again once when a 401 says it expired",
		func(c *Credentials) *string { return &c.TokenCommand })
	NonAdminUserSetting = credential("CONFORMANCE_NONADMIN_USER", "non_admin.user", "the non-administrator account's user name (scenarios needing it are skipped without it)",
		func(c *Credentials) *string { return &c.NonAdmin.User })
	NonAdminPasswordSetting = credential("CONFORMANCE_NONADMIN_PASSWORD", "non_admin.password", "the non-administrator account's password",
		func(c *Credentials) *string { return &c.NonAdmin.Password })
	ThrowawayUserSetting = credential("CONFORMANCE_THROWAWAY_USER", "throwaway.user", "the user name of the account wrong-password probes use, so a lockout never locks the service account (probes are skipped without it)",
		func(c *Credentials) *string { return &c.Throwaway.User })
	ThrowawayPasswordSetting = credential("CONFORMANCE_THROWAWAY_PASSWORD", "throwaway.password", "the throwaway account's password",
		func(c *Credentials) *string { return &c.Throwaway.Password })
	AllowMutationsSetting = &Setting{Key: "allow_mutations", Env: "CONFORMANCE_ALLOW_MUTATIONS", Flag: "allow-mutations",
		Help: "let requests that can change data reach a target other than the embedded mock",
		v:    boolean(func(c *Config) *bool { return &c.AllowMutations })}
	AllowRefusalsSetting = &Setting{Key: "allow_refusals", Env: "CONFORMANCE_ALLOW_REFUSALS", Flag: "allow-refusals",
		Help: "let requests a conforming target must refuse before acting (no or wrong credentials, a body that breaks the spec) reach a live target",
		v:    boolean(func(c *Config) *bool { return &c.AllowRefusals })}
	LabelFilterSetting = &Setting{Key: "label_filter", Flag: "label-filter",
		Help: `Ginkgo label filter, e.g. "api:epm-v2 && kind:payload"`,
		v:    text(func(c *Config) *string { return &c.LabelFilter })}
	ReportDirSetting = &Setting{Key: "report_dir", Flag: "report-dir",
		Help: "where the reports go",
		v:    text(func(c *Config) *string { return &c.ReportDir }, "reports")}
	FixturesSetting = &Setting{Key: "fixtures", Flag: "fixtures",
		Help: "read scenario tables and fixtures from this directory instead of the built-in copy",
		v:    text(func(c *Config) *string { return &c.Fixtures })}
	SeedSetting = &Setting{Key: "seed", Env: "CONFORMANCE_SEED", Flag: "seed",
		Help: "seed of the generated scenarios",
		v:    integer(func(c *Config) *int64 { return &c.Seed }, 1)}
	TimeoutSetting = &Setting{Key: "timeout", Env: "CONFORMANCE_TIMEOUT", Flag: "timeout",
		Help: "timeout of one request",
		v:    duration(func(c *Config) *Duration { return &c.Timeout }, 30*time.Second)}
	PollIntervalSetting = &Setting{Key: "poll.interval", Env: "CONFORMANCE_POLL_INTERVAL", Flag: "poll-interval",
		Help: "interval between job status polls",
		v:    duration(func(c *Config) *Duration { return &c.Poll.Interval }, time.Second)}
	PollLimitSetting = &Setting{Key: "poll.limit", Env: "CONFORMANCE_POLL_LIMIT", Flag: "poll-limit",
		Help: "how long a job may stay in progress",
		v:    duration(func(c *Config) *Duration { return &c.Poll.Limit }, 5*time.Minute)}
	JobBreakerSetting = &Setting{Key: "poll.breaker", Flag: "job-breaker",
		Help: "jobs of a product in a row past the poll limit after which its remaining job scenarios are not run, 0 for never",
		v:    number(func(c *Config) *int { return &c.Poll.Breaker }, 2)}
	RateSetting = &Setting{Key: "rate", Env: "CONFORMANCE_RATE", Flag: "rate",
		Help:        "requests per second at most per product, 0 for no limit",
		DefaultText: fmt.Sprintf("%g on a live target, no limit on the embedded mock", DefaultForeignRate),
		v:           float(func(c *Config) *float64 { return &c.Rate }, RateUnset)}
	ThrottleMaxWaitSetting = &Setting{Key: "throttle.max_wait",
		Help: "longest wait for one Retry-After of a 429 or 503 answer",
		v:    duration(func(c *Config) *Duration { return &c.Throttle.MaxWait }, 30*time.Second)}
	ThrottleBudgetSetting = &Setting{Key: "throttle.budget",
		Help: "all Retry-After waits of the run together; past it the scenario is inconclusive",
		v:    duration(func(c *Config) *Duration { return &c.Throttle.Budget }, 2*time.Minute)}
	BreakerSetting = &Setting{Key: "breaker", Flag: "breaker",
		Help: "consecutive transport failures or non-API answers after which a product's remaining scenarios are not run",
		v:    number(func(c *Config) *int { return &c.Breaker }, 5)}
	BaselineSetting = &Setting{Key: "baseline", Flag: "baseline",
		Help: "YAML list of accepted vendor deviations (see fixtures/baseline.example.yaml)",
		v:    text(func(c *Config) *string { return &c.Baseline })}
)

// settings is the table, in the order above.
var settings = []*Setting{SecretsFileSetting, TargetSetting, UserSetting, PasswordSetting, TokenSetting,
	TokenFileSetting, TokenCommandSetting, NonAdminUserSetting, NonAdminPasswordSetting, ThrowawayUserSetting,
	ThrowawayPasswordSetting, AllowMutationsSetting, AllowRefusalsSetting, LabelFilterSetting, ReportDirSetting,
	FixturesSetting, SeedSetting, TimeoutSetting, PollIntervalSetting, PollLimitSetting, JobBreakerSetting,
	RateSetting, ThrottleMaxWaitSetting, ThrottleBudgetSetting, BreakerSetting, BaselineSetting}

// RateUnset is the rate of a config that names none: a foreign target gets
// DefaultForeignRate, the embedded mock no limit.
const RateUnset = -1

// The names of the shard total and of the mock's variables, which are not
// settings of the run but are the command's variables all the same.
const (
	// ShardTotalEnv gives the number of parts of --shard auto where the CI
	// system does not (a Kubernetes Indexed Job: its completions).
	ShardTotalEnv = EnvPrefix + "SHARD_TOTAL"
	// MockEnvPrefix, followed by a flag of `conformance mock` in capitals
	// with underscores, sets that flag.
	MockEnvPrefix = EnvPrefix + "MOCK_"
)

// credential is a setting of the default accounts that every product has
// of its own too.
func credential(env, key, help string, at func(*Credentials) *string) *Setting {
	return &Setting{Key: "credentials." + key, Env: env, Help: help + ", of every product that names none of its own",
		v: text(func(c *Config) *string { return at(&c.Credentials) }),
		product: &perProduct{key: "credentials." + key, help: help + ", of %s",
			at: func(p *Product) *string { return at(p.ownCredentials()) }}}
}

// ownCredentials are the product's credentials, copied first so a change
// never reaches another config that shares the pointer.
func (p *Product) ownCredentials() *Credentials {
	c := Credentials{}
	if p.Credentials != nil {
		c = *p.Credentials
	}
	p.Credentials = &c
	return &c
}

func init() {
	for _, s := range settings {
		if s.product == nil {
			continue
		}
		s.products = map[string]*Setting{}
		for _, name := range Products {
			s.products[name] = s.makeOf(name)
		}
	}
}

func (s *Setting) makeOf(product string) *Setting {
	pp := s.product
	suffix := pp.env
	if suffix == "" {
		suffix = strings.TrimPrefix(s.Env, EnvPrefix)
	}
	own := &Setting{Key: "products." + product + "." + pp.key, Env: ProductEnv(product, suffix),
		Help: fmt.Sprintf(pp.help, product), v: productText{product, pp.at}}
	if pp.flag != "" {
		own.Flag = product + "-" + pp.flag
		own.Help += " (overrides products." + product + "." + pp.key + ")"
	}
	return own
}

// Arg is the setting's flag with a value, as a command line gives it:
// --poll-limit=1s.
func (s *Setting) Arg(value string) string { return "--" + s.Flag + "=" + value }

// Of is the product's own setting of s, nil when it has none.
func (s *Setting) Of(product string) *Setting { return s.products[product] }

// Settings lists every setting: the table's, then each product's own.
func Settings() []*Setting {
	out := append([]*Setting(nil), settings...)
	for _, p := range Products {
		for _, s := range settings {
			if own := s.Of(p); own != nil {
				out = append(out, own)
			}
		}
	}
	return out
}

// ProductEnv is the name of a per-product variable: ProductEnv("epm", "URL")
// is CONFORMANCE_EPM_URL.
func ProductEnv(product, suffix string) string {
	return EnvPrefix + strings.ToUpper(product) + "_" + suffix
}

// Default is the configuration before any file, variable or flag.
func Default() Config {
	c := Config{Vars: map[string]string{}}
	for _, s := range settings {
		s.v.setDefault(&c)
	}
	return c
}

// DefaultString is the setting's default as -h and the README say it, ""
// for none.
func (s *Setting) DefaultString() string {
	if s.DefaultText != "" {
		return s.DefaultText
	}
	return s.v.defaultString()
}

// EnvHelp is -h's list of the variables: each with its flag, or what it is
// when it has none.
func EnvHelp() string {
	var b strings.Builder
	for _, s := range Settings() {
		switch {
		case s.Env == "":
		case s.Flag != "":
			fmt.Fprintf(&b, "  %-40s as --%s\n", s.Env, s.Flag)
		default:
			fmt.Fprintf(&b, "  %-40s %s\n", s.Env, s.Help)
		}
	}
	return b.String()
}

// EnvNames lists every variable the run reads, for the README and -h.
func EnvNames() []string {
	var out []string
	for _, s := range Settings() {
		if s.Env != "" {
			out = append(out, s.Env)
		}
	}
	return out
}

// ApplyEnv overrides c from the environment (lookup is os.LookupEnv in
// use). An empty variable counts as unset.
func (c *Config) ApplyEnv(lookup func(string) (string, bool)) error {
	var errs []error
	for _, s := range Settings() {
		if s.Env == "" {
			continue
		}
		v, ok := lookup(s.Env)
		if !ok || v == "" {
			continue
		}
		if err := s.v.parse(c, s.Env, v); err != nil {
			errs = append(errs, err)
			continue
		}
		c.SetExplicit(s)
	}
	return errors.Join(errs...)
}

// Flags are the flags of some settings on one flag set.
type Flags struct {
	fs    *flag.FlagSet
	apply map[string]flagged
}

type flagged struct {
	s   *Setting
	set func(*Config)
}

// BindFlags defines on fs the flag of each setting given, or of every
// setting that has one when none is given. Help shows the default.
func BindFlags(fs *flag.FlagSet, only ...*Setting) *Flags {
	if len(only) == 0 {
		only = Settings()
	}
	f := &Flags{fs: fs, apply: map[string]flagged{}}
	for _, s := range only {
		if s.Flag == "" {
			continue
		}
		help := s.Help
		if s.DefaultText != "" {
			help += " (default " + s.DefaultText + ")"
		}
		f.apply[s.Flag] = flagged{s, s.v.bind(fs, s.Flag, help, s.DefaultText == "")}
	}
	return f
}

// Apply writes the flags given on the command line into c and marks
// their settings explicit; flags not given leave c as it is.
func (f *Flags) Apply(c *Config) {
	f.fs.Visit(func(fl *flag.Flag) {
		if a, ok := f.apply[fl.Name]; ok {
			a.set(c)
			c.SetExplicit(a.s)
		}
	})
}

// value is how a setting reads and writes its field of Config.
type value interface {
	setDefault(c *Config)
	defaultString() string
	// parse sets the field from a variable's text; name is the variable's.
	parse(c *Config, name, v string) error
	// bind defines the flag (with the default in its help when showDefault)
	// and returns how to write what it was given.
	bind(fs *flag.FlagSet, name, help string, showDefault bool) func(*Config)
}

// kind is what a type of setting needs: how to read it from a variable and
// how to define a flag of it.
type kind[T comparable] struct {
	what  string // for errors: "true or false"
	parse func(string) (T, error)
	flag  func(fs *flag.FlagSet, p *T, name string, def T, usage string)
	show  func(T) string
}

// field is a setting of one field of Config.
type field[T comparable] struct {
	at  func(*Config) *T
	def T
	k   kind[T]
}

func (f field[T]) setDefault(c *Config) { *f.at(c) = f.def }

func (f field[T]) defaultString() string {
	var zero T
	if f.def == zero {
		return ""
	}
	return f.k.show(f.def)
}

func (f field[T]) parse(c *Config, name, v string) error {
	x, err := f.k.parse(v)
	if err != nil {
		return fmt.Errorf("%s=%q is not %s", name, v, f.k.what)
	}
	*f.at(c) = x
	return nil
}

func (f field[T]) bind(fs *flag.FlagSet, name, help string, showDefault bool) func(*Config) {
	p := new(T)
	var def T
	if showDefault {
		def = f.def
	}
	f.k.flag(fs, p, name, def, help)
	return func(c *Config) { *f.at(c) = *p }
}

var (
	textKind = kind[string]{what: "text", parse: func(s string) (string, error) { return s, nil },
		flag: (*flag.FlagSet).StringVar, show: func(s string) string { return s }}
	boolKind = kind[bool]{what: "true or false", parse: strconv.ParseBool,
		flag: (*flag.FlagSet).BoolVar, show: strconv.FormatBool}
	int64Kind = kind[int64]{what: "an integer", parse: func(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) },
		flag: (*flag.FlagSet).Int64Var, show: func(n int64) string { return strconv.FormatInt(n, 10) }}
	intKind = kind[int]{what: "an integer", parse: strconv.Atoi,
		flag: (*flag.FlagSet).IntVar, show: strconv.Itoa}
	floatKind = kind[float64]{what: "a number", parse: func(s string) (float64, error) { return strconv.ParseFloat(s, 64) },
		flag: (*flag.FlagSet).Float64Var, show: func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }}
	durationKind = kind[Duration]{what: "a duration like 500ms or 30s",
		parse: func(s string) (Duration, error) { d, err := time.ParseDuration(s); return Duration(d), err },
		flag: func(fs *flag.FlagSet, p *Duration, name string, def Duration, usage string) {
			fs.DurationVar((*time.Duration)(p), name, time.Duration(def), usage)
		},
		show: func(d Duration) string { return time.Duration(d).String() }}
)

// text, boolean, integer, number, float and duration make a field of each
// type; a default left out is the type's zero.
func text(at func(*Config) *string, def ...string) value {
	return field[string]{at, first(def), textKind}
}
func boolean(at func(*Config) *bool) value               { return field[bool]{at, false, boolKind} }
func integer(at func(*Config) *int64, def int64) value   { return field[int64]{at, def, int64Kind} }
func number(at func(*Config) *int, def int) value        { return field[int]{at, def, intKind} }
func float(at func(*Config) *float64, def float64) value { return field[float64]{at, def, floatKind} }
func duration(at func(*Config) *Duration, def time.Duration) value {
	return field[Duration]{at, Duration(def), durationKind}
}

func first[T any](xs []T) T {
	var zero T
	if len(xs) == 0 {
		return zero
	}
	return xs[0]
}

// productText is a text setting of one product: writing it makes the
// product's entry when the config has none.
type productText struct {
	product string
	at      func(*Product) *string
}

func (productText) setDefault(*Config)    {}
func (productText) defaultString() string { return "" }

func (f productText) set(c *Config, v string) {
	p := c.Products[f.product]
	*f.at(&p) = v
	if c.Products == nil {
		c.Products = map[string]Product{}
	}
	c.Products[f.product] = p
}

func (f productText) parse(c *Config, _, v string) error { f.set(c, v); return nil }

func (f productText) bind(fs *flag.FlagSet, name, help string, _ bool) func(*Config) {
	p := fs.String(name, "", help)
	return func(c *Config) { f.set(c, *p) }
}

// secretsFile is the secrets file setting: from the environment it is read
// on top of the config at once; from a flag it is named in the config, and
// the command reads it (it must then win over the file, not the flags).
type secretsFile struct{}

func (secretsFile) setDefault(*Config)    {}
func (secretsFile) defaultString() string { return "" }

func (secretsFile) parse(c *Config, name, v string) error {
	data, err := os.ReadFile(v)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return c.parse(v, data)
}

func (secretsFile) bind(fs *flag.FlagSet, name, help string, _ bool) func(*Config) {
	p := fs.String(name, "", help)
	return func(c *Config) { c.SecretsFile = *p }
}
