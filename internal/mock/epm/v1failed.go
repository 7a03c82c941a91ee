package epm

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

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
	n := binary.PutUvarint(fw.tag[:], uint64(len(item))<<1|1)
	if _, err := fw.w.Write(fw.tag[:n]); err != nil {
		return fmt.Errorf("write failed item: %w", err)
	}
	if _, err := fw.w.Write(item); err != nil {
		return fmt.Errorf("write failed item: %w", err)
	}
	fw.items++
	fw.size += int64(len(item))
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
	fw.size += unknownItemBase + 2*int64(len(row.UserLogin))
	return nil
}

// unknownItemBase is the length of the item of an unknown user but for the
// login, which it holds twice.
var unknownItemBase = int64(len(appendUnknownUserItem(nil, "")))

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
func appendUnknownUserItem[T ~string | ~[]byte](b []byte, login T) []byte {
	b = append(b, `{"UserName":`...)
	b = appendJSONString(b, login, false)
	b = append(b, `,"Error_Details":"`+msgUserNotFoundBefore...)
	b = appendJSONEscaped(b, login, false)
	return append(b, msgUserNotFoundAfter+`"}`+"\n"...)
}

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
// array without its brackets, fr.size bytes.
func (src *itemSource) writeItems(w io.Writer) error {
	out := bufio.NewWriterSize(w, 64<<10)
	var file *keptReader
	if src.kept != nil {
		st, err := src.kept.Stat()
		if err != nil {
			return fmt.Errorf("read failed items: %w", err)
		}
		file = &keptReader{f: src.kept, size: st.Size(), r: bufio.NewReaderSize(src.kept, 256<<10)}
	}
	var item []byte
	in := bufio.NewReaderSize(nil, 64<<10)
	first := true
	for _, list := range src.lists {
		in.Reset(list)
		var prevEnd int64
		for {
			tag, err := binary.ReadUvarint(in)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return fmt.Errorf("read failed items: %w", err)
			}
			if !first {
				_ = out.WriteByte(',')
			}
			first = false
			if tag&1 == 1 {
				// An item is as long as its row, which only the file's
				// bound bounds: a long one is copied, not held.
				n := tag >> 1
				if n > 64<<10 {
					if _, err := io.CopyN(out, in, int64(n)); err != nil {
						return fmt.Errorf("read failed items: %w", err)
					}
					continue
				}
				if uint64(cap(item)) < n {
					item = make([]byte, n)
				}
				item = item[:n]
				if _, err := io.ReadFull(in, item); err != nil {
					return fmt.Errorf("read failed items: %w", err)
				}
				if _, err := out.Write(item); err != nil {
					return err // the client went away
				}
				continue
			}
			n, err := binary.ReadUvarint(in)
			off := prevEnd + int64(tag>>1)
			if err != nil || file == nil || off < prevEnd || n > uint64(file.size-off) {
				return fmt.Errorf("read failed items: a login outside the file (%v)", err)
			}
			login, err := file.bytes(off, int(n))
			if err != nil {
				return fmt.Errorf("read failed items: login at %d: %w", off, err)
			}
			prevEnd = off + int64(n)
			item = appendUnknownUserItem(item[:0], login)
			if _, err := out.Write(item); err != nil {
				return err // the client went away
			}
		}
	}
	return out.Flush()
}

// keptReader reads the logins of a list from the job's file, which come
// in the file's order: mostly a few dozen bytes apart, so read through one
// buffer.
type keptReader struct {
	f    *os.File
	size int64
	r    *bufio.Reader
	pos  int64 // the offset of the next byte r gives
	buf  []byte
}

// bytes returns the n bytes at off, valid until the next call.
func (k *keptReader) bytes(off int64, n int) ([]byte, error) {
	if off < k.pos || off-k.pos > int64(k.r.Buffered()) {
		if _, err := k.f.Seek(off, io.SeekStart); err != nil {
			return nil, err
		}
		k.r.Reset(k.f)
	} else if _, err := k.r.Discard(int(off - k.pos)); err != nil {
		return nil, err
	}
	k.pos = off
	if n <= k.r.Size() {
		b, err := k.r.Peek(n)
		if err != nil {
			return nil, err
		}
		_, _ = k.r.Discard(n) // b stays valid: the buffer is only refilled by the next read
		k.pos += int64(n)
		return b, nil
	}
	if cap(k.buf) < n {
		k.buf = make([]byte, n)
	}
	b := k.buf[:n]
	if _, err := io.ReadFull(k.r, b); err != nil {
		return nil, err
	}
	k.pos += int64(n)
	return b, nil
}
