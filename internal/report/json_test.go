package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema))
	if err != nil {
		t.Fatalf("report.schema.json: %v", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("report.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("report.schema.json")
	if err != nil {
		t.Fatalf("report.schema.json: %v", err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, data []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return s.Validate(inst)
}

// TestReportJSONMatchesSchema validates the golden report.json, a report
// with every optional field set (baseline, known, shards, interruption), and
// an empty run; then proves the schema refuses what it must.
func TestReportJSONMatchesSchema(t *testing.T) {
	s := compileSchema(t)
	if err := validate(t, s, readFile(t, "testdata/sample/report.json")); err != nil {
		t.Fatalf("golden report.json: %v", err)
	}
	full := sampleRun()
	full.LabelFilter, full.Shards, full.Interrupted = "api:epm-v2", []string{"1/2"}, "SIGTERM"
	full.ApplyBaseline(Baseline{{ID: "EPM2-PAYLOAD-007", Reason: "SR 3-41 open with Oracle", Review: "2026-11-30"}}, "baseline.yaml", day("2026-12-01"))
	for name, r := range map[string]*Run{"full": full, "empty": {}} {
		r.Finish()
		var b bytes.Buffer
		if err := WriteJSON(&b, r); err != nil {
			t.Fatal(err)
		}
		if err := validate(t, s, b.Bytes()); err != nil {
			t.Errorf("%s run: %v\n%s", name, err, b.Bytes())
		}
	}
	var b bytes.Buffer
	if err := WriteJSON(&b, sampleRun()); err != nil {
		t.Fatal(err)
	}
	for name, broken := range map[string]string{
		"an unknown field": strings.Replace(b.String(), `"seed": 1,`, `"seed": 1, "surprise": true,`, 1),
		"a wrong outcome":  strings.Replace(b.String(), `"outcome": "passed"`, `"outcome": "green"`, 1),
		"no version":       strings.Replace(b.String(), `"version": 1,`, ``, 1),
	} {
		if validate(t, s, []byte(broken)) == nil {
			t.Errorf("the schema accepts %s", name)
		}
	}
}

func TestReadJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, sampleRun()); err != nil {
		t.Fatal(err)
	}
	r, err := ReadJSON(&b)
	if err != nil {
		t.Fatal(err)
	}
	if r.Verdict != VerdictNotConformant || len(r.Scenarios) != 7 || r.Scenarios[1].Exchanges[0].RequestHeaders["Content-Type"][0] != "application/json" {
		t.Fatalf("read back %+v", r)
	}
	for name, text := range map[string]string{
		"no version": `{"tool":"x"}`,
		"newer":      `{"version": 99}`,
		"not json":   `<testsuites/>`,
	} {
		if _, err := ReadJSON(strings.NewReader(text)); err == nil {
			t.Errorf("%s: read without error", name)
		}
	}
}

func TestNormalize(t *testing.T) {
	r := sampleRun()
	before := r.Scenarios[1].Exchanges[0].URL
	c := clone(r)
	Normalize(c)
	if r.Scenarios[1].Exchanges[0].URL != before {
		t.Fatal("clone shares data with the original")
	}
	if c.Started != "" || c.Seconds != 0 || c.RunID != "" || c.Products[0].URL != "" || c.Throttled.Seconds != 0 {
		t.Errorf("run fields not blanked: %+v", c)
	}
	b, _ := json.Marshal(c)
	text := string(b)
	for _, leak := range []string{"cnfab12", epmURL, "essbase.example.com", "1733087643", "2026", `"millis":431.7`, `"seconds":0.4321`} {
		if strings.Contains(text, leak) {
			t.Errorf("normalised run still holds %q", leak)
		}
	}
	for _, want := range []string{"{url:epm}/interop/rest/security/v2/users/update", "{run}nobody", "/jobs/{n}", `"Date":["{time}"]`} {
		if !strings.Contains(text, want) {
			t.Errorf("normalised run lacks %q", want)
		}
	}
	// What the target said stays.
	for _, keep := range []string{"EPMCSS-21147", `"status":200`, `"value":"0"`} {
		if !strings.Contains(text, keep) {
			t.Errorf("normalising lost %q", keep)
		}
	}
}

func TestScrubValues(t *testing.T) {
	v := newScrubber(&Run{RunID: "cnfxy9", Products: []Product{{Name: "oig", URL: "http://127.0.0.1:41234/"}}})
	cases := map[string]string{
		"http://127.0.0.1:41234/iam/governance/selfservice/api/v1/users/24": "{url:oig}/iam/governance/selfservice/api/v1/users/24",
		"Host 127.0.0.1:41234 refused":                                      "Host {host:oig} refused",
		"User cnfxy9cdu001 not found":                                       "User {run}cdu001 not found",
		"took 350ms, then 2.5s":                                             "took {duration}, then {duration}",
		"request 2a1b3c4d-0000-4000-8000-00000000abcd done":                 "request {uuid} done",
		"job 1733087643 at 2026-12-01T21:14:03Z":                            "job {n} at {time}",
		"EPMCSS-21142: User already exists":                                 "EPMCSS-21142: User already exists",
		"Processed - 3, Succeeded - 2, Failed - 1.":                         "Processed - 3, Succeeded - 2, Failed - 1.",
		"IAM-2040028:User does not exists:":                                 "IAM-2040028:User does not exists:",
	}
	for in, want := range cases {
		if got := v.scrub(in); got != want {
			t.Errorf("scrub(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzReadJSON: any input is a report or an error; a report read renders
// in every format without panicking.
func FuzzReadJSON(f *testing.F) {
	var b bytes.Buffer
	if err := WriteJSON(&b, sampleRun()); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte(`{"version":1,"scenarios":[{"id":"A","outcome":"failed","exchanges":[{"method":"GET"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ReadJSON(bytes.NewReader(data))
		if err != nil {
			return
		}
		r.Finish()
		for _, w := range Files {
			var out bytes.Buffer
			if err := w.Write(&out, r); err != nil {
				t.Fatalf("%s: %v", w.Name, err)
			}
		}
	})
}
