package epm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/oracle-users-conformance/conformance/internal/csvfile"
)

// A v1 job reads its file once. No user changes until the whole file has
// been read without a fatal error (Q-EPM1-007: a file that cannot be read
// to the end changes no user), so each row that passes its checks is noted
// as the user's pending values, and the notes are applied together at the
// end. Rows of a file change nothing but the user they name, and whether a
// row passes depends on the row alone (the domain's users are fixed), so
// the net change of a file is, for each user, the last row that passed:
// the notes hold one entry per user named, however long the file.
//
// The file is read in parts, one goroutine each (a part per core), each
// part noting its own changes, counts and failed rows; the parts are then
// joined in file order, a later part's note of a user replacing an earlier
// one's. A part starts at a guessed record boundary (csvfile.Resume): just
// after a newline near its share of the file. The guess holds when the part
// before ends exactly there, in the state the part started in (csvfile
// Point: same offset, line and encoding); otherwise (the newline was inside
// a quoted field, or the part before decided the file's encoding) the part
// before reads on to the end of the file itself and the later parts are
// dropped, so the answer is always that of reading the file in one go.
//
// A later part starts at once, numbering its lines from its own start:
// the line a row starts on shows in a row's item only for a row the file's
// reading finds fault with and for a row with no User Login, and nothing
// else a part keeps depends on it. At the first row that may need it (see
// lineFree), the part counts the newlines before its start (lineCounts,
// once per part of the file for all parts) and reads on from that row
// with its lines numbered from the file's start, as the first part does.
// A file whose rows all pass, or fail only for an unknown user, is never
// counted; before, every later part counted the part before it first. (A
// count that cannot read the file ends the part with that error, which
// is the job's only if no part before it ended with its own.)

// minPartBytes: a file is cut into parts only when each gets at least this
// much; below it a second goroutine costs more than it saves.
const minPartBytes = 1 << 20

// maxParts bounds the goroutines of one job.
const maxParts = 8

// pendingUser is what the rows read so far will set on a user: the values
// of the last row that passed, copied into a buffer of the user's own that
// the next such row reuses. Rows are read Transient (their strings live
// until the next row is read), so a row allocates nothing, and a user's
// values become strings once, when the notes are applied.
type pendingUser struct {
	buf         []byte // first name, last name and email, one after the other
	first, last int    // where the first and the last name end in buf
}

func (n *pendingUser) set(row csvfile.Row) {
	n.buf = append(append(append(n.buf[:0], row.FirstName...), row.LastName...), row.Email...)
	n.first = len(row.FirstName)
	n.last = n.first + len(row.LastName)
}

func (n *pendingUser) values() (firstName, lastName, email string) {
	s := string(n.buf)
	return s[:n.first], s[n.first:n.last], s[n.last:]
}

// part is a stretch of the file [from, to) read by one goroutine.
type part struct {
	index    int
	from, to int64 // to: where the next part starts, or the file's size
	rd       *csvfile.Reader
	start    csvfile.Point // where rd began
	// relative: rd numbers lines from the part's start, not the file's;
	// until the first row that may need its line (lineFree).
	relative bool

	// Set by the part's goroutine.
	joined    bool // ended at to, where and as the next part started
	fatal     error
	recordErr error // the failed rows could not be written
	cancelled bool
	processed int
	succeeded int
	failed    int
	changes   map[*User]*pendingUser
	rows      *failedWriter // the failed rows
}

// cutPoints returns where parts after the first start: just after the
// first newline at or after each n-th of [from, size), in increasing
// order; none when a part would be smaller than minPartBytes.
func cutPoints(f io.ReaderAt, from, size int64, n int) []int64 {
	n = min(n, maxParts, int((size-from)/minPartBytes))
	var cuts []int64
	buf := make([]byte, 4<<10)
	for k := 1; k < n; k++ {
		pos := from + int64(k)*(size-from)/int64(n)
		if len(cuts) > 0 {
			pos = max(pos, cuts[len(cuts)-1])
		}
		for pos < size {
			m, err := f.ReadAt(buf, pos)
			if i := bytes.IndexByte(buf[:m], '\n'); i >= 0 {
				if pos+int64(i)+1 < size {
					cuts = append(cuts, pos+int64(i)+1)
				}
				break
			}
			if err != nil {
				break
			}
			pos += int64(m)
		}
	}
	return cuts
}

