package oiguser

import (
	"slices"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/contract"
)

func TestKnownAndModifiableComeFromTheSpec(t *testing.T) {
	cat, err := contract.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	known := Known(cat)
	for _, f := range []string{"usr_key", "User Login", "Email", "Display Name"} {
		if !slices.Contains(known, f) {
			t.Errorf("x-known-fields lacks %q: %v", f, known)
		}
	}
	mod := Modifiable(cat)
	if slices.Contains(mod, "usr_key") || slices.Contains(mod, "User Login") || !slices.Contains(mod, "Email") {
		t.Errorf("modifiable fields = %v", mod)
	}
	if mod[len(mod)-1] != "Display Name" {
		t.Errorf("Display Name must be written last: %v", mod)
	}
}

func TestDecode(t *testing.T) {
	u, err := Decode([]byte(`{"fields":[{"name":"Email","value":"a@b.c"},{"name":"usr_key","value":24}]}`))
	if err != nil || u["Email"] != "a@b.c" || u["usr_key"] != float64(24) {
		t.Fatalf("Decode = %v, %v", u, err)
	}
	if _, err := Decode([]byte(`<html>`)); err == nil {
		t.Fatal("a page that is not JSON decoded as a user")
	}
}

func TestIDs(t *testing.T) {
	got := IDs([]byte(`{"users":[{"id":"24"},{"id":24},{"id":"25"},{"id":"24"},{"id":""}]}`))
	if !slices.Equal(got, []string{"24", "25"}) {
		t.Fatalf("IDs = %v", got)
	}
	if IDs([]byte(`not json`)) != nil {
		t.Fatal("a malformed body names users")
	}
}

func TestSame(t *testing.T) {
	cases := []struct {
		name string
		a, b any
		want bool
	}{
		{"Role", "full-time", "Full-Time", true},
		{"Title", "a", "A", false},
		{"Email", nil, "", true},
		{"usr_key", float64(24), "24", true},
	}
	for _, c := range cases {
		if got := Same(c.name, c.a, c.b); got != c.want {
			t.Errorf("Same(%q, %v, %v) = %v", c.name, c.a, c.b, got)
		}
	}
}
