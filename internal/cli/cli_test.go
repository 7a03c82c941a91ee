package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/cli"
	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/deviate"
	"github.com/oracle-users-conformance/conformance/internal/generate"
	"github.com/oracle-users-conformance/conformance/internal/mock"
	"github.com/oracle-users-conformance/conformance/internal/runner"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
	"github.com/oracle-users-conformance/conformance/specs"
)

// The test binary doubles as the conformance command: Ginkgo's RunSpecs runs
// once per process, so every run of the suite here is a separate process.
const subprocessEnv = "CONFORMANCE_CLI_SUBPROCESS"

func TestMain(m *testing.M) {
	if os.Getenv(subprocessEnv) == "1" {
		os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

var mockConfig = filepath.Join("..", "..", "fixtures", "targets", "mock.yaml")

type result struct {
	code    int
	stdout  string
	stderr  string
	summary runner.Summary
	junit   junitSuites
}

// conformance runs the command in a child process with a hard deadline, so
// a hanging run fails the test instead of blocking it.
func conformance(t *testing.T, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(cleanEnv(), append(env, subprocessEnv+"=1")...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("conformance %v did not finish within its deadline\nstdout:\n%s", args, out.String())
	}
	r := result{code: cmd.ProcessState.ExitCode(), stdout: out.String(), stderr: errb.String()}
	if err != nil && r.code < 0 {
		t.Fatalf("conformance %v: %v", args, err)
	}
	for i, a := range args {
		if a == "--report-dir" && i+1 < len(args) {
			if b, err := os.ReadFile(filepath.Join(args[i+1], "summary.json")); err == nil {
				_ = json.Unmarshal(b, &r.summary)
			}
			if b, err := os.ReadFile(filepath.Join(args[i+1], "junit.xml")); err == nil {
				_ = xml.Unmarshal(b, &r.junit)
			}
		}
	}
	return r
}

// cleanEnv drops CONFORMANCE_* variables of the developer's shell.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CONFORMANCE_") {
			out = append(out, kv)
		}
	}
	return out
}