// lineCounts counts the newlines of each part of a file, once, for the
// parts after it that need their lines numbered from the file's start.
type lineCounts struct {
	f     io.ReaderAt
	parts []*part
	once  []sync.Once
	n     []int // newlines in [parts[k].from, parts[k].to)
	err   []error
}

// before returns the newlines before part k: the lines the first part's
// Reader has read when it reaches part k's start.
func (c *lineCounts) before(k int) (int, error) {
	total := 0
	for i, p := range c.parts[:k] {
		c.once[i].Do(func() { c.n[i], c.err[i] = countNewlines(c.f, p.from, p.to) })
		if c.err[i] != nil {
			return 0, c.err[i]
		}
		total += c.n[i]
	}
	return total, nil
}

// numberFromFileStart replaces the part's Reader, which numbers lines from
// the part's start, by one that numbers them from the file's and reads on
// from the point from (where the relative Reader stood).
func (p *part) numberFromFileStart(counts *lineCounts, resume csvfile.Resume, f io.ReaderAt, size int64, from csvfile.Point) error {
	base, err := counts.before(p.index)
	if err != nil {
		return err
	}
	p.rd = resume.Reader(io.NewSectionReader(f, from.Offset, size-from.Offset), from.Offset, base+from.Line)
	p.rd.Transient()
	p.relative = false
	return nil
}

// lineFree reports whether a part that numbers its lines from its own
// start may keep the row rd read last, read with err, without its line,
// its Reader having begun at start: at the end of the file; or when the
// file found no fault with the row (an error names its line), the row has
// a User Login (an item says "Line N has no User Login" otherwise), and
// the row and the records skipped before it left the Reader's encoding
// state as it began. That last holds for every row read so far, so a
// Reader numbering lines from the file's start would be in the same state
// there (the only state a line number enters is the line that decided the
// encoding), and would give the same row, only its Line differing, which
// no other item shows.
func lineFree(rd *csvfile.Reader, row csvfile.Row, err error, start csvfile.Point) bool {
	if err != nil && errors.Is(err, io.EOF) {
		return true
	}
	if err != nil || strings.TrimSpace(row.UserLogin) == "" {
		return false
	}
	return sameState(rd.At(), start)
}

// sameState reports whether two points hold the same encoding state:
// Point compared with Offset and Line set aside (a later part's Line may
// count from the part's start).
func sameState(a, b csvfile.Point) bool {
	a.Offset, a.Line, b.Offset, b.Line = 0, 0, 0, 0
	return a == b
}

// sameStart reports whether a part that ended at a stands where the part
// after it started, at start, in the same state. Lines are left out: a
// later part numbers its lines from its own start until a row needs its
// line, but where two parts meet the offsets are equal only if the part
// before has read every newline up to there, whose count is what the
// lines would add.
func sameStart(at, start csvfile.Point) bool {
	return at.Offset == start.Offset && sameState(at, start)
}

// countNewlines counts the newlines in [from, to) of f.
func countNewlines(f io.ReaderAt, from, to int64) (int, error) {
	buf := make([]byte, 256<<10)
	n := 0
	for from < to {
		m, err := f.ReadAt(buf[:min(int64(len(buf)), to-from)], from)
		n += bytes.Count(buf[:m], []byte{'\n'})
		from += int64(m)
		if err != nil && from < to {
			return n, fmt.Errorf("count lines: %w", err)
		}
	}
	return n, nil
}

