package suites

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
)

// A scenario on a worker ends as Ginkgo would have ended it: the first end
// stands (a cleanup failing after a skip changes nothing), cleanups run
// last registered first and each whatever the others did, a cleanup
// failing after a pass fails the scenario, and a panic of the scenario's
// code is its end too; what it logged and its timeline are kept for the
// replay.
func TestAWorkersScenarioEndsAsGinkgoWould(t *testing.T) {
	var order []string
	run := func(body func(h *bufferedHost)) (*bufferedHost, hostEnd) {
		order = nil
		h := &bufferedHost{}
		for _, name := range []string{"release", "undo"} {
			h.cleanup(func(context.Context) { order = append(order, name) })
		}
		h.do(func() { body(h) })
		h.unwind(context.Background())
		return h, h.ending()
	}

	h, end := run(func(h *bufferedHost) {
		fmt.Fprint(h.log(), "job 7 in progress\n")
		h.entry("exchange", "GET /x")
		h.cleanup(func(context.Context) { h.fail("the undo broke a rule") })
		h.skip("inconclusive: refused")
		t.Error("skip returned")
	})
	if end.state != types.SpecStateSkipped || end.msg != "inconclusive: refused" {
		t.Errorf("skipped, then a cleanup failed: ended %v %q, want the skip", end.state, end.msg)
	}
	if strings.Join(order, ",") != "undo,release" {
		t.Errorf("cleanups ran %v, want the last registered first, each whatever the others did", order)
	}
	if h.out.String() != "job 7 in progress\n" || len(h.entries) != 1 {
		t.Errorf("kept log %q and %d entries", h.out.String(), len(h.entries))
	}

	_, end = run(func(h *bufferedHost) {
		h.cleanup(func(context.Context) { h.fail("ESS-ADD-001 (x.yaml:3)\nthe undo answered 500") })
	})
	if end.state != types.SpecStateFailed || !strings.Contains(end.msg, "the undo answered 500") {
		t.Errorf("passed, then a cleanup failed: ended %v %q, want failed with its message", end.state, end.msg)
	}

	_, end = run(func(*bufferedHost) { panic("nil map") })
	if end.state != types.SpecStatePanicked || !strings.Contains(end.msg, "nil map") {
		t.Errorf("a panic ended %v %q", end.state, end.msg)
	}
	if _, end = run(func(*bufferedHost) {}); end.state != types.SpecStatePassed {
		t.Errorf("nothing ended it: %v, want passed", end.state)
	}
}
