package suites

import (
	"fmt"
	"sync"
	"time"
)

// jobBreaker stops a product's job scenarios once its jobs have stayed in
// progress past the poll limit several times in a row: a stuck job queue
// would otherwise make every job scenario wait out the whole limit, one
// after another, and a run last hours. The scenarios that did wait say
// what they saw; the rest are not run, with this sentence.
type jobBreaker struct {
	mu   sync.Mutex
	n    int
	open string
}

// exceeded counts a job still in progress at the limit.
func (b *jobBreaker) exceeded(product string, limit time.Duration, after int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n++
	if after > 0 && b.n >= after && b.open == "" {
		b.open = fmt.Sprintf("%s: %d jobs in a row were still in progress at the poll limit (%s), so its remaining job scenarios are not run (a stuck job queue; --job-breaker, poll.breaker)",
			product, b.n, limit)
	}
}

// finished resets the count: the queue moves.
func (b *jobBreaker) finished() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.open == "" {
		b.n = 0
	}
}

func (b *jobBreaker) sentence() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.open
}
