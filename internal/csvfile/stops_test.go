package csvfile

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// refStopsAt is stopsAt byte by byte: the first byte of b that stops a
// field (a or q, or 0x80 and above), or, when none of the whole words of b
// holds one, the length of those words.
func refStopsAt(b []byte, a, q byte) int {
	words := len(b) / 8 * 8
	for i, c := range b[:words] {
		if c == a || c == q || c >= 0x80 {
			return i
		}
	}
	return words
}

// stopsAt looks at eight bytes at a time: a stop must be found at every
// position of a word, after any byte that does not stop (every one of the
// 256 bytes, whose borrows are what could mislead it), and the first of
// two stops is the one found.
func TestStopsAtEveryPosition(t *testing.T) {
	stops := []byte{',', '"', 0x80, 0xc3, 0xff}
	for _, set := range [][2]byte{{',', '"'}, {'"', '"'}} {
		a, q := uint64(set[0])*lowBits, uint64(set[1])*lowBits
		check := func(b []byte) {
			t.Helper()
			if got, want := stopsAt(b, a, q), refStopsAt(b, set[0], set[1]); got != want {
				t.Fatalf("stopsAt(%q, %q, %q) = %d, want %d", b, set[0], set[1], got, want)
			}
		}
		for fill := range 256 {
			for n := 0; n <= 17; n++ { // two words and a tail
				b := bytes.Repeat([]byte{byte(fill)}, n)
				check(b)
				for i := range n {
					for _, c := range stops {
						b := bytes.Clone(b)
						b[i] = c
						check(b)
						for k := i + 1; k < n && fill == 'a'; k++ {
							b := bytes.Clone(b)
							b[k] = stops[(k+int(c))%len(stops)]
							check(b)
						}
					}
				}
			}
		}
		// Random bytes, stops among them.
		rnd := rand.New(rand.NewPCG(1, 2))
		alphabet := append([]byte{0, 1, '!', '#', '+', '-', '!' + 0x80, 0x7f, 0xfe}, stops...)
		for range 50_000 {
			b := make([]byte, rnd.IntN(33))
			for i := range b {
				if rnd.IntN(4) == 0 {
					b[i] = alphabet[rnd.IntN(len(alphabet))]
				} else {
					b[i] = byte('a' + rnd.IntN(26))
				}
			}
			check(b)
		}
	}
}

// splitPlain skips a field's bytes eight at a time: a quote, a comma or a
// high byte at any position of a field of any length, quoted or not,
// must read as the parser reads it.
func TestSplitPlainStopsEveryPosition(t *testing.T) {
	for n := 1; n <= 17; n++ {
		for i := range n {
			for _, c := range []string{`"`, `""`, ",", " ", "\t", "é", "\xff", "\x80"} {
				field := string(bytes.Repeat([]byte{'x'}, i)) + c + string(bytes.Repeat([]byte{'y'}, n-i-1))
				for _, line := range []string{
					field + ",b,c,d\n",
					"a,b,c," + field + "\n",
					"a,b,c," + field,
					`"` + field + `",b,c,d` + "\n",
					`a,b,c,"` + field + `"`,
					` "` + field + "\" \t,b,c,d\n",
				} {
					compareDecoders(t, []byte(hdrLine+line), 0)
					compareTransient(t, []byte(hdrLine+line), 0)
				}
			}
		}
	}
}
