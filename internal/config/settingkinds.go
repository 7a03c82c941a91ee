package config

// How a setting of each type reads and writes its field of Config.

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"
)

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
