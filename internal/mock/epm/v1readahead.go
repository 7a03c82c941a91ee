package epm

import (
	"github.com/oracle-users-conformance/conformance/internal/csvfile"
)

// The second pass of a v1 job reads rows in one goroutine and applies them
// in another, a batch at a time: reading a row (parsing it, making its
// strings) and applying it (checking it, changing the user) cost about the
// same, so on a machine with a core to spare a million-row file takes
// little more than its reading (BENCHMARKS.md, section 1). The rows are
// applied in the file's order, each batch under one lock of the domain.

// rowBatchSize rows go to the applier at a time: enough that the hand-over
// costs nothing per row, few enough that the applier starts at once.
const rowBatchSize = 512

// rowBatch is a run of rows in file order with the error each was read
// with, and the fatal error that ended the file after them, if one did.
type rowBatch struct {
	rows  []csvfile.Row
	errs  []error
	fatal error
	free  chan<- *rowBatch
}

// done hands the batch back to the reader for reuse.
func (b *rowBatch) done() { b.free <- b }

// readAhead reads rd in a goroutine and yields its rows in batches; the
// consumer calls done on each batch it has finished with. stop ends the
// reading early and returns once the goroutine is gone, so the file can be
// closed after it; it must be called in any case.
func readAhead(rd *csvfile.Reader) (batches <-chan *rowBatch, stop func()) {
	const inFlight = 3 // batches read ahead of the one being applied
	out := make(chan *rowBatch, inFlight)
	free := make(chan *rowBatch, inFlight+1)
	for range inFlight + 1 {
		free <- &rowBatch{rows: make([]csvfile.Row, 0, rowBatchSize), errs: make([]error, 0, rowBatchSize), free: free}
	}
	quit := make(chan struct{})
	gone := make(chan struct{})
	go func() {
		defer close(gone)
		defer close(out)
		var b *rowBatch
		take := func() bool {
			select {
			case b = <-free:
				b.rows, b.errs, b.fatal = b.rows[:0], b.errs[:0], nil
				return true
			case <-quit:
				return false
			}
		}
		send := func() bool {
			select {
			case out <- b:
				b = nil
				return true
			case <-quit:
				return false
			}
		}
		for row, err := range rd.All() {
			if b == nil && !take() {
				return
			}
			if csvfile.IsFatal(err) {
				b.fatal = err
				send()
				return
			}
			b.rows, b.errs = append(b.rows, row), append(b.errs, err)
			if len(b.rows) == rowBatchSize && !send() {
				return
			}
		}
		if b != nil && len(b.rows) > 0 {
			send()
		}
	}()
	return out, func() { close(quit); <-gone }
}
