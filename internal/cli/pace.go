package cli

import (
	"fmt"
	"net"
	"net/http"

	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
)

// servePace keeps each product's pace in the parent of --procs and serves
// it to the children over loopback: N processes are one client per
// product, at one rate, honouring one Retry-After.
func servePace(rate float64) (url string, stop func(), err error) {
	paces := map[string]exchange.Pace{}
	for _, p := range config.Products {
		paces[p] = exchange.NewSharedPace(rate)
	}
	url, stop, err = serveLoopback(exchange.PaceHandler(paces))
	if err != nil {
		return "", nil, fmt.Errorf("the processes' shared rate: %w", err)
	}
	return url, stop, nil
}

// serveLoopback serves what the parent of --procs shares with its
// processes on a free loopback port.
func serveLoopback(h http.Handler) (url string, stop func(), err error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(l) }()
	return "http://" + l.Addr().String(), func() { srv.Close() }, nil
}
