package cli_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/runner"
)

// mockChild starts `conformance mock` on a free loopback port in a child
// process, with args added (--play NAME, --seed FILE, ...), and returns its
// URL and a function that stops it. The whole-suite runs of these tests
// use it rather than a mock in this process: this process runs under the
// race detector, which makes a mock answering a whole suite several times
// slower, while the child is the command as users get it. The mock and its
// plays run under -race in their own packages' tests, and here in the
// tests that look into the mock's state.
func mockChild(args ...string) (url string, stop func(), err error) {
	ctx, cancel := context.WithCancel(context.Background())
	// The embedded mock's short v1 jobs: a whole run's 79 job scenarios
	// would otherwise wait 300 ms each, one after another.
	base := []string{"mock", "--addr", "127.0.0.1:0", "--epm-job-duration", runner.EmbeddedJobDuration.String()}
	cmd := exec.CommandContext(ctx, command, append(base, args...)...)
	cmd.Env = append(cleanEnv(), subprocessEnv+"=1")
	cmd.WaitDelay = 5 * time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		return "", nil, err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		cancel()
		return "", nil, err
	}
	stop = func() { cancel(); _ = cmd.Wait() }
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sent := false
		for sc.Scan() { // keep draining so the mock never blocks on stdout
			if a, ok := strings.CutPrefix(sc.Text(), "mock listening on "); ok && !sent {
				found <- a
				sent = true
			}
		}
		if !sent {
			close(found)
		}
	}()
	select {
	case a, ok := <-found:
		if ok {
			return a, stop, nil
		}
	case <-time.After(time.Minute):
	}
	stop()
	return "", nil, fmt.Errorf("conformance mock %v did not say where it listens:\n%s", args, stderr.String())
}

// childMock is mockChild for a test: it fails the test if the mock does
// not start and stops it when the test ends.
func childMock(t *testing.T, args ...string) string {
	t.Helper()
	url, stop, err := mockChild(args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return url
}

// seededMock serves a simulator with this seed, in a child process, until
// the test ends.
func seededMock(t *testing.T, seed []byte) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "seed.yaml")
	if err := os.WriteFile(file, seed, 0o644); err != nil {
		t.Fatal(err)
	}
	return childMock(t, "--seed", file)
}

// runPlayed runs the suite (filter selects; extra flags after) against a
// child mock that plays one deviation or harmless change, as the proxy
// playing it would answer (TestPlayedInProcessAsThroughTheProxy).
func runPlayed(play, filter, reportDir string, extra ...string) (result, error) {
	target, stop, err := mockChild("--play", play)
	if err != nil {
		return result{}, err
	}
	defer stop()
	// Only the summary is read: their checks need no more.
	return runChild(runLimit, false, nil, append([]string{"run", "--config", mockConfig, "--target", target,
		"--allow-mutations", "--label-filter", filter, "--report-dir", reportDir}, extra...)...)
}
