package epm

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/oracle-users-conformance/conformance/internal/mock/auth"
	"github.com/oracle-users-conformance/conformance/internal/mock/reqinfo"
)

// Update Users v1 (Update Users (v1) (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users.html)) and the two migration file
// operations it depends on (REST APIs for Oracle Enterprise Performance Management Cloud (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/), "Uploading and deleting the CSV").
//
// How the mock answers, in one place (Q-EPM1-008): a request it cannot parse
// gets 400, a wrong media type 415, a file over MaxUpload 413, an absent
// file or job 404, missing or wrong credentials 401; every other refusal is a
// functional one, answered as the service answers them: HTTP 200 with
// status 1 and details saying why. Every body is the v1 envelope.

// jobTypeUpdateUsers is the only job type of this resource.
const jobTypeUpdateUsers = "UPDATE_USERS"

// envelopeV1 is the v1 answer: links is an ARRAY here, ONE object in v2
// (REST APIs for Oracle Enterprise Performance Management Cloud (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/)).
type envelopeV1 struct {
	Links   []linkV1 `json:"links"`
	Details *string  `json:"details"`
	Status  int      `json:"status"`
	Items   []itemV1 `json:"items"`
}

// fileEnvelope is the answer of Upload and Delete: no items (REST APIs for Oracle Enterprise Performance Management Cloud (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/)).
type fileEnvelope struct {
	Details *string  `json:"details"`
	Status  int      `json:"status"`
	Links   []linkV1 `json:"links"`
}

type linkV1 struct {
	Rel    string `json:"rel"`
	Href   string `json:"href"`
	Data   any    `json:"data"`
	Action string `json:"action"`
}

func str(s string) *string { return &s }

// Status values (REST APIs for Oracle Enterprise Performance Management Cloud (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/), Migration Status Codes).
const (
	statusInProgress = -1
	statusSuccess    = 0
	statusFailure    = 1
)

// ---- PUT /interop/rest/security/{api_version}/users

