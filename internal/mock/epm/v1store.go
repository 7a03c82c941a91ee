package epm

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// fileStore keeps the files uploaded through the migration Upload API
// (POST /interop/rest/11.1.2.3.600/applicationsnapshots/{name}/contents) on
// disk, in a directory of its own, keyed by fileKey, so that a million-row CSV never lives in
// memory. The name the client chose is only a key: on disk every file is
// called upload-<n>, so no name can reach outside the directory whatever it
// decodes to.
type fileStore struct {
	parent string // where the directory is created; "" is os.TempDir()
	limit  storeLimits
	log    *slog.Logger
	// used counts the bytes of every stored file, complete or not, and of
	// chunks being written; budgetWriter adds to it as bytes arrive, so
	// concurrent uploads share the bound without reserving it up front.
	used atomic.Int64

	mu     sync.Mutex
	dir    string // created on the first upload
	seq    int
	files  map[string]*storedFile // by name as the client wrote it
	closed bool
}

// storeLimits bound one file, the number of files and their bytes.
type storeLimits struct {
	file  int64
	files int
	bytes int64
}

// storedFile is one uploaded file, complete or still receiving chunks.
type storedFile struct {
	name     string
	path     string
	size     int64
	complete bool // the chunk with isLast arrived
	busy     bool // a chunk is being written
}

// Errors of the store; the handlers turn them into v1 envelopes.
var (
	errFileExists     = errors.New("file exists")
	errFileNotFound   = errors.New("file not found")
	errNoUpload       = errors.New("no upload in progress")
	errUploadBusy     = errors.New("another chunk is being written")
	errTooBig         = errors.New("file too large")
	errStoreClosed    = errors.New("the file store is closed")
	errInvalidName    = errors.New("invalid file name")
	errUploadComplete = errors.New("upload already complete")
	errStoreFull      = errors.New("the file store is full")
)

// uploadBuffer is the copy buffer of one upload.
const uploadBuffer = 256 << 10

func newFileStore(parent string, limit storeLimits, log *slog.Logger) *fileStore {
	return &fileStore{parent: parent, limit: limit, log: log, files: map[string]*storedFile{}}
}

// budgetWriter writes while the store's bytes stay within the bound.
type budgetWriter struct {
	w     io.Writer
	used  *atomic.Int64
	limit int64
}

func (b budgetWriter) Write(p []byte) (int, error) {
	if b.used.Add(int64(len(p))) > b.limit {
		b.used.Add(-int64(len(p)))
		return 0, fmt.Errorf("%w: more than %d bytes of files", errStoreFull, b.limit)
	}
	return b.w.Write(p)
}

// write receives one chunk. first creates the file (refusing an existing
// name, as the vendor's Upload API does: REST APIs for Oracle Enterprise Performance Management Cloud (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/)); later chunks append
// to an upload that is not complete yet; last completes it.
func (st *fileStore) write(name string, body io.Reader, first, last bool) (int64, error) {
	name, err := fileKey(name)
	if err != nil {
		return 0, err
	}
	sf, f, err := st.begin(name, first)
	if err != nil {
		return 0, err
	}
	// A buffer larger than io.Copy's 32 KiB: a file of 50 MiB is written
	// in a few hundred system calls instead of some thousands.
	n, copyErr := io.CopyBuffer(budgetWriter{f, &st.used, st.limit.bytes}, io.LimitReader(body, st.limit.file-sf.size+1), make([]byte, uploadBuffer))
	closeErr := f.Close()
	st.mu.Lock()
	defer st.mu.Unlock()
	sf.busy = false
	current := st.files[name] == sf
	switch {
	case sf.size+n > st.limit.file:
		copyErr = fmt.Errorf("%w: more than %d bytes", errTooBig, st.limit.file)
	case copyErr == nil && closeErr != nil:
		copyErr = closeErr
	}
	if copyErr != nil || !current {
		// A failed upload leaves nothing behind, so the name can be reused.
		// remove already gave back the bytes of the chunks before this one
		// when the file is no longer current.
		st.used.Add(-n)
		if current {
			st.used.Add(-sf.size)
			delete(st.files, name)
		}
		if rmErr := os.Remove(sf.path); rmErr != nil && !errors.Is(rmErr, os.ErrNotExist) {
			st.log.Warn("epm v1: remove failed upload", "name", name, "err", rmErr)
		}
		if copyErr == nil {
			copyErr = fmt.Errorf("%w: %s was deleted while it was being written", errFileNotFound, name)
		}
		return n, fmt.Errorf("upload %s: %w", name, copyErr)
	}
	sf.size += n
	sf.complete = last
	return n, nil
}

