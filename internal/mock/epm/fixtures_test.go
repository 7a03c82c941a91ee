package epm_test

import (
	"io/fs"
	"testing"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
)

// fixtureCSV is a CSV fixture as a run against the mock sends it: its
// templates filled with fixtures/targets/mock.yaml's users.
func fixtureCSV(t testing.TB, name string) []byte {
	t.Helper()
	data, err := fs.ReadFile(fixtures.FS, "targets/mock.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	if err := cfg.Parse("targets/mock.yaml", data); err != nil {
		t.Fatal(err)
	}
	vars := scenario.Vars{Run: "test", Admin: cfg.Credentials.Admin.User, NonAdmin: cfg.Credentials.NonAdmin.User, Var: cfg.Vars}
	out, err := scenario.RenderFile(fixtures.FS, name, vars)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
