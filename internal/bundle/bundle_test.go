package bundle_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/bundle"
	"github.com/oracle-users-conformance/conformance/internal/report"
	"github.com/oracle-users-conformance/conformance/specs"
)

// reportDir writes the reports of a small run: one passed, one failed
// scenario whose update was undone, one leftover, release versions.
func reportDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	r := &report.Run{
		Version: report.Version, Tool: "conformance", Started: "2026-12-04T08:00:00Z", RunID: "cnfab12", Seed: 1,
		Products: []report.Product{
			{Name: "epm", URL: "https://epm.example", Covered: true, Version: "24.12.60"},
			{Name: "essbase", URL: "https://ess.example", Covered: true, Version: "21.5.0.0.0", Build: "500"},
			{Name: "oig", Covered: false},
		},
		Leftovers: []report.Leftover{{Scenario: "ESS-ADD-001", Undo: "DELETE https://ess.example/essbase/rest/v1/users/cnfab12a01", Error: "503"}},
		Scenarios: []report.Scenario{
			{ID: "EPMV-READ-001", API: "epm-migration", Product: "epm", Outcome: report.Passed, Source: "fixtures/scenarios/epm-versions.yaml:12"},
			{ID: "ESS-ADD-001", API: "essbase", Product: "essbase", Outcome: report.Failed, Reason: "status 500", Source: "fixtures/scenarios/essbase.yaml:24",
				Exchanges: []report.Exchange{
					{Role: "request", Tier: "mutation", Method: "POST", URL: "https://ess.example/essbase/rest/v1/users", Status: 500},
					{Role: "undo", Tier: "mutation", Method: "DELETE", URL: "https://ess.example/essbase/rest/v1/users/cnfab12a01", Status: 503},
				}},
		},
	}
	r.Finish()
	if err := report.WriteAll(dir, r); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "effective-config.yaml"), []byte("products:\n  epm:\n    credentials:\n      admin: {user: svc, password: '********'}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func keys(t *testing.T) (priv, pub []byte) {
	t.Helper()
	pk, sk, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(sk)
	pubDER, _ := x509.MarshalPKIXPublicKey(pk)
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
}

func write(t *testing.T, key []byte) []byte {
	t.Helper()
	quirks, _ := fs.Sub(fixtures.FS, "quirks")
	var b bytes.Buffer
	err := bundle.Write(&b, bundle.Options{ReportDir: reportDir(t), Specs: specs.FS, Quirks: quirks, Tool: "conformance", Version: "v1.2.3", Commit: "abc123", Key: key})
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// entries reads an archive's files.
func entries(t *testing.T, archive []byte) map[string][]byte {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	out := map[string][]byte{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out[h.Name], _ = io.ReadAll(tr)
	}
}

// rewrite copies an archive with one file's bytes changed by edit.
func rewrite(t *testing.T, archive []byte, name string, edit func([]byte) []byte) []byte {
	t.Helper()
	files := entries(t, archive)
	if _, ok := files[name]; !ok {
		t.Fatalf("the bundle has no %s", name)
	}
	files[name] = edit(files[name])
	var b bytes.Buffer
	gz := gzip.NewWriter(&b)
	tw := tar.NewWriter(gz)
	var names []string
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		_ = tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(files[n])), Typeflag: tar.TypeReg})
		_, _ = tw.Write(files[n])
	}
	tw.Close()
	gz.Close()
	return b.Bytes()
}