type junitSuites struct {
	Suites []struct {
		Cases []struct {
			Name    string    `xml:"name,attr"`
			Failure *struct{} `xml:"failure"`
			Skipped *struct{} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func (j junitSuites) names(prefix string) (all, failed []string) {
	for _, s := range j.Suites {
		for _, c := range s.Cases {
			if strings.HasPrefix(c.Name, prefix) {
				all = append(all, c.Name)
				if c.Failure != nil {
					failed = append(failed, c.Name)
				}
			}
		}
	}
	return all, failed
}

// newMock serves a fresh simulator in this process.
func newMock(t *testing.T) *httptest.Server {
	srv, _ := startMock(t, mock.Options{}, nil)
	return srv
}

// startMock serves a simulator seeded from the shipped seed, optionally
// behind a wrapping handler, and stops it when the test ends.
func startMock(t *testing.T, opts mock.Options, wrap func(http.Handler) http.Handler) (*httptest.Server, *mock.Server) {
	t.Helper()
	seedData, err := fixtures.FS.ReadFile("mock/seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if opts.Seed, err = mock.ParseSeed(seedData); err != nil {
		t.Fatal(err)
	}
	m, err := mock.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = m
	if wrap != nil {
		h = wrap(m)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.Close(); m.Close() })
	return srv, m
}

// Every registered deviation must make the run fail, and fail exactly in
// the scenarios it names: this is the proof that those scenarios can fail.
func TestEveryDeviationIsCaught(t *testing.T) {
	var mu sync.Mutex
	caught := map[string][]string{} // scenario ID -> deviations it failed under
	ran := 0
	t.Run("deviations", func(t *testing.T) {
		for _, d := range deviate.All() {
			runDeviation(t, d, func(failedIDs []string) {
				mu.Lock()
				defer mu.Unlock()
				ran++
				for _, id := range failedIDs {
					caught[id] = append(caught[id], d.Name)
				}
			})
		}
	})
	missed := deviationCoverage(t, caught)
	// Only a run of every deviation can tell (go test -run may select some).
	if ran == len(deviate.All()) && len(missed) > 0 {
		t.Errorf("no deviation makes these scenarios fail, so nothing shows they can: %s\n"+
			"add a deviation in internal/deviate under which each fails", strings.Join(missed, " "))
	}
}

// deviationCoverage reports how many scenarios some deviation made fail,
// the measure of how much of the suite is shown able to fail, and returns
// the others.
func deviationCoverage(t *testing.T, caught map[string][]string) []string {
	tables, err := scenario.LoadDir(fixtures.FS, "scenarios")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := contract.Load(specs.FS)
	if err != nil {
		t.Fatal(err)
	}
	generated, err := generate.Tables(cat, 1)
	if err != nil {
		t.Fatal(err)
	}
	total, hit := map[string]int{}, map[string]int{}
	var missed []string
	for _, tb := range append(tables, generated...) {
		for _, s := range tb.Scenarios {
			kind := s.API
			if strings.HasPrefix(s.ID, "GEN-") {
				kind += " (generated)"
			}
			total[kind]++
			if len(caught[s.ID]) > 0 {
				hit[kind]++
			} else {
				missed = append(missed, s.ID)
			}
		}
	}
	kinds := make([]string, 0, len(total))
	for k := range total {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		t.Logf("deviations make %d of %d %s scenarios fail", hit[k], total[k], k)
	}
	sort.Strings(missed)
	return missed
}

func runDeviation(t *testing.T, d deviate.Deviation, record func(failedIDs []string)) {
	t.Helper()
	t.Run(d.Name, func(t *testing.T) {
		t.Parallel()
		if len(d.CaughtBy) == 0 || d.Scope == "" {
			t.Fatalf("deviation %s names no scope or no scenario that catches it", d.Name)
		}
		target := newMock(t)
		u, _ := url.Parse(target.URL)
		proxy := httptest.NewServer(deviate.Proxy(u, d))
		defer proxy.Close()
		dir := t.TempDir()
		args := append([]string{"run", "--config", mockConfig, "--target", proxy.URL,
			"--allow-mutations", "--label-filter", d.Scope, "--report-dir", dir}, d.RunArgs...)
		r := conformance(t, nil, args...)
		if r.code != cli.ExitFail {
			t.Fatalf("exit code %d through %s, want %d (the suite must fail)\n%s%s", r.code, d.Name, cli.ExitFail, r.stdout, r.stderr)
		}
		failed := map[string]bool{}
		for _, id := range r.summary.FailedIDs {
			failed[id] = true
		}
		for _, id := range d.CaughtBy {
			if !failed[id] {
				t.Errorf("%s did not fail through %s (%s); failed: %v", id, d.Name, d.Summary, r.summary.FailedIDs)
			}
		}
		if !strings.Contains(r.stdout, d.CaughtBy[0]) {
			t.Errorf("the run's output does not name %s", d.CaughtBy[0])
		}
		record(r.summary.FailedIDs)
	})
}

// A proxy without deviations changes nothing: the failures above come from
// the deviations, not from proxying.
func TestTransparentProxyPasses(t *testing.T) {
	target := newMock(t)
	u, _ := url.Parse(target.URL)
	proxy := httptest.NewServer(deviate.Proxy(u))
	defer proxy.Close()
	dir := t.TempDir()
	r := conformance(t, nil, "run", "--config", mockConfig, "--target", proxy.URL, "--allow-mutations", "--report-dir", dir)
	if r.code != cli.ExitPass {
		t.Fatalf("exit %d through a transparent proxy\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// The documented way to test a separately started mock: two processes, real
// TCP, the shipped config, nothing skipped.
func TestSeparatelyStartedMock(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := exec.CommandContext(ctx, os.Args[0], "mock", "--addr", "127.0.0.1:0")
	m.Env = append(cleanEnv(), subprocessEnv+"=1")
	stdout, err := m.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); _ = m.Wait() }()
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
	go func() {
		for sc.Scan() { // keep draining so the mock never blocks on stdout
		}
	}()
	dir := t.TempDir()
	r := conformance(t, nil, "run", "--config", mockConfig, "--target", addr, "--allow-mutations", "--report-dir", dir)
	if r.code != cli.ExitPass {
		t.Fatalf("exit %d against the separately started mock\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r.summary.Skipped != 0 || r.summary.Verdict != "conformant" {
		t.Fatalf("summary %+v, want conformant with nothing skipped", r.summary)
	}
	all, _ := r.junit.names("EPM2-")
	if len(all) < 20 {
		t.Fatalf("junit.xml has %d EPM2- cases, want at least 20", len(all))
	}
}

// Against a foreign target without --allow-mutations, rows that change data
// are skipped with the reason, and the verdict says partial.
func TestMutationsNeedPermission(t *testing.T) {
	target := newMock(t)
	dir := t.TempDir()
	r := conformance(t, nil, "run", "--config", mockConfig, "--target", target.URL, "--report-dir", dir)
	if r.code != cli.ExitPass {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r.summary.Skipped == 0 || r.summary.Verdict != "partial" {
		t.Fatalf("summary %+v: want skipped mutating scenarios and a partial verdict", r.summary)
	}
	if !strings.Contains(r.stdout, "--allow-mutations") {
		t.Errorf("the output does not say how to include the skipped scenarios")
	}
}

// A dead target fails every scenario with a clear sentence, quickly.
func TestDeadTargetFailsEachScenarioAndDoesNotHang(t *testing.T) {
	srv := newMock(t)
	dead := srv.URL
	srv.Close()
	dir := t.TempDir()
	r := conformance(t, nil, "run", "--config", mockConfig, "--target", dead, "--allow-mutations",
		"--label-filter", "api:epm-v2", "--timeout", "2s", "--report-dir", dir)
	if r.code != cli.ExitFail {
		t.Fatalf("exit %d against a dead target, want %d", r.code, cli.ExitFail)
	}
	all, failed := r.junit.names("EPM2-")
	if len(all) == 0 || len(failed) != len(all) {
		t.Fatalf("%d of %d EPM2 scenarios failed against a dead target, want all", len(failed), len(all))
	}
	if !strings.Contains(r.stdout, "could not be reached") {
		t.Errorf("the output does not say the target could not be reached")
	}
}

func TestBadConfigurationExitsTwo(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("target: http://127.0.0.1:1\ncredentails: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := map[string][]string{
		"unknown key":      {"run", "--config", bad},
		"not a URL":        {"run", "--config", mockConfig, "--target", "ftp://x"},
		"unknown flag":     {"run", "--no-such-flag"},
		"unknown command":  {"frobnicate"},
		"missing fixtures": {"run", "--fixtures", filepath.Join(dir, "nope")},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			r := conformance(t, nil, args...)
			if r.code != cli.ExitBadConfig {
				t.Fatalf("exit %d, want %d\n%s", r.code, cli.ExitBadConfig, r.stderr)
			}
			if strings.TrimSpace(r.stderr) == "" {
				t.Fatal("no error message")
			}
		})
	}
	t.Run("bad environment value", func(t *testing.T) {
		r := conformance(t, []string{"CONFORMANCE_POLL_LIMIT=forever"}, "run", "--config", mockConfig)
		if r.code != cli.ExitBadConfig || !strings.Contains(r.stderr, "CONFORMANCE_POLL_LIMIT") {
			t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
		}
	})
}

// Credentials from the environment reach neither the reports nor the
// output, in any form (plain, URL-encoded, Basic base64).
func TestSecretsNeverReachReportsOrOutput(t *testing.T) {
	const secret = "S3cr3t+Pa55/word"
	target := newMockWithAdminPassword(t, secret)
	dir := t.TempDir()
	r := conformance(t, []string{"CONFORMANCE_PASSWORD=" + secret}, "run", "--config", mockConfig,
		"--target", target.URL, "--allow-mutations", "--label-filter", "api:epm-v2", "--report-dir", dir)
	if r.code != cli.ExitPass {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	forms := []string{secret, url.QueryEscape(secret), "YWRtaW46UzNjcjN0K1BhNTUvd29yZA==", "Welcome1", "Viewer#2026", "mock-admin-token"}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, s := range forms {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s contains a secret (%q)", filepath.Base(f), s)
			}
		}
	}
	for _, s := range forms {
		if strings.Contains(r.stdout+r.stderr, s) {
			t.Errorf("the output contains a secret (%q)", s)
		}
	}
}

func newMockWithAdminPassword(t *testing.T, pw string) *httptest.Server {
	srv, _ := startMock(t, mock.Options{AdminPassword: pw}, nil)
	return srv
}
