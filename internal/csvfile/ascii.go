package csvfile

// A reader looks at every byte of a record anyway (splitPlain, or highByte
// before decoding), so it knows, for nothing, whether a record held a byte
// of 0x80 or above. A caller that scans each value for text that is not
// ASCII (the mock's v1 job looks for U+FFFD in every value of every row)
// can skip the scans for a record that held none: nearly every record of
// a real file.

// ASCII reports whether the record of the row Next returned last held no
// byte of 0x80 or above: then no value of the row holds one either. It is
// false after an error that ended the file.
func (rd *Reader) ASCII() bool { return rd.dec.ascii }
