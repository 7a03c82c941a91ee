package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// WriteJUnit writes junit.xml. The file is valid under both the Apache Ant
// JUnit schema and Jenkins' xUnit JUnit schema (as Apache Ant and the
// Jenkins xunit plugin publish them), so it must keep to what both accept:
//
//   - <testsuites> has no attributes (Ant allows none); each <testsuite>
//     carries name, package, id, timestamp (no time zone), hostname, tests,
//     failures, errors, skipped and time, then <properties>, the test cases,
//     <system-out> and <system-err>, in that order (Ant's sequence).
//   - Times are decimals with three places, never exponent notation (Ant's
//     xs:decimal, Jenkins' SUREFIRE_TIME).
//   - A <testcase> holds at most one of <skipped>, <error>, <failure> and
//     nothing else (Ant's choice), so a case's transcript is the body of
//     that element; <skipped> carries only a message (Ant knows no type).
//
// One suite per API (name "epm-v2", classname "conformance.epm-v2"), cases
// sorted by scenario ID whatever the execution order, each named "<ID>
// <title>" so CI history follows the stable ID. Outcomes map so that a reader
// tells them apart and a CI tool counts them right:
//
//	passed        <testcase/>
//	failed        <failure type="<rule>" message="<reason>">violations and transcripts</failure>
//	inconclusive  <error type="inconclusive" message="inconclusive: <reason>">transcripts</error>
//	not run       <skipped message="not run: <reason>"/>
//	skipped       <skipped message="<reason>"/>
//	known         <skipped message="known deviation: <baseline reason> (review <date>)">violations</skipped>
//
// so failures counts failed, errors counts inconclusive, and skipped counts
// skipped, not run and known. Properties are verdict, run_id, seed and vendor_version.<product>.
// The hostname is "localhost": the schema requires one and the machine's
// name is of no use to a reader and differs between runs.
func WriteJUnit(w io.Writer, r *Run) error {
	doc := junitSuites{}
	stamp := junitTimestamp(r.Started)
	for i, api := range r.APIs() {
		s := junitSuite{
			Name: suiteName(api), Package: "conformance", ID: i, Timestamp: stamp, Hostname: "localhost",
			Properties: []junitProperty{
				{Name: "verdict", Value: r.Verdict},
				{Name: "run_id", Value: r.RunID},
				{Name: "seed", Value: strconv.FormatInt(r.Seed, 10)},
			},
		}
		for _, p := range r.Products {
			if p.Covered {
				s.Properties = append(s.Properties, junitProperty{Name: "vendor_version." + p.Name, Value: r.VendorVersion(p.Name)})
			}
		}
		var secs float64
		for _, sc := range r.Scenarios {
			if sc.API != api {
				continue
			}
			c := junitCase(sc)
			s.Cases = append(s.Cases, c)
			secs += sc.Seconds
			switch {
			case c.Failure != nil:
				s.Failures++
			case c.Error != nil:
				s.Errors++
			case c.Skipped != nil:
				s.Skipped++
			}
		}
		s.Tests = len(s.Cases)
		s.Time = junitTime(secs)
		s.SystemOut = cdata(suiteOut(r, api))
		doc.Suites = append(doc.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Package    string          `xml:"package,attr"`
	ID         int             `xml:"id,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Hostname   string          `xml:"hostname,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitTestCase `xml:"testcase"`
	SystemOut  junitText       `xml:"system-out"`
	SystemErr  junitText       `xml:"system-err"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitTestCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Skipped   *junitSkipped `xml:"skipped"`
	Error     *junitProblem `xml:"error"`
	Failure   *junitProblem `xml:"failure"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",cdata"`
}

type junitProblem struct {
	Type    string `xml:"type,attr"`
	Message string `xml:"message,attr"`
	Text    string `xml:",cdata"`
}

// junitText is an element that is always written, even empty: Ant's schema
// requires <system-out> and <system-err>.
type junitText struct {
	Text string `xml:",cdata"`
}

// junitExchangeLimit and junitBodyLimit keep junit.xml small enough for CI
// tools: a failed v1 job may carry hundreds of polls, and the HTML report
// and report.json have every one of them.
const (
	junitExchangeLimit = 12
	junitBodyLimit     = 4 << 10
)

func junitCase(s Scenario) junitTestCase {
	c := junitTestCase{Name: s.ID + " " + s.Title, Classname: "conformance." + suiteName(s.API), Time: junitTime(s.Seconds)}
	switch s.Outcome {
	case Failed:
		c.Failure = &junitProblem{Type: failureType(s), Message: clean(s.Reason), Text: clean(evidence(s, true))}
	case Inconclusive:
		c.Error = &junitProblem{Type: "inconclusive", Message: clean("inconclusive: " + s.Reason), Text: clean(evidence(s, true))}
	case NotRun:
		c.Skipped = &junitSkipped{Message: clean("not run: " + s.Reason)}
	case Skipped:
		c.Skipped = &junitSkipped{Message: clean(s.Reason)}
	case Known:
		msg := "known deviation"
		if s.Known != nil {
			msg = fmt.Sprintf("known deviation: %s (review %s)", s.Known.Reason, s.Known.Review)
		}
		c.Skipped = &junitSkipped{Message: clean(msg), Text: clean(evidence(s, false))}
	}
	return c
}

// suiteName is the API, or "other" for a scenario without one: Ant's
// schema wants a name of at least one character.
func suiteName(api string) string {
	if api == "" {
		return "other"
	}
	return api
}

func failureType(s Scenario) string {
	if len(s.Violations) > 0 {
		return s.Violations[0].Rule
	}
	return "failed"
}

// evidence is the body of a failure: the reason, every violation with its
// spec pointer, the row to edit, then the transcripts.
func evidence(s Scenario, transcripts bool) string {
	var b strings.Builder
	if s.Reason != "" {
		b.WriteString(s.Reason + "\n")
	}
	for _, v := range s.Violations {
		fmt.Fprintf(&b, "- %s: %s\n", v.Rule, v.Message)
		if v.Spec != "" {
			fmt.Fprintf(&b, "  spec: %s\n", v.Spec)
		}
	}
	if s.Quirk != "" {
		fmt.Fprintf(&b, "quirk: %s\n", s.Quirk)
	}
	if s.Source != "" {
		fmt.Fprintf(&b, "source: %s\n", s.Source)
	}
	if !transcripts {
		return b.String()
	}
	ex := s.Exchanges
	for i, e := range ex {
		if len(ex) > junitExchangeLimit && i == junitExchangeLimit/2 {
			fmt.Fprintf(&b, "\n[... %d exchanges not shown; report.html and report.json have them]\n", len(ex)-junitExchangeLimit)
		}
		if len(ex) > junitExchangeLimit && i >= junitExchangeLimit/2 && i < len(ex)-junitExchangeLimit/2 {
			continue
		}
		fmt.Fprintf(&b, "\n--- exchange %d\n", i+1)
		b.WriteString(Transcript(e, junitBodyLimit))
	}
	return b.String()
}

// suiteOut is the suite's <system-out>: the run's notes (a reader of one
// suite must see that a breaker opened) and the leftovers of this API.
func suiteOut(r *Run, api string) string {
	var b strings.Builder
	if r.Interrupted != "" {
		fmt.Fprintf(&b, "interrupted: %s\n", r.Interrupted)
	}
	for _, n := range r.Notes {
		b.WriteString("note: " + n + "\n")
	}
	apiOf := map[string]string{}
	for _, s := range r.Scenarios {
		apiOf[s.ID] = s.API
	}
	for _, l := range r.Leftovers {
		if apiOf[l.Scenario] == api {
			fmt.Fprintf(&b, "leftover of %s: %s: %s\n", l.Scenario, l.Undo, l.Error)
		}
	}
	return b.String()
}

func cdata(s string) junitText { return junitText{Text: clean(s)} }

// clean replaces what XML 1.0 cannot carry (NUL and other control
// characters, broken UTF-8) so a binary body never makes junit.xml invalid.
func clean(s string) string {
	ok := true
	for _, r := range s {
		if !xmlChar(r) {
			ok = false
			break
		}
	}
	if ok && utf8.ValidString(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if xmlChar(r) {
			return r
		}
		return '\uFFFD'
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// junitTime is seconds with three decimals, never exponent notation. It is
// kept under a billion seconds: libxml2 refuses xs:decimal values of more
// than 24 digits, and no run lasts 31 years; NaN, infinities and negatives
// (a clock stepping back) are 0.
func junitTime(s float64) string {
	switch {
	case math.IsNaN(s) || s < 0:
		s = 0
	case s > junitMaxSeconds:
		s = junitMaxSeconds
	}
	return strconv.FormatFloat(s, 'f', 3, 64)
}

const junitMaxSeconds = 999999999.999

// junitTimestamp is Started in UTC without a zone, as Ant's schema wants;
// a run without a parseable start (a normalised report) gets the epoch.
func junitTimestamp(started string) string {
	t, err := time.Parse(time.RFC3339Nano, started)
	if err != nil {
		t = time.Unix(0, 0)
	}
	return t.UTC().Format("2006-01-02T15:04:05")
}
