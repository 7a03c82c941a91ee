package epm_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/mock/epm"
)

// emailRegexp is the rule ValidEmail implements by hand, kept here as the
// reference: the hand-written check must answer as the expression does.
var emailRegexp = regexp.MustCompile(`^[^@\s"(),:;<>\[\]\\]+@[^@\s"(),:;<>\[\]\\.]+(\.[^@\s"(),:;<>\[\]\\.]+)+$`)

func refValidEmail(s string) bool { return len(s) <= 254 && emailRegexp.MatchString(s) }

var emailCases = []string{
	"", "a", "@", "a@", "@b.c", "a@b", "a@b.", "a@.b", "a@b.c", "a@b..c", "a@@b.c", "a@b@c.d",
	"a.b@c.d", ".a@b.c", "a.@b.c", "a..b@c.d", "a@b.c.d.e", "a@b.c.", "a@-.-",
	"a b@c.d", "a\tb@c.d", "a@b\n.c", "a@b.c\n", "\na@b.c", "a\v@b.c", "a\f@b.c", "a\r@b.c",
	`"a"@b.c`, "(a)@b.c", "a,b@c.d", "a:b@c.d", "a;b@c.d", "<a@b.c>", "[a]@b.c", `a\b@c.d`,
	"a@b[.c", "a@b.c]", "a+tag@example.com", "jane.doe@example.com", "zoë@exämple.de",
	"a\xff@b.c", "a@\xe9.c", "a@b.\xc3", "\x00@b.c", "a@b.c\x00", "a\u00a0@b.c", "a\u2028@b.c",
	strings.Repeat("a", 250) + "@b.c", strings.Repeat("a", 251) + "@b.c", strings.Repeat("a", 249) + "@b.c",
}

func TestValidEmailMatchesRegexp(t *testing.T) {
	for _, s := range emailCases {
		if got, want := epm.ValidEmail(s), refValidEmail(s); got != want {
			t.Errorf("ValidEmail(%q) = %v, the regexp says %v", s, got, want)
		}
	}
}

func FuzzValidEmail(f *testing.F) {
	for _, s := range emailCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := epm.ValidEmail(s), refValidEmail(s); got != want {
			t.Fatalf("ValidEmail(%q) = %v, the regexp says %v", s, got, want)
		}
	})
}

// BenchmarkValidEmail puts the hand-written check next to the expression it
// replaces (run in the same process, so the ratio holds on a noisy machine).
func BenchmarkValidEmail(b *testing.B) {
	const addr = "jdoe.123456@example.com"
	b.Run("hand-written", func(b *testing.B) {
		for b.Loop() {
			epm.ValidEmail(addr)
		}
	})
	b.Run("regexp", func(b *testing.B) {
		for b.Loop() {
			refValidEmail(addr)
		}
	})
}
