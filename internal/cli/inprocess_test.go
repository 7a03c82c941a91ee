package cli_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/deviate"
	"github.com/oracle-users-conformance/conformance/internal/mock"
	"github.com/oracle-users-conformance/conformance/internal/report"
)

// A sample of deviations and harmless changes, played by the mock in
// process (conformance mock --play, deviate.Player) and through the proxy
// in front of a mock, gives the suite the same outcome, scenario by
// scenario. Every deviation and every stateless harmless change is
// compared answer by answer in internal/deviate (TestWrapAnswersAsTheProxy);
// here the stateful ones (epm1-job-slower, epm1-job-ids) are among the sample.
func TestPlayedInProcessAsThroughTheProxy(t *testing.T) {
	if writingSensitivity() {
		t.Skip("TestSensitivity runs every deviation when it records them")
	}
	t.Parallel()
	sample := []struct {
		name, filter string
		mustFail     bool
	}{
		{"epm2-partial-as-failure", "", true},
		{"epm1-no-job-status-link", "", true},
		{"oig-accept-missing-requested-by", "", true},
		{"essbase-any-client-error-as-500", "", true},
		{"epm1-job-slower", "id:EPM1-FLOW-001 || id:EPM1-CSV-001", false},
		{"epm1-job-ids", "id:EPM1-FLOW-001 || id:EPM1-CSV-001", false},
		{"chunked", "id:EPM2-PAYLOAD-001 || id:ESS-GET-002 || id:OIG-GET-001", false},
		{"gzip", "id:EPM2-PAYLOAD-001 || id:ESS-GET-002 || id:OIG-GET-001", false},
	}
	type pair struct{ proxy, inproc result }
	runs := make([]*pair, len(sample))
	var jobs []func()
	for i, s := range sample {
		var ds []deviate.Deviation
		var ts []deviate.Tolerance
		filter, args := s.filter, []string(nil)
		if d, ok := deviate.Lookup(s.name); ok {
			ds = []deviate.Deviation{d}
			filter = "id:" + strings.Join(d.CaughtBy, " || id:")
			args = d.RunArgs
		} else if tol, ok := deviate.LookupTolerance(s.name); ok {
			ts = []deviate.Tolerance{tol}
		} else {
			t.Fatalf("no deviation or harmless change %q", s.name)
		}
		u, _ := url.Parse(newMock(t).URL)
		proxy := httptest.NewServer(deviate.Serve(u, ds, ts))
		t.Cleanup(proxy.Close)
		played, _ := startMock(t, mock.Options{}, func(h http.Handler) http.Handler {
			p := deviate.NewPlayer(h)
			if err := p.Set([]deviate.Play{{Name: s.name}}); err != nil {
				t.Fatal(err)
			}
			return p
		})
		runs[i] = &pair{}
		for _, side := range []struct {
			url string
			out *result
		}{{proxy.URL, &runs[i].proxy}, {played.URL, &runs[i].inproc}} {
			dir := t.TempDir()
			jobs = append(jobs, func() {
				r, err := runConformance(nil, append([]string{"run", "--config", mockConfig, "--target", side.url,
					"--allow-mutations", "--label-filter", filter, "--report-dir", dir}, args...)...)
				if err != nil {
					r.stderr += err.Error()
				}
				*side.out = r
			})
		}
	}
	fanOut(4, jobs)
	for i, s := range sample {
		t.Run(s.name, func(t *testing.T) {
			p, in := scenarioOutcomes(runs[i].proxy), scenarioOutcomes(runs[i].inproc)
			if len(p) == 0 || strings.Join(p, "\n") != strings.Join(in, "\n") {
				t.Fatalf("through the proxy (exit %d):\n%s\nin process (exit %d):\n%s\n%s", runs[i].proxy.code, strings.Join(p, "\n"),
					runs[i].inproc.code, strings.Join(in, "\n"), runs[i].inproc.stderr)
			}
			if failed := runs[i].inproc.summary.Failed > 0; failed != s.mustFail {
				t.Errorf("in process: %d failed; want failures %v", runs[i].inproc.summary.Failed, s.mustFail)
			}
		})
	}
}

// scenarioOutcomes lists "ID outcome" per scenario of a run, sorted.
func scenarioOutcomes(r result) []string {
	if r.report == nil {
		return nil
	}
	var out []string
	for _, s := range r.report.Scenarios {
		line := s.ID + " " + string(s.Outcome)
		if s.Outcome == report.Failed {
			var rules []string
			for _, v := range s.Violations {
				rules = append(rules, v.Rule)
			}
			sort.Strings(rules)
			line += " " + strings.Join(rules, ",")
		}
		out = append(out, line)
	}
	sort.Strings(out)
	return out
}
