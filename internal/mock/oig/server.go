// Package oig simulates the Oracle Identity Governance self-service users
// API: bulk Update Users (PUT /users, Update Users (https://docs.oracle.com/en/middleware/idm/identity-governance/12.2.1.4/oimss/op-users-put.html)) and reading a
// user back through the self link of each answer (GET /users/{id},
// REST API for Oracle Identity Governance Self Service 12.2.1.4 (https://docs.oracle.com/en/middleware/idm/identity-governance/12.2.1.4/oimss/)). Where the page is silent the behaviour follows the
// decisions of fixtures/quirks/oig.yaml (Q-OIG-*).
package oig

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"time"
	"unicode/utf8"

	"github.com/oracle-users-conformance/conformance/internal/mock/auth"
	"github.com/oracle-users-conformance/conformance/internal/mock/bodycap"
	"github.com/oracle-users-conformance/conformance/internal/mock/reqinfo"
)

// Options tune the simulator.
type Options struct {
	// MaxBody caps request bodies (413 beyond it); default 1 MiB (Q-OIG-015).
	MaxBody int64
	// ModifyRoles are the oig roles that may modify users; default System
	// Administrator and User Administrator. Others get 403 (Q-OIG-010).
	ModifyRoles []string
	// LeadingSpaceStatus answers " SUCCESS" as some OIG versions do
	// (REST API for Oracle Identity Governance Self Service 12.2.1.4 (https://docs.oracle.com/en/middleware/idm/identity-governance/12.2.1.4/oimss/), Q-OIG-003), so clients can be tried against it.
	LeadingSpaceStatus bool
}

// DefaultModifyRoles are the roles that may modify users when
// Options.ModifyRoles is empty: OIG's own administrators (Q-OIG-010).
func DefaultModifyRoles() []string { return []string{"System Administrator", "User Administrator"} }

// Server serves the OIG users API.
type Server struct {
	Users *Store
	dir   *auth.Directory
	opts  Options
	log   *slog.Logger

	approval  Approval // from the seed (approval.go)
	approvals approvals
	// tokens are the JWTs the token service issued (token.go).
	tokens tokens
}

// Routes, as on the page and in the self links of its example answer.
const (
	usersPath = "/iam/governance/selfservice/api/v1/users"
	userPath  = usersPath + "/{id}"
)

// New builds the simulator over its seed. Seed rows that break a rule are
// skipped and logged; Seed.Validate lets a test catch them first.
func New(dir *auth.Directory, seed Seed, opts Options, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = 1 << 20
	}
	if len(opts.ModifyRoles) == 0 {
		opts.ModifyRoles = DefaultModifyRoles()
	}
	st, err := NewStore(seed)
	if err != nil {
		log.Error("oig seed", "error", err)
	}
	return &Server{Users: st, dir: dir, opts: opts, log: log, approval: seed.Approval}
}

// Register mounts the routes. They take every method so that a wrong one
// gets this API's error body rather than the mux's plain text.
func (s *Server) Register(mux *http.ServeMux) {
	mux.HandleFunc(usersPath, s.updateUsers)
	mux.HandleFunc("GET "+usersPath, s.listUsers) // search.go
	mux.HandleFunc("POST "+tokenPath, s.getToken) // token.go
	mux.HandleFunc(userPath, s.getUser)
}

// putRequest is the page's PutUsersRequest. Entries stay raw so that one
// malformed user fails alone instead of failing the batch.
type putRequest struct {
	Users *[]json.RawMessage `json:"users"`
}

// putEntry is one PutUsersRequestEntity; each part is decoded on its own so
// a bad part still lets the answer echo the good ones.
type putEntry struct {
	RequestID json.RawMessage `json:"requestId"`
	ID        json.RawMessage `json:"id"`
	Fields    json.RawMessage `json:"fields"`
}

type fieldWire struct {
	Name  *string         `json:"name"`
	Value json.RawMessage `json:"value"`
}

