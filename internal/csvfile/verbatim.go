package csvfile

// A value is often the very bytes the file holds at some offset: on a line
// that Decoder.splitPlain reads (ASCII, no doubled quote, nearly every line
// of a real file), a field needs no unquoting, unescaping or decoding, only
// trimming. A caller that must give a value back much later can then keep
// where it is instead of the value (the mock's v1 job keeps where each
// failed row's login is, and writes the job's answer from the file when it
// is read, rather than writing a million items during the job).

// Verbatim reports where the value of column c of the row Next returned
// last lies in the file: the file's len(value) bytes at offset off are the
// value, byte for byte. ok is false when they are not (the record was read
// by the parser: quotes doubled, a newline inside quotes, bytes of 0x80 or
// above) and when the row has no such column.
func (rd *Reader) Verbatim(c Column) (off int64, ok bool) {
	d := rd.dec
	i := rd.index[c]
	if !d.plain || i < 0 || 2*i+1 >= len(d.ends) {
		return 0, false
	}
	return d.plainAt + int64(d.ends[2*i]), true // the span, trimmed (splitPlain)
}
