package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/mock"
)

// A password given on the command line is never printed, whatever the
// administrator is called; the seed's other passwords are.
func TestPrintAccountsHidesTheFlagPassword(t *testing.T) {
	data, err := fixtures.FS.ReadFile("mock/other-seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	seed, err := mock.ParseSeed(data)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mock.New(mock.Options{Seed: seed, AdminPassword: "S3cret-from-flag"})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	printAccounts(&out, srv)
	s := out.String()
	if strings.Contains(s, "S3cret-from-flag") {
		t.Errorf("the flag's password is printed:\n%s", s)
	}
	for _, want := range []string{"opsroot", "(from --admin-password)", "readonly7", "Read#Only-4410"} {
		if !strings.Contains(s, want) {
			t.Errorf("no %q in:\n%s", want, s)
		}
	}
}
