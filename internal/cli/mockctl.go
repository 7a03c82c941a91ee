package cli

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/collector"
	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/control"
	"github.com/oracle-users-conformance/conformance/internal/deviate"
	"github.com/oracle-users-conformance/conformance/internal/mock"
	"github.com/oracle-users-conformance/conformance/internal/report"
)

// mockControlFlags are the mock's flags for the tests of someone's own
// automation: the client report, faults on demand, the control token.
type mockControlFlags struct {
	clientReport, play, token *string
	listPlays                 *bool
}

func addMockControlFlags(fs *flag.FlagSet) mockControlFlags {
	return mockControlFlags{
		clientReport: fs.String("client-report", "", "record every request and judge the client against the specs and the documents' obligations; the report (junit.xml, report.json, report.html, summary.md) is written into this directory on SIGINT/SIGTERM and on POST "+control.Prefix+"report"),
		play:         fs.String("play", "", "faults to play from the start, comma-separated: NAME[:product=P][:op=operationId][:next=N] (--list-plays shows the names)"),
		token:        fs.String("control-token", "", "let callers that are not on loopback use the control endpoints under "+control.Prefix+" with this value in "+control.TokenHeader),
		listPlays:    fs.Bool("list-plays", false, "list the deviations, harmless changes and incidents --play knows, and exit"),
	}
}

// MockAddrEnv, set, makes `conformance` with no arguments serve the mock:
// GitHub Actions service containers cannot be given arguments
// (actions/runner issue 2139), so an image of the command runs the mock
// from its environment alone.
var MockAddrEnv = mockEnvName(mockAddrFlag)

// mockAddrFlag is the mock's listen address flag.
const mockAddrFlag = "addr"

// mockEnv sets every mock flag from CONFORMANCE_MOCK_<FLAG> (dashes as
// underscores) before the command line is parsed, so flags still win.
func mockEnv(fs *flag.FlagSet, lookup func(string) (string, bool)) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		name := mockEnvName(f.Name)
		if v, ok := lookup(name); ok && err == nil {
			if e := f.Value.Set(v); e != nil {
				err = fmt.Errorf("%s: %w", name, e)
			}
		}
	})
	return err
}

// mockEnvName is the variable of a mock flag: config.MockEnvPrefix and the
// flag in capitals, dashes as underscores.
func mockEnvName(flag string) string {
	return config.MockEnvPrefix + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// listPlays prints every name --play and the faults endpoint accept.
func listPlays(w io.Writer) {
	fmt.Fprintln(w, "incidents: what a conforming service does now and then, which a client must survive")
	for _, in := range deviate.Incidents() {
		fmt.Fprintf(w, "  %-34s %s\n", in.Name, in.Summary)
	}
	fmt.Fprintln(w, "\ndeviations: documented behaviour broken")
	for _, d := range deviate.All() {
		fmt.Fprintf(w, "  %-34s %s\n", d.Name, d.Summary)
	}
	fmt.Fprintln(w, "\nharmless changes: what the documents leave free")
	for _, t := range deviate.Tolerances() {
		fmt.Fprintf(w, "  %-34s %s\n", t.Name, t.Summary)
	}
}

// serveMockStack serves the mock with its controls until a signal, then
// writes the client report when one was asked for.
func serveMockStack(opts mock.Options, cf mockControlFlags, addr string, stdout, stderr io.Writer) int {
	plays, err := deviate.ParsePlays(*cf.play)
	if err != nil {
		fmt.Fprintf(stderr, "conformance mock: --play: %v\n", err)
		return ExitBadConfig
	}
	st, err := control.New(control.Options{Mock: opts, Token: *cf.token, Plays: plays,
		ClientReport: *cf.clientReport != "", ReportDir: *cf.clientReport})
	if err != nil {
		fmt.Fprintf(stderr, "conformance mock: %v\n", err)
		return ExitBadConfig
	}
	defer st.Close()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(stderr, "conformance mock: %v\n", err)
		return ExitBadConfig
	}
	fmt.Fprintf(stdout, "mock listening on http://%s\n", l.Addr())
	fmt.Fprintf(stdout, "control endpoints under %s (reset, seed, changes, report, faults)\n", control.Prefix)
	if len(plays) > 0 {
		fmt.Fprintf(stdout, "playing: %s\n", *cf.play)
	}
	printAccounts(stdout, st.Mock.Current())
	collector.Tune() // this process now only serves: see the package
	srv := &http.Server{Handler: st, ReadHeaderTimeout: 10 * time.Second}
	code := serveUntilSignal(l, srv.Serve, stderr)
	if st.Checker == nil {
		return code
	}
	run, err := st.Checker.Write(*cf.clientReport)
	if err != nil {
		fmt.Fprintf(stderr, "conformance mock: client report: %v\n", err)
		return ExitFail
	}
	fmt.Fprintf(stdout, "client report: %s, %d failed, written to %s\n", run.Verdict, run.Counts.By[report.Failed], *cf.clientReport)
	return code
}
