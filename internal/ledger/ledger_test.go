package ledger

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/opid"
)

// Undos run newest first, and one that fails neither stops the others nor
// goes unreported.
func TestUnwindRunsNewestFirstAndKeepsGoing(t *testing.T) {
	l := New(nil, nil)
	var ran []string
	for _, name := range []string{"first", "second", "third"} {
		l.Register(name, func(context.Context) error {
			ran = append(ran, name)
			if name == "second" {
				return errors.New("boom")
			}
			return nil
		})
	}
	fails := l.Unwind(context.Background())
	if !slices.Equal(ran, []string{"third", "second", "first"}) {
		t.Errorf("undos ran in order %v", ran)
	}
	if len(fails) != 1 || fails[0].Undo != "second" {
		t.Errorf("failures = %v", fails)
	}
	if l.Len() != 0 {
		t.Error("the ledger is not empty after unwinding")
	}
}

// An undo whose cause never reached the target is skipped: there is
// nothing to put back.
func TestUnwindSkipsWhatWasNeverActedOn(t *testing.T) {
	l := New(nil, nil)
	ran := false
	cause := &exchange.Exchange{Err: &exchange.Refused{Reason: "kept back by the tier"}}
	l.RegisterFor(cause, "undo", func(context.Context) error { ran = true; return nil })
	l.Unwind(context.Background())
	if ran {
		t.Error("an undo ran for a request that was never sent")
	}
}

// A request of an operation that can change data and has no rule is
// stopped with NoRule, naming the operation: the ledger never silently
// undoes nothing. Reads and declared rules pass.
func TestBeforeFailsLoudlyWithoutARule(t *testing.T) {
	c := ruled(t, nil)
	ctx := With(context.Background(), New(nil, nil))

	ex := &exchange.Exchange{Operation: opid.EssbaseAddUsers, Tier: exchange.TierMutation}
	var nr *NoRule
	if err := Before(ctx, ex, c, exchange.Request{}); !errors.As(err, &nr) || nr.Operation != opid.EssbaseAddUsers {
		t.Fatalf("Before without a rule = %v, want NoRule naming %s", err, opid.EssbaseAddUsers)
	}
	read := &exchange.Exchange{Operation: opid.EssbaseGetUser, Tier: exchange.TierRefusal}
	if err := Before(ctx, read, c, exchange.Request{}); err != nil {
		t.Errorf("an operation that changes nothing needs no rule: %v", err)
	}
	Register(Rule{Operation: opid.EssbaseAddUsers, Plan: NoUndo("test").Plan})
	if err := Before(ctx, ex, c, exchange.Request{}); err != nil {
		t.Errorf("a declared NoUndo stopped the request: %v", err)
	}
	if PlanFor(opid.EssbaseAddUsers) != "none: test" {
		t.Errorf("PlanFor = %q", PlanFor(opid.EssbaseAddUsers))
	}
}

// ruled is a client of the specs' catalog on a port nothing answers, with
// only these rules registered until the test ends.
func ruled(t *testing.T, with map[string]Rule) *exchange.Client {
	t.Helper()
	cat, err := contract.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	c, err := exchange.New("http://127.0.0.1:1", cat, exchange.Options{})
	if err != nil {
		t.Fatal(err)
	}
	saved := rules
	t.Cleanup(func() { rules = saved })
	rules = map[string]Rule{}
	for op, r := range with {
		r.Operation = op
		Register(r)
	}
	return c
}
