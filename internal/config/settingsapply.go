package config

// What is derived from the settings table: the defaults, the environment,
// the flags and the lists -h shows.

import (
	"errors"
	"flag"
	"fmt"
	"strings"
)

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

// EnvNames lists every variable the run reads.
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

// BindFlags defines on fs the flag of every setting that has one. Help
// shows the default.
func BindFlags(fs *flag.FlagSet) *Flags {
	f := &Flags{fs: fs, apply: map[string]flagged{}}
	for _, s := range Settings() {
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
