// Command loadgen is the load generator `make bench` falls back on when wrk
// is not installed: C connections kept alive, each sending the same request
// back to back for a duration, then the requests per second that were
// answered 2xx. It costs more CPU per request than wrk, and on a 2-core
// machine shares the cores with the server, so its figures are lower than
// wrk's; only ratios between servers measured with the same generator in
// the same run mean anything.
//
//	go run ./bench/loadgen -c 32 -d 5s -method PUT -body-file b.json \
//	    -header 'Content-Type: application/json' -user admin:Welcome1 URL
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type headers []string

func (h *headers) String() string     { return strings.Join(*h, ", ") }
func (h *headers) Set(v string) error { *h = append(*h, v); return nil }

func main() {
	conns := flag.Int("c", 32, "connections")
	dur := flag.Duration("d", 5*time.Second, "duration")
	method := flag.String("method", "GET", "HTTP method")
	bodyFile := flag.String("body-file", "", "file whose bytes are the request body")
	user := flag.String("user", "", "user:password for Basic authentication")
	var hs headers
	flag.Var(&hs, "header", "a request header, Name: value (repeatable)")
	wait := flag.Duration("wait", 0, "only wait until URL answers at all (any status), at most this long; exit 1 if it does not")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: loadgen [flags] URL")
		os.Exit(2)
	}
	url := flag.Arg(0)
	if *wait > 0 {
		// The bench script starts servers in the background; this saves it
		// a dependency on curl or nc to know when they listen.
		probe := &http.Client{Timeout: time.Second} // a port that accepts and never answers is not a server
		for deadline := time.Now().Add(*wait); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if res, err := probe.Get(url); err == nil {
				_ = res.Body.Close()
				return
			}
		}
		fmt.Fprintf(os.Stderr, "%s did not answer within %s\n", url, *wait)
		os.Exit(1)
	}
	var body []byte
	if *bodyFile != "" {
		var err error
		if body, err = os.ReadFile(*bodyFile); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	tr := &http.Transport{MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns, DisableCompression: true}
	client := &http.Client{Transport: tr}
	ctx, cancel := context.WithTimeout(context.Background(), *dur)
	defer cancel()
	var ok, bad atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range *conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				req, err := http.NewRequestWithContext(ctx, *method, url, bytes.NewReader(body))
				if err != nil {
					bad.Add(1)
					return
				}
				for _, h := range hs {
					name, value, _ := strings.Cut(h, ":")
					req.Header.Set(strings.TrimSpace(name), strings.TrimSpace(value))
				}
				if u, p, found := strings.Cut(*user, ":"); found {
					req.SetBasicAuth(u, p)
				}
				res, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						bad.Add(1)
					}
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				_ = res.Body.Close()
				if res.StatusCode/100 == 2 {
					ok.Add(1)
				} else {
					bad.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	// The same two lines as wrk prints, so the bench script reads either.
	fmt.Printf("Requests/sec: %.2f\n", float64(ok.Load())/elapsed.Seconds())
	fmt.Printf("non-2xx or errors: %d\n", bad.Load())
}