// readParts reads the file f of size bytes, whose header rd has read, in
// parts starting at cuts (in increasing order, after the header), and
// returns the job's outcome; the users change only when the whole file was
// read without a fatal error. kept is the path of the job's own link to f
// (fileStore.openKept), or "": failed rows may point into it then
// (v1failed.go); the outcome's failures name it when one does.
func (s *Server) readParts(ctx context.Context, j *job, f io.ReaderAt, size int64, rd *csvfile.Reader, cuts []int64, kept string) jobOutcome {
	fail := func(details string) jobOutcome { return jobOutcome{status: 1, details: details} }
	parts := make([]*part, len(cuts)+1)
	for k := range parts {
		p := &part{index: k, to: size}
		if k > 0 {
			p.from = cuts[k-1]
		}
		if k < len(cuts) {
			p.to = cuts[k]
		}
		parts[k] = p
	}
	parts[0].rd = rd
	resume := rd.Resume()
	for _, p := range parts[1:] {
		p.rd = resume.Reader(io.NewSectionReader(f, p.from, size-p.from), p.from, 0)
		p.start, p.relative = p.rd.Start(), true
	}
	var stop atomic.Int64 // parts from this index on are not needed
	stop.Store(int64(len(parts)))
	counts := &lineCounts{f: f, parts: parts, once: make([]sync.Once, len(parts)), n: make([]int, len(parts)), err: make([]error, len(parts))}
	var wg sync.WaitGroup
	for _, p := range parts {
		wg.Go(func() {
			s.readPart(ctx, j, p, parts, &stop, kept != "", func(from csvfile.Point) error {
				return p.numberFromFileStart(counts, resume, f, size, from)
			})
		})
	}
	wg.Wait()

	// The parts' lists of failed rows are kept, one after the other, as
	// the parts are joined; every other is removed.
	failures := &failedRows{}
	done := false
	defer func() {
		for _, p := range parts {
			if p.rows != nil {
				p.rows.discard()
			}
		}
		if !done {
			failures.remove()
		}
	}()
	var o jobOutcome
	var placed int64 // bytes of the items that point into the file
	changes := map[*User]*pendingUser{}
	for _, p := range parts {
		switch {
		case p.cancelled:
			return fail("Failed to update users. The job was cancelled because the service is shutting down.")
		case p.recordErr != nil:
			return fail("Failed to update users. The service could not record failed rows: " + p.recordErr.Error() + ".")
		case p.fatal != nil:
			// Everything that ends a file is the reading's: broken quoting,
			// a read failure; nothing has changed.
			return fail("Failed to update users. Input file " + j.filename + " is not a valid user file: " + p.fatal.Error() + ".")
		}
		o.processed += p.processed
		o.succeeded += p.succeeded
		o.failed += p.failed
		for u, v := range p.changes {
			changes[u] = v
		}
		if fw := p.rows; fw != nil {
			p.rows = nil
			path, err := fw.finish()
			if err != nil {
				return fail("Failed to update users. The service could not record failed rows: " + err.Error() + ".")
			}
			failures.addList(path, fw)
			placed += fw.placedSize
		}
		if !p.joined {
			break // this part read on to the end of the file
		}
	}
	if failures.items > 0 {
		failures.size += int64(failures.items - 1) // the commas
		switch {
		case placed == 0:
		case 2*placed < size:
			// Few items point into the file: they are written out, and
			// the job keeps no link to its file.
			failures.kept = kept
			compact, err := s.withoutFile(j, failures)
			if err != nil {
				return fail("Failed to update users. The service could not record failed rows: " + err.Error() + ".")
			}
			failures = compact
		default:
			failures.kept = kept
		}
		o.failures = failures
	}
	done = true
	s.Domain.apply(changes)
	o.details = msgSummary(o)
	return o
}

