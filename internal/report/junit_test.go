package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// junitAllowed is what both JUnit schemas accept, per element: its
// attributes and its children. Anything else made the old junit.xml fail
// one of them (Ginkgo wrote attributes and elements Ant's schema rejects).
var junitAllowed = map[string]struct{ attrs, children []string }{
	"testsuites": {nil, []string{"testsuite"}},
	"testsuite":  {[]string{"name", "package", "id", "timestamp", "hostname", "tests", "failures", "errors", "skipped", "time"}, []string{"properties", "testcase", "system-out", "system-err"}},
	"properties": {nil, []string{"property"}},
	"property":   {[]string{"name", "value"}, nil},
	"testcase":   {[]string{"name", "classname", "time"}, []string{"skipped", "error", "failure"}},
	"skipped":    {[]string{"message"}, nil},
	"error":      {[]string{"type", "message"}, nil},
	"failure":    {[]string{"type", "message"}, nil},
	"system-out": {nil, nil},
	"system-err": {nil, nil},
}

var decimalTime = regexp.MustCompile(`^[0-9]+\.[0-9]{3}$`)

// checkJUnit walks the document and fails on any element or attribute
// outside junitAllowed, a time that is not a plain decimal with at most
// three places, a testcase with more than one child, or a testsuite whose
// children are out of Ant's order.
func checkJUnit(t *testing.T, data []byte) {
	t.Helper()
	for _, p := range junitProblems(data) {
		t.Error(p)
	}
}

func junitProblems(data []byte) []string {
	var problems []string
	errorf := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	dec := xml.NewDecoder(bytes.NewReader(data))
	var stack []string
	var children [][]string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			errorf("junit.xml is not well-formed: %v", err)
			return problems
		}
		switch el := tok.(type) {
		case xml.StartElement:
			name := el.Name.Local
			spec, ok := junitAllowed[name]
			if !ok {
				errorf("element <%s> is not in both schemas", name)
			}
			if len(stack) == 0 && name != "testsuites" {
				errorf("root <%s>, want <testsuites>", name)
			}
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				if !slices.Contains(junitAllowed[parent].children, name) {
					errorf("<%s> inside <%s> is not in both schemas", name, parent)
				}
				children[len(children)-1] = append(children[len(children)-1], name)
			}
			for _, a := range el.Attr {
				if !slices.Contains(spec.attrs, a.Name.Local) {
					errorf("attribute %s on <%s> is not in both schemas", a.Name.Local, name)
				}
				if a.Name.Local == "time" && !decimalTime.MatchString(a.Value) {
					errorf("<%s time=%q>: want a decimal with three places, never exponent notation", name, a.Value)
				}
			}
			stack = append(stack, name)
			children = append(children, nil)
		case xml.EndElement:
			name, kids := stack[len(stack)-1], children[len(children)-1]
			stack, children = stack[:len(stack)-1], children[:len(children)-1]
			switch name {
			case "testcase":
				if len(kids) > 1 {
					errorf("a testcase with %v: Ant allows one of skipped, error, failure", kids)
				}
			case "testsuite":
				if !antOrder(kids) {
					errorf("testsuite children %v: Ant wants properties, testcase*, system-out, system-err", kids)
				}
			}
		}
	}
	return problems
}

func antOrder(kids []string) bool {
	if len(kids) < 3 || kids[0] != "properties" || kids[len(kids)-2] != "system-out" || kids[len(kids)-1] != "system-err" {
		return false
	}
	for _, k := range kids[1 : len(kids)-2] {
		if k != "testcase" {
			return false
		}
	}
	return true
}

