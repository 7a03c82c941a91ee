package vendorversion_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/deviate"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/mock"
	"github.com/oracle-users-conformance/conformance/internal/mock/epm"
	"github.com/oracle-users-conformance/conformance/internal/mock/essbase"
	"github.com/oracle-users-conformance/conformance/internal/mocktest"
	"github.com/oracle-users-conformance/conformance/internal/vendorversion"
)

func serve(t *testing.T, opts mock.Options, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	m := mocktest.New(t, opts)
	var h http.Handler = m
	if wrap != nil {
		h = wrap(m)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func read(t *testing.T, base, product string, cred *exchange.Credential) vendorversion.Release {
	t.Helper()
	cat, err := contract.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	// The zero Policy sends reads only: the read must be one.
	c, err := exchange.New(base, cat, exchange.Options{Product: product, Timeout: 5 * time.Second, Redactor: exchange.NewRedactor(nil, nil)})
	if err != nil {
		t.Fatal(err)
	}
	return vendorversion.Read(context.Background(), product, c, cred)
}

var admin = &exchange.Credential{Basic: true, User: "admin", Password: "Welcome1"}

func TestReadsTheReleaseTheTargetReports(t *testing.T) {
	var opts mock.Options
	opts.EPM.Versions = epm.Versions{ServerVersion: "24.12.60", BuildVersion: "24.12.60.7"}
	opts.Essbase.About = essbase.About{Version: "21.5.0.0.0", Build: "512"}
	base := serve(t, opts, nil)
	if r := read(t, base, "epm", admin); r.Version != "24.12.60" || r.Build != "24.12.60.7" || r.Note != "" {
		t.Errorf("epm: %+v", r)
	}
	if r := read(t, base, "essbase", admin); r.Version != "21.5.0.0.0" || r.Build != "512" {
		t.Errorf("essbase: %+v", r)
	}
	if r := read(t, base, "oig", admin); r.Version != "" || !strings.Contains(r.Note, "documents no read") {
		t.Errorf("oig: %+v", r)
	}
}

// A read that fails says why and gives no release; an EPM list without the
// latest flag still names the first item's release.
func TestUnreadableReleasesSayWhy(t *testing.T) {
	base := serve(t, mock.Options{}, nil)
	if r := read(t, base, "essbase", &exchange.Credential{Basic: true, User: "admin", Password: "wrong"}); r.Version != "" || !strings.Contains(r.Note, "401") {
		t.Errorf("a refused read: %+v", r)
	}
	d, ok := deviate.Lookup("essbase-about-without-version")
	if !ok {
		t.Fatal("no deviation essbase-about-without-version")
	}
	u, _ := url.Parse(base)
	proxied := httptest.NewServer(deviate.Proxy(u, d))
	t.Cleanup(proxied.Close)
	if r := read(t, proxied.URL, "essbase", admin); r.Version != "" || r.Note != "the answer names no release" {
		t.Errorf("an answer without a version: %+v", r)
	}
	d, _ = deviate.Lookup("epm-versions-without-latest")
	noLatest := httptest.NewServer(deviate.Proxy(u, d))
	t.Cleanup(noLatest.Close)
	if r := read(t, noLatest.URL, "epm", admin); r.Version != epm.DefaultVersions.ServerVersion {
		t.Errorf("a list without latest: %+v", r)
	}
}