func (s *Server) updateUsersV1(w http.ResponseWriter, r *http.Request) {
	self := linkV1{Rel: "self", Href: reqinfo.URL(r), Action: "UPDATE"}
	fail := func(httpStatus int, details string) {
		writeJSON(w, httpStatus, envelopeV1{Links: []linkV1{self}, Details: str(details), Status: statusFailure})
	}
	if r.Method != http.MethodPut {
		w.Header().Set("Allow", http.MethodPut)
		fail(http.StatusMethodNotAllowed, "Method "+r.Method+" is not supported. Use PUT to update users.")
		return
	}
	if v := r.PathValue("api_version"); v != "v1" {
		fail(http.StatusNotFound, "Update Users with a CSV file is API version v1; version "+v+" is not served at this path.")
		return
	}
	caller, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	// Update Users (v1) (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users.html), Required Roles: "Identity Domain
	// Administrator and any predefined role". The refusal is v2's
	// documented one (Example 2 of Update Users (v2) (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users_v2.html)) in the v1
	// envelope, with no job started (Q-EPM1-005).
	if !caller.HasRole(auth.EPM, RoleIdentityDomainAdmin) || !hasPredefinedRole(caller) {
		s.log.Info("epm v1 update users refused: role", "caller", caller.Login)
		fail(http.StatusOK, "Failed to update users. Authorization failed. Please provide valid authorized user.")
		return
	}
	// A body without Content-Type is read as the form: Oracle's Java
	// helper sends the PUT so, since Java names the form type on POST only
	// (Q-EPM1-035).
	if r.Header.Get("Content-Type") == "" {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
		fail(http.StatusUnsupportedMediaType, "Failed to update users. Invalid or insufficient parameters: the request must be a form, Content-Type application/x-www-form-urlencoded, with jobtype and filename.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		fail(http.StatusBadRequest, "Failed to update users. Invalid or insufficient parameters: the form could not be read: "+err.Error()+".")
		return
	}
	jobType, filename := r.PostForm.Get("jobtype"), strings.TrimSpace(r.PostForm.Get("filename"))
	switch {
	case !utf8.ValidString(jobType) || !utf8.ValidString(filename):
		// Form values are text; bytes that are not UTF-8 would name no file.
		fail(http.StatusBadRequest, "Failed to update users. Invalid or insufficient parameters: the form fields jobtype and filename must be UTF-8 text.")
		return
	case jobType == "":
		fail(http.StatusOK, "Failed to update users. Invalid or insufficient parameters: the form field jobtype is required; it must be UPDATE_USERS.")
		return
	case jobType != jobTypeUpdateUsers:
		fail(http.StatusOK, "Failed to update users. Invalid or insufficient parameters: jobtype "+strconv.Quote(jobType)+" is not supported; it must be UPDATE_USERS.")
		return
	case filename == "":
		fail(http.StatusOK, "Failed to update users. Invalid or insufficient parameters: the form field filename is required; upload the CSV file first and give its name.")
		return
	}
	submitted := time.Now()
	j, err := s.jobs.add(filename, caller.Login)
	if err != nil {
		s.log.Warn("epm v1 update users refused: job table full", "caller", caller.Login, "file", filename, "err", err)
		fail(http.StatusOK, fmt.Sprintf("Failed to update users. The service is running %d jobs, the most it keeps; submit again when one has finished.", s.opts.MaxJobs))
		return
	}
	s.wg.Add(1)
	go s.runJob(s.ctx, j, submitted)
	s.log.Info("epm v1 update users submitted", "caller", caller.Login, "file", filename, "job", j.id)
	self.Data = map[string]string{"jobType": jobTypeUpdateUsers, "filename": filename}
	status := linkV1{Rel: "Job Status", Href: strings.TrimSuffix(reqinfo.URL(r), "/users") + "/jobs/" + strconv.FormatInt(j.id, 10), Action: "GET"}
	writeJSON(w, http.StatusOK, envelopeV1{Links: []linkV1{self, status}, Status: statusInProgress})
}

// ---- GET /interop/rest/security/{api_version}/jobs/{jobId}

func (s *Server) getUsersJobV1(w http.ResponseWriter, r *http.Request) {
	self := linkV1{Rel: "self", Href: reqinfo.URL(r), Action: "GET"}
	fail := func(httpStatus int, details string) {
		writeJSON(w, httpStatus, envelopeV1{Links: []linkV1{self}, Details: str(details), Status: statusFailure})
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		fail(http.StatusMethodNotAllowed, "Method "+r.Method+" is not supported. Use GET to read a job's status.")
		return
	}
	if v := r.PathValue("api_version"); v != "v1" {
		fail(http.StatusNotFound, "Update Users jobs are API version v1; version "+v+" is not served at this path.")
		return
	}
	if _, ok := s.authenticate(w, r); !ok {
		return
	}
	raw := r.PathValue("jobId")
	id, err := strconv.ParseInt(raw, 10, 64)
	j, found := s.jobs.get(id)
	if err != nil || !found {
		// Q-EPM1-010: an unknown job is a missing resource.
		fail(http.StatusNotFound, "Job "+raw+" not found. Use the Job Status link of the answer that started the job.")
		return
	}
	done, o := j.snapshot()
	if !done {
		writeJSON(w, http.StatusOK, envelopeV1{Links: []linkV1{self}, Status: statusInProgress})
		return
	}
	if o.failures == nil {
		writeJSON(w, http.StatusOK, envelopeV1{Links: []linkV1{self}, Details: str(o.details), Status: o.status})
		return
	}
	s.writeJobWithItems(w, self, o)
}

// writeJobWithItems writes the failed rows' items as the answer is read
// (v1failed.go), streamed, so the answer for a million failed rows costs no
// memory either.
func (s *Server) writeJobWithItems(w http.ResponseWriter, self linkV1, o jobOutcome) {
	src, err := o.failures.open()
	if err != nil {
		s.log.Error("epm v1: open job items", "err", err)
		writeJSON(w, http.StatusInternalServerError, envelopeV1{Links: []linkV1{self}, Details: str("The failed rows of this job could not be read: " + err.Error()), Status: statusFailure})
		return
	}
	defer src.close()
	links, _ := json.Marshal([]linkV1{self})
	details, _ := json.Marshal(o.details)
	head := fmt.Sprintf(`{"links":%s,"details":%s,"status":%d,"items":[`, links, details, o.status)
	const tail = "]}\n"
	w.Header().Set("Content-Type", "application/json")
	// The length is known (the job counted the items' bytes), so the
	// answer is not chunked.
	w.Header().Set("Content-Length", strconv.FormatInt(int64(len(head))+o.failures.size+int64(len(tail)), 10))
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, head)
	if err := src.writeItems(w); err != nil {
		// The status line is gone; the client sees a truncated body.
		s.log.Error("epm v1: stream job items", "err", err)
		return
	}
	_, _ = io.WriteString(w, tail)
}

