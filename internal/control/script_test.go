package control_test

import (
	"bytes"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/report"
)

// script is the project's sample of a well-behaved client.
var script = filepath.Join("..", "..", "fixtures", "clients-script", "update-users.sh")

// A well-behaved client leaves an empty client report; each copy broken in
// one obligation gets exactly that obligation's finding, nothing else.
func TestClientScript(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("SKIPPED LOUDLY: %s is not installed, so the client script cannot run (apt-get install %s)", tool, tool)
		}
	}
	good, err := os.ReadFile(script)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, old, new string
		want           string // the one failed obligation; "" for none
	}{
		{name: "as written"},
		{"never deletes the file", "\ndelete_file\n", "\n: never deleted\n", "CLIENT-EPM1-002"},
		{"includes the caller's own row", "chris.newton@example.com,$USER2\n", "chris.newton@example.com,$USER2\nAd,Min,admin@example.com,$USERNAME\n", "CLIENT-EPM1-003"},
		{"leaves a spaced field unquoted", `"Mary Ann",Doe`, `Mary Ann,Doe`, "CLIENT-EPM1-004"},
		{"omits X-Requested-By on the OIG bulk PUT", "    -H 'X-Requested-By: update-users.sh' \\\n", "", "CLIENT-OIG-002"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			body := good
			if c.old != "" {
				if bytes.Count(good, []byte(c.old)) != 1 {
					t.Fatalf("the script no longer holds %q exactly once; update the broken copy", c.old)
				}
				body = bytes.Replace(good, []byte(c.old), []byte(c.new), 1)
			}
			path := filepath.Join(t.TempDir(), "update-users.sh")
			if err := os.WriteFile(path, body, 0o755); err != nil {
				t.Fatal(err)
			}
			st := newStack(t, "")
			srv := httptest.NewServer(st)
			defer srv.Close()
			cmd := exec.Command("bash", path)
			cmd.Env = append(os.Environ(), "BASE_URL="+srv.URL, "USERNAME=admin", "PASSWORD=Welcome1")
			out, err := cmd.CombinedOutput()
			if c.want == "" && err != nil {
				t.Fatalf("the script failed: %v\n%s", err, out)
			}
			run := st.Checker.Report()
			var failed []string
			for _, s := range run.Scenarios {
				if s.Outcome == report.Failed {
					failed = append(failed, s.ID)
					for _, v := range s.Violations {
						t.Logf("%s: %s", s.ID, v.Message)
					}
				}
			}
			want := []string{}
			if c.want != "" {
				want = []string{c.want}
			}
			if strings.Join(failed, ",") != strings.Join(want, ",") {
				t.Errorf("failed obligations %v, want %v\nscript output:\n%s", failed, want, out)
			}
			if c.want == "" && run.Counts.By[report.Passed] < 10 {
				t.Errorf("only %d obligations passed; the script should exercise every one but Essbase's", run.Counts.By[report.Passed])
			}
		})
	}
}
