package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/mock"
)

// With the EPM test users' attributes declared in vars, every scenario that
// changes EPM users puts them back with a v2 update: after the run the
// mock holds each test user exactly as declared (values unlike the seed's,
// so a user left alone would show), and no EPM change is reported
// irreversible for them.
func TestDeclaredEPMUsersArePutBack(t *testing.T) {
	t.Parallel()
	srv, m := startMock(t, mock.Options{}, nil)
	base, err := os.ReadFile(mockConfig)
	if err != nil {
		t.Fatal(err)
	}
	logins := []string{"jdoe", "chris", "alex", "jeff", "mona"}
	var extra strings.Builder
	for i, login := range logins {
		fmt.Fprintf(&extra, "  epm_user_%d_first_name: Declared%d\n  epm_user_%d_last_name: Tester\n  epm_user_%d_email: declared.%s@example.com\n", i+1, i+1, i+1, i+1, login)
	}
	cfgText := strings.Replace(string(base), "vars:\n", "vars:\n"+extra.String(), 1)
	cfg := filepath.Join(t.TempDir(), "declared.yaml")
	writeFile(t, cfg, cfgText)
	dir := t.TempDir()
	r := conformance(t, nil, "run", "--config", cfg, "--target", srv.URL, "--allow-mutations",
		"--label-filter", "api:epm-v2 || (api:epm-v1 && kind:contract)", "--report-dir", dir)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, tail(r.stdout, 30), r.stderr)
	}
	for i, login := range logins {
		u, ok := m.EPM.Domain.Get(login)
		want := fmt.Sprintf("Declared%d Tester declared.%s@example.com", i+1, login)
		if got := u.FirstName + " " + u.LastName + " " + u.Email; !ok || got != want {
			t.Errorf("%s after the run: %q, want as declared: %q", login, got, want)
		}
	}
	if r.report == nil {
		t.Fatal("no report.json")
	}
	restored := false
	for _, note := range r.report.Notes {
		if strings.Contains(note, "no undo could put them back") {
			t.Errorf("an irreversible note although the users are declared: %s", note)
		}
		if strings.Contains(note, "do not declare") {
			t.Logf("%s", note) // users the rows name that vars do not (unknown ones)
		}
		restored = restored || strings.Contains(note, "restored to their declared attributes")
	}
	if !restored {
		t.Errorf("the report does not say the users were restored: %q", r.report.Notes)
	}
	if len(r.report.Leftovers) > 0 {
		t.Errorf("what could not be restored: %+v", r.report.Leftovers)
	}
}
