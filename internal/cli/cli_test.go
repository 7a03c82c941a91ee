package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/cli"
	"github.com/oracle-users-conformance/conformance/internal/mock"
	"github.com/oracle-users-conformance/conformance/internal/mocktest"
	"github.com/oracle-users-conformance/conformance/internal/report"
)

// The test binary doubles as the conformance command: Ginkgo's RunSpecs runs
// once per process, so every run of the suite here is a separate process.
const subprocessEnv = "CONFORMANCE_CLI_SUBPROCESS"

// command is the program the tests run as `conformance`: the command built
// once without the race detector, whose instrumentation would make each of
// the many whole-suite runs several times slower (the suite itself runs
// under -race in-process, in suites/); the test binary itself, which acts
// as the command too, when that build is not possible.
var command = os.Args[0]

func TestMain(m *testing.M) {
	if os.Getenv(subprocessEnv) == "1" {
		os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	// These tests mostly wait on child processes (whole runs, a 429
	// target's Retry-After, a stuck job's poll limit), so more of them at
	// once than the CPUs (go test's default) cost little; at four, the
	// long waits (a stuck job queue, Wine, a throttling target) held the
	// slots while the cores idled. Set here, not in
	// the Makefile: Ginkgo refuses go test -parallel in the packages that
	// run specs in-process.
	flag.Parse()
	if !flagSet("test.parallel") {
		_ = flag.Set("test.parallel", "8")
	}
	dir, err := os.MkdirTemp("", "conformance-cli-test-")
	scratch = dir
	if err == nil {
		bin := filepath.Join(dir, "conformance")
		build := exec.Command("go", "build", "-o", bin, "github.com/oracle-users-conformance/conformance/cmd/conformance")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		// Static, as the release builds it; and the packages make vet
		// has just compiled are then reused, not compiled again.
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if build.Run() == nil {
			command = bin
		} else {
			fmt.Fprintln(os.Stderr, "!! could not build the command; the tests run the test binary as it, slower")
		}
	}
	code := m.Run()
	if dir != "" {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

var mockConfig = filepath.Join("..", "..", "fixtures", "targets", "mock.yaml")

type result struct {
	code    int
	stdout  string
	stderr  string
	summary report.Summary
	junit   junitSuites
	report  *report.Run
	elapsed time.Duration
}

// conformance runs the command in a child process with a hard deadline, so
// a hanging run fails the test instead of blocking it.
func conformance(t *testing.T, env []string, args ...string) result {
	t.Helper()
	r, err := runConformance(env, args...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// runConformance is conformance without a *testing.T, for runs started from
// goroutines (see fanOut).
func runConformance(env []string, args ...string) (result, error) {
	return runWithin(runLimit, env, args...)
}

// runLimit is how long a run of runConformance may take: far beyond a
// whole run on a loaded machine, so only a hanging run reaches it.
const runLimit = 4 * time.Minute

// runWithin runs the command as a child process within limit and reads
// the summary, JUnit and report.json it wrote, if any.
func runWithin(limit time.Duration, env []string, args ...string) (result, error) {
	return runChild(limit, true, env, args...)
}

// runChild is runWithin; withReport false leaves report.json unread (the
// result's report nil). Decoding a whole run's report.json (1.5 MB) takes
// this race-instrumented process about 0.4 s of CPU, and the many runs of
// the deviation and harmless-change tests need only the summary.
func runChild(limit time.Duration, withReport bool, env []string, args ...string) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, command, args...)
	cmd.Env = append(cleanEnv(), append(env, subprocessEnv+"=1")...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	if ctx.Err() != nil {
		return result{}, fmt.Errorf("conformance %v did not end within %s\nstdout:\n%s", args, limit, tail(out.String(), 40))
	}
	r := result{code: cmd.ProcessState.ExitCode(), stdout: out.String(), stderr: errb.String(), elapsed: time.Since(start)}
	if err != nil && r.code < 0 {
		return result{}, fmt.Errorf("conformance %v: %v", args, err)
	}
	for i, a := range args {
		if a == "--report-dir" && i+1 < len(args) {
			if b, err := os.ReadFile(filepath.Join(args[i+1], "summary.json")); err == nil {
				_ = json.Unmarshal(b, &r.summary)
			}
			if b, err := os.ReadFile(filepath.Join(args[i+1], "junit.xml")); err == nil {
				_ = xml.Unmarshal(b, &r.junit)
			}
			if !withReport {
				continue
			}
			if rr, err := report.LoadJSON(filepath.Join(args[i+1], "report.json")); err == nil {
				r.report = rr
			}
		}
	}
	return r, nil
}

// fanOut runs the jobs at most limit at a time and waits for them all. The
// children mostly wait (on jobs, on each other's requests), so many at once
// cost little; t.Parallel would hold them to -parallel, the number of CPUs.
func fanOut(limit int, jobs []func()) {
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for _, job := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			job()
		}()
	}
	wg.Wait()
}

// cleanEnv drops CONFORMANCE_* variables of the developer's shell. The
// targets of these tests are loopback servers: the gentle default rate of
// a live target (5 requests per second) would only make them slow.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CONFORMANCE_") {
			out = append(out, kv)
		}
	}
	return append(out, "CONFORMANCE_RATE=0")
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
	m := mocktest.New(t, opts)
	var h http.Handler = m
	if wrap != nil {
		h = wrap(m)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, m
}

// The documented way to test a separately started mock: two processes, real
// TCP, the shipped config, nothing skipped.
func TestSeparatelyStartedMock(t *testing.T) {
	t.Parallel()
	run, err := shippedRun()
	if err != nil {
		t.Fatal(err)
	}
	r := run.result
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

func TestBadConfigurationExitsTwo(t *testing.T) {
	t.Parallel()
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

// Reports that cannot be written end the run with exit 2: a verdict nobody
// can read is none, and CI must not trust the last run's files.
func TestFailedPublishExits2(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// The folder is fine at start; report.json cannot be written in it.
	if err := os.Mkdir(filepath.Join(dir, "report.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := conformance(t, nil, "run", "--config", mockConfig, "--label-filter", "id:EPM2-AUTH-001", "--report-dir", dir)
	if r.code != cli.ExitBadConfig || !strings.Contains(r.stdout+r.stderr, "writing reports") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// flagSet reports whether a flag was given on the command line.
func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
