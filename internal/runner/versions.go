package runner

import (
	"context"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/report"
	"github.com/oracle-users-conformance/conformance/internal/vendorversion"
	"github.com/oracle-users-conformance/conformance/suites"
)

// recordVersions reads each covered product's release once (a read-tier
// request with the product's admin account) and records it on the run's
// products, so every report names the release it speaks of.
func recordVersions(run *report.Run, products map[string]*suites.Product, timeout time.Duration) {
	for i := range run.Products {
		rp := &run.Products[i]
		p := products[rp.Name]
		if p == nil || p.Client == nil {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		rel := vendorversion.Read(ctx, rp.Name, p.Client, adminCredential(p))
		cancel()
		rp.Version, rp.Build, rp.VersionNote = rel.Version, rel.Build, rel.Note
	}
}

// adminCredential is the product's admin account, as the rows' default
// auth (suites.Run.credential): Basic when a login is configured, else the
// bearer token.
func adminCredential(p *suites.Product) *exchange.Credential {
	c := p.Credentials
	switch {
	case c.Admin.User != "":
		return &exchange.Credential{Basic: true, User: c.Admin.User, Password: c.Admin.Password}
	case c.Token != "":
		return &exchange.Credential{Token: c.Token}
	}
	return &exchange.Credential{Tokens: p.Tokens}
}