func TestFreshBundleVerifiesAndHoldsWhatAnAuditorNeeds(t *testing.T) {
	archive := write(t, nil)
	res, err := bundle.Verify(bytes.NewReader(archive), nil)
	if err != nil || !res.OK() {
		t.Fatalf("a fresh bundle does not verify: %+v %v", res, err)
	}
	if res.Signed || res.Result != "FAILED" {
		t.Errorf("unsigned, and the run failed: %+v", res)
	}
	files := entries(t, archive)
	for _, want := range []string{"reports/report.json", "reports/junit.xml", "reports/report.html", "reports/summary.md",
		"config/effective-config.yaml", "specs/essbase-about.yaml", "specs/epm-migration-versions.yaml", "quirks/essbase.yaml",
		"tool.json", "vendor-versions.json", "ledger.json", bundle.StatementPath} {
		if _, ok := files[want]; !ok {
			t.Errorf("the bundle lacks %s", want)
		}
	}
	if res.Files != len(files)-1 {
		t.Errorf("the Statement covers %d files, the archive holds %d besides it", res.Files, len(files)-1)
	}
	stmt := string(files[bundle.StatementPath])
	for _, want := range []string{`"https://in-toto.io/Statement/v1"`, bundle.PredicateType, `"failedTests"`, "ESS-ADD-001", `"sha256"`} {
		if !strings.Contains(stmt, want) {
			t.Errorf("the Statement lacks %s:\n%.1500s", want, stmt)
		}
	}
	for name, want := range map[string]string{
		"tool.json":            `"commit": "abc123"`,
		"vendor-versions.json": `"version": "21.5.0.0.0"`,
		"ledger.json":          `"DELETE https://ess.example/essbase/rest/v1/users/cnfab12a01"`,
	} {
		if !strings.Contains(string(files[name]), want) {
			t.Errorf("%s lacks %s:\n%s", name, want, files[name])
		}
	}
	if strings.Contains(string(files["ledger.json"]), `"not_undone": []`) {
		t.Error("the ledger record lost the leftover")
	}
}

// Any file changed after the bundle was written is named; so is one added
// or taken out.
func TestVerifyNamesTheChangedFile(t *testing.T) {
	archive := write(t, nil)
	for _, name := range []string{"reports/report.json", "specs/essbase-about.yaml", "config/effective-config.yaml", "ledger.json"} {
		bad := rewrite(t, archive, name, func(b []byte) []byte { return append(b, ' ') })
		res, err := bundle.Verify(bytes.NewReader(bad), nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.OK() || !slices.Equal(res.Changed, []string{name}) {
			t.Errorf("changed %s, Verify says %+v", name, res)
		}
	}
}

// With a key: a signed bundle verifies with its public key, fails with
// another, and a file changed together with its digest in the Statement is
// still named, since the signed Statement is the one trusted.
func TestSignedBundle(t *testing.T) {
	priv, pub := keys(t)
	_, otherPub := keys(t)
	archive := write(t, priv)
	res, err := bundle.Verify(bytes.NewReader(archive), pub)
	if err != nil || !res.OK() || !res.Signed || !res.SignatureChecked {
		t.Fatalf("a fresh signed bundle: %+v %v", res, err)
	}
	if _, err := bundle.Verify(bytes.NewReader(archive), otherPub); err == nil || !strings.Contains(err.Error(), "signature") {
		t.Errorf("another key's signature check passed: %v", err)
	}
	// Change a report and rewrite the unsigned Statement to match it.
	files := entries(t, archive)
	forged := rewrite(t, archive, "reports/summary.md", func(b []byte) []byte { return []byte("## Conformance: conformant\n") })
	oldDigest := sha(files["reports/summary.md"])
	newDigest := sha([]byte("## Conformance: conformant\n"))
	forged = rewrite(t, forged, bundle.StatementPath, func(b []byte) []byte {
		return bytes.ReplaceAll(b, []byte(oldDigest), []byte(newDigest))
	})
	res, err = bundle.Verify(bytes.NewReader(forged), pub)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(res.Changed, "reports/summary.md") || !slices.Contains(res.Changed, bundle.StatementPath) {
		t.Errorf("a forged report with a forged Statement passed: %+v", res)
	}
	if _, err := bundle.Verify(bytes.NewReader(write(t, nil)), pub); err == nil {
		t.Error("a key given for an unsigned bundle passed")
	}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
