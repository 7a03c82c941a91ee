package epm

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

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
// still reads the bytes the job read; a job where few items point into its
// file writes them out instead and keeps no link (Server.withoutFile).
// Each part of the file (v1parts.go) writes its own list, and the answer
// reads the parts' lists one after the other, so they are never joined
// into one file; the items are written in chunks by as many goroutines as
// cores (itemSource.writeItems). The items are byte for byte those the job
// wrote before (TestAnswerRenderedAtRead).

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
	written    int64  // bytes written to the list
	marks      []mark // where every chunkItems-th entry starts
}

// chunkItems: the answer's items are written in chunks of this many, by
// as many goroutines as cores (itemSource.writeItems); a chunk's items are
// about 200 KiB.
const chunkItems = 2048

// mark is where an entry of a list starts, with what reading on from there
// needs: the end of the login before it.
type mark struct{ pos, prevEnd int64 }

// entry notes the start of an entry.
func (fw *failedWriter) entry() {
	if fw.items > 0 && fw.items%chunkItems == 0 {
		fw.marks = append(fw.marks, mark{fw.written, fw.prevEnd})
	}
	fw.items++
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
	fw.entry()
	fw.size += int64(length)
	return fw.write(fw.tag[:n])
}

func (fw *failedWriter) write(b []byte) error {
	fw.written += int64(len(b))
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
	fw.entry()
	if err := fw.write(b); err != nil {
		return err
	}
	fw.prevEnd = off + int64(len(row.UserLogin))
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
	kept   string   // the job's link to its file; "" when no entry points into it
	lists  []string // the parts' lists, in file order
	chunks []chunk  // the lists' entries in chunks, in order
	items  int
	size   int64 // bytes of the items with the commas between them: the answer's items array without its brackets
}

// chunk is a stretch of a list: from its mark to the next chunk's, or the
// list's end.
type chunk struct {
	list int
	mark
}

// addList adds the list fw wrote, at path.
func (fr *failedRows) addList(path string, fw *failedWriter) {
	k := len(fr.lists)
	fr.lists = append(fr.lists, path)
	fr.chunks = append(fr.chunks, chunk{list: k})
	for _, m := range fw.marks {
		fr.chunks = append(fr.chunks, chunk{k, m})
	}
	fr.items += fw.items
	fr.size += fw.size
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
	compact := &failedRows{}
	compact.addList(path, fw)
	compact.size = fr.size
	return compact, nil
}

// itemSource is a failedRows opened for reading: every file is open before
// the answer's first byte, so a job forgotten meanwhile (its files removed)
// still answers in full.
type itemSource struct {
	fr       *failedRows
	kept     *os.File
	keptSize int64
	lists    []*os.File
	sizes    []int64 // of the lists
}

func (fr *failedRows) open() (*itemSource, error) {
	src := &itemSource{fr: fr}
	if fr.kept != "" {
		f, err := os.Open(fr.kept)
		if err != nil {
			return nil, err
		}
		src.kept = f
		st, err := f.Stat()
		if err != nil {
			src.close()
			return nil, err
		}
		src.keptSize = st.Size()
	}
	for _, p := range fr.lists {
		f, err := os.Open(p)
		if err != nil {
			src.close()
			return nil, err
		}
		src.lists = append(src.lists, f)
		st, err := f.Stat()
		if err != nil {
			src.close()
			return nil, err
		}
		src.sizes = append(src.sizes, st.Size())
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
// array without its brackets, fr.size bytes. Chunks of items are written
// into buffers by as many goroutines as cores, a few chunks ahead, and the
// buffers written to w in order as they come: a million items are about
// 100 MiB, a memory copy the cores share while the socket takes the chunks
// before. Each goroutine reads the lists and the file through windows of
// its own.
func (src *itemSource) writeItems(w io.Writer) error {
	workers := max(1, min(runtime.GOMAXPROCS(0), 4, len(src.fr.chunks)))
	ahead := 2 * workers // chunks rendered or being rendered, not yet written
	type result struct {
		buf []byte
		err error
	}
	type task struct {
		k   int
		out chan result
	}
	tasks := make(chan task, ahead)
	free := make(chan []byte, ahead+workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			r := src.reader()
			for t := range tasks {
				var buf []byte
				select {
				case buf = <-free:
				default:
					buf = make([]byte, 0, chunkItems*128) // a chunk of the items of a file that fails throughout
				}
				buf, err := src.renderChunk(r, t.k, buf[:0])
				t.out <- result{buf, err} // buffered: never blocks
			}
		})
	}
	defer wg.Wait()
	defer close(tasks)
	var pending []chan result
	next := 0
	for {
		for len(pending) < ahead && next < len(src.fr.chunks) {
			out := make(chan result, 1)
			tasks <- task{next, out}
			pending = append(pending, out)
			next++
		}
		if len(pending) == 0 {
			return nil
		}
		r := <-pending[0]
		pending = pending[1:]
		if r.err != nil {
			return r.err
		}
		if _, err := w.Write(r.buf); err != nil {
			return err // the client went away
		}
		select {
		case free <- r.buf:
		default:
		}
	}
}

// renderChunk appends the items of chunk k to out, each after a comma but
// the answer's first.
func (src *itemSource) renderChunk(r *entryReader, k int, out []byte) ([]byte, error) {
	c := src.fr.chunks[k]
	to := src.sizes[c.list]
	if k+1 < len(src.fr.chunks) && src.fr.chunks[k+1].list == c.list {
		to = src.fr.chunks[k+1].pos
	}
	first := k == 0
	err := r.walk(c.list, c.mark, to, func(piece []byte, start bool, _ uint64) error {
		if start && !first {
			out = append(out, ',')
		}
		first = first && !start
		out = append(out, piece...)
		return nil
	}, func(login []byte) error {
		if !first {
			out = append(out, ',')
		}
		first = false
		out = appendPlainUnknownUserItem(out, login)
		return nil
	})
	return out, err
}

// entryReader reads entries of the lists of an itemSource, through windows
// of its own.
type entryReader struct {
	src  *itemSource
	list *window
	file *window
}

func (src *itemSource) reader() *entryReader {
	r := &entryReader{src: src, list: &window{buf: make([]byte, 64<<10)}}
	if src.kept != nil {
		r.file = &window{f: src.kept, size: src.keptSize, buf: make([]byte, 256<<10)}
	}
	return r
}

// walk reads every entry of the lists in order (see entryReader.walk).
func (src *itemSource) walk(literal func(piece []byte, start bool, length uint64) error, placed func(login []byte) error) error {
	r := src.reader()
	for k := range src.lists {
		if err := r.walk(k, mark{}, src.sizes[k], literal, placed); err != nil {
			return err
		}
	}
	return nil
}

// walk reads the entries of list k from the one at m up to offset to, in
// order: an item the job wrote goes to literal in pieces (the first with
// start true and the item's length), the login of an unknown user to
// placed; the bytes are valid until the next call.
func (r *entryReader) walk(k int, m mark, to int64, literal func(piece []byte, start bool, length uint64) error, placed func(login []byte) error) error {
	list, file := r.list, r.file
	list.reset(r.src.lists[k], r.src.sizes[k])
	pos, prevEnd := m.pos, m.prevEnd // in the list; where the last login ended in the file
	to = min(to, list.size)
	for pos < to {
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
	return nil
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

func (w *window) reset(f *os.File, size int64) {
	if w.f != f {
		w.f, w.size, w.n = f, size, 0
	}
}

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
