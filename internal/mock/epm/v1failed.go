package epm

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"

	"github.com/oracle-users-conformance/conformance/internal/csvfile"
)

// The failed rows of a v1 job become the answer's items (Update Users (v1)
// (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users.html),
// Example 3), a million of them, about 100 MiB, for a file that fails
// throughout. Writing those items during the job cost the job as much as
// checking the rows (BENCHMARKS.md, section 1), so the job keeps only
// where each failed row's item can be found, and the items are written
// when the answer is read, streamed:
//
//   - a row whose user is unknown (the row of a file that fails
//     throughout), whose login the file holds byte for byte and which JSON
//     writes as it is (nearly every such row), is kept as where its login
//     is in the file the job read (csvfile.Reader.Verbatim): its item is
//     msgUserNotFound around that login, known from the login alone;
//   - any other failed row is kept as its item, written as before.
//
// The job reads its file through a link of its own in the store's
// directory (fileStore.openKept), so the client may delete or replace the
// upload once the job is submitted, as the document asks, and the answer
// still reads the bytes the job read. Each part of the file (v1parts.go)
// writes its own list, and the answer reads the parts' lists one after the
// other, so they are never joined into one file. The items are
// byte for byte those the job wrote before (TestAnswerRenderedAtRead).

// failedWriter writes one part's failed rows to a scratch file, in the
// file's order, as a list of entries, each starting with a uvarint tag:
//
//   - tag&1 == 0: a row of an unknown user whose login is the n bytes at
//     offset prevEnd + tag>>1 of the file, n being the uvarint that
//     follows; prevEnd is where the previous such login of the list ends
//     (0 for the first), so an offset takes a byte or two;
//   - tag&1 == 1: an item of tag>>1 bytes follows, as written in the answer.
type failedWriter struct {
	f       *os.File
	w       *bufio.Writer
	buf     []byte // the entry being written
	tag     [binary.MaxVarintLen64]byte
	prevEnd int64
	items   int   // entries written
	placed  int   // entries that point into the file
	size    int64 // bytes of the items, without the commas between them
	// placedSize: bytes of the items of the entries that point into the
	// file (the job keeps its link to the file only when they are many).
	placedSize int64
}