// readPart reads part p until it reaches the next part's start (then joins
// it if that part started as this one ends), the end of the file, or an
// error that ends the file.
//
// absolute, for a part that numbers its lines from its own start, makes
// its Reader number them from the file's start, reading on from the point
// given (numberFromFileStart).
func (s *Server) readPart(ctx context.Context, j *job, p *part, parts []*part, stop *atomic.Int64, placing bool, absolute func(from csvfile.Point) error) {
	needed := func() bool { return int64(p.index) < stop.Load() }
	// enough: no part after this one is needed.
	enough := func() {
		for {
			v := stop.Load()
			if v <= int64(p.index+1) || stop.CompareAndSwap(v, int64(p.index+1)) {
				return
			}
		}
	}
	last := p.index == len(parts)-1
	p.changes = map[*User]*pendingUser{}
	p.rd.Transient() // notePending and failedWriter keep nothing of a row
	for n := 0; ; n++ {
		if n%1024 == 0 {
			if ctx.Err() != nil {
				p.cancelled = true
				return
			}
			if !needed() {
				return
			}
		}
		if !last {
			if at := p.rd.At(); at.Offset >= p.to {
				if sameStart(at, parts[p.index+1].start) {
					p.joined = true
					return
				}
				// The guess was wrong: read on to the end alone.
				last = true
				enough()
			}
		}
		var before csvfile.Point
		if p.relative {
			before = p.rd.At()
		}
		row, err := p.rd.Next()
		if p.relative && !lineFree(p.rd, row, err, p.start) {
			// The row is read again, its line numbered from the file's start.
			if cerr := absolute(before); cerr != nil {
				p.fatal = cerr
				enough()
				return
			}
			row, err = p.rd.Next()
		}
		if err != nil && errors.Is(err, io.EOF) { // nil, nearly always: no call
			enough()
			return
		}
		if csvfile.IsFatal(err) {
			p.fatal = err
			enough()
			return
		}
		if err := s.notePending(j, p, row, err, placing); err != nil {
			p.recordErr = err
			enough()
			return
		}
	}
}

// notePending counts the row, and notes its values for its user if it
// passes its checks, or writes it to the part's failed rows; placing: the
// failed rows may point into the file (v1failed.go).
func (s *Server) notePending(j *job, p *part, row csvfile.Row, err error, placing bool) error {
	p.processed++
	if err == nil {
		c := Change{FirstName: &row.FirstName, LastName: &row.LastName, Email: &row.Email}
		if p.rd.ASCII() {
			err = checkText(j.caller, row.UserLogin, c)
		} else {
			err = check(j.caller, row.UserLogin, c)
		}
	}
	unknown := false // the row passes its checks, but names no user
	if err == nil {
		if u := s.Domain.lookup(row.UserLogin); u != nil {
			n := p.changes[u]
			if n == nil {
				n = &pendingUser{}
				p.changes[u] = n
			}
			n.set(row)
			p.succeeded++
			return nil
		}
		unknown = true
	}
	p.failed++
	if p.rows == nil {
		var werr error
		if p.rows, werr = s.newFailedWriter(j.id); werr != nil {
			return werr
		}
	}
	switch {
	case unknown && placing:
		off, ok := p.rd.Verbatim(csvfile.UserLogin)
		return p.rows.addUnknown(row, off, ok)
	case unknown:
		return p.rows.add(row, ErrUnknownUser)
	}
	return p.rows.add(row, err)
}

// partsFor is how many parts a job reads its file in: two per core. With
// one per core, a part whose thread was held back a while (by another
// process, or by the server's own goroutines) kept the job waiting with
// the other core idle once its part was done; with two, the Go scheduler
// gives the parts left to whichever core is free. Alternated with one per
// core in two sittings of twelve and thirteen runs each (BENCHMARKS.md,
// section 1, sixth round), the lowest all-fail ratio rose from 0.38 to
// 0.54 and to 0.56, the median stayed (0.59) or rose (0.56 to 0.64).
func partsFor() int { return 2 * runtime.GOMAXPROCS(0) }

// lookup returns the user of a login, or nil. The map is never changed
// after NewDomain (users are neither created nor removed), so reading it
// needs no lock; the users it points to are guarded by mu.
func (d *Domain) lookup(login string) *User {
	return d.users[strings.ToLower(login)]
}

// apply sets the pending values of every user, under one lock (v1: "It
// updates all properties of the user identified by User Login"; the
// stored spelling of the login stays).
func (d *Domain) apply(changes map[*User]*pendingUser) {
	if len(changes) == 0 {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for u, v := range changes {
		u.FirstName, u.LastName, u.Email = v.values()
	}
}
