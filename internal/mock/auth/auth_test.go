package auth

import (
	"errors"
	"net/http/httptest"
	"testing"
)

func TestAuthenticate(t *testing.T) {
	d := New([]Account{
		{Login: "admin", Password: "pw", Tokens: []string{"tok"}, Roles: map[string][]string{EPM: {"Identity Domain Administrator"}}},
		{Login: "jane.doe", Password: "x"},
	})
	cases := []struct {
		name, user, pass, bearer string
		raw                      string
		want                     string
		err                      error
	}{
		{name: "basic", user: "admin", pass: "pw", want: "admin"},
		{name: "login case", user: "ADMIN", pass: "pw", want: "admin"},
		{name: "identity domain prefix", user: "idomain.admin", pass: "pw", want: "admin"},
		{name: "dotted login", user: "jane.doe", pass: "x", want: "jane.doe"},
		{name: "bearer", bearer: "tok", want: "admin"},
		{name: "wrong password", user: "admin", pass: "nope", err: ErrBadCredentials},
		{name: "unknown user", user: "ghost", pass: "pw", err: ErrBadCredentials},
		{name: "unknown token", bearer: "other", err: ErrBadCredentials},
		{name: "garbage header", raw: "Digest abc", err: ErrBadCredentials},
		{name: "none", err: ErrNoCredentials},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			switch {
			case tc.bearer != "":
				r.Header.Set("Authorization", "Bearer "+tc.bearer)
			case tc.raw != "":
				r.Header.Set("Authorization", tc.raw)
			case tc.user != "":
				r.SetBasicAuth(tc.user, tc.pass)
			}
			a, err := d.Authenticate(r)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil || a.Login != tc.want {
				t.Fatalf("got %v, %v; want %s", a, err, tc.want)
			}
		})
	}
}

func TestHasRoleIgnoresCase(t *testing.T) {
	a := &Account{Roles: map[string][]string{EPM: {"Identity Domain Administrator"}}}
	if !a.HasRole(EPM, "identity domain administrator") || a.HasRole(Essbase, "Identity Domain Administrator") {
		t.Fatal("roles are per product and compare without case")
	}
}
