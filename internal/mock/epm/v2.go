package epm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/oracle-users-conformance/conformance/internal/mock/auth"
	"github.com/oracle-users-conformance/conformance/internal/mock/bodycap"
	"github.com/oracle-users-conformance/conformance/internal/mock/reqinfo"
)

// Vendor error codes. The first three are in Update Users (v2) (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users_v2.html) and
// REST APIs for Oracle Enterprise Performance Management Cloud (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/); codeUnknownUser is our choice, since no page names one
// (Q-EPM2-004).
const (
	codeAuthorization = "EPMCSS-21192"
	codeInvalidEmail  = "EPMCSS-21143"
	codeInvalidParams = "EPMCSS-21147"
	codeUnknownUser   = "EPMCSS-21144"
)

// envelopeV2 is the v2 answer: links is ONE object (REST APIs for Oracle Enterprise Performance Management Cloud (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/)).
type envelopeV2 struct {
	Links   linkV2     `json:"links"`
	Status  int        `json:"status"`
	Error   *errorV2   `json:"error"`
	Details *detailsV2 `json:"details"`
}

type linkV2 struct {
	Href   string `json:"href"`
	Action string `json:"action"`
}

type errorV2 struct {
	Code    string `json:"errorcode"`
	Message string `json:"errormessage"`
}

type detailsV2 struct {
	Processed   int          `json:"processed"`
	Succeeded   int          `json:"succeeded"`
	Failed      int          `json:"failed"`
	FailedItems []failedItem `json:"faileditems"`
}

type failedItem struct {
	UserLogin string `json:"userlogin"`
	Code      string `json:"errorcode"`
	Message   string `json:"errormessage"`
}

// userUpdate is one entry of the payload, each member kept raw so that
// absent, null and a wrong type can be told apart (decode).
// entryV2 is one entry of a batch, decoded: its login (also when another
// member is wrong, so the failed item names its user), the change, and
// what is wrong with it.
type entryV2 struct {
	login, problem string
	change         Change
}

type userUpdate struct {
	UserLogin json.RawMessage `json:"userlogin"`
	FirstName json.RawMessage `json:"firstname"`
	LastName  json.RawMessage `json:"lastname"`
	Email     json.RawMessage `json:"email"`
}

// decodeUser reads one entry. The login is returned whenever it is a
// string, also when another member is wrong, so the failed item names its
// user. Every member is "type: string" and none is nullable in
// specs/epm-users-v2.yaml (UserUpdate, after Table 12-44), so null is
// refused like any other non-string rather than read as "absent".
func decodeUser(raw json.RawMessage) (login string, c Change, problem string) {
	var u userUpdate
	if err := json.Unmarshal(raw, &u); err != nil {
		return "", c, "each user must be an object"
	}
	l, lerr := member("userlogin", u.UserLogin)
	if l != nil {
		login = *l
	}
	var errs []string
	if lerr != "" {
		errs = append(errs, lerr)
	} else if l == nil {
		errs = append(errs, "userlogin is required")
	}
	for _, m := range []struct {
		name string
		raw  json.RawMessage
		dst  **string
	}{{"firstname", u.FirstName, &c.FirstName}, {"lastname", u.LastName, &c.LastName}, {"email", u.Email, &c.Email}} {
		v, e := member(m.name, m.raw)
		if e != "" {
			errs = append(errs, e)
		}
		*m.dst = v
	}
	return login, c, strings.Join(errs, "; ")
}

// member decodes one string member: nil when absent, a problem when it is
// null or not a string.
func member(name string, raw json.RawMessage) (*string, string) {
	if len(raw) == 0 {
		return nil, ""
	}
	if string(raw) == "null" {
		return nil, name + " must be a string, not null"
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, name + " must be a string, not " + jsonKind(raw)
	}
	return &v, ""
}

// jsonKind names the JSON type of a value for a message.
func jsonKind(raw json.RawMessage) string {
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case '"':
		return "a string"
	}
	return "a number"
}

