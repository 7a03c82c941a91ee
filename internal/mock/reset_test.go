package mock_test

import (
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/mock"
	"github.com/oracle-users-conformance/conformance/internal/mock/essbase"
)

// A reset rebuilds the state from the seed, files and users alike; a seed
// that does not build leaves the mock as it was; Changes names what a
// client did in between, never a password.
func TestResettable(t *testing.T) {
	r, err := mock.NewResettable(mock.Options{Seed: loadSeed(t, "mock/seed.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	pw := "Changed#Pass1"
	if _, err := r.Current().Essbase.Users.Update("jenp", essbaseInput(pw)); err != nil {
		t.Fatal(err)
	}
	changes := r.Changes()
	if len(changes) != 1 || changes[0].Entry != "essbase user jenp" || changes[0].What != "changed" {
		t.Fatalf("changes %v; want essbase user jenp changed", changes)
	}
	for _, c := range changes {
		if strings.Contains(string(c.Before)+string(c.After), pw) {
			t.Errorf("a change shows a password: %s", c.After)
		}
	}
	first := r.Current()
	if err := r.Reset(); err != nil {
		t.Fatal(err)
	}
	if r.Current() == first || len(r.Changes()) != 0 {
		t.Errorf("after reset: %v", r.Changes())
	}
	bad := mock.Seed{Accounts: loadSeed(t, "mock/seed.yaml").Accounts}
	if err := r.Load(&bad); err != nil {
		t.Fatalf("a seed with accounts only: %v", err)
	}
	if _, ok := r.Current().Essbase.Users.Get("jenp"); ok {
		t.Error("another seed loaded, yet jenp is still there")
	}
	// A seed the options cannot serve (the administrator named at start
	// is not in it) is refused, and the mock stays as it was.
	strict, err := mock.NewResettable(mock.Options{Seed: loadSeed(t, "mock/seed.yaml"), AdminLogin: "admin", AdminPassword: "x"})
	if err != nil {
		t.Fatal(err)
	}
	defer strict.Close()
	kept := strict.Current()
	other := loadSeed(t, "mock/other-seed.yaml")
	if err := strict.Load(&other); err == nil || strict.Current() != kept {
		t.Errorf("a seed without the administrator: %v; want an error and the old state", err)
	}
}

func essbaseInput(password string) essbase.Input {
	name := "Jen P. Changed"
	return essbase.Input{Name: &name, Password: &password}
}
