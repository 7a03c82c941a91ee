package suites

// Progress on a terminal: below the scenario lines, one status line that
// is rewritten as scenarios finish, saying how many are done out of the
// total and the time left at the pace so far. Only when the console is a
// terminal: in CI (a pipe or a file) the one line per scenario stays as
// it is and nothing is rewritten.

import (
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal a person watches.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// clearLine returns to the start of the line and clears it (ANSI, which
// Windows terminals understand too).
const clearLine = "\r\x1b[K"

// progress counts finished scenarios for the status line.
type progress struct {
	total, done int
	start       time.Time
	now         func() time.Time
}

// Start sets how many scenarios the run declared; from the first finished
// one on, a terminal shows the status line (the run's own header lines
// come first).
func (c *Console) Start(total int) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.progress.now
	if now == nil {
		now = time.Now
	}
	c.progress = progress{total: total, start: now(), now: now}
}

// finished prints a finished scenario's line (unless it is said by a
// grouped sentence) and counts it in the status line.
func (c *Console) finished(line string, show bool) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.progress.done++
	if c.tty && c.progress.total > 0 {
		fmt.Fprint(c.w, clearLine)
	}
	if show {
		fmt.Fprintln(c.w, line)
	}
	c.drawStatus()
}

// Stop clears the status line, before the summary is printed.
func (c *Console) Stop() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tty && c.progress.total > 0 {
		fmt.Fprint(c.w, clearLine)
	}
	c.progress.total = 0
}

// drawStatus writes the status line without a newline; c.mu is held.
func (c *Console) drawStatus() {
	if !c.tty || c.progress.total == 0 {
		return
	}
	fmt.Fprint(c.w, clearLine+c.progress.line())
}

// line is "[12/348 scenarios] 3% · 1m05s left at the current pace".
func (p progress) line() string {
	s := fmt.Sprintf("[%d/%d scenarios] %d%%", p.done, p.total, p.done*100/p.total)
	if p.done == 0 || p.done >= p.total {
		return s
	}
	elapsed := p.now().Sub(p.start)
	left := time.Duration(float64(elapsed) / float64(p.done) * float64(p.total-p.done))
	return s + fmt.Sprintf(" · %s left at the current pace", left.Round(time.Second))
}
