package clientcheck

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/report"
)

// Tool names the client report's producer in report.json.
const Tool = "conformance mock --client-report"

// Report is the client report so far. Obligations that span requests and
// can only be broken by what has not happened yet (a file not deleted, a
// job not followed) are judged as of now: a client still running may yet
// keep them, so read the report when the client is done.
func (c *Checker) Report() *report.Run {
	c.mu.Lock()
	defer c.mu.Unlock()
	found := map[string][]finding{}
	for id, fs := range c.found {
		found[id] = append([]finding(nil), fs...)
	}
	for _, link := range slices.Sorted(maps.Keys(c.jobs)) {
		j := c.jobs[link]
		if j.file != "" {
			found[ObFileDeleted.ID] = append(found[ObFileDeleted.ID], finding{j.submit,
				c.red.Text(fmt.Sprintf("file %s, used by the job at %s, was never deleted", j.file, link))})
		}
		if !j.done {
			what := "never polled"
			if len(j.polls) > 0 {
				what = fmt.Sprintf("polled %d times but never seen finished", len(j.polls))
			}
			found[ObPollOutcome.ID] = append(found[ObPollOutcome.ID], finding{j.submit,
				c.red.Text(fmt.Sprintf("the job at %s was %s", link, what))})
		}
	}
	run := &report.Run{
		Tool:    Tool,
		Started: c.started.UTC().Format(time.RFC3339),
		Seconds: time.Since(c.started).Seconds(),
		Notes: []string{fmt.Sprintf("%d requests judged. Obligations across requests are judged as of when this report was written.", c.count),
			"Polling faster than " + MinPollInterval.String() + " counts as too fast (fixtures/quirks/epm-v1.yaml, Q-EPM1-040)."},
	}
	for _, p := range []string{"epm", "essbase", "oig"} {
		run.Products = append(run.Products, report.Product{Name: p, Covered: true})
	}
	for _, ob := range Obligations {
		run.Scenarios = append(run.Scenarios, scenarioOf(ob, found[ob.ID], c.seen[ob.ID]))
	}
	run.Finish()
	return run
}

// scenarioOf turns an obligation and its findings into the report's unit.
func scenarioOf(ob Obligation, fs []finding, seen bool) report.Scenario {
	s := report.Scenario{
		ID: ob.ID, Title: ob.Title, API: ob.API, Product: productOf(ob.API), Kind: "client",
		Labels: []string{"api:" + ob.API, "kind:client", "id:" + ob.ID},
		Quirk:  ob.Quirk, Source: ob.Doc.Title + " " + ob.Doc.URL,
		Outcome: report.Passed,
	}
	switch {
	case len(fs) > 0:
		s.Outcome = report.Failed
		first := fs[0]
		s.Reason = fmt.Sprintf("%d finding(s), the first: request #%d %s %s: %s. The document says: %q",
			len(fs), first.rec.n, first.rec.ex.Method, first.rec.ex.URL, first.msg, ob.Words)
	case !seen:
		s.Outcome = report.Skipped
		s.Reason = "no request exercised it"
	}
	index := map[*record]int{}
	for _, f := range fs {
		i, ok := index[f.rec]
		if !ok {
			i = len(s.Exchanges)
			index[f.rec] = i
			s.Exchanges = append(s.Exchanges, f.rec.ex)
		}
		s.Violations = append(s.Violations, report.Violation{
			Rule:     "client:" + ob.ID,
			Message:  fmt.Sprintf("request #%d %s %s: %s. The document says: %q", f.rec.n, f.rec.ex.Method, f.rec.ex.URL, f.msg, ob.Words),
			Spec:     ob.Doc.URL,
			Exchange: i,
		})
	}
	return s
}

func productOf(api string) string {
	switch api {
	case "epm-v1", "epm-v2":
		return "epm"
	}
	return api
}

// Write writes the client report so far into dir: junit.xml, report.json,
// report.html, summary.md, as a run's.
func (c *Checker) Write(dir string) (*report.Run, error) {
	run := c.Report()
	return run, report.WriteAll(dir, run)
}
