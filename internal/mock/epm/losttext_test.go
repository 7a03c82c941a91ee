package epm

import (
	"strings"
	"testing"
	"unicode/utf8"
)

var lostTextCases = []string{
	"", "a", "jdoe", "Zoë", "\uFFFD", "a\uFFFDb", "\xff", "a\xffb", "\xef\xbf", "\xef\xbf\xbe", "\xef\xbf\xbd",
	"\xed\xa0\x80", "\xc3", "\xc3\xa9", "O\u2019Brien", strings.Repeat("abcdefgh", 5) + "\xe9",
	strings.Repeat("é", 20), strings.Repeat("x", 31) + "\uFFFD",
}

// lostText must answer as strings.ContainsRune(s, utf8.RuneError), the
// check it replaced: that finds U+FFFD and any byte that is not UTF-8.
func TestLostTextMatchesContainsRune(t *testing.T) {
	for _, s := range lostTextCases {
		if got, want := lostText(s), strings.ContainsRune(s, utf8.RuneError); got != want {
			t.Errorf("lostText(%q) = %v, ContainsRune says %v", s, got, want)
		}
	}
}

func FuzzLostText(f *testing.F) {
	for _, s := range lostTextCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := lostText(s), strings.ContainsRune(s, utf8.RuneError); got != want {
			t.Fatalf("lostText(%q) = %v, ContainsRune says %v", s, got, want)
		}
	})
}
