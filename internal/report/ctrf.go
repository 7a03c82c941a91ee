package report

import (
	"encoding/json"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// CTRFSpecVersion is the version of the Common Test Report Format
// (https://ctrf.io) ctrf.json follows: the one the reference
// implementation (the ctrf npm package, 0.3) validates.
const CTRFSpecVersion = "0.0.0"

// ctrf is the document's shape, as far as this tool fills it.
type ctrf struct {
	ReportFormat string      `json:"reportFormat"`
	SpecVersion  string      `json:"specVersion"`
	RunID        string      `json:"runId,omitempty"`
	Timestamp    string      `json:"timestamp,omitempty"`
	GeneratedBy  string      `json:"generatedBy"`
	Results      ctrfResults `json:"results"`
}

type ctrfResults struct {
	Tool        ctrfTool       `json:"tool"`
	Summary     ctrfSummary    `json:"summary"`
	Tests       []ctrfTest     `json:"tests"`
	Environment *ctrfEnv       `json:"environment,omitempty"`
	Extra       map[string]any `json:"extra,omitempty"`
}

type ctrfTool struct {
	Name string `json:"name"`
}

type ctrfSummary struct {
	Tests    int   `json:"tests"`
	Passed   int   `json:"passed"`
	Failed   int   `json:"failed"`
	Skipped  int   `json:"skipped"`
	Pending  int   `json:"pending"`
	Other    int   `json:"other"`
	Suites   int   `json:"suites"`
	Start    int64 `json:"start"`
	Stop     int64 `json:"stop"`
	Duration int64 `json:"duration"`
}

type ctrfEnv struct {
	ReportName string         `json:"reportName"`
	Extra      map[string]any `json:"extra,omitempty"`
}

type ctrfTest struct {
	TestID    string         `json:"testId"`
	Name      string         `json:"name"`
	Status    string         `json:"status"`
	RawStatus string         `json:"rawStatus"`
	Duration  int64          `json:"duration"`
	Suite     []string       `json:"suite"`
	Message   string         `json:"message,omitempty"`
	FilePath  string         `json:"filePath,omitempty"`
	Line      int            `json:"line,omitempty"`
	Tags      []string       `json:"tags,omitempty"`
	Type      string         `json:"type"`
	Extra     map[string]any `json:"extra,omitempty"`
}

// ctrfStatus maps an outcome to CTRF's five statuses; rawStatus keeps the
// outcome itself. Not run is pending (it never started); inconclusive
// (no usable answer) and known (a failure the baseline accepts) are
// other: neither passed nor failed the run.
func ctrfStatus(o Outcome) string {
	switch o {
	case Passed:
		return "passed"
	case Failed:
		return "failed"
	case Skipped:
		return "skipped"
	case NotRun:
		return "pending"
	}
	return "other"
}

// WriteCTRF writes ctrf.json, the Common Test Report Format that CI
// dashboards read, from the same typed model as every other report.
func WriteCTRF(w io.Writer, r *Run) error {
	start, err := time.Parse(time.RFC3339, r.Started)
	if err != nil {
		start = time.Unix(0, 0)
	}
	ms := int64(math.Round(r.Seconds * 1000))
	doc := ctrf{
		ReportFormat: "CTRF", SpecVersion: CTRFSpecVersion, RunID: r.RunID, GeneratedBy: r.Tool,
		Results: ctrfResults{Tool: ctrfTool{Name: "conformance"}, Tests: []ctrfTest{}},
	}
	if r.Started != "" {
		doc.Timestamp = start.UTC().Format(time.RFC3339)
	}
	if doc.GeneratedBy == "" {
		doc.GeneratedBy = "conformance"
	}
	s := &doc.Results.Summary
	s.Start, s.Stop, s.Duration = start.UnixMilli(), start.UnixMilli()+ms, ms
	s.Suites = len(r.APIs())
	for _, sc := range r.Scenarios {
		t := ctrfTest{
			TestID: sc.ID, Name: sc.ID + " " + sc.Title, Status: ctrfStatus(sc.Outcome), RawStatus: string(sc.Outcome),
			Duration: int64(math.Round(sc.Seconds * 1000)), Suite: []string{sc.API}, Message: sc.Reason,
			Tags: sc.Labels, Type: "conformance",
			Extra: map[string]any{"operation": sc.Operation, "product": sc.Product, "source": sc.Source},
		}
		t.FilePath, t.Line = splitSource(sc.Source)
		if sc.Title == "" {
			t.Name = sc.ID
		}
		if sc.Quirk != "" {
			t.Extra["quirk"] = sc.Quirk
		}
		doc.Results.Tests = append(doc.Results.Tests, t)
		s.Tests++
		switch t.Status {
		case "passed":
			s.Passed++
		case "failed":
			s.Failed++
		case "skipped":
			s.Skipped++
		case "pending":
			s.Pending++
		default:
			s.Other++
		}
	}
	versions := map[string]string{}
	for _, p := range r.Products {
		if p.Covered {
			versions[p.Name] = r.VendorVersion(p.Name)
		}
	}
	doc.Results.Environment = &ctrfEnv{ReportName: "Oracle user-management REST API conformance", Extra: map[string]any{"vendorVersions": versions}}
	doc.Results.Extra = map[string]any{"verdict": r.Verdict, "exitCode": ExitCode(r.Verdict), "seed": r.Seed}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// splitSource splits "fixtures/scenarios/epm-v2.yaml:42" into the file and
// the line; a generated row's source is a spec file without a line.
func splitSource(src string) (string, int) {
	i := strings.LastIndexByte(src, ':')
	if i < 0 {
		return src, 0
	}
	n, err := strconv.Atoi(src[i+1:])
	if err != nil {
		return src, 0
	}
	return src[:i], n
}
