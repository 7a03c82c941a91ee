package cli_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/cli"
	"github.com/oracle-users-conformance/conformance/internal/deviate"
	"github.com/oracle-users-conformance/conformance/internal/report"
)

// conformance mock --client-report writes the client report when it is
// stopped with SIGTERM, and --play plays from the first request.
func TestMockWritesTheClientReportOnSIGTERM(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := exec.CommandContext(ctx, command, "mock", "--addr", "127.0.0.1:0", "--client-report", dir, "--play", "throttled:product=essbase:next=1")
	m.Env = append(cleanEnv(), subprocessEnv+"=1")
	stdout, err := m.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	var addr string
	for sc.Scan() {
		if a, ok := strings.CutPrefix(sc.Text(), "mock listening on "); ok {
			addr = a
			break
		}
	}
	if addr == "" {
		t.Fatal("the mock did not say where it listens")
	}
	var rest strings.Builder
	drained := make(chan struct{})
	go func() {
		for sc.Scan() {
			rest.WriteString(sc.Text() + "\n")
		}
		close(drained)
	}()
	req, _ := http.NewRequest("PUT", addr+"/iam/governance/selfservice/api/v1/users", strings.NewReader(`{"users":[{"requestId":"1","id":"24","fields":[{"name":"Title","value":"T"}]}]}`))
	req.SetBasicAuth("admin", "Welcome1")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req) // no X-Requested-By: a finding
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ess, _ := http.NewRequest("GET", addr+"/essbase/rest/v1/users/jenp", nil)
	ess.SetBasicAuth("admin", "Welcome1")
	if resp, err = http.DefaultClient.Do(ess); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("--play throttled:product=essbase:next=1: the first Essbase request got %d", resp.StatusCode)
	}
	if err := m.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-drained
	_ = m.Wait()
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatalf("no client report after SIGTERM: %v\n%s", err, rest.String())
	}
	var run report.Run
	if err := json.Unmarshal(data, &run); err != nil {
		t.Fatal(err)
	}
	var failed []string
	for _, s := range run.Scenarios {
		if s.Outcome == report.Failed {
			failed = append(failed, s.ID)
		}
	}
	if strings.Join(failed, ",") != "CLIENT-OIG-002" || run.Verdict != report.VerdictNotConformant {
		t.Errorf("failed %v, verdict %q; want CLIENT-OIG-002, not conformant", failed, run.Verdict)
	}
	if strings.Contains(string(data), "Welcome1") {
		t.Error("the client report holds the admin password")
	}
	for _, f := range []string{"junit.xml", "report.html", "summary.md"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
	}
}

// --list-plays lists the incidents, deviations and harmless changes; an
// unknown --play stops the mock with exit 2.
func TestMockPlays(t *testing.T) {
	t.Parallel()
	r := conformance(t, nil, "mock", "--list-plays")
	for _, name := range []string{deviate.Incidents()[0].Name, deviate.All()[0].Name, deviate.Tolerances()[0].Name} {
		if !strings.Contains(r.stdout, name) {
			t.Errorf("--list-plays lacks %s:\n%s", name, r.stdout)
		}
	}
	if r := conformance(t, nil, "mock", "--addr", "127.0.0.1:0", "--play", "no-such-fault"); r.code != cli.ExitBadConfig || !strings.Contains(r.stderr, "no-such-fault") {
		t.Errorf("unknown play: exit %d, stderr %q", r.code, r.stderr)
	}
	// A container without arguments: the mock from its environment alone.
	env := []string{"CONFORMANCE_MOCK_ADDR=127.0.0.1:0", "CONFORMANCE_MOCK_PLAY=no-such-env-fault"}
	if r := conformance(t, env); r.code != cli.ExitBadConfig || !strings.Contains(r.stderr, "no-such-env-fault") {
		t.Errorf("no arguments, CONFORMANCE_MOCK_*: exit %d, stderr %q; want the mock to read its --play from the environment", r.code, r.stderr)
	}
}