// userResult is one PutUserResponse, fields in the order of the example.
type userResult struct {
	Links     []link       `json:"links,omitempty"`
	RequestID *string      `json:"requestId,omitempty"`
	Status    string       `json:"status"`
	Fields    []fieldValue `json:"fields,omitempty"`
	Reason    string       `json:"reason,omitempty"`
	Request   *requestRef  `json:"request,omitempty"` // a change awaiting approval (approval.go)
}

type link struct {
	Rel  string `json:"rel"`
	Href string `json:"href"`
}

type fieldValue struct {
	Name  string  `json:"name"`
	Value *string `json:"value"`
}

// errorBody is the whole-request failure; the page shows none, so it reuses
// the vocabulary of a FAIL entry (Q-OIG-009).
type errorBody struct {
	Status string `json:"status"`
	Reason string `json:"reason"`
}

func (s *Server) updateUsers(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPut {
		s.refuse(w, r, http.StatusMethodNotAllowed, fail(codeMethod, "The method is not supported here", r.Method+"; the mock serves PUT"), "Allow", http.MethodPut)
		return
	}
	caller, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	// REST API for Oracle Identity Governance Self Service 12.2.1.4 (https://docs.oracle.com/en/middleware/idm/identity-governance/12.2.1.4/oimss/): every non-GET request needs X-Requested-By, any value;
	// its presence is what counts (Q-OIG-001). It is checked before the
	// privilege, as a filter in front of the resource would (Q-OIG-010).
	if _, present := r.Header[http.CanonicalHeaderKey("X-Requested-By")]; !present {
		s.refuse(w, r, http.StatusBadRequest, fail(codeRequestedBy, "The X-Requested-By header is required on PUT", ""))
		return
	}
	// The page: "The user should have the necessary privileges to perform
	// the modify user action." Refused before the body is read (Q-OIG-010).
	if !s.mayModify(caller) {
		s.refuse(w, r, http.StatusForbidden, fail(codeForbidden, "The caller has no privilege to modify users", caller.Login))
		return
	}
	// REST API for Oracle Identity Governance Self Service 12.2.1.4 (https://docs.oracle.com/en/middleware/idm/identity-governance/12.2.1.4/oimss/): Content-Type is required on PUT (Q-OIG-011).
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		s.refuse(w, r, http.StatusUnsupportedMediaType, fail(codeMediaType, "Content-Type must be application/json", r.Header.Get("Content-Type")))
		return
	}
	body, err := bodycap.Read(w, r, s.opts.MaxBody)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		s.refuse(w, r, http.StatusRequestEntityTooLarge, fail(codeTooLarge, "The request body is too large", fmt.Sprintf("more than %d bytes", tooBig.Limit)))
		return
	}
	if err != nil {
		s.refuse(w, r, http.StatusBadRequest, fail(codeMalformed, "The request body is not valid JSON", "it could not be read"))
		return
	}
	// JSON is UTF-8 (RFC 8259, section 8.1); encoding/json would store
	// other bytes as U+FFFD without a word.
	if !utf8.Valid(body) {
		s.refuse(w, r, http.StatusBadRequest, fail(codeMalformed, "The request body is not valid JSON", reqinfo.InvalidUTF8(body)))
		return
	}
	var req putRequest
	if err := json.Unmarshal(body, &req); err != nil {
		s.refuse(w, r, http.StatusBadRequest, fail(codeMalformed, "The request body is not valid JSON", reqinfo.JSONProblem(body, err)))
		return
	}
	if req.Users == nil || len(*req.Users) == 0 {
		s.refuse(w, r, http.StatusBadRequest, fail(codeNoUsers, "The request has no users to update", "users must be a non-empty array"))
		return
	}
	results := make([]userResult, 0, len(*req.Users))
	failed := 0
	for _, raw := range *req.Users {
		res := s.updateOne(r, raw)
		if res.Status == statusFail {
			failed++
		}
		results = append(results, res)
	}
	s.log.Info("oig update users", "caller", caller.Login, "users", len(results), "failed", failed)
	// Per-user outcomes, also failures, come back with 200 (the example).
	writeJSON(w, http.StatusOK, map[string]any{"users": results})
}

