package cli_test

import (
	"encoding/pem"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/cli"
	"github.com/oracle-users-conformance/conformance/internal/mock"
)

// doctor gives each broken setup its verdict and a sentence naming what is
// wrong; against the mock with the shipped config, a run can proceed.
func TestDoctor(t *testing.T) {
	t.Parallel()
	srv, m := startMock(t, mock.Options{}, nil)
	admin := []string{"CONFORMANCE_USER=admin", "CONFORMANCE_PASSWORD=Welcome1"}

	// A port nothing listens on: taken, then given back.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := l.Addr().String()
	l.Close()

	// A TLS server with httptest's self-signed certificate.
	tlsSrv := httptest.NewTLSServer(m)
	t.Cleanup(tlsSrv.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsSrv.Certificate().Raw})
	if err := os.WriteFile(caFile, caPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	trusting := filepath.Join(t.TempDir(), "trust.yaml")
	if err := os.WriteFile(trusting, []byte("tls: {ca_file: "+caFile+"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missingUser := filepath.Join(t.TempDir(), "vars.yaml")
	if err := os.WriteFile(missingUser, []byte("vars: {essbase_user_1: nosuchuser, oig_unknown_id: \"24\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name string
		env  []string
		args []string
		code int
		want []string // regexps, each must match a line
	}{
		{"the mock, shipped config", nil, []string{"--config", mockConfig, "--target", srv.URL}, cli.ExitPass, []string{
			`^  ok    account  admin "admin" authenticates$`,
			`^  ok    account  non_admin "viewer" authenticates$`,
			`^  ok    role     admin "admin" holds Service Administrator$`,
			`^  ok    role     non_admin "viewer" holds User, not Service Administrator`,
			`^  ok    vars     vars\.essbase_user_1 = "jenp" exists$`,
			`^  ok    vars     vars\.oig_unknown_id = "9999" names no user, as it must$`,
			`^  info  vars     EPM Cloud offers no API to read a user`,
			`^  info  version  unknown`,
			`^a run with these settings would run \d+ of \d+ scenarios`,
			`^verdict: a run can proceed`,
		}},
		{"refused port", admin, []string{"--target", "http://" + refused}, cli.ExitFail, []string{
			`^  FAIL  tcp      nothing listens at ` + regexp.QuoteMeta(refused) + ` \(connection refused\)$`,
			`^verdict: a run cannot proceed`,
		}},
		{"self-signed certificate", admin, []string{"--target", tlsSrv.URL}, cli.ExitFail, []string{
			`^  FAIL  tls      the certificate of 127\.0\.0\.1 is signed by an authority this machine does not trust.*: give the CA's PEM file as products\.epm\.tls\.ca_file$`,
		}},
		{"self-signed certificate, CA given", admin, []string{"--config", trusting, "--target", tlsSrv.URL}, cli.ExitPass, []string{
			`^  ok    tls      certificate for 127\.0\.0\.1 issued by`,
		}},
		{"wrong password", []string{"CONFORMANCE_USER=admin", "CONFORMANCE_PASSWORD=wrong"}, []string{"--target", srv.URL}, cli.ExitFail, []string{
			`^  FAIL  account  admin "admin" does not authenticate: GET /interop/rest/security/v1/jobs/0 answered 401 \(a wrong password or login; EPM Cloud wants the identity domain`,
			`^  FAIL  account  admin "admin" does not authenticate: GET /essbase/rest/v1/users/admin answered 401`,
		}},
		{"missing role", []string{"CONFORMANCE_USER=viewer", "CONFORMANCE_PASSWORD=Viewer#2026"}, []string{"--target", srv.URL}, cli.ExitFail, []string{
			`^  FAIL  role     admin "viewer" holds the Essbase role User; the scenarios need Service Administrator$`,
		}},
		{"vars naming the wrong users", admin, []string{"--config", missingUser, "--target", srv.URL}, cli.ExitFail, []string{
			`^  FAIL  vars     vars\.essbase_user_1 = "nosuchuser": Essbase has no such user`,
			`^  FAIL  vars     vars\.oig_unknown_id = "24" names an existing user; it must be an OIG usr_key no user has$`,
		}},
	}
	for _, c := range cases {
		r := conformance(t, c.env, append([]string{"doctor"}, c.args...)...)
		if r.code != c.code {
			t.Errorf("%s: exit %d, want %d\n%s%s", c.name, r.code, c.code, r.stdout, r.stderr)
		}
		for _, w := range c.want {
			if !regexp.MustCompile("(?m)" + w).MatchString(r.stdout) {
				t.Errorf("%s: no line matches %s in:\n%s", c.name, w, r.stdout)
			}
		}
		if strings.Contains(r.stdout+r.stderr, "Welcome1") || strings.Contains(r.stdout+r.stderr, "Viewer#2026") {
			t.Errorf("%s: a password shows in the output", c.name)
		}
	}
}
