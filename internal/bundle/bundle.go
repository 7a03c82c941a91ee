// Package bundle writes and verifies the archive an auditor files after a
// run: the reports, the specs and the quirks register the run judged by,
// the tool's version and commit, the effective configuration (secrets
// masked, as the run wrote it), the ledger's record of what the run changed
// and undid and what it could not undo, and the vendor releases it saw.
//
// Every file's SHA-256 digest is a subject of an in-toto Statement (in-toto
// attestation framework v1) with the test-result predicate
// (https://in-toto.io/attestation/test-result/v0.1), written with in-toto's
// own Go package; with a key the Statement is also signed as a DSSE
// envelope (ed25519, secure-systems-lab's dsse package). Verify checks an
// archive offline: every file against its digest, no file missing or
// added, and the signature against a public key.
package bundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	testresult "github.com/in-toto/attestation/go/predicates/test_result/v0"
	attestation "github.com/in-toto/attestation/go/v1"
	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	"github.com/secure-systems-lab/go-securesystemslib/signerverifier"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/oracle-users-conformance/conformance/internal/report"
)

// Paths inside the archive.
const (
	StatementPath = "attestation/statement.json"
	EnvelopePath  = "attestation/statement.dsse.json"
	// PredicateType is in-toto's test-result predicate.
	PredicateType = "https://in-toto.io/attestation/test-result/v0.1"
	// PayloadType is the DSSE payload type of an in-toto Statement.
	PayloadType = "application/vnd.in-toto+json"
)

// Options say what goes into a bundle.
type Options struct {
	// ReportDir holds the run's reports; report.json must be there. Every
	// file under it goes in under reports/ (earlier bundles excepted).
	ReportDir string
	// Specs and Quirks are the specs and the quirks register the run
	// judged by (the binary's built-in copies, or a --fixtures directory's).
	Specs, Quirks fs.FS
	// Tool is the tool's name, Version and Commit its build.
	Tool, Version, Commit string
	// Key is a PEM ed25519 private key; empty writes an unsigned bundle.
	Key []byte
	// Now stamps the archive's entries (zero: the run's start, so two
	// bundles of one run are the same bytes).
	Now time.Time
}

type file struct {
	name string
	data []byte
}

