package csvfile

import "unsafe"

// A row's fields are substrings of one string per record: one allocation
// per row, which for a file read to the end is a million strings a
// million-row file, garbage as soon as the row has been looked at (the v1
// job of the mock checks a row and keeps nothing of most rows). A Reader
// made Transient lends its buffers instead: the strings of a row share
// the bytes the Decoder read the record into, and are valid only until
// the next call to Next, which overwrites them. The fields are the same
// (TestTransientRowsMatch reads every test file both ways); only their
// lifetime differs.

// Transient makes the rows Next returns from now on valid only until the
// next call to Next: a caller that keeps a value
// copies it (strings.Clone). Rows returned before are not affected.
func (rd *Reader) Transient() { rd.dec.lend = true }

// text is the string of the record's bytes b: a copy, or, lent, b itself,
// which is the parser's or the decoder's buffer and stays untouched until
// the next record is read.
func (d *Decoder) text(b []byte) string {
	if !d.lend {
		return string(b)
	}
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}
