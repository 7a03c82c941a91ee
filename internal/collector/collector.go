// Package collector sets the Go garbage collector of a process that does
// nothing but serve, such as `conformance mock`.
//
// With the runtime's default (GOGC=100) a cycle starts each time the heap
// has grown by as much as it held live after the last one, and at 4 MiB at
// the latest. A server that keeps little and makes a few KiB of garbage a
// request then runs a cycle every thousand requests or so, each with its
// fixed costs (stop-the-world phases, every goroutine's stack, the
// globals) and with the allocations made during it slowed down (assists,
// write barriers). Under load that was about a tenth of the mock's CPU per
// request (BENCHMARKS.md, section 2). At GOGC=400 the heap may grow to
// five times its live size, and the 4 MiB floor becomes 16: a quarter as
// many cycles, for a heap of about 16 to 20 MB instead of 4 to 7.
package collector

import (
	"os"
	"runtime/debug"
)

// Percent is the GOGC a serving process runs with unless the environment
// sets GOGC.
const Percent = 400

// Tune sets Percent, unless GOGC is set in the environment: whoever sets
// it has the last word.
func Tune() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(Percent)
	}
}