// Write writes the bundle as a gzip-compressed tar archive.
func Write(w io.Writer, o Options) error {
	run, err := report.LoadJSON(filepath.Join(o.ReportDir, "report.json"))
	if err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	var files []file
	err = filepath.WalkDir(o.ReportDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasSuffix(p, ".tar.gz") {
			return nil
		}
		rel, _ := filepath.Rel(o.ReportDir, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		name := "reports/" + filepath.ToSlash(rel)
		if rel == "effective-config.yaml" {
			name = "config/effective-config.yaml"
		}
		files = append(files, file{name, data})
		return nil
	})
	if err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	for _, src := range []struct {
		fsys   fs.FS
		prefix string
	}{{o.Specs, "specs/"}, {o.Quirks, "quirks/"}} {
		if src.fsys == nil {
			continue
		}
		err := fs.WalkDir(src.fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".json")) {
				return err
			}
			data, err := fs.ReadFile(src.fsys, p)
			files = append(files, file{src.prefix + p, data})
			return err
		})
		if err != nil {
			return fmt.Errorf("bundle: %w", err)
		}
	}
	tool, _ := json.MarshalIndent(map[string]string{"tool": o.Tool, "version": o.Version, "commit": o.Commit, "go": runtime.Version()}, "", "  ")
	versions, _ := json.MarshalIndent(vendorVersions(run), "", "  ")
	ledger, _ := json.MarshalIndent(LedgerOf(run), "", "  ")
	files = append(files,
		file{"tool.json", append(tool, '\n')},
		file{"vendor-versions.json", append(versions, '\n')},
		file{"ledger.json", append(ledger, '\n')})
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })

	stmt, err := statement(run, files)
	if err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	files = append(files, file{StatementPath, stmt})
	if len(o.Key) > 0 {
		env, err := sign(stmt, o.Key)
		if err != nil {
			return fmt.Errorf("bundle: signing: %w", err)
		}
		files = append(files, file{EnvelopePath, env})
	}
	stamp := o.Now
	if stamp.IsZero() {
		stamp, _ = time.Parse(time.RFC3339, run.Started)
	}
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	for _, f := range files {
		h := &tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.data)), ModTime: stamp, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if _, err := tw.Write(f.data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

// VendorVersion is one product's release as the run saw it.
type VendorVersion struct {
	Product string `json:"product"`
	Version string `json:"version"`
	Build   string `json:"build,omitempty"`
	Note    string `json:"note,omitempty"`
}

func vendorVersions(r *report.Run) []VendorVersion {
	var out []VendorVersion
	for _, p := range r.Products {
		if p.Covered {
			out = append(out, VendorVersion{Product: p.Name, Version: r.VendorVersion(p.Name), Build: p.Build, Note: p.VersionNote})
		}
	}
	return out
}

// Ledger is the ledger's record as the run's evidence holds it: each
// request that could change data and was sent, each undo and how it
// ended, what could not be undone, and what no API can undo.
type Ledger struct {
	Changed      []LedgerEntry     `json:"changed"`
	Undone       []LedgerEntry     `json:"undone"`
	NotUndone    []report.Leftover `json:"not_undone"`
	NotUndoable  []string          `json:"not_undoable,omitempty"`
	Interrupted  string            `json:"interrupted,omitempty"`
	ScenarioRuns int               `json:"scenarios"`
}

// LedgerEntry is one request of the ledger's record.
type LedgerEntry struct {
	Scenario string `json:"scenario"`
	Request  string `json:"request"` // "PUT https://…/users/cnfab12u001"
	Status   int    `json:"status,omitempty"`
	Error    string `json:"error,omitempty"`
}

// LedgerOf derives the ledger's record from a run's exchanges.
func LedgerOf(r *report.Run) Ledger {
	l := Ledger{NotUndone: r.Leftovers, Interrupted: r.Interrupted, ScenarioRuns: len(r.Scenarios)}
	if l.NotUndone == nil {
		l.NotUndone = []report.Leftover{}
	}
	l.Changed, l.Undone = []LedgerEntry{}, []LedgerEntry{}
	for _, s := range r.Scenarios {
		for _, e := range s.Exchanges {
			entry := LedgerEntry{Scenario: s.ID, Request: e.Method + " " + e.URL, Status: e.Status, Error: e.Error}
			switch {
			case e.Role == "undo":
				l.Undone = append(l.Undone, entry)
			case e.Tier == "mutation" && (e.Status != 0 || e.Error == ""):
				l.Changed = append(l.Changed, entry)
			}
		}
	}
	for _, n := range r.Notes {
		if strings.Contains(n, "no undo could put them back") || strings.Contains(n, "cannot be undone") {
			l.NotUndoable = append(l.NotUndoable, n)
		}
	}
	return l
}

// statement is the in-toto Statement over the files' digests with the
// test-result predicate of the run.
func statement(r *report.Run, files []file) ([]byte, error) {
	st := &attestation.Statement{Type: attestation.StatementTypeUri, PredicateType: PredicateType}
	var config []*attestation.ResourceDescriptor
	for _, f := range files {
		d := &attestation.ResourceDescriptor{Name: f.name, Digest: map[string]string{"sha256": digest(f.data)}}
		st.Subject = append(st.Subject, d)
		if strings.HasPrefix(f.name, "config/") || strings.HasPrefix(f.name, "specs/") || strings.HasPrefix(f.name, "quirks/") || f.name == "tool.json" {
			config = append(config, d)
		}
	}
	tr := &testresult.TestResult{Result: result(r.Verdict), Configuration: config}
	for _, s := range r.Scenarios {
		switch s.Outcome {
		case report.Passed:
			tr.PassedTests = append(tr.PassedTests, s.ID)
		case report.Failed:
			tr.FailedTests = append(tr.FailedTests, s.ID)
		case report.Known, report.Inconclusive:
			tr.WarnedTests = append(tr.WarnedTests, s.ID)
		}
	}
	pj, err := protojson.Marshal(tr)
	if err != nil {
		return nil, err
	}
	pred := &structpb.Struct{}
	if err := protojson.Unmarshal(pj, pred); err != nil {
		return nil, err
	}
	st.Predicate = pred
	if err := st.Validate(); err != nil {
		return nil, err
	}
	out, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(st)
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// result maps the verdict to the predicate's PASSED, WARNED or FAILED: a
// partial run (nothing failed, something skipped) is a warning.
func result(verdict string) string {
	switch verdict {
	case report.VerdictConformant:
		return "PASSED"
	case report.VerdictPartial:
		return "WARNED"
	}
	return "FAILED"
}

func digest(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func sign(payload, pemKey []byte) ([]byte, error) {
	key, err := signerverifier.LoadKey(pemKey)
	if err != nil {
		return nil, err
	}
	if key.KeyType != signerverifier.ED25519KeyType || key.KeyVal.Private == "" {
		return nil, errors.New("the key is not an ed25519 private key (PEM, PKCS #8)")
	}
	sv, err := signerverifier.NewED25519SignerVerifierFromSSLibKey(key)
	if err != nil {
		return nil, err
	}
	es, err := dsse.NewEnvelopeSigner(sv)
	if err != nil {
		return nil, err
	}
	env, err := es.SignPayload(context.Background(), PayloadType, payload)
	if err != nil {
		return nil, err
	}
	out, err := json.MarshalIndent(env, "", "  ")
	return append(out, '\n'), err
}

// Result is what Verify found.
type Result struct {
	// Files is how many files the Statement covers.
	Files int
	// Changed, Missing and Added name files whose digest differs, files
	// the Statement names that the archive lacks, and files it does not
	// name.
	Changed, Missing, Added []string
	// Signed: the archive holds a DSSE envelope; SignatureChecked: it was
	// verified against the public key given.
	Signed, SignatureChecked bool
	// Result is the predicate's PASSED, WARNED or FAILED.
	Result string
}

// OK reports whether every file is as the Statement says.
func (r Result) OK() bool { return len(r.Changed)+len(r.Missing)+len(r.Added) == 0 }

// Verify reads a bundle and checks every file against the Statement, and,
// when pub (a PEM ed25519 public key) is given, the envelope's signature
// over it; a signature that does not verify, or a key given for an
// unsigned bundle, is an error. It sends nothing anywhere.
func Verify(r io.Reader, pub []byte) (Result, error) {
	var res Result
	gz, err := gzip.NewReader(r)
	if err != nil {
		return res, fmt.Errorf("not a bundle (gzip): %w", err)
	}
	tr := tar.NewReader(gz)
	files := map[string][]byte{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return res, fmt.Errorf("not a bundle (tar): %w", err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(tr, 1<<30))
		if err != nil {
			return res, err
		}
		files[path.Clean(h.Name)] = data
	}
	stmtBytes, ok := files[StatementPath]
	if !ok {
		return res, fmt.Errorf("the bundle has no %s", StatementPath)
	}
	if env, signed := files[EnvelopePath]; signed {
		res.Signed = true
		var e dsse.Envelope
		if err := json.Unmarshal(env, &e); err != nil {
			return res, fmt.Errorf("%s: %w", EnvelopePath, err)
		}
		payload, err := e.DecodeB64Payload()
		if err != nil {
			return res, fmt.Errorf("%s: %w", EnvelopePath, err)
		}
		if !bytes.Equal(payload, stmtBytes) {
			res.Changed = append(res.Changed, StatementPath)
		}
		if len(pub) > 0 {
			if err := verifySignature(&e, pub); err != nil {
				return res, fmt.Errorf("the signature does not verify with that key: %w", err)
			}
			res.SignatureChecked = true
			stmtBytes = payload // the signed Statement is the one to trust
		}
	} else if len(pub) > 0 {
		return res, errors.New("a public key was given but the bundle is not signed")
	}
	var st attestation.Statement
	if err := protojson.Unmarshal(stmtBytes, &st); err != nil {
		return res, fmt.Errorf("%s: %w", StatementPath, err)
	}
	if err := st.Validate(); err != nil {
		return res, fmt.Errorf("%s: %w", StatementPath, err)
	}
	if st.GetPredicateType() != PredicateType {
		return res, fmt.Errorf("%s: predicate type %q, want %q", StatementPath, st.GetPredicateType(), PredicateType)
	}
	if p := st.GetPredicate(); p != nil {
		res.Result = p.GetFields()["result"].GetStringValue()
	}
	named := map[string]bool{StatementPath: true, EnvelopePath: true}
	for _, s := range st.GetSubject() {
		res.Files++
		named[s.GetName()] = true
		data, ok := files[s.GetName()]
		switch {
		case !ok:
			res.Missing = append(res.Missing, s.GetName())
		case digest(data) != s.GetDigest()["sha256"]:
			res.Changed = append(res.Changed, s.GetName())
		}
	}
	for name := range files {
		if !named[name] {
			res.Added = append(res.Added, name)
		}
	}
	sort.Strings(res.Changed)
	sort.Strings(res.Missing)
	sort.Strings(res.Added)
	return res, nil
}

func verifySignature(e *dsse.Envelope, pub []byte) error {
	key, err := signerverifier.LoadKey(pub)
	if err != nil {
		return err
	}
	if key.KeyType != signerverifier.ED25519KeyType {
		return errors.New("the key is not an ed25519 key")
	}
	key.KeyVal.Private = ""
	sv, err := signerverifier.NewED25519SignerVerifierFromSSLibKey(key)
	if err != nil {
		return err
	}
	ev, err := dsse.NewEnvelopeVerifier(sv)
	if err != nil {
		return err
	}
	_, err = ev.Verify(context.Background(), e)
	return err
}
