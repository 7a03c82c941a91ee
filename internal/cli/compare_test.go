package cli_test

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/cli"
	"github.com/oracle-users-conformance/conformance/internal/deviate"
	"github.com/oracle-users-conformance/conformance/internal/mock"
	"github.com/oracle-users-conformance/conformance/internal/mock/epm"
	"github.com/oracle-users-conformance/conformance/internal/mock/essbase"
	"github.com/oracle-users-conformance/conformance/internal/report"
)

// compareConfig writes a config naming one target for every product, the
// mock's accounts and vars; mutations allowed or not.
func compareConfig(t *testing.T, dir, name, target string, mutations bool) string {
	t.Helper()
	text := threeProductConfig(map[string]string{"epm": target, "essbase": target, "oig": target}) + varsOf(t)
	if mutations {
		text = "allow_mutations: true\n" + text
	}
	path := filepath.Join(dir, name+".yaml")
	writeFile(t, path, text)
	return path
}

func readComparison(t *testing.T, dir string) *report.Comparison {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "compare.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c report.Comparison
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	return &c
}

// Two mocks, one behind a deviating proxy: compare names exactly the
// scenarios the deviation makes fail (as SENSITIVITY records them), and
// every differing observation belongs to one of them.
func TestCompareNamesTheDeviation(t *testing.T) {
	t.Parallel()
	const name, filter = "epm2-partial-as-failure", "api:epm-v2 || api:epm-migration"
	d, ok := deviate.Lookup(name)
	if !ok {
		t.Fatalf("no deviation %s", name)
	}
	u, _ := url.Parse(newMock(t).URL)
	proxy := httptest.NewServer(deviate.Proxy(u, d))
	t.Cleanup(proxy.Close)
	dir := t.TempDir()
	a := compareConfig(t, dir, "test", newMock(t).URL, true)
	b := compareConfig(t, dir, "prod", proxy.URL, true)
	out := filepath.Join(dir, "out")
	r := conformance(t, nil, "compare", "--a", a, "--b", b, "--name-a", "test", "--name-b", "prod",
		"--label-filter", filter, "--report-dir", out)
	if r.code != cli.ExitFail {
		t.Fatalf("exit %d, want %d (the sides differ)\n%s%s", r.code, cli.ExitFail, r.stdout, r.stderr)
	}
	c := readComparison(t, out)
	var got []string
	for _, o := range c.Outcomes {
		got = append(got, o.ID)
		if o.Before != report.Passed || o.After != report.Failed {
			t.Errorf("%s: %s → %s, want passed → failed", o.ID, o.Before, o.After)
		}
	}
	want := readSensitivity(t).Deviations[name].Fails
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("outcome differences %v, want exactly %v", got, want)
	}
	for _, o := range c.Observations {
		if !slices.Contains(want, o.ID) {
			t.Errorf("an observation of %s differs, which %s does not touch: %+v", o.ID, name, o)
		}
	}
	if len(c.OnlyA)+len(c.OnlyB)+len(c.Skipped) != 0 {
		t.Errorf("both sides ran the same scenarios: only %v / %v, skipped %v", c.OnlyA, c.OnlyB, c.Skipped)
	}
	for _, w := range []string{"test vs prod", got[0], "outcomes that differ"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("the table lacks %q:\n%s", w, r.stdout)
		}
	}
	for _, f := range []string{"compare.md", "report.html", "test/1/report.json", "prod/1/report.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("compare wrote no %s", f)
		}
	}
	page, _ := os.ReadFile(filepath.Join(out, "report.html"))
	if i, j := strings.Index(string(page), `id="comparison"`), strings.Index(string(page), "<h2>Scenarios</h2>"); i < 0 || i > j {
		t.Error("report.html does not show the comparison before the list of scenarios")
	}
}

