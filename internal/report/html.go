package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
)

// WriteHTML writes report.html: one self-contained file (inline CSS and
// script, nothing fetched, so it opens from disk and from a CI artifact)
// with the verdict and counts, an API × kind matrix, filters by outcome, API
// and kind, and per scenario a <details> section with its reason, violated
// rules and spec pointers, the quirk it records, the fixture row to edit,
// its observations and its redacted transcripts (bodies clipped at
// BodyLimit). When its script has run, <body> carries data-ready="1": the
// browser test waits for that, and a reader whose browser blocks scripts
// still sees every scenario.
func WriteHTML(w io.Writer, r *Run) error { return WriteHTMLWith(w, r, HTMLExtras{}) }

// HTMLExtras are what report.html shows on its first screen besides the
// run itself: the drift since a previous run, or a comparison of two
// environments (of which r is side B).
type HTMLExtras struct {
	Drift      *Drift
	Comparison *Comparison
}

// WriteHTMLWith writes report.html whose first screen says what matters
// before the list of everything: what failed, what changed since the
// baseline or the previous run (or between the two environments), what is
// overdue.
func WriteHTMLWith(w io.Writer, r *Run, x HTMLExtras) error {
	v := newHTMLView(r)
	v.HTMLExtras = x
	if err := htmlPage.Execute(w, v); err != nil {
		return fmt.Errorf("report.html: %w", err)
	}
	return nil
}

//go:embed report.html.tmpl
var htmlSource string

var htmlPage = template.Must(template.New("report.html").Funcs(template.FuncMap{
	// class turns an outcome or verdict ("not run") into a CSS class name.
	"class": func(v any) string { return strings.ReplaceAll(fmt.Sprint(v), " ", "-") },
	"inc":   func(i int) int { return i + 1 },
	"sub":   func(a, b int) int { return a - b },
	// short keeps a reason to one line on the first screen.
	"short":    func(s string) string { return oneLineMax(s, 160) },
	"versions": VersionsHeadline,
}).Parse(htmlSource))

// htmlOpenLimit: failed and inconclusive scenarios start expanded when
// there are few of them, so the evidence is the first thing a reader sees;
// when a whole API fails the page stays short until asked.
const htmlOpenLimit = 20

type htmlView struct {
	*Run
	HTMLExtras
	// Failures are the failed and inconclusive scenarios, for the first
	// screen; Overdue the baseline entries past their fixed_in, with the
	// release seen.
	Failures  []Scenario
	Overdue   []htmlOverdue
	ExitCode  int
	Outcomes  []Outcome
	Rows      []htmlCountRow
	Kinds     []string
	Matrix    []htmlMatrixRow
	Scenarios []htmlScenario
}

type htmlOverdue struct {
	ID, FixedIn, Seen, Reason string
}

type htmlCountRow struct {
	API    string
	Counts []int // in the order of Outcomes
	Total  int
}

type htmlMatrixRow struct {
	API   string
	Cells []htmlCell
}

// htmlCell is one API × kind cell: its counts and its worst outcome (the
// first in Outcomes), which colours it.
type htmlCell struct {
	Kind  string
	Total int
	Worst Outcome
	Parts []htmlPart
}

type htmlPart struct {
	Outcome Outcome
	N       int
}

type htmlScenario struct {
	Scenario
	Open        bool
	Transcripts []string
}

func newHTMLView(r *Run) htmlView {
	v := htmlView{Run: r, ExitCode: ExitCode(r.Verdict), Outcomes: Outcomes}
	apis := r.APIs()
	for _, api := range append(apis, "") {
		row := htmlCountRow{API: api}
		by := r.Counts.ByAPI[api]
		if api == "" {
			row.API, by = "all", r.Counts.By
		}
		for _, o := range Outcomes {
			row.Counts = append(row.Counts, by[o])
			row.Total += by[o]
		}
		v.Rows = append(v.Rows, row)
	}
	cells := map[[2]string]map[Outcome]int{}
	bad := 0
	for _, s := range r.Scenarios {
		k := kindOf(s)
		v.Kinds = append(v.Kinds, k)
		key := [2]string{s.API, k}
		if cells[key] == nil {
			cells[key] = map[Outcome]int{}
		}
		cells[key][s.Outcome]++
		if s.Outcome == Failed || s.Outcome == Inconclusive {
			bad++
		}
	}
	slices.Sort(v.Kinds)
	v.Kinds = slices.Compact(v.Kinds)
	for _, api := range apis {
		row := htmlMatrixRow{API: api}
		for _, k := range v.Kinds {
			c := htmlCell{Kind: k}
			for _, o := range Outcomes {
				if n := cells[[2]string{api, k}][o]; n > 0 {
					if c.Total == 0 {
						c.Worst = o
					}
					c.Parts = append(c.Parts, htmlPart{o, n})
					c.Total += n
				}
			}
			row.Cells = append(row.Cells, c)
		}
		v.Matrix = append(v.Matrix, row)
	}
	overdue := map[string]bool{}
	if r.Baseline != nil {
		for _, id := range r.Baseline.Overdue {
			overdue[id] = true
		}
	}
	for _, s := range r.Scenarios {
		switch {
		case s.Outcome == Failed || s.Outcome == Inconclusive:
			v.Failures = append(v.Failures, s)
		case overdue[s.ID] && s.Known != nil:
			v.Overdue = append(v.Overdue, htmlOverdue{ID: s.ID, FixedIn: s.Known.FixedIn, Seen: r.VendorVersion(s.Product), Reason: s.Known.Reason})
		}
	}
	for _, s := range r.Scenarios {
		hs := htmlScenario{Scenario: s, Open: bad <= htmlOpenLimit && (s.Outcome == Failed || s.Outcome == Inconclusive)}
		hs.Kind = kindOf(s)
		for _, e := range s.Exchanges {
			hs.Transcripts = append(hs.Transcripts, Transcript(e, BodyLimit))
		}
		v.Scenarios = append(v.Scenarios, hs)
	}
	return v
}

// kindOf names a scenario's kind for the matrix; a scenario without one is
// "other", so it still has a column.
func kindOf(s Scenario) string {
	if s.Kind == "" {
		return "other"
	}
	return s.Kind
}

// oneLineMax is s on one line, cut at max runes with an ellipsis.
func oneLineMax(s string, max int) string {
	s = oneLine(s)
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}