type parsedJUnit struct {
	Suites []struct {
		Name  string `xml:"name,attr"`
		Tests int    `xml:"tests,attr"`
		Fails int    `xml:"failures,attr"`
		Errs  int    `xml:"errors,attr"`
		Skips int    `xml:"skipped,attr"`
		Cases []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Skipped   *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"skipped"`
			Error *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"error"`
			Failure *struct {
				Type    string `xml:"type,attr"`
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
		SystemOut string `xml:"system-out"`
	} `xml:"testsuite"`
}

func writeJUnit(t *testing.T, r *Run) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteJUnit(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestJUnitStructure(t *testing.T) {
	data := writeJUnit(t, sampleRun())
	checkJUnit(t, data)
	var doc parsedJUnit
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var suites []string
	for _, s := range doc.Suites {
		suites = append(suites, s.Name)
		var names []string
		for _, c := range s.Cases {
			if c.Classname != "conformance."+s.Name {
				t.Errorf("classname %q in suite %s", c.Classname, s.Name)
			}
			names = append(names, c.Name)
		}
		if !slices.IsSorted(names) {
			t.Errorf("suite %s: cases %v not in ID order", s.Name, names)
		}
		if s.Tests != len(s.Cases) {
			t.Errorf("suite %s: tests=%d for %d cases", s.Name, s.Tests, len(s.Cases))
		}
	}
	if want := []string{"epm-v1", "epm-v2", "essbase", "oig"}; !slices.Equal(suites, want) {
		t.Fatalf("suites %v, want one per API %v", suites, want)
	}
	epm2 := doc.Suites[1]
	if epm2.Fails != 1 || epm2.Errs != 0 {
		t.Errorf("epm-v2 failures=%d errors=%d", epm2.Fails, epm2.Errs)
	}
	f := epm2.Cases[0].Failure
	if !strings.HasPrefix(epm2.Cases[0].Name, "EPM2-PAYLOAD-007 a batch") || f == nil {
		t.Fatalf("first epm-v2 case %+v", epm2.Cases[0])
	}
	// The transcript is plain text a reader can follow, not JSON-escaped.
	for _, want := range []string{
		"PUT " + epmURL + "/interop/rest/security/v2/users/update",
		`"firstname": "No <Body> & Co"`,
		"<-- 200 after 432 ms",
		"invariant:epm2-summary-adds-up",
		"spec: specs/epm-users-v2.yaml#/paths/",
		"source: fixtures/scenarios/epm-v2.yaml:112",
	} {
		if !strings.Contains(f.Text, want) {
			t.Errorf("failure body lacks %q:\n%s", want, f.Text)
		}
	}
	if f.Type != "expect" {
		t.Errorf("failure type %q, want the first rule", f.Type)
	}
	v1 := doc.Suites[0].Cases[0]
	if v1.Error == nil || !strings.HasPrefix(v1.Error.Message, "inconclusive: ") || !strings.Contains(v1.Error.Text, "no answer: read tcp") {
		t.Errorf("inconclusive case %+v", v1)
	}
	oig := doc.Suites[3]
	if oig.Cases[1].Skipped == nil || !strings.HasPrefix(oig.Cases[1].Skipped.Message, "not run: ") || oig.Skips != 1 {
		t.Errorf("not-run case %+v", oig.Cases[1])
	}
	ess := doc.Suites[2]
	if s := ess.Cases[0].Skipped; s == nil || s.Message != "needs a non-admin account: the config has no credentials.non_admin" {
		t.Errorf("skipped case %+v", ess.Cases[0])
	}
	if !strings.Contains(ess.SystemOut, "leftover of ESS-PAYLOAD-003: DELETE") {
		t.Errorf("essbase system-out %q lacks the leftover", ess.SystemOut)
	}
	if checkout, err := filepath.Abs(filepath.Join("..", "..")); err != nil || bytes.Contains(data, []byte(checkout)) {
		t.Error("junit.xml holds the absolute path of the checkout")
	}
	covered := 0
	for _, p := range sampleRun().Products {
		if p.Covered {
			covered++
		}
	}
	if n := bytes.Count(data, []byte("<property ")); n != (3+covered)*len(doc.Suites) {
		t.Errorf("%d properties, want verdict, run_id, seed and a vendor_version per covered product per suite", n)
	}
}

// TestJUnitCheckCatchesOldFaults proves the structural check can fail: a
// junit.xml in the old shape (Ginkgo's) breaks it several ways.
func TestJUnitCheckCatchesOldFaults(t *testing.T) {
	old := `<testsuites tests="2" disabled="0"><testsuite name="x" tests="1" failures="0" errors="0" time="1.5e-05" timestamp="2026-12-01T21:00:00Z" hostname="h">
<properties><property name="a" value="b"/></properties>
<testcase name="a" classname="c" status="passed" time="3.2e-07"><system-out>x</system-out></testcase>
<system-out/><system-err/></testsuite></testsuites>`
	got := strings.Join(junitProblems([]byte(old)), "\n")
	for _, want := range []string{"attribute tests on <testsuites>", "attribute disabled", `time="1.5e-05"`, "attribute status on <testcase>", "<system-out> inside <testcase>"} {
		if !strings.Contains(got, want) {
			t.Errorf("the check missed %q; it said:\n%s", want, got)
		}
	}
}

func TestJUnitEdgeValues(t *testing.T) {
	r := &Run{Started: "not a time", Scenarios: []Scenario{
		{ID: "OIG-A-001", API: "oig", Title: "tiny", Outcome: Passed, Seconds: 1e-9},
		{ID: "OIG-A-002", API: "oig", Title: "huge", Outcome: Passed, Seconds: 1e21},
		{ID: "OIG-A-003", API: "oig", Title: "binary \x00 body", Outcome: Failed, Reason: "bad \x1b byte \xff",
			Exchanges: []Exchange{{Method: "GET", URL: "/x", Status: 200, ResponseBody: "]]> \x00\x01 end"}}},
		{ID: "OIG-A-004", API: "oig", Title: "known", Outcome: Known, Known: &BaselineEntry{ID: "OIG-A-004", Reason: "SR 3-123", Review: "2027-01-31"}},
		{ID: "X-001", Title: "a scenario the runner gave no API", Outcome: Passed},
	}}
	r.Finish()
	data := writeJUnit(t, r)
	checkJUnit(t, data)
	if !bytes.Contains(data, []byte(`time="999999999.999"`)) || !bytes.Contains(data, []byte(`time="0.000"`)) {
		t.Errorf("times not plain decimals:\n%s", data)
	}
	if !bytes.Contains(data, []byte(`<testsuite name="other"`)) || !bytes.Contains(data, []byte(`classname="conformance.other"`)) {
		t.Error("a scenario without an API must still land in a named suite")
	}
	if !bytes.Contains(data, []byte(`timestamp="1970-01-01T00:00:00"`)) {
		t.Error("an unparseable start must still give a schema-valid timestamp")
	}
	if !bytes.Contains(data, []byte(`message="known deviation: SR 3-123 (review 2027-01-31)"`)) {
		t.Errorf("known case not marked:\n%s", data)
	}
	var doc parsedJUnit
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("control characters made junit.xml unreadable: %v", err)
	}
	validateXSD(t, data)
}

// TestJUnitSchemas validates the sample's junit.xml against both XSDs with
// xmllint, when it is installed.
func TestJUnitSchemas(t *testing.T) {
	validateXSD(t, writeJUnit(t, sampleRun()))
	empty := &Run{}
	empty.Finish()
	validateXSD(t, writeJUnit(t, empty))
}

func validateXSD(t *testing.T, data []byte) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not installed (apt-get install -y libxml2-utils): junit.xml was not validated against the Ant and Jenkins XSDs")
	}
	// Copies of the schemas Apache Ant and the Jenkins xunit plugin publish
	// (Apache 2.0 and MIT licensed), so the check runs on any CI runner.
	xsds, _ := filepath.Glob("testdata/junit-xsd/*.xsd")
	if len(xsds) != 2 {
		t.Fatalf("want the Ant and the Jenkins XSD in testdata/junit-xsd, found %v", xsds)
	}
	f := filepath.Join(t.TempDir(), "junit.xml")
	if err := os.WriteFile(f, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, xsd := range xsds {
		out, err := exec.Command(xmllint, "--noout", "--schema", xsd, f).CombinedOutput()
		if err != nil {
			t.Errorf("junit.xml is not valid under %s: %v\n%s\n%s", filepath.Base(xsd), err, out, data)
		}
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
