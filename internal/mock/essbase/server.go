// Package essbase simulates the Essbase users REST API: Add or Import
// User(s) as JSON, XML or CSV (Add or Import User(s) (https://docs.oracle.com/en/database/other-databases/essbase/21/essrt/op-users-post.html)), Update User
// (Update User (https://docs.oracle.com/en/database/other-databases/essbase/21/essrt/op-users-id-put.html)), and Get and Delete User (REST API for Oracle Essbase 21 (https://docs.oracle.com/en/database/other-databases/essbase/21/essrt/)). Where
// the documents are silent the behaviour follows fixtures/quirks/essbase.yaml
// (Q-ESS-*), and specs/essbase-users.yaml describes every answer.
package essbase

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/oracle-users-conformance/conformance/internal/mock/auth"
	"github.com/oracle-users-conformance/conformance/internal/mock/bodycap"
	"github.com/oracle-users-conformance/conformance/internal/mock/reqinfo"
)

// Seed is the essbase section of the mock's seed file. Every account of the
// directory that holds an Essbase role is also a user, so the administrator
// can read and be named like anyone else.
type Seed struct {
	Users []User `yaml:"users"`
}

// Options tune the simulator.
type Options struct {
	// SharedServices simulates EPM Shared Services security mode, in which
	// "this operation is not available" (both documents): every users
	// operation answers 400 SHARED_SERVICES_MODE to an authenticated caller
	// (Q-ESS-009).
	SharedServices bool
	// MaxBody caps request bodies (413 beyond it); 1 MiB when zero.
	MaxBody int64
	// About is the release About Essbase reports (about.go).
	About About
}

// Server serves the Essbase users API.
type Server struct {
	Users *Store
	dir   *auth.Directory
	opts  Options
	log   *slog.Logger
}

// usersPath is the collection; a user is usersPath + "/" + id.
const usersPath = "/essbase/rest/v1/users"

// New builds the simulator over its seed.
func New(dir *auth.Directory, seed Seed, opts Options, log *slog.Logger) *Server {
	if opts.MaxBody <= 0 {
		opts.MaxBody = 1 << 20
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var users []User
	for _, a := range dir.Accounts() {
		if role, ok := accountRole(a); ok {
			name := strings.TrimSpace(a.FirstName + " " + a.LastName)
			users = append(users, User{ID: a.Login, Name: name, Email: a.Email, Password: a.Password, Role: role})
		}
	}
	for _, u := range seed.Users {
		role, ok := CanonicalRole(u.Role)
		if !ok {
			log.Warn("essbase seed: unknown role, using User", "id", u.ID, "role", u.Role)
			role = RoleUser
		}
		u.Role = role
		if err := ValidID(u.ID); err != nil {
			log.Warn("essbase seed: user ID breaks the ID rule; kept so scenarios can read it", "id", u.ID, "err", err)
		}
		if u.Name == "" {
			u.Name = u.ID
		}
		users = append(users, u)
	}
	return &Server{Users: NewStore(users), dir: dir, opts: opts, log: log}
}

// accountRole is the highest Essbase role an account holds.
func accountRole(a *auth.Account) (string, bool) {
	for _, r := range []string{RoleServiceAdmin, RolePowerUser, RoleUser} {
		if a.HasRole(auth.Essbase, r) {
			return r, true
		}
	}
	return "", false
}

// Register mounts the routes.
func (s *Server) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET "+usersPath, s.listUsers) // list.go
	mux.HandleFunc("POST "+usersPath, s.addUsers)
	mux.HandleFunc("GET "+usersPath+"/{id}", s.getUser)
	mux.HandleFunc("PUT "+usersPath+"/{id}", s.updateUser)
	mux.HandleFunc("DELETE "+usersPath+"/{id}", s.deleteUser)
	s.registerAbout(mux)
}

// apiError is a refusal: the HTTP status and the Error body.
type apiError struct {
	status int
	code   string
	msg    string
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, e apiError) {
	s.log.Info("essbase refused", "method", r.Method, "path", r.URL.Path, "status", e.status, "code", e.code, "message", e.msg)
	write(w, e.status, answersXML(r), errorBody{Code: e.code, Message: e.msg})
}

