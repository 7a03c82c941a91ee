package report

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

const chromium = "/usr/bin/chromium"

// TestHTMLInBrowser opens a failing run's report.html from disk in headless
// Chromium, as a person would, and reads the page after its script ran:
// the failing scenario, its transcript and its broken rule must be there.
func TestHTMLInBrowser(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Skip("chromium not installed (apt-get install -y chromium): the HTML report was not checked in a browser")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	var b bytes.Buffer
	if err := WriteHTML(&b, sampleRun()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + filepath.Join(dir, "profile"), "--dump-dom", "file://" + page}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, chromium, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.Bytes())
	}
	dom := stdout.String()
	if !regexp.MustCompile(`<body[^>]* data-ready="1"`).MatchString(dom) {
		t.Fatalf("the page's script did not run to the end (no data-ready on <body>):\n%.2000s", dom)
	}
	for _, want := range []string{
		`id="EPM2-PAYLOAD-007"`,
		"PUT " + epmURL + "/interop/rest/security/v2/users/update",
		`"firstname": "No &lt;Body&gt; &amp; Co"`,
		"invariant",
		"specs/epm-users-v2.yaml#/paths/~1interop~1rest~1security~1v2~1users~1update/put/responses/200",
		"fixtures/scenarios/epm-v2.yaml:112",
		"Q-EPM2-003",
		"7 of 7 shown", // written by the script
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("the rendered page lacks %q", want)
		}
	}
	if !regexp.MustCompile(`<details class="sc" id="EPM2-PAYLOAD-007"[^>]* open`).MatchString(dom) {
		t.Error("the failed scenario does not start expanded")
	}
}

// TestHTMLSelfContained: nothing is fetched, so the file opens from disk or
// a CI artifact, offline.
func TestHTMLSelfContained(t *testing.T) {
	page := string(readFile(t, "testdata/sample/report.html"))
	for _, ref := range []string{"<script src", "<link", "@import", "url(", "src=\"http", "href=\"http"} {
		if strings.Contains(page, ref) {
			t.Errorf("report.html refers to something outside itself: %q", ref)
		}
	}
}

// bigRun is the size the HTML must stay fast for: ~350 scenarios, ~700
// exchanges, some with bodies far over BodyLimit.
func bigRun() *Run {
	r := &Run{RunID: "cnfbig1", Seed: 1, Products: []Product{{Name: "essbase", Covered: true}}}
	huge := strings.Repeat("Jen Power,jenp,jen.power@example.com,User\n", 5000) // ~210 KB
	for i := range 350 {
		o := []Outcome{Passed, Passed, Passed, Failed, Skipped}[i%5]
		s := Scenario{ID: fmt.Sprintf("ESS-PAYLOAD-%03d", i), Title: "row", API: "essbase", Kind: "payload", Outcome: o, Source: "fixtures/scenarios/essbase.yaml:1"}
		for j := range 2 {
			e := Exchange{Role: "request", Method: "POST", URL: "https://essbase.example.com/essbase/rest/v1/users", Status: 200,
				RequestBody: `{"id":"cnfbig1u","name":"Jen Power"}`, ResponseBody: `{"items":[]}`}
			if i%50 == 0 && j == 0 {
				e.RequestBody = huge
			}
			s.Exchanges = append(s.Exchanges, e)
		}
		r.Scenarios = append(r.Scenarios, s)
	}
	r.Finish()
	return r
}

func TestHTMLClipsHugeBodies(t *testing.T) {
	var b bytes.Buffer
	if err := WriteHTML(&b, bigRun()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "more bytes not shown; report.json has the whole body]") {
		t.Error("a 210 KB body was not clipped")
	}
	// 7 bodies of 210 KB, clipped to 16 KiB, and 700 small exchanges.
	if b.Len() > 1<<20 {
		t.Errorf("report.html of 350 scenarios is %d bytes; clipping should keep it under 1 MiB", b.Len())
	}
}

func BenchmarkWriteHTML(b *testing.B) {
	r := bigRun()
	var out bytes.Buffer
	for b.Loop() {
		out.Reset()
		if err := WriteHTML(&out, r); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(out.Len()))
}

func BenchmarkWriteAll(b *testing.B) {
	r := bigRun()
	dir := b.TempDir()
	for b.Loop() {
		if err := WriteAll(dir, r); err != nil {
			b.Fatal(err)
		}
	}
}
