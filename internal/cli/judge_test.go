package cli_test

// One judge for every exchange: a deviation visible only in an XML answer,
// only in a setup request's answer, only in a cleanup's answer, or only in
// the reads OIG's ledger makes before a change, is caught all the same.

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/cli"
	"github.com/oracle-users-conformance/conformance/internal/deviate"
	"github.com/oracle-users-conformance/conformance/internal/report"
)

var xmlRole = regexp.MustCompile(`<role>([^<]*)</role>`)

func TestEveryExchangeIsJudged(t *testing.T) {
	t.Parallel()
	lower := func(b []byte) []byte { return bytes.ToLower(b) }
	cases := []struct {
		name string
		dev  deviate.Deviation
		// rows: a filter of rows that pass on the mock and whose only
		// exchange the deviation touches is of the named kind.
		rows, want string
		role       string // the role of the exchange whose rule broke
	}{
		{
			name: "xml answers",
			dev: deviate.Deviation{Response: func(r *http.Response, body []byte) []byte {
				if !strings.Contains(r.Header.Get("Content-Type"), "xml") {
					return body
				}
				return xmlRole.ReplaceAllFunc(body, lower)
			}},
			rows: "id:ESS-ADD-003", want: "ESS-ADD-003", role: "request",
		},
		{
			name: "setup",
			dev: deviate.Deviation{
				// The add that creates jenp is ESS-UPDATE-001's setup; its
				// own request is the update.
				Response: func(r *http.Response, body []byte) []byte {
					if r.Request.Method != http.MethodPost || !bytes.Contains(body, []byte("jenp")) {
						return body
					}
					return regexp.MustCompile(`"role":"[^"]*"`).ReplaceAllFunc(body, lower)
				},
			},
			rows: "id:ESS-UPDATE-001", want: "ESS-UPDATE-001", role: "setup",
		},
		{
			name: "cleanup and undo",
			dev: deviate.Deviation{Response: func(r *http.Response, body []byte) []byte {
				if r.Request.Method == http.MethodDelete && r.StatusCode == http.StatusOK {
					// Still a success, so only the contract sees it: the
					// spec documents 200 for a delete, not 201.
					r.StatusCode, r.Status = http.StatusCreated, "201 Created"
				}
				return body
			}},
			rows: "id:ESS-ADD-002", want: "ESS-ADD-002", role: "undo",
		},
		{
			name: "OIG's reads before a change",
			dev: deviate.Deviation{Response: func(r *http.Response, body []byte) []byte {
				if r.Request.Method != http.MethodGet || !strings.Contains(r.Request.URL.Path, "/iam/") {
					return body
				}
				return bytes.Replace(body, []byte(`"fields"`), []byte(`"fieldz"`), 1)
			}},
			rows: "id:OIG-PAYLOAD-001", want: "OIG-PAYLOAD-001", role: "read-before",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			target := newMock(t)
			u, _ := url.Parse(target.URL)
			// Without the deviation the rows pass: what fails is the deviation.
			clean := cliRun(t, time.Minute, nil, "run", "--config", mockConfig, "--target", target.URL, "--allow-mutations",
				"--rate", "0", "--label-filter", c.rows, "--report-dir", t.TempDir())
			if clean.code != cli.ExitPass {
				t.Fatalf("%s does not pass on the mock: exit %d\n%s", c.rows, clean.code, tail(clean.stdout, 10))
			}
			proxy := httptest.NewServer(deviate.Proxy(u, c.dev))
			defer proxy.Close()
			dir := t.TempDir()
			r := cliRun(t, time.Minute, nil, "run", "--config", mockConfig, "--target", proxy.URL, "--allow-mutations",
				"--rate", "0", "--label-filter", c.rows, "--report-dir", dir)
			if r.code != cli.ExitFail || r.report == nil {
				t.Fatalf("exit %d through the deviation, want %d\n%s", r.code, cli.ExitFail, tail(r.stdout, 15))
			}
			var sc *report.Scenario
			for i := range r.report.Scenarios {
				if r.report.Scenarios[i].ID == c.want {
					sc = &r.report.Scenarios[i]
				}
			}
			if sc == nil || sc.Outcome != report.Failed {
				t.Fatalf("%s did not fail: %+v", c.want, sc)
			}
			found := false
			for _, v := range sc.Violations {
				if v.Exchange >= 0 && v.Exchange < len(sc.Exchanges) && sc.Exchanges[v.Exchange].Role == c.role {
					found = true
				}
			}
			if !found {
				t.Errorf("%s failed, but no violation is of a %s exchange: %+v", c.want, c.role, sc.Violations)
			}
		})
	}
}
