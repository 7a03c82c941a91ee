package report

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ctrfPackage is the reference implementation whose validator judges
// ctrf.json.
const ctrfPackage = "ctrf@0.3.0"

func TestCTRFFromTheModel(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCTRF(&b, sampleRun()); err != nil {
		t.Fatal(err)
	}
	var doc ctrf
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	r := sampleRun()
	s := doc.Results.Summary
	if s.Tests != len(r.Scenarios) || s.Passed != r.Counts.By[Passed] || s.Failed != r.Counts.By[Failed] ||
		s.Skipped != r.Counts.By[Skipped] || s.Pending != r.Counts.By[NotRun] || s.Other != r.Counts.By[Inconclusive]+r.Counts.By[Known] {
		t.Errorf("summary %+v does not add up to the run's counts %v", s, r.Counts.By)
	}
	if s.Stop-s.Start != 84250 {
		t.Errorf("start %d, stop %d: want the run's 84.25 s apart", s.Start, s.Stop)
	}
	for _, tc := range doc.Results.Tests {
		if tc.RawStatus == string(Failed) && (tc.Status != "failed" || tc.Message == "" || tc.FilePath == "" || tc.Line == 0) {
			t.Errorf("a failed scenario lost its status, reason or row: %+v", tc)
		}
	}
	if !strings.Contains(b.String(), `"essbase": "21.4.0.0.0"`) {
		t.Error("ctrf.json does not name the vendor releases")
	}
}

// TestCTRFPassesTheReferenceValidator validates ctrf.json with the ctrf npm
// package's own validate(), installed into a temporary directory.
func TestCTRFPassesTheReferenceValidator(t *testing.T) {
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skip("!! npm not installed: ctrf.json was NOT checked with the ctrf package's validator (apt-get install -y npm)")
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	install := exec.CommandContext(ctx, npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", dir, ctrfPackage)
	if out, err := install.CombinedOutput(); err != nil {
		t.Skipf("!! npm could not install %s (%v): ctrf.json was NOT checked with its validator\n%s", ctrfPackage, err, out)
	}
	var b bytes.Buffer
	if err := WriteCTRF(&b, sampleRun()); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "ctrf.json")
	if err := os.WriteFile(good, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	// A document the validator must refuse proves it is really judging.
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, bytes.Replace(b.Bytes(), []byte(`"status": "failed"`), []byte(`"status": "broken"`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	script := `const { validate } = require("ctrf");
const fs = require("fs");
const r = validate(JSON.parse(fs.readFileSync(process.argv[1], "utf8")));
console.log(JSON.stringify(r));
process.exit(r.valid ? 0 : 1);`
	run := func(file string) (string, error) {
		cmd := exec.CommandContext(ctx, "node", "-e", script, file)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(dir, "node_modules"))
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run(good); err != nil {
		t.Errorf("ctrf.json fails the reference validator: %v\n%s", err, out)
	}
	if out, err := run(bad); err == nil {
		t.Errorf("the validator accepted a test with status \"broken\": %s", out)
	}
}
