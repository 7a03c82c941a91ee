package csvfile

import "io"

// A file can be read in parts, each by its own Reader, when the parts begin
// at record boundaries: a record parses the same whatever came before it,
// given the line it starts on and the encoding decided so far. Where a
// record boundary lies cannot be told from the bytes around it (a newline
// may be inside a quoted field), so a part is read from a guessed start and
// the guess checked afterwards: the Reader of the part before must end
// exactly where the part begins, in the state the part began in
// (Point). The v1 job of the mock reads its file so, one part per core.

// Point is where a Reader stands in its file, with what it carries from
// one record to the next: the byte offset after the last record read, the
// lines read so far, and the encoding decided. Points compare with ==.
type Point struct {
	Offset  int64
	Line    int
	enc     Encoding
	encLine int
}

// At returns the Reader's point: after NewReader the end of the header,
// after Next the end of the row it returned (blank records and empty lines
// it skipped included).
func (rd *Reader) At() Point {
	d := rd.dec
	return Point{Offset: d.offset(), Line: d.p.numLine, enc: d.enc, encLine: d.encLine}
}

// Start returns the point where the Reader began reading (a Reader from
// NewReader begins at the start of its file).
func (rd *Reader) Start() Point { return rd.start }

// Resume holds what a Reader of a later part of the same file needs from
// the first one: the header and the encoding decided after it. It is a
// copy, so the first Reader can go on reading while later parts start.
type Resume struct {
	index   [numColumns]int
	width   int
	header  []string
	enc     Encoding
	encLine int
	bom     bool
}

// Resume returns what later parts need. Call it right after NewReader,
// before any Next.
func (rd *Reader) Resume() Resume {
	return Resume{index: rd.index, width: rd.width, header: rd.header,
		enc: rd.dec.enc, encLine: rd.dec.encLine, bom: rd.dec.bom}
}

// Reader returns a Reader of the part of the file that r yields, from byte
// offset off on, which the caller takes to be the start of a record after
// line linesBefore (the number of newlines before off). It reads as the
// first Reader would on reaching that point with no encoding decided since
// its header; whether it did is for the caller to check, by comparing the
// Start of this Reader with the At of the Reader of the part before once
// that one has read up to off.
func (rs Resume) Reader(r io.Reader, off int64, linesBefore int) *Reader {
	dec := NewDecoder(r)
	dec.src.n = off
	dec.started = true
	dec.enc, dec.encLine, dec.bom = rs.enc, rs.encLine, rs.bom
	dec.p.numLine = linesBefore
	rd := &Reader{dec: dec, index: rs.index, width: rs.width, header: rs.header}
	rd.start = rd.At()
	return rd
}
