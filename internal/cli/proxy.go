package cli

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/deviate"
)

func proxyCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("proxy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8081", "listen address")
	target := fs.String(config.TargetSetting.Flag, "http://127.0.0.1:8080", "the target to deviate from")
	devNames := fs.String("deviation", "", "comma-separated deviations: documented behaviour to break (-list shows them)")
	tolNames := fs.String("tolerate", "", "comma-separated harmless changes to play, which every conforming suite passes (-list shows them)")
	list := fs.Bool("list", false, "list the deviations and the harmless changes, and exit")
	if err := fs.Parse(args); err != nil {
		return parseExit(err)
	}
	if *list {
		fmt.Fprintln(stdout, "deviations (--deviation): the suite must fail through each")
		for _, d := range deviate.All() {
			fmt.Fprintf(stdout, "  %-34s %s\n", d.Name, d.Summary)
		}
		fmt.Fprintln(stdout, "\nharmless changes (--tolerate): the suite must pass through each")
		for _, t := range deviate.Tolerances() {
			fmt.Fprintf(stdout, "  %-34s %s\n", t.Name, t.Summary)
		}
		return ExitPass
	}
	u, err := url.Parse(*target)
	if err != nil || u.Host == "" {
		fmt.Fprintf(stderr, "conformance proxy: --%s %q is not a URL\n", config.TargetSetting.Flag, *target)
		return ExitBadConfig
	}
	ds, err := pick(*devNames, "deviation", deviate.Lookup)
	if err != nil {
		fmt.Fprintf(stderr, "conformance proxy: %v\n", err)
		return ExitBadConfig
	}
	ts, err := pick(*tolNames, "harmless change", deviate.LookupTolerance)
	if err != nil {
		fmt.Fprintf(stderr, "conformance proxy: %v\n", err)
		return ExitBadConfig
	}
	if len(ds) == 0 && len(ts) == 0 {
		fmt.Fprintln(stderr, "conformance proxy: name at least one --deviation or --tolerate (conformance proxy -list)")
		return ExitBadConfig
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "conformance proxy: %v\n", err)
		return ExitBadConfig
	}
	fmt.Fprintf(stdout, "proxy listening on http://%s in front of %s; deviations: %s; harmless changes: %s\n",
		l.Addr(), u, orNone(*devNames), orNone(*tolNames))
	srv := &http.Server{Handler: deviate.Serve(u, ds, ts), ReadHeaderTimeout: 10 * time.Second}
	return serveUntilSignal(l, srv.Serve, stderr)
}

// pick looks up each name of a comma-separated list.
func pick[T any](names, kind string, lookup func(string) (T, bool)) ([]T, error) {
	var out []T
	for _, n := range strings.Split(names, ",") {
		if n = strings.TrimSpace(n); n == "" {
			continue
		}
		v, ok := lookup(n)
		if !ok {
			return nil, fmt.Errorf("no %s %q (conformance proxy -list)", kind, n)
		}
		out = append(out, v)
	}
	return out, nil
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "none"
	}
	return s
}
