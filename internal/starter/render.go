package starter

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/varscat"
)

// Render writes the commented starter config: every covered product's URL
// and account names, the defaults' account names, and the vars, proposed
// ones set and marked as suggestions, the others commented out with what
// they must name. No password, token or token command is written.
func Render(cfg config.Config, products []Product, cat varscat.Catalogue) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w("# Starter config written by `conformance init`. Check it, then:")
	w("#   conformance doctor --config THIS_FILE")
	w("#   conformance run --config THIS_FILE                     # reads only")
	w("#   conformance run --config THIS_FILE --allow-mutations   # everything, every change undone")
	comment(w, "# ", fmt.Sprintf("Passwords and tokens are never written here: give them as environment variables (%s, or per product %s, %s, …), or in a secrets_file of the same shape. README: \"Running against your environment\".",
		config.PasswordSetting.Env, config.PasswordSetting.Of("epm").Env, config.PasswordSetting.Of("essbase").Env))
	w("products:")
	for _, name := range config.Products {
		r := cfg.Resolve(name)
		if !r.Covered {
			w("  # %s: not covered (no URL): its scenarios are skipped; add url: to cover it", name)
			continue
		}
		w("  %s:", name)
		w("    url: %s", scalar(r.URL))
		if p := cfg.Products[name]; p.Credentials != nil {
			w("    credentials:")
			accounts(w, "      ", *p.Credentials, func(s *config.Setting) string { return s.Of(name).Env })
		}
		if r.TLS.CAFile != "" || r.TLS.Insecure {
			w("    tls: {ca_file: %s, insecure: %v}", scalar(r.TLS.CAFile), r.TLS.Insecure)
		}
	}
	if c := cfg.Credentials; c.Admin.User != "" || c.NonAdmin.User != "" || c.Throwaway.User != "" || c.HasToken() {
		w("# The accounts of every product that names none of its own.")
		w("credentials:")
		accounts(w, "  ", c, func(s *config.Setting) string { return s.Env })
	}
	w("vars:")
	proposed := map[string]Proposal{}
	for _, p := range products {
		for _, pr := range p.Proposals {
			proposed[pr.Key] = pr
		}
	}
	for _, p := range products {
		keys := keysOf(cat, p.Name)
		if len(keys) == 0 {
			continue
		}
		w("  # %s.", productTitle(p.Name))
		if len(p.Proposals) > 0 {
			w("  # The values set below are SUGGESTIONS read from the target: check that")
			w("  # each user is a test user the run may change before you keep it.")
		}
		for _, n := range p.Notes {
			comment(w, "  # ", n)
		}
		for _, k := range keys {
			if pr, ok := proposed[k]; ok {
				w("  %s: %s   # suggested: %s", k, scalar(pr.Value), pr.Why)
				continue
			}
			w("  # %s: \"\"   # %s", k, cat[k].About)
		}
	}
	return b.String()
}

func accounts(w func(string, ...any), indent string, c config.Credentials, env func(*config.Setting) string) {
	for _, a := range []struct {
		key, user string
		password  *config.Setting
	}{{"admin", c.Admin.User, config.PasswordSetting}, {"non_admin", c.NonAdmin.User, config.NonAdminPasswordSetting}, {"throwaway", c.Throwaway.User, config.ThrowawayPasswordSetting}} {
		if a.user == "" {
			continue
		}
		w("%s%s: {user: %s}   # password: %s", indent, a.key, scalar(a.user), env(a.password))
	}
	switch {
	case c.TokenFile != "":
		w("%stoken_file: %s", indent, scalar(c.TokenFile))
	case c.Token != "":
		w("%s# a bearer token: give it as %s", indent, env(config.TokenSetting))
	case c.TokenCommand != "":
		w("%s# a bearer token from a command: give it as %s", indent, env(config.TokenCommandSetting))
	}
}

// keysOf are a product's vars, users first, in key order.
func keysOf(cat varscat.Catalogue, product string) []string {
	var out []string
	for _, kind := range []string{varscat.User, varscat.Unknown, varscat.Value} {
		for _, v := range cat.Of(product, kind) {
			out = append(out, v.Key)
		}
	}
	return out
}

func productTitle(p string) string {
	return map[string]string{"epm": "EPM Cloud", "essbase": "Essbase", "oig": "Identity Governance"}[p]
}

// comment wraps a sentence into comment lines of about 76 characters.
func comment(w func(string, ...any), prefix, s string) {
	line := ""
	for _, word := range strings.Fields(s) {
		if line != "" && len(prefix)+len(line)+1+len(word) > 78 {
			w("%s%s", prefix, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		w("%s%s", prefix, line)
	}
}

// scalar is a value as one YAML scalar, quoted when it must be.
func scalar(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil {
		return fmt.Sprintf("%q", s)
	}
	return strings.TrimSuffix(string(out), "\n")
}