// admit authenticates the caller and checks the mode and the role. allowSelf
// names a user ID the caller may act on without Service Administrator.
func (s *Server) admit(w http.ResponseWriter, r *http.Request, action, allowSelf string) (*auth.Account, bool) {
	caller, err := s.dir.Authenticate(r)
	if err != nil {
		auth.Challenge(w, "Essbase")
		s.fail(w, r, apiError{http.StatusUnauthorized, "UNAUTHORIZED", "Authentication failed: " + err.Error() + ". Use Basic or Bearer credentials."})
		return nil, false
	}
	if s.opts.SharedServices {
		// Both documents: "If you are using EPM Shared Services security
		// mode, this operation is not available. Instead, manage users,
		// groups, and permissions in the Shared Services Console."
		s.fail(w, r, apiError{http.StatusBadRequest, "SHARED_SERVICES_MODE",
			"This operation is not available in EPM Shared Services security mode. Manage users, groups, and permissions in the Shared Services Console."})
		return nil, false
	}
	if caller.HasRole(auth.Essbase, RoleServiceAdmin) || (allowSelf != "" && strings.EqualFold(caller.Login, allowSelf)) {
		return caller, true
	}
	// Documented as 400, not 403: "The logged in user may not have the
	// appropriate service role." (Q-ESS-006)
	s.fail(w, r, apiError{http.StatusBadRequest, "PERMISSION_DENIED",
		fmt.Sprintf("The logged in user %s does not have the appropriate service role: %s needs Service Administrator on Essbase.", caller.Login, action)})
	return nil, false
}

// readBody reads the capped body.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, *apiError) {
	body, err := bodycap.Read(w, r, s.opts.MaxBody)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, &apiError{http.StatusRequestEntityTooLarge, "BODY_TOO_LARGE", fmt.Sprintf("The request body is larger than %d bytes.", tooBig.Limit)}
	}
	if err != nil {
		return nil, &apiError{http.StatusBadRequest, "MALFORMED_BODY", "The request body could not be read: " + err.Error()}
	}
	return body, nil
}

// addUsers is Add or Import User(s): POST /essbase/rest/v1/users.
func (s *Server) addUsers(w http.ResponseWriter, r *http.Request) {
	caller, ok := s.admit(w, r, "adding users", "")
	if !ok {
		return
	}
	f, err := bodyFormat(r, true)
	if err != nil {
		s.fail(w, r, ruleError(err))
		return
	}
	body, aerr := s.readBody(w, r)
	if aerr != nil {
		s.fail(w, r, *aerr)
		return
	}
	inputs, lines, list, err := decodeUsers(f, body)
	if err != nil {
		s.fail(w, r, ruleError(err))
		return
	}
	users := make([]User, len(inputs))
	for i, in := range inputs {
		u, err := in.NewUser()
		if err != nil {
			s.fail(w, r, ruleError(itemError(i, lines, list, err)))
			return
		}
		users[i] = u
	}
	if err := s.Users.AddAll(users); err != nil {
		var ie *ItemError
		if errors.As(err, &ie) {
			err = itemError(ie.Index, lines, list, ie.Err)
		}
		s.fail(w, r, ruleError(err))
		return
	}
	s.log.Info("essbase add users", "caller", caller.Login, "format", f.String(), "count", len(users))
	if f == formatCSV {
		// "If Accept='application/octet-stream', the added users are imported
		// but not included in the response body."
		w.Header().Set("Content-Type", "application/octet-stream")
		w.WriteHeader(http.StatusOK)
		return
	}
	// 200, not 201: the document's only success status for this operation.
	s.answerUsers(w, r, users, list)
}

// itemError names the user of a batch; a single user needs no number.
func itemError(i int, lines []int, list bool, err error) error {
	if !list {
		return err
	}
	ie := &ItemError{Index: i, Err: err}
	if i < len(lines) {
		ie.Line = lines[i]
	}
	return ie
}

// getUser is GET /essbase/rest/v1/users/{id}. A caller may read their own
// entry without Service Administrator (Q-ESS-014).
func (s *Server) getUser(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, ok := s.admit(w, r, "reading another user", id); !ok {
		return
	}
	u, found := s.Users.Get(id)
	if !found {
		s.fail(w, r, apiError{http.StatusNotFound, "USER_NOT_FOUND", fmt.Sprintf("User %s does not exist.", id)})
		return
	}
	s.answerUsers(w, r, []User{u}, false)
}

