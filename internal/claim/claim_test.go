package claim

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

func client(t *testing.T, b *Board, proc int) *Client {
	t.Helper()
	srv := httptest.NewServer(b.Handler())
	t.Cleanup(srv.Close)
	return &Client{URL: srv.URL, Proc: proc}
}

// Each scenario runs in exactly one process: the first to ask.
func TestAScenarioGoesToTheFirstProcessOnly(t *testing.T) {
	b := NewBoard()
	one, two := client(t, b, 1), client(t, b, 2)
	ctx := context.Background()
	_, release, err := one.Take(ctx, Request{Scenario: "A"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := two.Take(ctx, Request{Scenario: "A"}); !errors.Is(err, ErrElsewhere) {
		t.Fatalf("the second process got %v, want ErrElsewhere", err)
	}
	release()
	if _, _, err := two.Take(ctx, Request{Scenario: "A"}); !errors.Is(err, ErrElsewhere) {
		t.Fatalf("after the first finished, the second process got %v, want ErrElsewhere (it ran once)", err)
	}
}

// A scenario that changes data waits while another holds a user it names,
// and runs once that one is released; scenarios that change nothing share.
func TestUsersAreHeldWhileAScenarioRuns(t *testing.T) {
	b := NewBoard()
	one, two, three := client(t, b, 1), client(t, b, 2), client(t, b, 3)
	ctx := context.Background()
	_, relA, err := one.Take(ctx, Request{Scenario: "A", Users: []string{"u1"}})
	if err != nil {
		t.Fatal(err)
	}
	_, relB, err := two.Take(ctx, Request{Scenario: "B", Users: []string{"u1"}})
	if err != nil {
		t.Fatalf("two reading scenarios must share u1: %v", err)
	}
	got := make(chan error, 1)
	go func() {
		_, rel, err := three.Take(ctx, Request{Scenario: "C", Users: []string{"u2", "u1"}, Changes: true})
		if err == nil {
			rel()
		}
		got <- err
	}()
	relA()
	select {
	case err := <-got:
		t.Fatalf("C ran (%v) while B still held u1", err)
	case <-time.After(100 * time.Millisecond):
	}
	relB()
	// C must now run; if it never does, go test's -timeout ends the test
	// (no bound here that a slow machine could miss).
	if err := <-got; err != nil {
		t.Fatal(err)
	}
}

// What a process that ended held is freed, so the others never wait for it.
func TestAGoneProcessFreesItsUsers(t *testing.T) {
	b := NewBoard()
	ctx := context.Background()
	if _, _, err := b.Claim(ctx, Request{Scenario: "A", Users: []string{"u1"}, Changes: true, Proc: 1}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	var run bool
	go func() {
		defer wg.Done()
		run, _, _ = b.Claim(ctx, Request{Scenario: "B", Users: []string{"u1"}, Changes: true, Proc: 2})
	}()
	time.Sleep(50 * time.Millisecond)
	b.Gone(1)
	wg.Wait()
	if !run {
		t.Fatal("B was not given to process 2 after process 1 ended")
	}
}

// A process that stops waiting (its context ends) is not left blocked.
func TestAWaitEndsWithItsContext(t *testing.T) {
	b := NewBoard()
	if _, _, err := b.Claim(context.Background(), Request{Scenario: "A", Users: []string{"u1"}, Changes: true, Proc: 1}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, _, err := b.Claim(ctx, Request{Scenario: "B", Users: []string{"u1"}, Changes: true, Proc: 2}); err == nil {
		t.Fatal("a claim whose context ended still got its scenario")
	}
}

// A scenario offering other sets of users runs with the first free one at
// once instead of waiting for its own, and waits only while every set it
// offers is held.
func TestAScenarioRunsWithTheFirstFreeSet(t *testing.T) {
	b := NewBoard()
	ctx := context.Background()
	sets := func(id string) Request {
		return Request{Scenario: id, Users: []string{"jdoe"}, Alternatives: [][]string{{"jdoe2"}, {"jdoe3"}}, Changes: true}
	}
	var got []int
	for _, id := range []string{"A", "B", "C"} {
		r := sets(id)
		r.Proc = 1
		run, set, err := b.Claim(ctx, r)
		if err != nil || !run {
			t.Fatalf("%s: run %v, %v", id, run, err)
		}
		got = append(got, set)
	}
	if got[0] != 0 || got[1] != 1 || got[2] != 2 {
		t.Fatalf("three changing scenarios offering jdoe, jdoe2, jdoe3 got sets %v, want 0 1 2", got)
	}
	done := make(chan int, 1)
	go func() {
		r := sets("D")
		r.Proc = 2
		_, set, _ := b.Claim(ctx, r)
		done <- set
	}()
	select {
	case set := <-done:
		t.Fatalf("D got set %d while every set it offers was held", set)
	case <-time.After(100 * time.Millisecond):
	}
	b.Release("B")
	if set := <-done; set != 1 { // a D that never runs meets go test's -timeout
		t.Fatalf("D got set %d, want 1 (jdoe2, the one released)", set)
	}
	b.Release("A")
	b.Release("C")
	b.Release("D")
	if len(b.alone) != 0 || len(b.holding) != 0 {
		t.Fatalf("after every release the board still holds %v %v", b.alone, b.holding)
	}
}

// The set the board chose reaches the process over HTTP, and an answer
// naming a set the request did not offer is an error, not a guess.
func TestTheChosenSetReachesTheProcess(t *testing.T) {
	b := NewBoard()
	one, two := client(t, b, 1), client(t, b, 2)
	ctx := context.Background()
	_, rel, err := one.Take(ctx, Request{Scenario: "A", Users: []string{"u1"}, Changes: true})
	if err != nil {
		t.Fatal(err)
	}
	defer rel()
	set, rel2, err := two.Take(ctx, Request{Scenario: "B", Users: []string{"u1"}, Alternatives: [][]string{{"u2"}}, Changes: true})
	if err != nil || set != 1 {
		t.Fatalf("B got set %d, %v; want 1 (u2), u1 being held", set, err)
	}
	rel2()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"run":true,"set":3}`))
	}))
	defer srv.Close()
	liar := &Client{URL: srv.URL, Proc: 3}
	if _, _, err := liar.Take(ctx, Request{Scenario: "C", Users: []string{"u1"}, Alternatives: [][]string{{"u2"}}}); err == nil {
		t.Fatal("an answer naming set 3 of 2 was taken")
	}
}
