package claim

import (
	"context"
	"errors"
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
	release, err := one.Take(ctx, Request{Scenario: "A"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := two.Take(ctx, Request{Scenario: "A"}); !errors.Is(err, ErrElsewhere) {
		t.Fatalf("the second process got %v, want ErrElsewhere", err)
	}
	release()
	if _, err := two.Take(ctx, Request{Scenario: "A"}); !errors.Is(err, ErrElsewhere) {
		t.Fatalf("after the first finished, the second process got %v, want ErrElsewhere (it ran once)", err)
	}
}

// A scenario that changes data waits while another holds a user it names,
// and runs once that one is released; scenarios that change nothing share.
func TestUsersAreHeldWhileAScenarioRuns(t *testing.T) {
	b := NewBoard()
	one, two, three := client(t, b, 1), client(t, b, 2), client(t, b, 3)
	ctx := context.Background()
	relA, err := one.Take(ctx, Request{Scenario: "A", Users: []string{"u1"}})
	if err != nil {
		t.Fatal(err)
	}
	relB, err := two.Take(ctx, Request{Scenario: "B", Users: []string{"u1"}})
	if err != nil {
		t.Fatalf("two reading scenarios must share u1: %v", err)
	}
	got := make(chan error, 1)
	go func() {
		rel, err := three.Take(ctx, Request{Scenario: "C", Users: []string{"u2", "u1"}, Changes: true})
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
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("C still waits after every holder of u1 was released")
	}
}

// What a process that ended held is freed, so the others never wait for it.
func TestAGoneProcessFreesItsUsers(t *testing.T) {
	b := NewBoard()
	ctx := context.Background()
	if _, err := b.Claim(ctx, Request{Scenario: "A", Users: []string{"u1"}, Changes: true, Proc: 1}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	var run bool
	go func() {
		defer wg.Done()
		run, _ = b.Claim(ctx, Request{Scenario: "B", Users: []string{"u1"}, Changes: true, Proc: 2})
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
	if _, err := b.Claim(context.Background(), Request{Scenario: "A", Users: []string{"u1"}, Changes: true, Proc: 1}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := b.Claim(ctx, Request{Scenario: "B", Users: []string{"u1"}, Changes: true, Proc: 2}); err == nil {
		t.Fatal("a claim whose context ended still got its scenario")
	}
}
