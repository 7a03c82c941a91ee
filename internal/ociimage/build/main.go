// Command build writes the release's container image (internal/ociimage)
// from the linux binaries GoReleaser left in dist/, as an OCI image layout:
//
//	go run ./internal/ociimage/build --dist dist --out dist/image
//
// `make release` runs it after GoReleaser.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/ociimage"
)

func main() {
	dist := flag.String("dist", "dist", "GoReleaser's dist directory")
	out := flag.String("out", filepath.Join("dist", "image"), "where the OCI image layout goes")
	ca := flag.String("ca", ociimage.CABundle, "CA bundle copied into the image (empty: none)")
	flag.Parse()
	// GoReleaser records the version and commit it stamped into the binaries.
	var meta struct {
		Version string    `json:"version"`
		Commit  string    `json:"commit"`
		Date    time.Time `json:"date"`
	}
	data, err := os.ReadFile(filepath.Join(*dist, "metadata.json"))
	if err == nil {
		err = json.Unmarshal(data, &meta)
	}
	if err != nil {
		fail(fmt.Errorf("%s: %w (run GoReleaser first: make release)", filepath.Join(*dist, "metadata.json"), err))
	}
	bins := map[string]string{}
	for _, arch := range []string{"amd64", "arm64"} {
		matches, _ := filepath.Glob(filepath.Join(*dist, "conformance_linux_"+arch+"*", "conformance"))
		if len(matches) != 1 {
			fail(fmt.Errorf("want one linux/%s binary under %s, found %q", arch, *dist, matches))
		}
		bins["linux/"+arch] = matches[0]
	}
	if _, err := os.Stat(*ca); *ca != "" && err != nil {
		fmt.Fprintf(os.Stderr, "!! no CA bundle at %s: the image trusts no CA; mount one and name it with tls.ca_file\n", *ca)
		*ca = ""
	}
	idx, err := ociimage.Build(*out, ociimage.Options{Binaries: bins, CAFile: *ca, Version: meta.Version, Commit: meta.Commit, Created: meta.Date})
	if err != nil {
		fail(err)
	}
	digest, err := idx.Digest()
	if err != nil {
		fail(err)
	}
	fmt.Printf("image %s (linux/amd64, linux/arm64) written to %s as an OCI layout\n", digest, *out)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "ociimage:", err)
	os.Exit(1)
}