func (s *Server) newFailedWriter(id int64) (*failedWriter, error) {
	f, err := s.files.tempFile(fmt.Sprintf("job-%d-items-*", id))
	if err != nil {
		return nil, fmt.Errorf("job %d items: %w", id, err)
	}
	return &failedWriter{f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

// add writes the item of a failed row.
func (fw *failedWriter) add(row csvfile.Row, err error) error {
	item := appendItem(fw.buf[:0], row, err)
	fw.buf = item
	if err := fw.startItem(uint64(len(item))); err != nil {
		return err
	}
	return fw.write(item)
}

// startItem writes the head of an item of length bytes, which follow.
func (fw *failedWriter) startItem(length uint64) error {
	n := binary.PutUvarint(fw.tag[:], length<<1|1)
	fw.items++
	fw.size += int64(length)
	return fw.write(fw.tag[:n])
}

func (fw *failedWriter) write(b []byte) error {
	if _, err := fw.w.Write(b); err != nil {
		return fmt.Errorf("write failed item: %w", err)
	}
	return nil
}

// addUnknown writes the row of an unknown user, whose login is the file's
// bytes at off, as where they are when it can (see failedWriter), and as its
// item otherwise.
func (fw *failedWriter) addUnknown(row csvfile.Row, off int64, placed bool) error {
	if !placed || off < fw.prevEnd || !jsonPlain(row.UserLogin) {
		return fw.add(row, ErrUnknownUser)
	}
	b := binary.AppendUvarint(fw.tag[:0], uint64(off-fw.prevEnd)<<1)
	b = binary.AppendUvarint(b, uint64(len(row.UserLogin)))
	if _, err := fw.w.Write(b); err != nil {
		return fmt.Errorf("write failed item: %w", err)
	}
	fw.prevEnd = off + int64(len(row.UserLogin))
	fw.items++
	fw.placed++
	fw.size += int64(unknownItemBase + 2*len(row.UserLogin))
	fw.placedSize += int64(unknownItemBase + 2*len(row.UserLogin))
	return nil
}

// finish flushes and closes the list, and returns its path.
func (fw *failedWriter) finish() (string, error) {
	if err := fw.w.Flush(); err != nil {
		fw.discard()
		return "", fmt.Errorf("write failed items: %w", err)
	}
	if err := fw.f.Close(); err != nil {
		_ = os.Remove(fw.f.Name())
		return "", fmt.Errorf("write failed items: %w", err)
	}
	return fw.f.Name(), nil
}

func (fw *failedWriter) discard() {
	_ = fw.f.Close()
	_ = os.Remove(fw.f.Name())
}

// appendItem appends the item of a failed row, itemV1{row.UserLogin,
// itemDetails(row, err)}, as encoding/json's Encoder writes it
// (SetEscapeHTML(false): names with < or & are shown as written), with the
// newline Encode ends it with.
func appendItem(b []byte, row csvfile.Row, err error) []byte {
	if errors.Is(err, ErrUnknownUser) {
		return appendUnknownUserItem(b, row.UserLogin)
	}
	b = append(b, `{"UserName":`...)
	b = appendJSONString(b, row.UserLogin, false)
	b = append(b, `,"Error_Details":`...)
	b = appendJSONString(b, itemDetails(row, err), false)
	return append(b, "}\n"...)
}

// appendUnknownUserItem appends the item of a row whose user is unknown:
// msgUserNotFound, written in three parts. JSON escapes byte by byte (rune
// by rune, and an ASCII byte always ends a rune), so the escaped message is
// the escaped login between the two constant halves, which need none.
func appendUnknownUserItem(b []byte, login string) []byte {
	b = append(b, unknownItemHead...)
	b = appendJSONEscaped(b, login, false)
	b = append(b, unknownItemMiddle...)
	b = appendJSONEscaped(b, login, false)
	return append(b, unknownItemTail...)
}

// appendPlainUnknownUserItem is appendUnknownUserItem for a login that JSON
// writes as it is (jsonPlain), given as bytes: those of the job's file.
func appendPlainUnknownUserItem(b, login []byte) []byte {
	b = append(b, unknownItemHead...)
	b = append(b, login...)
	b = append(b, unknownItemMiddle...)
	b = append(b, login...)
	return append(b, unknownItemTail...)
}

// The item of an unknown user around its login, which it holds twice.
const (
	unknownItemHead   = `{"UserName":"`
	unknownItemMiddle = `","Error_Details":"` + msgUserNotFoundBefore
	unknownItemTail   = msgUserNotFoundAfter + `"}` + "\n"
	unknownItemBase   = len(unknownItemHead) + len(unknownItemMiddle) + len(unknownItemTail)
)

// failedRows is where a finished job's failed rows are: the parts' lists,
// and the link to the file the job read when an entry points into it.
type failedRows struct {
	kept  string   // the job's link to its file; "" when no entry points into it
	lists []string // the parts' lists, in file order
	items int
	size  int64 // bytes of the items with the commas between them: the answer's items array without its brackets
}

// remove deletes the files (a reader that opened them keeps its handles).
func (fr *failedRows) remove() {
	if fr == nil {
		return
	}
	for _, p := range fr.lists {
		_ = os.Remove(p)
	}
	if fr.kept != "" {
		_ = os.Remove(fr.kept)
	}
}

// withoutFile returns failures whose entries hold every item, none pointing
// into the job's file: what the job keeps when few of its items point
// there, so that a job forgotten only much later (MaxJobs) does not hold a
// whole file the client deleted for a few rows' sake. The lists of fr are
// removed; its link is the caller's.
func (s *Server) withoutFile(j *job, fr *failedRows) (*failedRows, error) {
	src, err := fr.open()
	if err != nil {
		return nil, err
	}
	defer src.close()
	fw, err := s.newFailedWriter(j.id)
	if err != nil {
		return nil, err
	}
	err = src.walk(func(piece []byte, start bool, length uint64) error {
		if start {
			if err := fw.startItem(length); err != nil {
				return err
			}
		}
		return fw.write(piece)
	}, func(login []byte) error {
		item := appendPlainUnknownUserItem(fw.buf[:0], login)
		fw.buf = item
		if err := fw.startItem(uint64(len(item))); err != nil {
			return err
		}
		return fw.write(item)
	})
	if err != nil {
		fw.discard()
		return nil, err
	}
	path, err := fw.finish()
	if err != nil {
		return nil, err
	}
	for _, p := range fr.lists {
		_ = os.Remove(p)
	}
	return &failedRows{lists: []string{path}, items: fr.items, size: fr.size}, nil
}

// itemSource is a failedRows opened for reading: every file is open before
// the answer's first byte, so a job forgotten meanwhile (its files removed)
// still answers in full.
type itemSource struct {
	kept  *os.File
	lists []*os.File
}

func (fr *failedRows) open() (*itemSource, error) {
	src := &itemSource{}
	if fr.kept != "" {
		f, err := os.Open(fr.kept)
		if err != nil {
			return nil, err
		}
		src.kept = f
	}
	for _, p := range fr.lists {
		f, err := os.Open(p)
		if err != nil {
			src.close()
			return nil, err
		}
		src.lists = append(src.lists, f)
	}
	return src, nil
}

func (src *itemSource) close() {
	if src.kept != nil {
		_ = src.kept.Close()
	}
	for _, f := range src.lists {
		_ = f.Close()
	}
}

// writeItems writes the items, separated by commas, to w: the answer's items
// array without its brackets, fr.size bytes. The lists and the file are
// read through windows of their own, and the items appended to a buffer
// handed to w as it fills (a million items are about 100 MiB, and each
// call per item, a buffered reader's, a buffered writer's, showed), written
// by a goroutine of its own while the next is filled.
func (src *itemSource) writeItems(w io.Writer) (err error) {
	const flushAt = 256 << 10
	pw := newPipeWriter(w, flushAt+4<<10)
	out := pw.next(nil)
	defer func() {
		if werr := pw.close(out); err == nil {
			err = werr
		}
	}()
	first := true
	// add appends b, after a comma when it starts an item other than the
	// first, and hands out over once it holds flushAt bytes.
	add := func(b []byte, start bool) error {
		if start && !first {
			out = append(out, ',')
		}
		first = first && !start
		out = append(out, b...)
		if len(out) < flushAt {
			return nil
		}
		if pw.failed.Load() {
			out = out[:0]
			return errClientGone
		}
		out = pw.next(out)
		return nil
	}
	return src.walk(func(piece []byte, start bool, _ uint64) error {
		return add(piece, start)
	}, func(login []byte) error {
		if !first {
			out = append(out, ',')
		}
		first = false
		out = appendPlainUnknownUserItem(out, login)
		return add(nil, false)
	})
}

// walk reads the entries of the lists in order: an item the job wrote goes
// to literal in pieces (the first with start true and the item's length),
// the login of an unknown user to placed; the bytes are valid until the
// next call.
func (src *itemSource) walk(literal func(piece []byte, start bool, length uint64) error, placed func(login []byte) error) error {
	var file *window
	if src.kept != nil {
		st, err := src.kept.Stat()
		if err != nil {
			return fmt.Errorf("read failed items: %w", err)
		}
		file = &window{f: src.kept, size: st.Size(), buf: make([]byte, 256<<10)}
	}
	list := &window{buf: make([]byte, 64<<10)}
	for _, f := range src.lists {
		st, err := f.Stat()
		if err != nil {
			return fmt.Errorf("read failed items: %w", err)
		}
		list.reset(f, st.Size())
		var pos, prevEnd int64 // in the list; where the last login ended in the file
		for pos < list.size {
			// An entry's head is two uvarints at most.
			head, err := list.at(pos, int(min(2*binary.MaxVarintLen64, list.size-pos)))
			if err != nil {
				return fmt.Errorf("read failed items: %w", err)
			}
			tag, n := binary.Uvarint(head)
			if n <= 0 {
				return errors.New("read failed items: a damaged list")
			}
			pos += int64(n)
			if tag&1 == 1 {
				// An item is as long as its row, which only the file's
				// bound bounds: a long one comes in pieces.
				length := tag >> 1
				for left := length; left > 0; {
					k := int(min(left, uint64(list.cap())))
					if uint64(k) > uint64(list.size-pos) {
						return errors.New("read failed items: a damaged list")
					}
					b, err := list.at(pos, k)
					if err != nil {
						return fmt.Errorf("read failed items: %w", err)
					}
					if err := literal(b, left == length, length); err != nil {
						return err
					}
					pos += int64(k)
					left -= uint64(k)
				}
				continue
			}
			length, m := binary.Uvarint(head[n:])
			off := prevEnd + int64(tag>>1)
			if m <= 0 || file == nil || off < prevEnd || length > uint64(file.size-off) {
				return errors.New("read failed items: a login outside the file")
			}
			pos += int64(m)
			login, err := file.at(off, int(length))
			if err != nil {
				return fmt.Errorf("read failed items: login at %d: %w", off, err)
			}
			prevEnd = off + int64(length)
			if err := placed(login); err != nil {
				return err
			}
		}
	}
	return nil
}

// errClientGone: a write of the answer failed (its error is pipeWriter's).
var errClientGone = errors.New("the answer could not be written")

// pipeWriter writes the buffers it is handed to w in a goroutine of its
// own, so the next one is filled meanwhile; two buffers go round.
type pipeWriter struct {
	full   chan []byte
	free   chan []byte
	done   chan struct{}
	err    error // the first write error, read once done is closed
	failed atomic.Bool
}

func newPipeWriter(w io.Writer, size int) *pipeWriter {
	pw := &pipeWriter{full: make(chan []byte, 1), free: make(chan []byte, 2), done: make(chan struct{})}
	pw.free <- make([]byte, 0, size)
	pw.free <- make([]byte, 0, size)
	go func() {
		defer close(pw.done)
		for b := range pw.full {
			if pw.err == nil {
				if _, err := w.Write(b); err != nil {
					pw.err = err
					pw.failed.Store(true)
				}
			}
			pw.free <- b[:0]
		}
	}()
	return pw
}

// next hands b over to be written (nil: nothing) and returns an empty buffer.
func (pw *pipeWriter) next(b []byte) []byte {
	if b != nil {
		pw.full <- b
	}
	return <-pw.free
}

// close writes b, the last buffer, waits for every write, and returns the
// first error.
func (pw *pipeWriter) close(b []byte) error {
	if len(b) > 0 {
		pw.full <- b
	}
	close(pw.full)
	<-pw.done
	return pw.err
}

// window reads a file through a buffer, from any offset: the lists from
// start to end, the job's file at the logins, which come in the file's
// order, mostly a few dozen bytes apart.
type window struct {
	f     *os.File
	size  int64
	buf   []byte
	start int64 // the offset of buf[0] in f
	n     int   // bytes of buf read
}

func (w *window) reset(f *os.File, size int64) { w.f, w.size, w.n = f, size, 0 }

func (w *window) cap() int { return len(w.buf) }

// at returns the k bytes at off (off+k within the file), valid until the
// next call.
func (w *window) at(off int64, k int) ([]byte, error) {
	if off >= w.start && off+int64(k) <= w.start+int64(w.n) {
		i := int(off - w.start)
		return w.buf[i : i+k], nil
	}
	if k > len(w.buf) {
		w.buf = make([]byte, k)
	}
	n, err := w.f.ReadAt(w.buf, off)
	if n < k {
		if err == nil || errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		w.n = 0
		return nil, err
	}
	w.start, w.n = off, n
	return w.buf[:k], nil
}
