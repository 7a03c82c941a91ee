// Command bare is the ceiling of the mock's v2 figure in `make bench`: a
// bare net/http server that reads the request body and answers the bytes the
// mock answers a one-user Update Users v2 batch, with no routing, no
// authentication, no JSON work and no logging. What the mock costs beyond
// it is the mock's own.
//
//	go run ./bench/bare -addr 127.0.0.1:18091
package main

import (
	"flag"
	"io"
	"log"
	"net/http"
	"strconv"

	"github.com/oracle-users-conformance/conformance/internal/collector"
)

// answer is the mock's answer to bench/epm2-update.lua (the href says
// the port the mock listened on; the length is what matters).
const answer = `{"links":{"href":"http://127.0.0.1:18090/interop/rest/security/v2/users/update","action":"PUT"},"status":0,"error":null,"details":{"processed":1,"succeeded":1,"failed":0,"faileditems":null}}` + "\n"

func main() {
	addr := flag.String("addr", "127.0.0.1:18091", "listen address")
	flag.Parse()
	// The collector setting `conformance mock` serves with, so that the
	// two differ in what they do per request, not in how their runtime is
	// tuned.
	collector.Tune()
	body := []byte(answer)
	length := strconv.Itoa(len(body))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read the body as the mock must, so both pay for the request.
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", length)
		_, _ = w.Write(body)
	})
	log.Fatal(http.ListenAndServe(*addr, h))
}
