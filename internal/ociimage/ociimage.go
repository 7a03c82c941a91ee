// Package ociimage assembles the container image of a release: the static
// linux binaries GoReleaser built, on an empty base with the CA roots (so
// TLS to a live target verifies), a non-root user and a writable home,
// one manifest per platform under one index, written as an OCI image
// layout. No daemon and no registry is involved: the image is built with
// go-containerregistry (the library ko is built on) straight from the
// files. ko itself needs its base image from a registry, and ko cannot
// start from an empty one; this machine and CI reach no registry.
package ociimage

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Where things are in the image.
const (
	BinaryPath = "/usr/local/bin/conformance"
	Home       = "/home/nonroot"
	// UID is the unprivileged user the image runs as (the "nonroot" of
	// distroless and Chainguard images).
	UID = 65532
	// CABundle is where Go's crypto/x509 looks first on Linux.
	CABundle = "/etc/ssl/certs/ca-certificates.crt"
)

// Options are one release's image.
type Options struct {
	// Binaries are the linux binaries by platform ("linux/amd64").
	Binaries map[string]string
	// CAFile is the CA bundle copied into the image; empty leaves it out
	// (then TLS needs a ca_file mounted into the container).
	CAFile          string
	Version, Commit string
	Created         time.Time
}

// Build writes the image index as an OCI layout into dir.
func Build(dir string, o Options) (v1.ImageIndex, error) {
	base, err := baseLayer(o.CAFile, o.Created)
	if err != nil {
		return nil, err
	}
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, platform := range sortedKeys(o.Binaries) {
		p, err := v1.ParsePlatform(platform)
		if err != nil {
			return nil, err
		}
		bin, err := os.ReadFile(o.Binaries[platform])
		if err != nil {
			return nil, err
		}
		app, err := layer(o.Created, file{BinaryPath, 0o755, 0, bin})
		if err != nil {
			return nil, err
		}
		img := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
		if img, err = mutate.AppendLayers(img, base, app); err != nil {
			return nil, err
		}
		cf, err := img.ConfigFile()
		if err != nil {
			return nil, err
		}
		cf = cf.DeepCopy()
		cf.OS, cf.Architecture, cf.Variant = p.OS, p.Architecture, p.Variant
		cf.Created = v1.Time{Time: o.Created}
		cf.Config.User = fmt.Sprintf("%d:%d", UID, UID)
		cf.Config.WorkingDir = Home
		cf.Config.Entrypoint = []string{BinaryPath}
		cf.Config.Cmd = []string{"--help"}
		cf.Config.Env = []string{"HOME=" + Home}
		cf.Config.Labels = map[string]string{
			"org.opencontainers.image.title":    "conformance",
			"org.opencontainers.image.version":  o.Version,
			"org.opencontainers.image.revision": o.Commit,
		}
		if img, err = mutate.ConfigFile(img, cf); err != nil {
			return nil, err
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: p}})
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if _, err := layout.Write(dir, idx); err != nil {
		return nil, err
	}
	return idx, nil
}

type file struct {
	path string
	mode int64
	uid  int
	data []byte
}

// baseLayer: users, a writable home and /tmp, the CA roots.
func baseLayer(caFile string, created time.Time) (v1.Layer, error) {
	files := []file{
		{"/etc/passwd", 0o644, 0, []byte(fmt.Sprintf("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:%d:%d:nonroot:%s:/sbin/nologin\n", UID, UID, Home))},
		{"/etc/group", 0o644, 0, []byte(fmt.Sprintf("root:x:0:\nnonroot:x:%d:\n", UID))},
		{"/tmp/", 0o1777, 0, nil},
		{Home + "/", 0o755, UID, nil},
	}
	if caFile != "" {
		ca, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("CA bundle: %w", err)
		}
		files = append(files, file{CABundle, 0o644, 0, ca})
	}
	return layer(created, files...)
}

// layer is an uncompressed-in-memory tar of the files, with their parent
// directories, as an OCI layer.
func layer(created time.Time, files ...file) (v1.Layer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	dirs := map[string]bool{}
	for _, f := range files {
		for _, d := range parents(f.path) {
			if !dirs[d] {
				dirs[d] = true
				if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d[1:], Mode: 0o755, ModTime: created}); err != nil {
					return nil, err
				}
			}
		}
		h := &tar.Header{Name: f.path[1:], Mode: f.mode, Uid: f.uid, Gid: f.uid, ModTime: created}
		if f.data == nil && f.path[len(f.path)-1] == '/' {
			h.Typeflag = tar.TypeDir
			dirs[f.path] = true
		} else {
			h.Typeflag, h.Size = tar.TypeReg, int64(len(f.data))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	// WithCompressedCaching: the layer is compressed once, for its digest,
	// and those bytes are what the layout gets; without it a 30 MB binary
	// is compressed a second time when written.
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
		tarball.WithMediaType(types.OCILayer), tarball.WithCompressedCaching)
}

// parents are the directories above a path, outermost first, each with a
// trailing slash ("/usr/", "/usr/local/").
func parents(p string) []string {
	var out []string
	for i := 1; i < len(p)-1; i++ {
		if p[i] == '/' {
			out = append(out, p[:i+1])
		}
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
