package ociimage_test

import (
	"archive/tar"
	"debug/elf"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/oracle-users-conformance/conformance/internal/ociimage"
)

// The image as a user's container runtime would see it: its OCI layout is
// read back, the layers of this machine's platform unpacked into a
// directory, and the binary there runs: it reports the version it was
// stamped with and passes a run against its embedded mock. It runs as a
// non-root user, and the binary is static (no dynamic loader to find).
func TestImageRunsFromItsOwnFilesystem(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skipf("!! SKIPPED: the image holds linux binaries; this machine is %s", runtime.GOOS)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "conformance")
	build := exec.Command("go", "build", "-trimpath", "-o", bin,
		"-ldflags", "-X github.com/oracle-users-conformance/conformance/internal/cli.Version=9.8.7-test -X github.com/oracle-users-conformance/conformance/internal/cli.Commit=abc123",
		"github.com/oracle-users-conformance/conformance/cmd/conformance")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ca := ociimage.CABundle
	if _, err := os.Stat(ca); err != nil {
		ca = ""
	}
	platform := "linux/" + runtime.GOARCH
	out := filepath.Join(dir, "image")
	if _, err := ociimage.Build(out, ociimage.Options{Binaries: map[string]string{platform: bin}, CAFile: ca,
		Version: "9.8.7-test", Commit: "abc123", Created: time.Unix(0, 0).UTC()}); err != nil {
		t.Fatal(err)
	}

	idx, err := layout.ImageIndexFromPath(out)
	if err != nil {
		t.Fatal(err)
	}
	man, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(man.Manifests) != 1 || man.Manifests[0].Platform == nil || man.Manifests[0].Platform.String() != platform {
		t.Fatalf("index manifests %+v, want one for %s", man.Manifests, platform)
	}
	img, err := idx.Image(man.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if u := cf.Config.User; u == "" || u == "0" || strings.HasPrefix(u, "0:") || u == "root" {
		t.Errorf("the image runs as %q, want a non-root user", u)
	}
	if ep := cf.Config.Entrypoint; len(ep) != 1 || ep[0] != ociimage.BinaryPath {
		t.Errorf("entrypoint %q", ep)
	}

	root := filepath.Join(dir, "rootfs")
	unpack(t, mutate.Extract(img), root)
	inImage := filepath.Join(root, filepath.FromSlash(ociimage.BinaryPath))
	f, err := elf.Open(inImage)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s is dynamically linked: the image has no loader for it", ociimage.BinaryPath)
		}
	}
	f.Close()
	if ca != "" {
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(ociimage.CABundle))); err != nil {
			t.Errorf("no CA bundle in the image: %v", err)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "etc", "passwd")); err != nil {
		t.Errorf("no /etc/passwd for the non-root user: %v", err)
	}

	v, err := exec.Command(inImage, "version").CombinedOutput()
	if err != nil || !strings.Contains(string(v), "conformance 9.8.7-test (commit abc123") {
		t.Errorf("conformance version from the image: %v: %s", err, v)
	}
	run := exec.Command(inImage, "run", "--label-filter", "api:epm-v2 && !generated", "--report-dir", filepath.Join(dir, "reports"))
	run.Env = append(os.Environ(), "CONFORMANCE_RATE=0")
	if o, err := run.CombinedOutput(); err != nil {
		t.Errorf("the image's binary did not pass its embedded mock run: %v\n%s", err, o)
	}
}

// unpack writes a flattened image filesystem into dir.
func unpack(t *testing.T, rc io.ReadCloser, dir string) {
	t.Helper()
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(h.Name))
		if !strings.HasPrefix(p, dir+string(filepath.Separator)) {
			t.Fatalf("layer entry %q leaves the root", h.Name)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			w, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(h.Mode)&0o777)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.Copy(w, tr); err != nil {
				t.Fatal(err)
			}
			w.Close()
		}
	}
}
