package claim

import "testing"

// A worker asking for a scenario whose users are held gets no at once,
// without the scenario being recorded as anyone's; once the users are
// free it gets the first free set, and the scenario is never given twice.
func TestTryClaimNeverWaits(t *testing.T) {
	b := NewBoard()
	if _, ok := b.TryClaim(Request{Scenario: "A", Users: []string{"u1"}, Changes: true}); !ok {
		t.Fatal("A: a free user was refused")
	}
	if _, ok := b.TryClaim(Request{Scenario: "B", Users: []string{"u1"}}); ok {
		t.Fatal("B read u1 while A changes it")
	}
	set, ok := b.TryClaim(Request{Scenario: "C", Users: []string{"u1"}, Alternatives: [][]string{{"u1b"}}, Changes: true})
	if !ok || set != 1 {
		t.Fatalf("C got set %d (%v), want its free stand-in, set 1", set, ok)
	}
	b.Release("A")
	if _, ok := b.TryClaim(Request{Scenario: "B", Users: []string{"u1"}}); !ok {
		t.Fatal("B refused after A released u1: a refusal must not record B as taken")
	}
	if _, ok := b.TryClaim(Request{Scenario: "A", Users: []string{"u9"}}); ok {
		t.Fatal("A was given twice")
	}
}
