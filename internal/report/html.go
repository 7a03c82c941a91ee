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
func WriteHTML(w io.Writer, r *Run) error {
	if err := htmlPage.Execute(w, newHTMLView(r)); err != nil {
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
}).Parse(htmlSource))

// htmlOpenLimit: failed and inconclusive scenarios start expanded when
// there are few of them, so the evidence is the first thing a reader sees;
// when a whole API fails the page stays short until asked.
const htmlOpenLimit = 20

type htmlView struct {
	*Run
	ExitCode  int
	Outcomes  []Outcome
	Rows      []htmlCountRow
	Kinds     []string
	Matrix    []htmlMatrixRow
	Scenarios []htmlScenario
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
