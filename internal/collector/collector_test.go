package collector

import (
	"os"
	"runtime/debug"
	"testing"
)

// gcPercent returns the setting in force (SetGCPercent answers the old one).
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

func TestTuneSetsPercentWhenGOGCIsUnset(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	t.Setenv("GOGC", "")
	// t.Setenv cannot unset; LookupEnv sees "" as set, so clear it here.
	unsetGOGC(t)
	Tune()
	if got := gcPercent(); got != Percent {
		t.Fatalf("GC percent %d after Tune with GOGC unset, want %d", got, Percent)
	}
}

func TestTuneLeavesGOGCOfTheEnvironment(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	t.Setenv("GOGC", "150")
	debug.SetGCPercent(150) // what the runtime read from GOGC at start
	Tune()
	if got := gcPercent(); got != 150 {
		t.Fatalf("GC percent %d after Tune with GOGC=150, want 150", got)
	}
}

// unsetGOGC removes GOGC for the rest of the test (t.Setenv restores it).
func unsetGOGC(t *testing.T) {
	t.Helper()
	if err := os.Unsetenv("GOGC"); err != nil {
		t.Fatal(err)
	}
}
