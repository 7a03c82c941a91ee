package essbase

import (
	"errors"
	"strings"
	"testing"
)

func TestValidID(t *testing.T) {
	cases := []struct {
		id   string
		want error
	}{
		{"User001", nil},
		{"jen.power", nil}, // the period is forbidden in group names only
		{"ÉlodieÜ", nil},
		{strings.Repeat("é", 256), nil},
		{strings.Repeat("i", 257), ErrInvalidID},
		{"", ErrInvalidID},
		{"User One", ErrInvalidID},
		{"a\tb", ErrInvalidID},
	}
	for _, c := range []string{";", ",", "=", "+", "*", "?", "[", "]", "|", "<", ">", `\`, `"`, "'", "/"} {
		cases = append(cases, struct {
			id   string
			want error
		}{"a" + c + "b", ErrInvalidID})
	}
	for _, tc := range cases {
		if err := ValidID(tc.id); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("ValidID(%q) = %v, want %v", tc.id, err, tc.want)
		}
	}
}

func TestValidNameAndGroup(t *testing.T) {
	if err := ValidName("User One"); err != nil {
		t.Errorf("the document's sample name is refused: %v", err)
	}
	if err := ValidName(strings.Repeat("n", 257)); !errors.Is(err, ErrInvalidName) {
		t.Errorf("257 characters: %v", err)
	}
	for g, ok := range map[string]bool{"Sales": true, "sales.emea": false, "Fin Ops": false, "": false, "a;b": false} {
		if err := ValidGroup(g); (err == nil) != ok {
			t.Errorf("ValidGroup(%q) = %v", g, err)
		}
	}
}

func TestCanonicalRole(t *testing.T) {
	for in, want := range map[string]string{
		"user": RoleUser, "USER": RoleUser, "power user": RolePowerUser, "Service administrator": RoleServiceAdmin,
		"poweruser": "", "Admin": "", "": "", " User": "",
	} {
		got, ok := CanonicalRole(in)
		if got != want || ok != (want != "") {
			t.Errorf("CanonicalRole(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestStore(t *testing.T) {
	s := NewStore([]User{{ID: "Jenp", Name: "Jen Power", Role: RoleUser, Groups: []string{"Sales"}}})
	if err := s.AddAll([]User{{ID: "a"}, {ID: "JENP"}}); !errors.Is(err, ErrDuplicateID) {
		t.Fatalf("duplicate of a stored ID: %v", err)
	}
	if _, ok := s.Get("a"); ok {
		t.Fatal("a refused batch added a user")
	}
	role := "power USER"
	u, err := s.Update("jenp", Input{Role: &role})
	if err != nil || u.Role != RolePowerUser || u.ID != "Jenp" || u.Name != "Jen Power" {
		t.Fatalf("update = %+v, %v", u, err)
	}
	u.Groups[0] = "changed"
	if got, _ := s.Get("jenp"); got.Groups[0] != "Sales" {
		t.Fatal("a returned user shares memory with the store")
	}
	if _, err := s.Update("nobody", Input{}); !errors.Is(err, ErrUnknownUser) {
		t.Fatalf("update unknown: %v", err)
	}
	if err := s.Delete("JENP"); err != nil || len(s.List()) != 0 {
		t.Fatalf("delete: %v, %v", err, s.List())
	}
}