func (st *fileStore) begin(name string, first bool) (*storedFile, *os.File, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.closed {
		return nil, nil, errStoreClosed
	}
	sf, exists := st.files[name]
	switch {
	case first && exists:
		return nil, nil, fmt.Errorf("upload %s: %w", name, errFileExists)
	case !first && !exists:
		return nil, nil, fmt.Errorf("upload %s: %w", name, errNoUpload)
	case !first && sf.busy:
		return nil, nil, fmt.Errorf("upload %s: %w", name, errUploadBusy)
	case !first && sf.complete:
		return nil, nil, fmt.Errorf("upload %s: %w", name, errUploadComplete)
	}
	if first {
		if len(st.files) >= st.limit.files {
			return nil, nil, fmt.Errorf("upload %s: %w: %d files kept", name, errStoreFull, len(st.files))
		}
		if st.dir == "" {
			dir, err := os.MkdirTemp(st.parent, "epm-v1-files-")
			if err != nil {
				return nil, nil, fmt.Errorf("upload %s: create the file store: %w", name, err)
			}
			st.dir = dir
			st.log.Info("epm v1: file store", "dir", dir)
		}
		st.seq++
		sf = &storedFile{name: name, path: filepath.Join(st.dir, fmt.Sprintf("upload-%d", st.seq))}
		f, err := os.OpenFile(sf.path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return nil, nil, fmt.Errorf("upload %s: %w", name, err)
		}
		sf.busy = true
		st.files[name] = sf
		return sf, f, nil
	}
	f, err := os.OpenFile(sf.path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("upload %s: %w", name, err)
	}
	sf.busy = true
	return sf, f, nil
}

// openKept returns a complete file for reading (the handle stays readable
// if the file is deleted while a job reads it, on Unix), and links it
// under a name of the job's own in the store's directory, so the job's answer can read the file the
// job read after the client deleted or replaced it (v1failed.go). kept is
// "" when the link could not be made (a file system without hard links):
// the job then writes every failed row's item itself. Both under one lock,
// so the link is of the file opened.
func (st *fileStore) openKept(name string, job int64) (f *os.File, kept string, err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	key, err := fileKey(name)
	sf, ok := st.files[key]
	if err != nil || !ok || !sf.complete {
		return nil, "", fmt.Errorf("open %s: %w", name, errFileNotFound)
	}
	f, err = os.Open(sf.path)
	if err != nil {
		return nil, "", fmt.Errorf("open %s: %w", name, err)
	}
	st.seq++
	kept = filepath.Join(st.dir, fmt.Sprintf("job-%d-file-%d", job, st.seq))
	if err := os.Link(sf.path, kept); err != nil {
		st.log.Debug("epm v1: the job reads its file without a link", "name", name, "err", err)
		kept = ""
	}
	return f, kept, nil
}

// removeKept removes a link openKept made.
func (st *fileStore) removeKept(kept string) {
	if err := os.Remove(kept); err != nil && !errors.Is(err, os.ErrNotExist) {
		st.log.Warn("epm v1: remove a job's link to its file", "path", kept, "err", err)
	}
}

// remove deletes a file, complete or not.
func (st *fileStore) remove(name string) error {
	name, err := fileKey(name)
	if err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	sf, ok := st.files[name]
	if !ok {
		return fmt.Errorf("delete %s: %w", name, errFileNotFound)
	}
	delete(st.files, name)
	st.used.Add(-sf.size)
	if sf.busy {
		return nil // the writer removes it when its chunk ends
	}
	if err := os.Remove(sf.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("delete %s: %w", name, err)
	}
	return nil
}

// exists reports whether a name is stored (complete or not).
func (st *fileStore) exists(name string) bool {
	name, _ = fileKey(name)
	st.mu.Lock()
	defer st.mu.Unlock()
	_, ok := st.files[name]
	return ok
}

// tempFile creates a scratch file in the store's directory (job failures).
func (st *fileStore) tempFile(pattern string) (*os.File, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.closed {
		return nil, errStoreClosed
	}
	if st.dir == "" {
		dir, err := os.MkdirTemp(st.parent, "epm-v1-files-")
		if err != nil {
			return nil, fmt.Errorf("create the file store: %w", err)
		}
		st.dir = dir
	}
	return os.CreateTemp(st.dir, pattern)
}

// close removes the directory and everything in it.
func (st *fileStore) close() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.closed = true
	st.files = map[string]*storedFile{}
	st.used.Store(0)
	if st.dir == "" {
		return nil
	}
	dir := st.dir
	st.dir = ""
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("remove the file store %s: %w", dir, err)
	}
	return nil
}
