package cli_test

import (
	"archive/tar"
	"compress/gzip"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/cli"
)

func writeKeys(t *testing.T, dir, name string) (priv, pub string) {
	t.Helper()
	pk, sk, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(sk)
	pubDER, _ := x509.MarshalPKIXPublicKey(pk)
	priv, pub = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".pub.pem")
	writeFile(t, priv, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})))
	writeFile(t, pub, string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})))
	return priv, pub
}

// A run's reports, bundled and signed, verify offline; a report changed
// afterwards is named and fails verify; so does another key.
func TestReportBundleAndVerify(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	reports := filepath.Join(dir, "reports")
	if r := conformance(t, nil, "run", "--label-filter", "api:epm-migration || id:ESS-ABOUT-001", "--report-dir", reports); r.code != cli.ExitPass {
		t.Fatalf("run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	priv, pub := writeKeys(t, dir, "signer")
	_, otherPub := writeKeys(t, dir, "other")
	archive := filepath.Join(dir, "bundle.tar.gz")
	if r := conformance(t, nil, "report", "bundle", "--report-dir", reports, "--key", priv, "--out", archive); r.code != cli.ExitPass {
		t.Fatalf("bundle: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r := conformance(t, nil, "report", "verify", archive, "--pub", pub)
	if r.code != cli.ExitPass || !strings.Contains(r.stdout, "signature verified") || !strings.Contains(r.stdout, "test result PASSED") {
		t.Fatalf("verify a fresh bundle: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := conformance(t, nil, "report", "verify", archive, "--pub", otherPub); r.code != cli.ExitFail || !strings.Contains(r.stderr, "signature") {
		t.Errorf("verify with another key: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// The run's summary changed after the fact, bundled again without the
	// key over the same Statement: verify names the file.
	if err := os.WriteFile(filepath.Join(reports, "summary.md"), []byte("## Conformance: conformant\n(edited)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tampered := filepath.Join(dir, "tampered.tar.gz")
	swapEntry(t, archive, tampered, "reports/summary.md", filepath.Join(reports, "summary.md"))
	r = conformance(t, nil, "report", "verify", tampered, "--pub", pub)
	if r.code != cli.ExitFail || !strings.Contains(r.stdout, "CHANGED  reports/summary.md") {
		t.Errorf("verify a changed bundle: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// swapEntry copies a tar.gz archive, replacing one entry's bytes with a
// file's, as someone editing a bundle by hand would.
func swapEntry(t *testing.T, from, to, name, with string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	repl, err := os.ReadFile(with)
	if err != nil {
		t.Fatal(err)
	}
	gr, err := gzip.NewReader(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	gw := gzip.NewWriter(out)
	tr, tw := tar.NewReader(gr), tar.NewWriter(gw)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(tr)
		if h.Name == name {
			data = repl
		}
		h.Size = int64(len(data))
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		_, _ = tw.Write(data)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gw.Close(); err != nil {
		t.Fatal(err)
	}
}
