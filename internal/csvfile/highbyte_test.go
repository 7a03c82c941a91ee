package csvfile

import (
	"bytes"
	"testing"
)

// highByte reads eight bytes at a time; a byte of 0x80 or above must be
// found wherever it sits: in a word, in the tail, first, last.
func TestHighByteEveryPosition(t *testing.T) {
	for n := 0; n <= 25; n++ {
		plain := bytes.Repeat([]byte{0x7f}, n)
		if highByte(plain) {
			t.Errorf("highByte(%d ASCII bytes) = true", n)
		}
		for i := range n {
			for _, c := range []byte{0x80, 0xc3, 0xff} {
				b := bytes.Clone(plain)
				b[i] = c
				if !highByte(b) {
					t.Errorf("highByte misses 0x%x at %d of %d", c, i, n)
				}
			}
		}
	}
}
