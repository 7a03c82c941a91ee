// Package collector sets the Go garbage collector of a process that does
// nothing but serve, such as `conformance mock`.
//
// With the runtime's default (GOGC=100) the collector runs each time the
// heap has grown by as much as it held live after the last cycle, at least
// 4 MiB, and every cycle marks the whole live heap again. The mock's
// binary holds a few MiB that never change (the embedded specs, compiled
// schemas, fixtures), so at the default every few thousand requests it
// marks them once more: under load that was about a tenth of the mock's
// CPU per request (BENCHMARKS.md, section 2). Letting the heap grow to
// five times its live size before the next cycle (a heap of about 20 MB
// instead of 7) cuts that work by four.
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
