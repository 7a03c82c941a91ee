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

	"github.com/oracle-users-conformance/conformance/internal/deviate"
)

func proxyCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("proxy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8081", "listen address")
	target := fs.String("target", "http://127.0.0.1:8080", "the target to deviate from")
	names := fs.String("deviation", "", "comma-separated deviation names; -list shows them")
	list := fs.Bool("list", false, "list the deviations and exit")
	if err := fs.Parse(args); err != nil {
		return parseExit(err)
	}
	if *list {
		for _, d := range deviate.All() {
			fmt.Fprintf(stdout, "%-28s %s\n", d.Name, d.Summary)
		}
		return ExitPass
	}
	u, err := url.Parse(*target)
	if err != nil || u.Host == "" {
		fmt.Fprintf(stderr, "conformance proxy: --target %q is not a URL\n", *target)
		return ExitBadConfig
	}
	var ds []deviate.Deviation
	for _, n := range strings.Split(*names, ",") {
		if n = strings.TrimSpace(n); n == "" {
			continue
		}
		d, ok := deviate.Lookup(n)
		if !ok {
			fmt.Fprintf(stderr, "conformance proxy: no deviation %q (conformance proxy -list)\n", n)
			return ExitBadConfig
		}
		ds = append(ds, d)
	}
	if len(ds) == 0 {
		fmt.Fprintln(stderr, "conformance proxy: name at least one --deviation (conformance proxy -list)")
		return ExitBadConfig
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "conformance proxy: %v\n", err)
		return ExitBadConfig
	}
	fmt.Fprintf(stdout, "proxy listening on http://%s, deviating from %s: %s\n", l.Addr(), u, *names)
	srv := &http.Server{Handler: deviate.Proxy(u, ds...), ReadHeaderTimeout: 10 * time.Second}
	return serveUntilSignal(l, srv.Serve, stderr)
}
