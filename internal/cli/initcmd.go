package cli

// conformance init: a commented starter config from a URL per product and
// the accounts, with vars proposed by listing the target's users
// (internal/starter). Read-only requests only.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/doctor"
	"github.com/oracle-users-conformance/conformance/internal/starter"
)

func initCmd(args []string, stdout, stderr io.Writer) int {
	rf := newRunFlags("init", stderr)
	out := rf.fs.String("out", "conformance.yaml", "the config file to write")
	force := rf.fs.Bool("force", false, "overwrite --out if it exists")
	cfg, code, stop := rf.load(args, stdout, stderr)
	if stop {
		return code
	}
	if !cfg.AnyTarget() {
		fmt.Fprintf(stderr, "conformance init: no target: give %s, and the accounts (%s and %s, or per product)\n", targetHint(), config.UserSetting.Env, config.PasswordSetting.Env)
		return ExitBadConfig
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(stderr, "conformance init: %v\n", err)
		return ExitBadConfig
	}
	if _, err := os.Stat(*out); err == nil && !*force {
		fmt.Fprintf(stderr, "conformance init: %s exists; --force overwrites it, --out names another file\n", *out)
		return ExitBadConfig
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(stderr, "conformance init: %v\n", err)
		return ExitBadConfig
	}
	catalog, err := contract.Builtin()
	if err != nil {
		fmt.Fprintf(stderr, "conformance init: %v\n", err)
		return ExitBadConfig
	}
	fx, err := fixturesOf(cfg.Fixtures)
	if err != nil {
		fmt.Fprintf(stderr, "conformance init: %v\n", err)
		return ExitBadConfig
	}
	vars := varsCatalogue(fx)
	if vars == nil {
		fmt.Fprintln(stderr, "conformance init: the fixtures have no vars.yaml catalogue to propose vars from")
		return ExitBadConfig
	}
	var products []starter.Product
	for _, name := range config.Products {
		r := cfg.Resolve(name)
		if !r.Covered {
			continue
		}
		client, err := doctor.Client(cfg, r, catalog, cfg.Timeout.D())
		if err != nil {
			fmt.Fprintf(stderr, "conformance init: %s: %v\n", name, err)
			return ExitBadConfig
		}
		l := &starter.Lister{Client: client, Admin: doctor.AdminCredential(r.Credentials), Own: starter.Accounts(r), Vars: vars, Known: cfg.Vars}
		p := l.Propose(context.Background(), name)
		for _, pr := range p.Proposals {
			fmt.Fprintf(stdout, "%-8s suggests vars.%s = %s (%s)\n", name, pr.Key, pr.Value, pr.Why)
		}
		for _, n := range p.Notes {
			fmt.Fprintf(stdout, "%-8s %s\n", name, n)
		}
		products = append(products, p)
	}
	if err := os.WriteFile(*out, []byte(starter.Render(cfg, products, vars)), 0o600); err != nil {
		fmt.Fprintf(stderr, "conformance init: %v\n", err)
		return ExitBadConfig
	}
	fmt.Fprintf(stdout, "wrote %s: check the suggested vars, then: conformance doctor --config %s\n", *out, *out)
	return ExitPass
}