func (s *Server) updateUsersV2(w http.ResponseWriter, r *http.Request) {
	fail := func(httpStatus int, code, msg string) {
		writeJSON(w, httpStatus, envelopeV2{Links: selfLink(r), Status: 1, Error: &errorV2{code, msg}})
	}
	if r.Method != http.MethodPut {
		w.Header().Set("Allow", http.MethodPut)
		fail(http.StatusMethodNotAllowed, codeInvalidParams, "Method "+r.Method+" is not supported. Use PUT.")
		return
	}
	caller, err := s.dir.Authenticate(r)
	if err != nil {
		auth.Challenge(w, "EPM")
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	}
	// Update Users (v2) (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users_v2.html), Required Roles: Identity Domain Administrator
	// and any predefined role. Example 2 is the documented answer.
	if !caller.HasRole(auth.EPM, RoleIdentityDomainAdmin) || !hasPredefinedRole(caller) {
		fail(http.StatusOK, codeAuthorization, "Failed to update user. Authorization failed. Please provide valid authorized user.")
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" && !isJSONMediaType(ct) {
		fail(http.StatusUnsupportedMediaType, codeInvalidParams, "Invalid or insufficient parameters. Content-Type must be application/json.")
		return
	}
	// Read into a pooled buffer, not a fresh one per request as io.ReadAll
	// makes: nothing below keeps the body's bytes (the decoders copy every
	// value out).
	bodyBuf := bodyBuffers.Get().(*bytes.Buffer)
	defer putBodyBuffer(bodyBuf)
	bodyBuf.Reset()
	err = bodycap.ReadInto(w, r, s.opts.MaxBody, bodyBuf)
	body := bodyBuf.Bytes()
	if err != nil {
		// Declared here, as errors.As moves it to the heap: not on every request.
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			fail(http.StatusRequestEntityTooLarge, codeInvalidParams, fmt.Sprintf("Invalid or insufficient parameters. The request body is larger than %d bytes.", tooBig.Limit))
			return
		}
		fail(http.StatusBadRequest, codeInvalidParams, "Invalid or insufficient parameters. The request body could not be read.")
		return
	}
	// JSON is UTF-8 (RFC 8259, section 8.1); encoding/json would store
	// other bytes as U+FFFD without a word, so such a body is malformed.
	if !utf8.Valid(body) {
		fail(http.StatusBadRequest, codeInvalidParams, "Invalid or insufficient parameters. The request body is not valid JSON: "+reqinfo.InvalidUTF8(body)+".")
		return
	}
	// The common body is decoded by hand (parseUsersV2); any other by
	// encoding/json, entry by entry, so that one bad entry fails alone and
	// names its user.
	var entries []entryV2
	if fast, ok := parseUsersV2(body); ok {
		entries = make([]entryV2, 0, len(fast))
		for _, u := range fast {
			e := entryV2{change: Change{FirstName: u.FirstName, LastName: u.LastName, Email: u.Email}}
			if u.UserLogin == nil {
				e.problem = "userlogin is required"
			} else {
				e.login = *u.UserLogin
			}
			entries = append(entries, e)
		}
	} else {
		var payload struct {
			Users *[]json.RawMessage `json:"users"`
		}
		if err := json.Unmarshal(body, &payload); err != nil {
			fail(http.StatusBadRequest, codeInvalidParams, "Invalid or insufficient parameters. The request body is not valid JSON: "+reqinfo.JSONProblem(body, err))
			return
		}
		if payload.Users == nil {
			fail(http.StatusOK, codeInvalidParams, "Invalid or insufficient parameters. The payload has no users array.")
			return
		}
		for _, raw := range *payload.Users {
			var e entryV2
			e.login, e.change, e.problem = decodeUser(raw)
			entries = append(entries, e)
		}
	}
	if len(entries) == 0 {
		fail(http.StatusOK, codeInvalidParams, "Invalid or insufficient parameters. The users array is empty.")
		return
	}
	d := &detailsV2{}
	for _, e := range entries {
		d.Processed++
		login := e.login
		if e.problem != "" {
			d.FailedItems = append(d.FailedItems, failedItem{login, codeInvalidParams, "Failed to update user. Invalid or insufficient parameters: " + e.problem + "."})
			continue
		}
		if err := s.Domain.Update(caller.Login, login, e.change); err != nil {
			code, msg := itemError(login, err)
			d.FailedItems = append(d.FailedItems, failedItem{login, code, msg})
			continue
		}
		d.Succeeded++
	}
	d.Failed = len(d.FailedItems)
	summary := []slog.Attr{slog.String("caller", caller.Login), slog.Int("processed", d.Processed), slog.Int("failed", d.Failed)}
	if !reqinfo.Note(w, summary...) {
		s.log.LogAttrs(context.Background(), slog.LevelInfo, "epm v2 update users", summary...)
	}
	// Status 0 also when some users failed (Example 3).
	writeEnvelopeV2(w, http.StatusOK, envelopeV2{Links: selfLink(r), Status: 0, Details: d})
}

// bodyBuffers holds the buffers v2 bodies are read into.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putBodyBuffer returns a body buffer to the pool, unless a large batch
// grew it: that memory is not kept.
func putBodyBuffer(b *bytes.Buffer) {
	if b.Cap() <= 64<<10 {
		bodyBuffers.Put(b)
	}
}

// isJSONMediaType reports whether a Content-Type names application/json,
// parameters (charset) allowed. The handler asks it only when the header is
// not exactly "application/json", which nearly every client sends, since
// parsing allocates the parameters' map.
func isJSONMediaType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/json"
}

// itemError maps a domain error to the vendor's code and message.
func itemError(login string, err error) (code, msg string) {
	switch {
	case errors.Is(err, ErrInvalidEmail):
		return codeInvalidEmail, "Failed to update user. Invalid email. Provide valid email."
	case errors.Is(err, ErrUnknownUser):
		return codeUnknownUser, "Failed to update user. User " + login + " not found. Verify that the user exists."
	case errors.Is(err, ErrOwnAccount):
		return codeInvalidParams, "Failed to update user. The user running the API cannot update their own account."
	case errors.Is(err, ErrLostText):
		return codeInvalidParams, "Failed to update user. Invalid or insufficient parameters: a value holds U+FFFD, the mark of text lost in a wrong encoding."
	default:
		return codeInvalidParams, "Failed to update user. Invalid or insufficient parameters."
	}
}

// hasPredefinedRole: Service Administrator, Power User, User or Viewer.
func hasPredefinedRole(a *auth.Account) bool {
	for _, r := range []string{"Service Administrator", "Power User", "User", "Viewer"} {
		if a.HasRole(auth.EPM, r) {
			return true
		}
	}
	return false
}

func selfLink(r *http.Request) linkV2 {
	return linkV2{Href: reqinfo.URL(r), Action: r.Method}
}