// updateOne handles one entry; its answer always names what it could of the
// entry (requestId, self link) so a caller can match answers to requests.
func (s *Server) updateOne(r *http.Request, raw json.RawMessage) userResult {
	var res userResult
	failWith := func(f *failure) userResult {
		res.Status, res.Fields, res.Reason = statusFail, nil, f.reason()
		return res
	}
	var e putEntry
	if err := json.Unmarshal(raw, &e); err != nil {
		return failWith(fail(codeMalformedUser, "Malformed user entry", "each user must be an object"))
	}
	// requestId is not nullable (specs/oig-users.yaml,
	// PutUsersRequestEntity): null is a malformed entry, not an absent
	// reference. A null id or fields fails too, as a missing one does
	// (Q-OIG-004, Q-OIG-005).
	if !absent(e.RequestID) {
		var rid string
		if err := json.Unmarshal(e.RequestID, &rid); err != nil || isNull(e.RequestID) {
			return failWith(fail(codeMalformedUser, "Malformed user entry", "requestId must be a string"))
		}
		res.RequestID = &rid
	}
	// The page: "id" is a mandatory field. Missing fails this user only,
	// like any other per-user problem (Q-OIG-004).
	if absent(e.ID) || isNull(e.ID) {
		return failWith(fail(codeNoID, "The id field is mandatory", ""))
	}
	var id string
	if err := json.Unmarshal(e.ID, &id); err != nil {
		return failWith(fail(codeMalformedUser, "Malformed user entry", "id must be a string (the usr_key)"))
	}
	if id == "" {
		return failWith(fail(codeNoID, "The id field is mandatory", ""))
	}
	// The example gives the unknown user 9999 a self link too.
	res.Links = []link{{Rel: "self", Href: reqinfo.Origin(r) + usersPath + "/" + url.PathEscape(id)}}
	if _, exists := s.Users.Get(id); !exists {
		return failWith(unknownUser(""))
	}
	changes, bad := decodeFields(e.Fields)
	if bad != nil {
		return failWith(bad)
	}
	if s.approval.applies(id) {
		if bad := s.Users.Check(id, changes); bad != nil {
			return failWith(bad)
		}
		res.Request = s.raise(r, id, changes)
	} else if bad := s.Users.Update(id, changes); bad != nil {
		return failWith(bad)
	}
	res.Status = s.success()
	for _, c := range changes {
		res.Fields = append(res.Fields, fieldValue{Name: c.Name, Value: c.Value})
	}
	return res
}

// decodeFields reads the fields list; absent, null or empty means nothing to
// update (Q-OIG-005).
func decodeFields(raw json.RawMessage) ([]change, *failure) {
	if absent(raw) || isNull(raw) {
		return nil, fail(codeNoFields, "No fields to update", "")
	}
	var list []fieldWire
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fail(codeMalformedUser, "Malformed user entry", "fields must be an array of {name, value}")
	}
	if len(list) == 0 {
		return nil, fail(codeNoFields, "No fields to update", "")
	}
	out := make([]change, 0, len(list))
	for _, f := range list {
		if f.Name == nil || f.Value == nil {
			return nil, fail(codeMalformedUser, "Malformed user entry", "each field needs a name and a value")
		}
		c := change{Name: *f.Name}
		if !isNull(f.Value) { // value is the one nullable member (FieldUpdate)
			var v string
			if err := json.Unmarshal(f.Value, &v); err != nil {
				return nil, fail(codeMalformedUser, "Malformed user entry", "the value of "+*f.Name+" must be a string or null")
			}
			c.Value = &v
		}
		out = append(out, c)
	}
	return out, nil
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		s.refuse(w, r, http.StatusMethodNotAllowed, fail(codeMethod, "The method is not supported here", r.Method+"; the mock serves GET"), "Allow", http.MethodGet)
		return
	}
	if _, ok := s.authenticate(w, r); !ok {
		return
	}
	// Any authenticated caller may read a user: the page's privilege is the
	// one to modify (Q-OIG-010).
	id := r.PathValue("id")
	u, ok := s.Users.Get(id)
	if !ok {
		s.refuse(w, r, http.StatusNotFound, unknownUser(id))
		return
	}
	fields := make([]fieldValue, 0, len(catalog))
	for _, f := range catalog {
		v := u[f.name]
		fields = append(fields, fieldValue{Name: f.name, Value: &v})
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"links":  []link{{Rel: "self", Href: reqinfo.Origin(r) + usersPath + "/" + url.PathEscape(id)}},
		"fields": fields,
	})
}