// ---- POST /interop/rest/11.1.2.3.600/applicationsnapshots/{name}/contents

// maxChunkSize is the largest chunk: "chunks up to 50 MiB" (REST APIs for Oracle Enterprise Performance Management Cloud (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/)).
const maxChunkSize = 50 << 20

// fileAnswer writes the file resources' envelope, whose self link is the
// request itself with the given action.
func fileAnswer(w http.ResponseWriter, r *http.Request, action string) func(httpStatus, status int, details string) {
	self := linkV1{Rel: "self", Href: reqinfo.URL(r), Action: action}
	return func(httpStatus, status int, details string) {
		e := fileEnvelope{Links: []linkV1{self}, Status: status}
		if details != "" {
			e.Details = str(details)
		}
		writeJSON(w, httpStatus, e)
	}
}

func (s *Server) uploadFile(w http.ResponseWriter, r *http.Request) {
	answer := fileAnswer(w, r, "POST")
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		answer(http.StatusMethodNotAllowed, statusFailure, "Method "+r.Method+" is not supported. Use POST to upload a file.")
		return
	}
	if _, ok := s.authenticate(w, r); !ok {
		return
	}
	// The name may hold folders (Q-EPM1-033), and extDirPath names one
	// more ("Upload": ?extDirPath=inbox for Data Management uploads).
	name := inFolder(r.URL.Query().Get("extDirPath"), r.PathValue("name"))
	if _, err := fileKey(name); err != nil {
		answer(http.StatusBadRequest, statusFailure, "Failed to upload the file. "+capitalise(err.Error())+": folders are separated by \\ or / (percent-encoded in the path), and no folder or file name may be empty, \".\", \"..\" or hold control characters.")
		return
	}
	// REST APIs for Oracle Enterprise Performance Management Cloud (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/): the body is application/octet-stream. text/csv is
	// accepted too, so a client can have the CSV checked by the contract.
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "application/octet-stream" && mt != "text/csv") {
		answer(http.StatusUnsupportedMediaType, statusFailure, "Failed to upload the file. The body must be sent as Content-Type application/octet-stream.")
		return
	}
	first, last, chunkSize, err := readChunkParams(r.URL.Query())
	if err != nil {
		answer(http.StatusBadRequest, statusFailure, "Failed to upload the file. "+capitalise(err.Error())+".")
		return
	}
	// Chunks of up to 50 MiB ("Upload Application Snapshot (v1)": "each
	// chunk size is not greater than 50 * 1024 * 1024 bytes");
	// specs/epm-users-v1.yaml (ChunkParams) bounds chunkSize to 0..52428800.
	// A size outside is a parameter the service cannot honour, so the upload
	// is refused as a q that does not parse is.
	if chunkSize != nil && (*chunkSize < 0 || *chunkSize > maxChunkSize) {
		answer(http.StatusBadRequest, statusFailure, fmt.Sprintf("Failed to upload the file. The chunkSize %d is outside 0 to %d (50 MiB, the largest chunk).", *chunkSize, maxChunkSize))
		return
	}
	n, err := s.files.write(name, r.Body, first, last)
	switch {
	case err == nil:
		s.log.Info("epm v1 file uploaded", "name", name, "bytes", n, "first", first, "last", last)
		answer(http.StatusOK, statusSuccess, "")
	case errors.Is(err, errFileExists):
		answer(http.StatusOK, statusFailure, "Failed to upload the file. A file named "+name+" already exists. Delete it first or upload under another name.")
	case errors.Is(err, errNoUpload):
		answer(http.StatusOK, statusFailure, "Failed to upload the file. No upload of "+name+" is in progress: the first chunk must have isFirst true.")
	case errors.Is(err, errUploadComplete):
		answer(http.StatusOK, statusFailure, "Failed to upload the file. The upload of "+name+" is already complete (a chunk had isLast true).")
	case errors.Is(err, errUploadBusy):
		answer(http.StatusOK, statusFailure, "Failed to upload the file. Another chunk of "+name+" is being written; send chunks one after the other.")
	case errors.Is(err, errTooBig):
		answer(http.StatusRequestEntityTooLarge, statusFailure, fmt.Sprintf("Failed to upload the file. %s is larger than %d bytes, the most this service accepts.", name, s.opts.MaxUpload))
	case errors.Is(err, errFileNotFound):
		answer(http.StatusOK, statusFailure, "Failed to upload the file. "+name+" was deleted while it was being uploaded.")
	case errors.Is(err, errStoreFull):
		answer(http.StatusOK, statusFailure, fmt.Sprintf("Failed to upload the file. The service keeps at most %d files and %d bytes of uploads, and that is reached. Delete the files you no longer need; a file should be deleted after the job that read it.", s.opts.MaxFiles, s.opts.MaxStoredBytes))
	default:
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			answer(http.StatusRequestEntityTooLarge, statusFailure, "Failed to upload the file. "+err.Error())
			return
		}
		// A body the client stopped sending, or a disk failure.
		s.log.Warn("epm v1 upload failed", "name", name, "err", err)
		answer(http.StatusInternalServerError, statusFailure, "Failed to upload the file: "+err.Error()+".")
	}
}