// Two identical mocks, each side run twice: nothing differs, although job
// ids, run suffixes, created users and timings differ between all four runs.
func TestCompareIdenticalMocksWithRepeatIsEmpty(t *testing.T) {
	t.Parallel()
	const filter = "api:epm-migration || id:ESS-ABOUT-001 || id:ESS-ADD-001 || id:ESS-ADD-002 || id:EPM1-FLOW-001 || id:EPM1-FLOW-002 || id:EPM2-PAYLOAD-006 || id:OIG-PAYLOAD-001"
	dir := t.TempDir()
	a := compareConfig(t, dir, "test", newMock(t).URL, true)
	b := compareConfig(t, dir, "prod", newMock(t).URL, true)
	out := filepath.Join(dir, "out")
	r := conformance(t, nil, "compare", "--a", a, "--b", b, "--repeat", "2", "--label-filter", filter, "--report-dir", out)
	c := readComparison(t, out)
	if r.code != cli.ExitPass || c.Differs() {
		t.Fatalf("exit %d; identical mocks differ: %+v\n%s%s", r.code, c, r.stdout, r.stderr)
	}
	// The runs did differ in their volatile values: the comparison is empty
	// because they were set aside, not because nothing was compared.
	a1, err1 := report.LoadJSON(filepath.Join(out, "a", "1", "report.json"))
	b2, err2 := report.LoadJSON(filepath.Join(out, "b", "2", "report.json"))
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if a1.RunID == b2.RunID || len(a1.Scenarios) < 8 || a1.Counts.By[report.Passed] < 8 {
		t.Errorf("the runs are not what the test means: run ids %s %s, %d scenarios, %v", a1.RunID, b2.RunID, len(a1.Scenarios), a1.Counts.By)
	}
	if !strings.Contains(r.stdout, "no difference") {
		t.Errorf("the table does not say so:\n%s", r.stdout)
	}
}

// Production read-only: only read-tier scenarios are compared there; the
// rest are shown as skipped on prod, not as differences.
func TestCompareReadOnlyProduction(t *testing.T) {
	t.Parallel()
	const filter = "api:epm-migration || id:ESS-ABOUT-001 || id:ESS-GET-001 || id:ESS-ADD-001 || id:EPM2-PAYLOAD-006 || id:OIG-PAYLOAD-001"
	dir := t.TempDir()
	a := compareConfig(t, dir, "test", newMock(t).URL, true)
	// Production is still on the release before the update.
	var old mock.Options
	old.Essbase.About = essbase.About{Version: "21.4.0.0.0", Build: "400"}
	old.EPM.Versions = epm.Versions{ServerVersion: "24.11.60"}
	oldMock, _ := startMock(t, old, nil)
	var updated mock.Options
	updated.Essbase.About = essbase.About{Version: "21.5.0.0.0", Build: "500"}
	updated.EPM.Versions = epm.Versions{ServerVersion: "24.12.60"}
	newMockSrv, _ := startMock(t, updated, nil)
	a = compareConfig(t, dir, "test", newMockSrv.URL, true)
	b := compareConfig(t, dir, "prod", oldMock.URL, false)
	out := filepath.Join(dir, "out")
	r := conformance(t, nil, "compare", "--a", a, "--b", b, "--name-a", "test", "--name-b", "prod", "--label-filter", filter, "--report-dir", out)
	c := readComparison(t, out)
	if r.code != cli.ExitPass || c.Differs() {
		t.Fatalf("exit %d; a read-only side shows differences: %+v\n%s%s", r.code, c, r.stdout, r.stderr)
	}
	prod, err := report.LoadJSON(filepath.Join(out, "prod", "1", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	skipped := map[string]bool{}
	for _, s := range c.Skipped {
		if s.Side != "prod" {
			t.Errorf("%s skipped on %s, want prod", s.ID, s.Side)
		}
		skipped[s.ID] = true
	}
	ran := 0
	for _, s := range prod.Scenarios {
		if s.Outcome == report.Skipped {
			if !skipped[s.ID] {
				t.Errorf("%s was skipped on prod but is not listed as such", s.ID)
			}
			continue
		}
		ran++
		for _, e := range s.Exchanges {
			if e.Tier != "" && e.Tier != "read" {
				t.Errorf("%s sent a %s request to read-only prod: %s %s", s.ID, e.Tier, e.Method, e.URL)
			}
		}
	}
	if ran < 3 || len(skipped) < 3 {
		t.Errorf("want both read scenarios compared and changing ones skipped: %d ran, skipped %v", ran, skipped)
	}
	if !strings.Contains(r.stdout, "essbase 21.5.0.0.0 → 21.4.0.0.0") || !strings.Contains(r.stdout, "epm 24.12.60 → 24.11.60") {
		t.Errorf("the headline does not name the releases:\n%s", r.stdout)
	}
	if v := prod.VendorVersion("essbase"); v != "21.4.0.0.0" {
		t.Errorf("prod's report.json records essbase %s", v)
	}
	if !strings.Contains(r.stdout, "skipped on prod") {
		t.Errorf("the table does not show the skipped scenarios:\n%s", r.stdout)
	}
}