// authenticate answers 401 itself when the caller is not known.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*auth.Account, bool) {
	if a, ok := s.tokens.account(r, time.Now()); ok {
		return a, true // a JWT of the token service (token.go)
	}
	a, err := s.dir.Authenticate(r)
	if err != nil {
		auth.Challenge(w, "OIG")
		s.refuse(w, r, http.StatusUnauthorized, fail(codeUnauthenticated, "Authentication is required", err.Error()))
		return nil, false
	}
	return a, true
}

func (s *Server) mayModify(a *auth.Account) bool {
	for _, role := range s.opts.ModifyRoles {
		if a.HasRole(auth.OIG, role) {
			return true
		}
	}
	return false
}

func (s *Server) success() string {
	if s.opts.LeadingSpaceStatus {
		return " " + statusSuccess
	}
	return statusSuccess
}

// refuse answers a whole-request failure and logs it; extra is header
// name/value pairs.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, status int, f *failure, extra ...string) {
	for i := 0; i+1 < len(extra); i += 2 {
		w.Header().Set(extra[i], extra[i+1])
	}
	s.log.Warn("oig request refused", "method", r.Method, "path", r.URL.Path, "status", status, "reason", f.reason())
	writeJSON(w, status, errorBody{Status: statusFail, Reason: f.reason()})
}

// Status values of the page's example.
const (
	statusSuccess = "SUCCESS"
	statusFail    = "FAIL"
)

// Reason codes. IAM-2040028 is the page's; the IAM-406xxxx ones are our
// choices, listed in the spec's x-known-codes (Q-OIG-009).
const (
	codeUnknownUser     = "IAM-2040028"
	codeRequestedBy     = "IAM-4060001"
	codeMediaType       = "IAM-4060002"
	codeMalformed       = "IAM-4060003"
	codeNoUsers         = "IAM-4060004"
	codeTooLarge        = "IAM-4060005"
	codeUnauthenticated = "IAM-4060006"
	codeForbidden       = "IAM-4060007"
	codeMethod          = "IAM-4060008"
	codeNoID            = "IAM-4060010"
	codeNoFields        = "IAM-4060011"
	codeUnknownField    = "IAM-4060012"
	codeReadOnly        = "IAM-4060013"
	codeInvalidValue    = "IAM-4060014"
	codeMandatory       = "IAM-4060015"
	codeMalformedUser   = "IAM-4060016"
	codeDuplicateField  = "IAM-4060017"
)

// failure is a reason in the page's form "<code>:<message>:<parameters>"
// ("IAM-2040028:User does not exists:").
type failure struct {
	code, message, param string
}

func fail(code, message, param string) *failure { return &failure{code, message, param} }

func (f *failure) reason() string { return f.code + ":" + f.message + ":" + f.param }

// unknownUser keeps the page's wording, grammar included.
func unknownUser(id string) *failure { return fail(codeUnknownUser, "User does not exists", id) }

// absent tells a member that was not sent; isNull one sent as null. A
// json.RawMessage member holds "null" for null and nothing when absent.
func absent(raw json.RawMessage) bool { return len(raw) == 0 }

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
