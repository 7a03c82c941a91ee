package cli

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/buildinfo"
	"github.com/oracle-users-conformance/conformance/internal/bundle"
	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/report"
	"github.com/oracle-users-conformance/conformance/specs"
)

const bundleUsage = `Usage:
  conformance report bundle [--report-dir reports] [--out FILE] [--key ed25519.pem] [--fixtures DIR]
      one archive (tar.gz) an auditor files: the reports of the run in
      --report-dir, the specs and the quirks register with their SHA-256
      digests, this tool's version and commit, the effective configuration
      (secrets masked), the ledger's record (what was changed, undone, not
      undone), the vendor releases; an in-toto Statement with the test-result
      predicate over every file's digest, signed (DSSE, ed25519) with --key.
      Default --out: DIR/bundle.tar.gz. Exit 0, or 2 when an input is unusable.
  conformance report verify BUNDLE [--pub ed25519.pub.pem]
      checks a bundle offline: every file against the Statement's digests,
      nothing missing or added, and with --pub the signature. Names any file
      that changed. Exit 0: intact; 1: a file changed or the signature does
      not verify; 2: not a bundle.
`

func reportBundle(args []string, stdout, stderr io.Writer) int {
	flags := newFlagSet("report bundle", bundleUsage, stderr)
	dir := flags.String(config.ReportDirSetting.Flag, config.Default().ReportDir, "the run's reports (report.json, effective-config.yaml, …)")
	out := flags.String("out", "", "the archive to write (default REPORT-DIR/bundle.tar.gz)")
	keyFile := flags.String("key", "", "PEM ed25519 private key (PKCS #8) to sign the Statement with")
	fixturesDir := flags.String(config.FixturesSetting.Flag, "", "the fixtures directory the run used (its quirks register), instead of the built-in copy")
	rest, err := parseInterleaved(flags, args)
	if err != nil {
		return parseExit(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "conformance report bundle: unexpected arguments %q\n\n%s", rest, bundleUsage)
		return report.ExitBadConfig
	}
	o := bundle.Options{ReportDir: *dir, Specs: specs.FS, Tool: "conformance"}
	o.Version, o.Commit = buildinfo.Read()
	var fx fs.FS = fixtures.FS
	if *fixturesDir != "" {
		fx = os.DirFS(*fixturesDir)
	}
	if o.Quirks, err = fs.Sub(fx, "quirks"); err == nil && *keyFile != "" {
		o.Key, err = os.ReadFile(*keyFile)
	}
	if err != nil {
		fmt.Fprintf(stderr, "conformance report bundle: %v\n", err)
		return report.ExitBadConfig
	}
	if *out == "" {
		*out = filepath.Join(*dir, "bundle.tar.gz")
	}
	var b bytes.Buffer
	if err := bundle.Write(&b, o); err != nil {
		fmt.Fprintf(stderr, "conformance report bundle: %v\n", err)
		return report.ExitBadConfig
	}
	if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
		fmt.Fprintf(stderr, "conformance report bundle: %v\n", err)
		return report.ExitBadConfig
	}
	signed := "unsigned"
	if len(o.Key) > 0 {
		signed = "signed"
	}
	fmt.Fprintf(stdout, "bundle written to %s (%s; conformance %s, commit %s)\n", *out, signed, o.Version, o.Commit)
	return report.ExitConformant
}

func reportVerify(args []string, stdout, stderr io.Writer) int {
	flags := newFlagSet("report verify", bundleUsage, stderr)
	pubFile := flags.String("pub", "", "PEM ed25519 public key the bundle must be signed with")
	rest, err := parseInterleaved(flags, args)
	if err != nil {
		return parseExit(err)
	}
	if len(rest) != 1 {
		fmt.Fprintf(stderr, "conformance report verify: name one bundle\n\n%s", bundleUsage)
		return report.ExitBadConfig
	}
	var pub []byte
	if *pubFile != "" {
		if pub, err = os.ReadFile(*pubFile); err != nil {
			fmt.Fprintf(stderr, "conformance report verify: %v\n", err)
			return report.ExitBadConfig
		}
	}
	f, err := os.Open(rest[0])
	if err != nil {
		fmt.Fprintf(stderr, "conformance report verify: %v\n", err)
		return report.ExitBadConfig
	}
	defer f.Close()
	res, err := bundle.Verify(f, pub)
	if err != nil {
		fmt.Fprintf(stderr, "conformance report verify: %s: %v\n", rest[0], err)
		if res.Signed && len(pub) > 0 {
			return report.ExitNotConformant
		}
		return report.ExitBadConfig
	}
	for _, n := range res.Changed {
		fmt.Fprintf(stdout, "CHANGED  %s\n", n)
	}
	for _, n := range res.Missing {
		fmt.Fprintf(stdout, "MISSING  %s\n", n)
	}
	for _, n := range res.Added {
		fmt.Fprintf(stdout, "ADDED    %s\n", n)
	}
	sig := "unsigned"
	switch {
	case res.SignatureChecked:
		sig = "signature verified"
	case res.Signed:
		sig = "signed, signature NOT checked (give --pub)"
	}
	if !res.OK() {
		fmt.Fprintf(stdout, "%s: NOT intact (%s)\n", rest[0], sig)
		return report.ExitNotConformant
	}
	fmt.Fprintf(stdout, "%s: intact, %d files as the Statement says (%s); test result %s\n", rest[0], res.Files, sig, res.Result)
	return report.ExitConformant
}
