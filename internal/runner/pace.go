package runner

import (
	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/shard"
	"github.com/oracle-users-conformance/conformance/suites"
)

// The rate is the product's, not the process's. Under --procs the parent
// keeps it (sharePace); a part of a split run started by hand (--shard K/N,
// a CI matrix) has no parent to ask, so it takes its N-th of the default
// live rate, and N parts together stay within it. A rate the user set is
// theirs to divide.

// shardRate is the rate this process's clients get.
func shardRate(cfg config.Config, opts Options, embedded bool) float64 {
	if cfg.Rate != -1 || embedded || opts.Pace != "" || opts.Shard == "" {
		return cfg.Rate
	}
	_, n, err := shard.Parse(opts.Shard)
	if err != nil || n < 2 {
		return cfg.Rate
	}
	return config.DefaultForeignRate / float64(n)
}

// sharePace makes every client wait its turn at the parent's pace.
func sharePace(products map[string]*suites.Product, opts Options) {
	if opts.Pace == "" {
		return
	}
	for name, p := range products {
		if p.Client == nil {
			continue
		}
		pace := exchange.RemotePace(opts.Pace, name)
		p.Client.SetPace(pace)
		for _, alt := range p.Alt {
			alt.SetPace(pace)
		}
	}
}

// ForeignRate is the rate a product of a live target gets: the config's or
// --rate's, else the default (0 for no limit).
func ForeignRate(cfg config.Config) float64 {
	if cfg.Rate == -1 {
		return config.DefaultForeignRate
	}
	return cfg.Rate
}
