package config

// The settings table: every setting of `conformance run` (and of config,
// doctor and init, which take the same flags) is declared here once, with
// its config-file key, its environment variable, its flag, its default and
// its help. Default, ApplyEnv, EnvNames, the flags (BindFlags), -h and the
// README's list (SettingsMarkdown) are all derived from it; nothing else
// types a setting's name (settings_scan_test.go checks). What is derived
// is in settingsapply.go, how each type is read in settingkinds.go.

//go:generate go run ./gen -readme ../../README.md

import (
	"fmt"
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
	SecretsFileSetting = declare(&Setting{Key: "secrets_file", Env: "CONFORMANCE_SECRETS_FILE", Flag: "secrets",
		Help: "a second YAML file of the config's shape holding credentials, read on top of the config",
		v:    secretsFile{}})
	TargetSetting = declare(&Setting{Key: "target", Env: "CONFORMANCE_TARGET", Flag: "target",
		Help: "default base URL of every product; no target at all starts the embedded mock",
		v:    text(func(c *Config) *string { return &c.Target }),
		product: &perProduct{key: "url", env: "URL", flag: "url", help: "base URL of %s",
			at: func(p *Product) *string { return &p.URL }}})
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
	AllowMutationsSetting = declare(&Setting{Key: "allow_mutations", Env: "CONFORMANCE_ALLOW_MUTATIONS", Flag: "allow-mutations",
		Help: "let requests that can change data reach a target other than the embedded mock",
		v:    boolean(func(c *Config) *bool { return &c.AllowMutations })})
	AllowRefusalsSetting = declare(&Setting{Key: "allow_refusals", Env: "CONFORMANCE_ALLOW_REFUSALS", Flag: "allow-refusals",
		Help: "let requests a conforming target must refuse before acting (no or wrong credentials, a body that breaks the spec) reach a live target",
		v:    boolean(func(c *Config) *bool { return &c.AllowRefusals })})
	LabelFilterSetting = declare(&Setting{Key: "label_filter", Flag: "label-filter",
		Help: `Ginkgo label filter, e.g. "api:epm-v2 && kind:payload"`,
		v:    text(func(c *Config) *string { return &c.LabelFilter })})
	ReportDirSetting = declare(&Setting{Key: "report_dir", Flag: "report-dir",
		Help: "where the reports go",
		v:    text(func(c *Config) *string { return &c.ReportDir }, "reports")})
	FixturesSetting = declare(&Setting{Key: "fixtures", Flag: "fixtures",
		Help: "read scenario tables and fixtures from this directory instead of the built-in copy",
		v:    text(func(c *Config) *string { return &c.Fixtures })})
	SeedSetting = declare(&Setting{Key: "seed", Env: "CONFORMANCE_SEED", Flag: "seed",
		Help: "seed of the generated scenarios",
		v:    integer(func(c *Config) *int64 { return &c.Seed }, 1)})
	TimeoutSetting = declare(&Setting{Key: "timeout", Env: "CONFORMANCE_TIMEOUT", Flag: "timeout",
		Help: "timeout of one request",
		v:    duration(func(c *Config) *Duration { return &c.Timeout }, 30*time.Second)})
	PollIntervalSetting = declare(&Setting{Key: "poll.interval", Env: "CONFORMANCE_POLL_INTERVAL", Flag: "poll-interval",
		Help: "interval between job status polls",
		v:    duration(func(c *Config) *Duration { return &c.Poll.Interval }, time.Second)})
	PollLimitSetting = declare(&Setting{Key: "poll.limit", Env: "CONFORMANCE_POLL_LIMIT", Flag: "poll-limit",
		Help: "how long a job may stay in progress",
		v:    duration(func(c *Config) *Duration { return &c.Poll.Limit }, 5*time.Minute)})
	JobBreakerSetting = declare(&Setting{Key: "poll.breaker", Flag: "job-breaker",
		Help: "jobs of a product in a row past the poll limit after which its remaining job scenarios are not run, 0 for never",
		v:    number(func(c *Config) *int { return &c.Poll.Breaker }, 2)})
	RateSetting = declare(&Setting{Key: "rate", Env: "CONFORMANCE_RATE", Flag: "rate",
		Help:        "requests per second at most per product, 0 for no limit",
		DefaultText: fmt.Sprintf("%g on a live target, no limit on the embedded mock", DefaultForeignRate),
		v:           float(func(c *Config) *float64 { return &c.Rate }, RateUnset)})
	WorkersSetting = declare(&Setting{Key: "workers", Env: "CONFORMANCE_WORKERS", Flag: "workers",
		Help:        "scenarios one process runs at once (never two sharing a user that one of them changes), 0 for the default",
		DefaultText: fmt.Sprintf("%d on a live target, %d on the embedded mock", DefaultWorkers, DefaultWorkersEmbedded),
		v:           number(func(c *Config) *int { return &c.Workers }, 0)})
	ThrottleMaxWaitSetting = declare(&Setting{Key: "throttle.max_wait",
		Help: "longest wait for one Retry-After of a 429 or 503 answer",
		v:    duration(func(c *Config) *Duration { return &c.Throttle.MaxWait }, 30*time.Second)})
	ThrottleBudgetSetting = declare(&Setting{Key: "throttle.budget",
		Help: "all Retry-After waits of the run together; past it the scenario is inconclusive",
		v:    duration(func(c *Config) *Duration { return &c.Throttle.Budget }, 2*time.Minute)})
	BreakerSetting = declare(&Setting{Key: "breaker", Flag: "breaker",
		Help: "consecutive transport failures or non-API answers after which a product's remaining scenarios are not run",
		v:    number(func(c *Config) *int { return &c.Breaker }, 5)})
	BaselineSetting = declare(&Setting{Key: "baseline", Flag: "baseline",
		Help: "YAML list of accepted vendor deviations (see fixtures/baseline.example.yaml)",
		v:    text(func(c *Config) *string { return &c.Baseline })})
)

// settings is the table, in the order above: declare adds each setting as
// it is declared, so none can be declared and left out.
var settings []*Setting

func declare(s *Setting) *Setting {
	settings = append(settings, s)
	return s
}

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
	return declare(&Setting{Key: "credentials." + key, Env: env, Help: help + ", of every product that names none of its own",
		v: text(func(c *Config) *string { return at(&c.Credentials) }),
		product: &perProduct{key: "credentials." + key, help: help + ", of %s",
			at: func(p *Product) *string { return at(p.ownCredentials()) }}})
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
