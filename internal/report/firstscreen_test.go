package report

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// firstScreenRun is the sample run with a baseline that made one failure
// overdue and found one entry stale, and the drift since a previous run
// where essbase was on another release.
func firstScreenRun(t *testing.T) (*Run, HTMLExtras) {
	t.Helper()
	r := sampleRun()
	b, err := ParseBaseline([]byte(`
- id: EPM2-PAYLOAD-007
  reason: SR 3-0000000001; Oracle says fixed in 24.10
  review: 2099-01-01
  seen_in: "24.08"
  fixed_in: "24.10"
- id: OIG-GONE-001
  reason: a scenario that no longer exists
  review: 2099-01-01
`))
	if err != nil {
		t.Fatal(err)
	}
	prev := sampleRun()
	for i := range prev.Products {
		if prev.Products[i].Name == "essbase" {
			prev.Products[i].Version = "21.3.0.0.0"
		}
	}
	for i := range prev.Scenarios {
		if prev.Scenarios[i].Outcome == Failed {
			prev.Scenarios[i].Outcome = Passed
		}
	}
	prev.RunID = "cnfold1"
	r.ApplyBaseline(b, "baseline.yaml", day("2026-12-01"))
	d := Diff(prev, r)
	return r, HTMLExtras{Drift: &d}
}

// TestFirstScreenComesFirst: what failed, what changed and what is overdue
// stand before the counts and the list of everything, in that order.
func TestFirstScreenComesFirst(t *testing.T) {
	r, x := firstScreenRun(t)
	if len(r.Baseline.Overdue) != 1 {
		t.Fatalf("the sample should make EPM2-PAYLOAD-007 overdue: %+v", r.Baseline)
	}
	var b bytes.Buffer
	if err := WriteHTMLWith(&b, r, x); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	order := []string{`id="what-failed"`, `id="what-changed"`, `id="what-is-overdue"`, "<h2>Counts</h2>", "<h2>Scenarios</h2>"}
	last := -1
	for _, want := range order {
		i := strings.Index(page, want)
		if i < 0 || i < last {
			t.Fatalf("%s is missing or out of order (want %v)", want, order)
		}
		last = i
	}
	first := page[strings.Index(page, `id="first-screen"`):strings.Index(page, "<h2>Counts</h2>")]
	for _, want := range []string{"EPM1-JOB-002", "regressed", "essbase 21.3.0.0.0 → 21.4.0.0.0", "OIG-GONE-001", "EPM2-PAYLOAD-007</code></a>: said fixed in 24.10, still failing in 24.10.60"} {
		if !strings.Contains(first, want) {
			t.Errorf("the first screen lacks %q", want)
		}
	}
}

// TestFirstScreenInBrowser takes screenshots of the first screen in
// headless Chromium, of a run and of a comparison
// (CONFORMANCE_SCREENSHOT=PREFIX keeps them as PREFIX-run.png and
// PREFIX-compare.png, for a person to look at), and reads the rendered
// page: the three sections, and the comparison, are there.
func TestFirstScreenInBrowser(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Skip("!! chromium not installed (apt-get install -y chromium): the first screen was NOT checked in a browser")
	}
	r, x := firstScreenRun(t)
	a, b := sampleRun(), sampleRun()
	b.Scenarios[0].Outcome = Failed
	b.Scenarios[0].Reason = "status 500, want 200"
	b.Finish()
	cmp := Compare("test", "prod", []*Run{a}, []*Run{b})
	if !cmp.Differs() {
		t.Fatal("the sample comparison should differ")
	}
	pages := map[string]struct {
		run  *Run
		x    HTMLExtras
		want []string
	}{
		"run":     {r, x, []string{"What failed (1)", "EPM1-JOB-002", "What changed", "OIG-GONE-001", "What is overdue (1)", "EPM2-PAYLOAD-007"}},
		"compare": {b, HTMLExtras{Comparison: cmp}, []string{"Compared: test vs prod", b.Scenarios[0].ID, "status 500, want 200", "What failed"}},
	}
	dir := t.TempDir()
	for name, p := range pages {
		page := filepath.Join(dir, name+".html")
		var buf bytes.Buffer
		if err := WriteHTMLWith(&buf, p.run, p.x); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		shot := filepath.Join(dir, name+".png")
		if prefix := os.Getenv("CONFORMANCE_SCREENSHOT"); prefix != "" {
			shot = prefix + "-" + name + ".png"
		}
		base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
			"--user-data-dir=" + filepath.Join(dir, "profile-"+name), "--window-size=1280,900"}
		chrome(t, append(base, "--screenshot="+shot, "file://"+page)...)
		data, err := os.ReadFile(shot)
		if err != nil || len(data) < 1000 || !bytes.HasPrefix(data, []byte("\x89PNG")) {
			t.Fatalf("%s: no screenshot: %v (%d bytes)", name, err, len(data))
		}
		dom := chrome(t, append(base, "--dump-dom", "file://"+page)...)
		first := dom
		if i := strings.Index(dom, "<h2>Counts</h2>"); i > 0 {
			first = dom[:i]
		}
		for _, w := range p.want {
			if !strings.Contains(first, w) {
				t.Errorf("%s: the rendered first screen lacks %q", name, w)
			}
		}
		t.Logf("screenshot of the %s first screen: %s", name, shot)
	}
}

func chrome(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, chromium, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.Bytes())
	}
	return stdout.String()
}
