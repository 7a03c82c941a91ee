package suites

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// On a terminal a status line follows the scenario lines and is rewritten
// in place: done out of total and the time left at the pace so far. In CI
// (not a terminal) the output is the scenario lines alone.
func TestProgressOnlyOnATerminal(t *testing.T) {
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	run := func(tty bool) string {
		var buf bytes.Buffer
		c := NewConsole(&buf, false)
		c.tty = tty
		c.progress.now = func() time.Time { return clock }
		c.Start(4)
		for i := 1; i <= 4; i++ {
			clock = clock.Add(10 * time.Second)
			c.finished("SCENARIO-"+string(rune('0'+i)), true)
		}
		c.Stop()
		return buf.String()
	}
	ci := run(false)
	if ci != "SCENARIO-1\nSCENARIO-2\nSCENARIO-3\nSCENARIO-4\n" {
		t.Errorf("not a terminal: %q, want the scenario lines alone", ci)
	}
	tty := run(true)
	// After the first of four scenarios took 10 s, three are left: 30 s.
	for _, want := range []string{
		clearLine + "SCENARIO-1\n" + clearLine + "[1/4 scenarios] 25% · 30s left at the current pace" + clearLine,
		clearLine + "SCENARIO-2\n" + clearLine + "[2/4 scenarios] 50% · 20s left at the current pace",
		"[3/4 scenarios] 75% · 10s left at the current pace",
		"[4/4 scenarios] 100%" + clearLine,
	} {
		if !strings.Contains(tty, want) {
			t.Errorf("terminal output lacks %q:\n%q", want, tty)
		}
	}
	if !strings.HasSuffix(tty, clearLine) {
		t.Errorf("the status line is not cleared at the end: %q", tty)
	}
}
