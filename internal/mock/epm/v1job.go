package epm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/csvfile"
)

// job is one Update Users v1 run. Update Users (v1) (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users.html): "The API is
// asynchronous and returns the Job ID. The presence of status -1 in the
// response indicates that the updating of users is in progress."
type job struct {
	id       int64
	filename string
	caller   string

	mu      sync.Mutex
	done    bool
	outcome jobOutcome
}

// jobOutcome is what the job status resource answers once the job is done.
type jobOutcome struct {
	status    int    // 0 success (also with failed rows), 1 failure
	details   string // the summary or the failure message
	processed int
	succeeded int
	failed    int
	// failures says where the failed rows are, to be written as the
	// answer's items when it is read (v1failed.go); nil when no row failed.
	// On disk, so a file where every one of a million rows fails costs no
	// memory.
	failures *failedRows
}

func (j *job) snapshot() (bool, jobOutcome) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.done, j.outcome
}

// jobs is the table of v1 jobs by ID, bounded: at max jobs the oldest
// finished one is forgotten (its status answers 404 from then on, as an
// unknown job does: Q-EPM1-010) and its failed rows removed; when every job
// kept is still running, a new one is refused (errTooManyJobs).
type jobs struct {
	mu    sync.Mutex
	next  int64
	max   int
	byID  map[int64]*job
	order []int64 // IDs oldest first
}

// errTooManyJobs: the table is full of running jobs.
var errTooManyJobs = errors.New("too many jobs in progress")

func newJobs(max int) *jobs { return &jobs{next: 1000, max: max, byID: map[int64]*job{}} }

func (js *jobs) add(filename, caller string) (*job, error) {
	js.mu.Lock()
	defer js.mu.Unlock()
	if len(js.byID) >= js.max && !js.evictOldestFinished() {
		return nil, fmt.Errorf("submit %s: %w (%d)", filename, errTooManyJobs, js.max)
	}
	js.next++
	j := &job{id: js.next, filename: filename, caller: caller}
	js.byID[j.id] = j
	js.order = append(js.order, j.id)
	return j, nil
}

// evictOldestFinished forgets the oldest finished job; js.mu is held.
func (js *jobs) evictOldestFinished() bool {
	for i, id := range js.order {
		done, o := js.byID[id].snapshot()
		if !done {
			continue
		}
		o.failures.remove() // a reader that opened its files keeps its handles
		delete(js.byID, id)
		js.order = append(js.order[:i], js.order[i+1:]...)
		return true
	}
	return false
}

func (js *jobs) get(id int64) (*job, bool) {
	js.mu.Lock()
	defer js.mu.Unlock()
	j, ok := js.byID[id]
	return j, ok
}

// Messages of a finished job. The first two are the document's words
// (Update Users (v1) (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users.html), Examples 2 and 3), leading and trailing spaces
// included; the others follow their style (Q-EPM1-006).
func msgFileNotFound(filename string) string {
	return "Failed to update users. Input file " + filename + " not found. Specify a valid file name."
}

func msgUserNotFound(login string) string {
	return msgUserNotFoundBefore + login + msgUserNotFoundAfter
}

// The two halves of msgUserNotFound, which appendUnknownUserItem writes
// around the login without building the message.
const (
	msgUserNotFoundBefore = " User "
	msgUserNotFoundAfter  = " not found. Verify that the user exists. "
)

func msgSummary(o jobOutcome) string {
	return fmt.Sprintf("Processed - %d, Succeeded - %d, Failed - %d.", o.processed, o.succeeded, o.failed)
}

// itemDetails says why a row failed, in the wording of the document's
// example where there is one.
func itemDetails(row csvfile.Row, err error) string {
	var ce *csvfile.Error
	switch {
	case errors.As(err, &ce):
		return " Invalid record at " + ce.Error() + ". "
	case errors.Is(err, ErrUnknownUser):
		return msgUserNotFound(row.UserLogin)
	case errors.Is(err, ErrInvalidEmail):
		return " Invalid email " + row.Email + " for user " + row.UserLogin + ". Provide valid email. "
	case errors.Is(err, ErrOwnAccount):
		return " User " + row.UserLogin + " is the user running this job. The file must not include the account of the user who executes this command. "
	case errors.Is(err, ErrLostText):
		return " User " + row.UserLogin + ": a value holds U+FFFD, the mark of text lost in a wrong encoding. Save the file as UTF-8. "
	case errors.Is(err, ErrNoLogin):
		return fmt.Sprintf(" Line %d has no User Login. ", row.Line)
	default:
		return " Failed to update user " + row.UserLogin + ". "
	}
}

// run executes a job in its goroutine: it reads the file, applies the rows,
// then keeps the job in progress until JobDuration has passed since submit,
// so that clients must poll as they must on the service.
func (s *Server) runJob(ctx context.Context, j *job, submitted time.Time) {
	defer s.wg.Done()
	log := s.log.With("job", j.id, "file", j.filename, "caller", j.caller)
	log.Info("epm v1 job started")
	o := s.process(ctx, j, log)
	if wait := s.opts.JobDuration - time.Since(submitted); wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}
	j.mu.Lock()
	j.done, j.outcome = true, o
	j.mu.Unlock()
	log.Info("epm v1 job finished", "status", o.status, "processed", o.processed, "succeeded", o.succeeded, "failed", o.failed, "duration", time.Since(submitted))
}

// process reads the file once (v1parts.go): the users change only if it
// reads to the end without an error that ends it (no or wrong header,
// broken quoting, UTF-16: Q-EPM1-007).
func (s *Server) process(ctx context.Context, j *job, log *slog.Logger) (o jobOutcome) {
	fail := func(details string) jobOutcome { return jobOutcome{status: 1, details: details} }
	f, kept, err := s.files.openKept(j.filename, j.id)
	if err != nil {
		return fail(msgFileNotFound(j.filename))
	}
	defer f.Close()
	defer func() {
		if kept != "" && (o.failures == nil || o.failures.kept != kept) {
			s.files.removeKept(kept) // no failed row points into it
		}
	}()
	st, err := f.Stat()
	if err != nil {
		return fail("Failed to update users. Input file " + j.filename + " could not be read: " + err.Error() + ".")
	}
	rd, err := csvfile.NewReader(io.NewSectionReader(f, 0, st.Size()))
	if err != nil {
		log.Info("epm v1 job: file refused", "err", err)
		return fail("Failed to update users. Input file " + j.filename + " is not a valid user file: " + err.Error() + ".")
	}
	o = s.readParts(ctx, j, f, st.Size(), rd, cutPoints(f, rd.At().Offset, st.Size(), partsFor()), kept)
	if o.status == statusFailure {
		log.Info("epm v1 job failed", "details", o.details)
	}
	return o
}

// itemV1 is one failed row (Update Users (v1) (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users.html), Example 3).
type itemV1 struct {
	UserName     string `json:"UserName"`
	ErrorDetails string `json:"Error_Details"`
}
