package cli_test

// A live tenant, played on loopback: what leaves the machine without
// --allow-mutations, three products on three hosts, a target seeded with
// other users, an interrupted run, and secrets that never reach a file.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/cli"
	"github.com/oracle-users-conformance/conformance/internal/mock"
	"github.com/oracle-users-conformance/conformance/internal/opid"
	"github.com/oracle-users-conformance/conformance/internal/report"
	"github.com/oracle-users-conformance/conformance/internal/runner"
)

// cliRun runs the command as a child process within limit.
func cliRun(t *testing.T, limit time.Duration, env []string, args ...string) result {
	t.Helper()
	r, err := runWithin(limit, env, args...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// recorder counts requests by method and path.
type recorder struct {
	mu   sync.Mutex
	seen []string
}

func (rc *recorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc.mu.Lock()
		rc.seen = append(rc.seen, r.Method+" "+r.URL.Path)
		rc.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func (rc *recorder) requests() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.seen...)
}

// Without --allow-mutations only reads leave the machine, whatever a row's
// labels say; --plan sends nothing at all and exits 0.
func TestOnlyReadsReachALiveTargetWithoutAllowMutations(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	srv, _ := startMock(t, mock.Options{}, rec.wrap)
	dir := t.TempDir()
	r := cliRun(t, 3*time.Minute, nil, "run", "--config", mockConfig, "--target", srv.URL, "--rate", "0", "--report-dir", dir)
	seen := rec.requests()
	if len(seen) == 0 {
		t.Fatalf("nothing was sent at all (exit %d):\n%s%s", r.code, tail(r.stdout, 20), r.stderr)
	}
	// The one POST a read-only run may send is the token service's, which
	// its spec marks as changing nothing (x-changes-nothing).
	tokens := opid.Templates[opid.OigGetToken]
	for _, s := range seen {
		m, rest, _ := strings.Cut(s, " ")
		if m == http.MethodPost && strings.HasPrefix(rest, tokens) {
			continue
		}
		if m != http.MethodGet && m != http.MethodHead {
			t.Errorf("sent without --allow-mutations: %s", s)
		}
	}
	if r.report == nil || r.report.Counts.By[report.Skipped] == 0 || r.report.Verdict != report.VerdictPartial {
		t.Fatalf("want skipped scenarios and a partial verdict; exit %d\n%s", r.code, tail(r.stdout, 30))
	}
	skippedForTier := 0
	for _, s := range r.report.Scenarios {
		if s.Outcome == report.Skipped && strings.Contains(s.Reason, "--allow-mutations") {
			skippedForTier++
		}
	}
	if skippedForTier < 100 {
		t.Errorf("only %d scenarios skipped for the mutation tier", skippedForTier)
	}
	if !strings.Contains(r.stdout, "--allow-mutations") {
		t.Errorf("the output does not say how to include the skipped scenarios")
	}
	t.Logf("%d requests, all reads; %d scenarios skipped for the tier", len(seen), skippedForTier)

	before := len(rec.requests())
	p := cliRun(t, time.Minute, nil, "run", "--plan", "--config", mockConfig, "--target", srv.URL)
	if p.code != 0 || len(rec.requests()) != before {
		t.Fatalf("--plan exit %d, sent %d requests", p.code, len(rec.requests())-before)
	}
	for _, want := range []string{"would be skipped:", "[mutation]", "[read]", "undo: ", "failed logins"} {
		if !strings.Contains(p.stdout, want) {
			t.Errorf("the plan does not say %q", want)
		}
	}
}

// Three products on three hosts: every request reaches its own product's
// mock only; a config naming EPM alone covers EPM alone, and says partial.
func TestEachProductGoesToItsOwnTarget(t *testing.T) {
	t.Parallel()
	hosts := map[string]*recorder{}
	urls := map[string]string{}
	for _, p := range []string{"epm", "essbase", "oig"} {
		rec, base := &recorder{}, "/"+p+"-base"
		hosts[p] = rec
		srv, _ := startMock(t, runner.EmbeddedOptions(), func(h http.Handler) http.Handler { return rec.wrap(http.StripPrefix(base, h)) })
		urls[p] = srv.URL + "/" + p + "-base" // a base URL with a path
	}
	cfgFile := filepath.Join(t.TempDir(), "three.yaml")
	writeFile(t, cfgFile, threeProductConfig(urls)+varsOf(t))
	dir := t.TempDir()
	// Every scenario but the size:large ones (10,000-row jobs, bodies over
	// 8 MiB): they go where the others go, and cost most of a run's CPU
	// against mocks in this race-instrumented process.
	r := cliRun(t, 4*time.Minute, nil, "run", "--config", cfgFile, "--allow-mutations", "--rate", "0", "--label-filter", "!size:large", "--report-dir", dir)
	if r.report == nil || r.report.Counts.By[report.Failed] > 0 || r.code != cli.ExitPass {
		t.Fatalf("exit %d against three mocks\n%s\n%s", r.code, tail(r.stdout, 40), r.stderr)
	}
	prefix := map[string]string{"epm": "/epm-base/interop/", "essbase": "/essbase-base/essbase/", "oig": "/oig-base/iam/"}
	for p, rec := range hosts {
		reqs := rec.requests()
		if len(reqs) == 0 {
			t.Errorf("%s's mock received nothing", p)
		}
		for _, s := range reqs {
			_, path, _ := strings.Cut(s, " ")
			if !strings.HasPrefix(path, prefix[p]) && !strings.HasPrefix(path, "/essbase-base/shared-services/") {
				t.Errorf("%s's mock received %s", p, s)
			}
		}
	}

	only := filepath.Join(t.TempDir(), "epm-only.yaml")
	writeFile(t, only, fmt.Sprintf("products:\n  epm:\n    url: %s\n    credentials:\n      admin: {user: admin, password: Welcome1}\n      non_admin: {user: viewer, password: \"Viewer#2026\"}\n      throwaway: {user: viewer, password: \"Viewer#2026\"}\n%s%s", urls["epm"], pollQuickly, varsOf(t)))
	dir2 := t.TempDir()
	r2 := cliRun(t, 3*time.Minute, nil, "run", "--config", only, "--allow-mutations", "--rate", "0", "--label-filter", "!size:large", "--report-dir", dir2)
	if r2.report == nil || r2.report.Verdict != report.VerdictPartial || r2.code != cli.ExitPass {
		t.Fatalf("EPM alone: exit %d, verdict %v\n%s", r2.code, r2.report, tail(r2.stdout, 20))
	}
	for _, p := range r2.report.Products {
		if (p.Name == "epm") != p.Covered {
			t.Errorf("product %s covered=%v", p.Name, p.Covered)
		}
	}
	for _, s := range r2.report.Scenarios {
		if s.Product != "epm" && (s.Outcome != report.Skipped || !strings.HasPrefix(s.Reason, "not covered")) {
			t.Errorf("%s: %s (%s), want skipped as not covered", s.ID, s.Outcome, s.Reason)
		}
	}
}

// varsOf is the vars block of the mock's target config.
func varsOf(t *testing.T) string {
	data, err := os.ReadFile(mockConfig)
	if err != nil {
		t.Fatal(err)
	}
	_, v, ok := strings.Cut(string(data), "\nvars:\n")
	if !ok {
		t.Fatal("mock.yaml has no vars")
	}
	return "vars:\n" + v
}

// pollQuickly polls the mocks' 40 ms v1 jobs every 50 ms: at the default
// interval each of the v1 rows would wait its whole first poll, and an
// EPM run would spend most of its time asleep.
const pollQuickly = "timeout: 10s\npoll: {interval: 50ms, limit: 30s}\n"

func threeProductConfig(urls map[string]string) string {
	var b strings.Builder
	b.WriteString("products:\n")
	for _, p := range []string{"epm", "essbase", "oig"} {
		fmt.Fprintf(&b, "  %s:\n    url: %s\n    credentials:\n      admin: {user: admin, password: Welcome1}\n      non_admin: {user: viewer, password: \"Viewer#2026\"}\n      throwaway: {user: viewer, password: \"Viewer#2026\"}\n      token: mock-admin-token\n", p, urls[p])
		if p == "essbase" {
			b.WriteString("    alt_targets: {essbase-shared-services: /shared-services}\n")
		}
	}
	b.WriteString(pollQuickly)
	return b.String()
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A target seeded with users and an administrator that share no name with
// the shipped seed passes the whole suite with a config naming them, no
// fixture copied or edited.
func TestAnotherSeedPassesWithItsOwnConfig(t *testing.T) {
	t.Parallel()
	seed, err := fixtures.FS.ReadFile("mock/other-seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	target := seededMock(t, seed)
	dir := t.TempDir()
	cfg := filepath.Join("..", "..", "fixtures", "targets", "other-seed.yaml")
	r := cliRun(t, 4*time.Minute, nil, "run", "--config", cfg, "--target", target, "--allow-mutations", "--rate", "0", "--report-dir", dir)
	if r.report == nil || r.code != cli.ExitPass || r.report.Counts.By[report.Failed] != 0 || r.report.Counts.By[report.Inconclusive] != 0 {
		t.Fatalf("exit %d against the other seed\n%s%s", r.code, tail(r.stdout, 40), r.stderr)
	}
	for _, sc := range r.report.Scenarios {
		if sc.Outcome == report.Skipped && !strings.Contains(sc.Reason, "Q-") {
			t.Errorf("%s skipped without a quirk to say why: %s", sc.ID, sc.Reason)
		}
	}
}

// SIGINT in the middle of a run: the running scenario's undos finish, the
// reports are written and say so, the exit code is the interrupted one,
// and the target holds what it held before.
func TestAnInterruptedRunLeavesTheTargetAsItWas(t *testing.T) {
	t.Parallel()
	srv, _ := startMock(t, mock.Options{}, nil)
	before := oigState(t, srv.URL)
	dir := t.TempDir()
	cmd := exec.Command(command, "run", "--config", mockConfig, "--target", srv.URL, "--allow-mutations", "--rate", "0",
		"--label-filter", "api:essbase || api:oig", "--report-dir", dir)
	cmd.Env = append(cleanEnv(), subprocessEnv+"=1")
	pipe, _ := cmd.StdoutPipe()
	var out bytes.Buffer
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		lines := 0
		for {
			n, err := pipe.Read(buf)
			out.Write(buf[:n])
			lines += bytes.Count(buf[:n], []byte("\n"))
			if lines > 60 && cmd.Process != nil {
				_ = cmd.Process.Signal(syscall.SIGINT)
				lines = -1 << 30
			}
			if err != nil {
				return
			}
		}
	}()
	timer := time.AfterFunc(3*time.Minute, func() { _ = cmd.Process.Kill() })
	_ = cmd.Wait()
	timer.Stop()
	<-done
	if code := cmd.ProcessState.ExitCode(); code != cli.ExitInterrupted {
		t.Fatalf("exit %d, want %d (interrupted)\n%s", code, cli.ExitInterrupted, tail(out.String(), 30))
	}
	rr, err := report.LoadJSON(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatalf("no report after the interrupt: %v", err)
	}
	if rr.Interrupted != "SIGINT" || rr.Verdict != report.VerdictInterrupted || rr.Counts.By[report.NotRun] == 0 {
		t.Fatalf("report: interrupted %q, verdict %q, counts %v", rr.Interrupted, rr.Verdict, rr.Counts.By)
	}
	if len(rr.Leftovers) > 0 {
		t.Errorf("undos that did not succeed: %+v", rr.Leftovers)
	}
	if after := oigState(t, srv.URL); after != before {
		t.Errorf("OIG users changed by the interrupted run:\nbefore %s\nafter  %s", before, after)
	}
	// Every Essbase user the run tried to create is gone again.
	for _, s := range rr.Scenarios {
		for _, e := range s.Exchanges {
			if e.Operation != "essbaseAddUsers" || e.Status != 200 {
				continue
			}
			for _, id := range createdIDs(e.ResponseBody) {
				if code := get(t, srv.URL+"/essbase/rest/v1/users/"+id); code != http.StatusNotFound {
					t.Errorf("Essbase user %s, created by %s, is still there (HTTP %d)", id, s.ID, code)
				}
			}
		}
	}
}

// oigState is every seeded OIG user as the API answers it.
func oigState(t *testing.T, base string) string {
	var b strings.Builder
	for key := 24; key <= 29; key++ {
		req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/iam/governance/selfservice/api/v1/users/%d", base, key), nil)
		req.SetBasicAuth("admin", "Welcome1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		b.Write(body)
	}
	return b.String()
}

func get(t *testing.T, u string) int {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.SetBasicAuth("admin", "Welcome1")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// createdIDs reads the ids of an Essbase add answer (one user or a list).
func createdIDs(body string) []string {
	var many []struct {
		ID string `json:"id"`
	}
	var one struct {
		ID string `json:"id"`
	}
	var out []string
	if json.Unmarshal([]byte(body), &many) == nil {
		for _, u := range many {
			out = append(out, u.ID)
		}
	} else if json.Unmarshal([]byte(body), &one) == nil && one.ID != "" {
		out = append(out, one.ID)
	}
	return out
}

// No report, log or stream holds a password, a token or an Authorization
// value: a run with distinctive secrets of every kind, every file scanned.
func TestNoSecretReachesAnyOutput(t *testing.T) {
	t.Parallel()
	const (
		adminPass = "Adm1n-Distinct#7Q"
		viewPass  = "V1ew-Distinct#8R"
		token     = "tok-distinct-9S0Z"
	)
	seed, err := fixtures.FS.ReadFile("mock/seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	seedText := strings.NewReplacer("Welcome1", adminPass, "Viewer#2026", viewPass, "mock-admin-token", token).Replace(string(seed))
	target := seededMock(t, []byte(seedText))
	cfgText, err := os.ReadFile(mockConfig)
	if err != nil {
		t.Fatal(err)
	}
	cfgFile := filepath.Join(t.TempDir(), "distinct.yaml")
	writeFile(t, cfgFile, strings.NewReplacer("Welcome1", adminPass, "Viewer#2026", viewPass, "mock-admin-token", token).Replace(string(cfgText)))
	dir := t.TempDir()
	// The admin password comes from the environment too, which overrides
	// the file: secrets from either source are masked.
	r := cliRun(t, 4*time.Minute, []string{"CONFORMANCE_PASSWORD=" + adminPass}, "run", "--config", cfgFile, "--target", target, "--allow-mutations", "--rate", "0", "--report-dir", dir, "--verbose")
	if r.report == nil || r.code != cli.ExitPass {
		t.Fatalf("exit %d\n%s%s", r.code, tail(r.stdout, 30), r.stderr)
	}
	// A scan of no file finds no secret: every report must be there.
	for _, f := range report.Files {
		if _, err := os.Stat(filepath.Join(dir, f.Name)); err != nil {
			t.Fatalf("no %s was written, so the scan below would prove nothing: %v", f.Name, err)
		}
	}
	plan := cliRun(t, time.Minute, nil, "run", "--plan", "--config", cfgFile, "--target", target)
	cfgOut := cliRun(t, time.Minute, nil, "config", "--config", cfgFile)
	// The Essbase user passwords the payload fixtures carry count too.
	secrets := []string{adminPass, url.QueryEscape(adminPass), base64.StdEncoding.EncodeToString([]byte("admin:" + adminPass)), viewPass, token, "tempPa55"}
	streams := map[string]string{"stdout": r.stdout, "stderr": r.stderr, "plan": plan.stdout + plan.stderr, "config": cfgOut.stdout + cfgOut.stderr}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		streams[filepath.Base(f)] = string(b)
	}
	var names []string
	for n := range streams {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		text := streams[n]
		for _, sec := range secrets {
			if strings.Contains(text, sec) {
				t.Errorf("%s contains the secret %q", n, sec)
			}
		}
		if i := strings.Index(text, "Authorization: Basic "); i >= 0 && !strings.HasPrefix(text[i+len("Authorization: Basic "):], "[REDACTED]") {
			t.Errorf("%s shows an Authorization value: %.60s", n, text[i:])
		}
	}
	t.Logf("scanned %d files and streams for %d secrets", len(names), len(secrets))
}

// Every subcommand's -h prints its usage and exits 0: users script against
// these names.
func TestEverySubcommandHelpExitsZero(t *testing.T) {
	for _, args := range [][]string{{"run"}, {"config"}, {"mock"}, {"proxy"}, {"report"}, {"report", "diff"}, {"report", "merge"}, {"report", "render"}, {"coverage"}} {
		if code := cli.Main(append(args, "-h"), io.Discard, io.Discard); code != 0 {
			t.Errorf("conformance %s -h exits %d", strings.Join(args, " "), code)
		}
	}
}