// ---- DELETE /interop/rest/11.1.2.3.600/applicationsnapshots/{name}

func (s *Server) deleteFile(w http.ResponseWriter, r *http.Request) {
	answer := fileAnswer(w, r, "DELETE")
	if r.Method != http.MethodDelete {
		w.Header().Set("Allow", http.MethodDelete)
		answer(http.StatusMethodNotAllowed, statusFailure, "Method "+r.Method+" is not supported. Use DELETE to delete a file.")
		return
	}
	if _, ok := s.authenticate(w, r); !ok {
		return
	}
	name := r.PathValue("name")
	err := s.files.remove(name)
	switch {
	case err == nil:
		s.log.Info("epm v1 file deleted", "name", name)
		answer(http.StatusOK, statusSuccess, "")
	case errors.Is(err, errInvalidName):
		answer(http.StatusBadRequest, statusFailure, "Failed to delete the file. "+capitalise(err.Error())+".")
	case errors.Is(err, errFileNotFound):
		// HTTP 200 with status 1, not 404 (Q-EPM1-034): Oracle's helpers
		// print details when status is not 0 on a 200 and treat any other
		// HTTP status as a transport failure.
		answer(http.StatusOK, statusFailure, "Failed to delete the file. File "+name+" not found.")
	default:
		s.log.Warn("epm v1 delete failed", "name", name, "err", err)
		answer(http.StatusInternalServerError, statusFailure, "Failed to delete the file: "+err.Error()+".")
	}
}

// authenticate answers 401 (body not part of the contract, as for v2:
// Q-EPM2-007) when the caller is unknown.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*auth.Account, bool) {
	caller, err := s.dir.Authenticate(r)
	if err != nil {
		auth.Challenge(w, "EPM")
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return nil, false
	}
	return caller, true
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
