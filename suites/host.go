package suites

// A scenario's code reaches the test framework for five things only:
// ending the scenario (failed, skipped), entries of its timeline, its log,
// and cleanups that run after it. A serial run asks Ginkgo directly
// (ginkgoHost). A scenario run by one of the process's workers
// (workers.go) runs outside any Ginkgo node, where Fail and Skip would
// reach the wrong spec: it asks a buffer (workers.go's bufferedHost), and
// its spec replays the buffer to Ginkgo when it reaches the scenario.

import (
	"context"
	"io"

	. "github.com/onsi/ginkgo/v2"
)

type host interface {
	// fail ends the scenario as failed; it does not return.
	fail(msg string)
	// skip ends the scenario without a verdict; it does not return.
	skip(msg string)
	// entry adds an entry to the scenario's timeline (--verbose).
	entry(name, value string)
	// log is the scenario's own log (Ginkgo's writer: --verbose and failures).
	log() io.Writer
	// cleanup runs f after the scenario, last registered first, whatever
	// ended it; ctx is the scenario's.
	cleanup(f func(ctx context.Context))
}

// ginkgoHost is the serial run's: the spec running the scenario is
// Ginkgo's current one.
type ginkgoHost struct{}

func (ginkgoHost) fail(msg string) {
	GinkgoHelper()
	Fail(msg)
}

func (ginkgoHost) skip(msg string) {
	GinkgoHelper()
	Skip(msg)
}

func (ginkgoHost) entry(name, value string) {
	AddReportEntry(name, value, ReportEntryVisibilityFailureOrVerbose)
}

func (ginkgoHost) log() io.Writer { return GinkgoWriter }

func (ginkgoHost) cleanup(f func(ctx context.Context)) {
	DeferCleanup(func(ctx SpecContext) { f(ctx) })
}