// updateUser is Update User: PUT /essbase/rest/v1/users/{id}. Present
// properties replace stored ones (Q-ESS-013); a body id that names another
// user is refused, since the ID is the key and cannot be renamed (Q-ESS-007).
func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	caller, ok := s.admit(w, r, "updating users", "")
	if !ok {
		return
	}
	f, err := bodyFormat(r, false)
	if err != nil {
		s.fail(w, r, ruleError(err))
		return
	}
	body, aerr := s.readBody(w, r)
	if aerr != nil {
		s.fail(w, r, *aerr)
		return
	}
	var in Input
	if f == formatXML {
		in, err = decodeXMLUser(body)
	} else {
		in, err = decodeJSONUser(body)
	}
	if err != nil {
		s.fail(w, r, ruleError(err))
		return
	}
	if in.ID != nil && !strings.EqualFold(*in.ID, id) {
		s.fail(w, r, ruleError(fmt.Errorf("%w: the body's id %q does not match the user %q of the URL; a user ID cannot be changed", ErrIDMismatch, *in.ID, id)))
		return
	}
	u, err := s.Users.Update(id, in)
	if err != nil {
		s.fail(w, r, ruleError(err))
		return
	}
	s.log.Info("essbase update user", "caller", caller.Login, "id", u.ID, "format", f.String())
	s.answerUsers(w, r, []User{u}, false)
}

// deleteUser is DELETE /essbase/rest/v1/users/{id}: 200 with an empty body
// (REST API for Oracle Essbase 21 (https://docs.oracle.com/en/database/other-databases/essbase/21/essrt/): 200, not 204; Q-ESS-015).
func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	caller, ok := s.admit(w, r, "deleting users", "")
	if !ok {
		return
	}
	if strings.EqualFold(caller.Login, id) {
		s.fail(w, r, ruleError(fmt.Errorf("%w: user %s is the logged in user", ErrSelfDelete, caller.Login)))
		return
	}
	if err := s.Users.Delete(id); err != nil {
		s.fail(w, r, ruleError(err))
		return
	}
	s.log.Info("essbase delete user", "caller", caller.Login, "id", id)
	w.WriteHeader(http.StatusOK)
}

// answerUsers writes users with their links unless links=none.
func (s *Server) answerUsers(w http.ResponseWriter, r *http.Request, users []User, list bool) {
	withLinks := !strings.EqualFold(r.URL.Query().Get("links"), "none")
	out := make([]userOut, len(users))
	for i, u := range users {
		out[i] = userOut{ID: u.ID, Name: u.Name, Email: u.Email, Role: u.Role, Groups: u.Groups}
		if withLinks {
			out[i].Links = links(r, u.ID)
		}
	}
	asXML := answersXML(r)
	switch {
	case !list:
		write(w, http.StatusOK, asXML, out[0])
	case asXML:
		write(w, http.StatusOK, true, usersOut{Users: out})
	default:
		write(w, http.StatusOK, false, out)
	}
}

// links are the four of Update User (https://docs.oracle.com/en/database/other-databases/essbase/21/essrt/op-users-id-put.html), Example of Response Body.
func links(r *http.Request, id string) []linkOut {
	self := reqinfo.Origin(r) + usersPath + "/" + url.PathEscape(id)
	return []linkOut{
		{Rel: "get", Href: self, Method: http.MethodGet},
		{Rel: "edit", Href: self, Method: http.MethodPut},
		{Rel: "delete", Href: self, Method: http.MethodDelete},
		{Rel: "provisionReport", Href: self + "/provisionReport", Method: http.MethodGet},
	}
}

// ruleError maps an error to its status and errorCode; the message is the
// error's own sentence.
func ruleError(err error) apiError {
	msg := err.Error()
	if msg == "" {
		msg = "the request was refused"
	}
	msg = strings.ToUpper(msg[:1]) + msg[1:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	for _, m := range []struct {
		target error
		status int
		code   string
	}{
		{errUnsupported, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"},
		{errMalformed, http.StatusBadRequest, "MALFORMED_BODY"},
		{ErrEmptyUserList, http.StatusBadRequest, "MALFORMED_BODY"},
		{ErrInvalidID, http.StatusBadRequest, "INVALID_ID"},
		{ErrInvalidName, http.StatusBadRequest, "INVALID_NAME"},
		{ErrInvalidRole, http.StatusBadRequest, "INVALID_ROLE"},
		{ErrInvalidGroup, http.StatusBadRequest, "INVALID_GROUP"},
		{ErrInvalidPass, http.StatusBadRequest, "INVALID_PASSWORD"},
		{ErrMissing, http.StatusBadRequest, "MISSING_PROPERTY"},
		{ErrDuplicateID, http.StatusBadRequest, "DUPLICATE_ID"},
		{ErrIDMismatch, http.StatusBadRequest, "ID_MISMATCH"},
		{ErrSelfDelete, http.StatusBadRequest, "SELF_DELETE"},
		{ErrUnknownUser, http.StatusNotFound, "USER_NOT_FOUND"},
	} {
		if errors.Is(err, m.target) {
			return apiError{m.status, m.code, msg}
		}
	}
	return apiError{http.StatusBadRequest, "BAD_REQUEST", msg}
}
