package epm

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/oracle-users-conformance/conformance/internal/mock/auth"
	"github.com/oracle-users-conformance/conformance/internal/mock/reqinfo"
)

// Vendor error codes. The first three are in epm-update-users-v2.txt and
// vendor-facts A; codeUnknownUser is our choice, since no page names one
// (Q-EPM2-004).
const (
	codeAuthorization = "EPMCSS-21192"
	codeInvalidEmail  = "EPMCSS-21143"
	codeInvalidParams = "EPMCSS-21147"
	codeUnknownUser   = "EPMCSS-21144"
)

// envelopeV2 is the v2 answer: links is ONE object (vendor-facts A).
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

// userUpdate is one entry of the payload; pointers tell "absent" from "empty".
type userUpdate struct {
	UserLogin *string `json:"userlogin"`
	FirstName *string `json:"firstname"`
	LastName  *string `json:"lastname"`
	Email     *string `json:"email"`
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
	// epm-update-users-v2.txt, Required Roles: Identity Domain Administrator
	// and any predefined role. Example 2 is the documented answer.
	if !caller.HasRole(auth.EPM, "Identity Domain Administrator") || !hasPredefinedRole(caller) {
		fail(http.StatusOK, codeAuthorization, "Failed to update user. Authorization failed. Please provide valid authorized user.")
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		fail(http.StatusUnsupportedMediaType, codeInvalidParams, "Invalid or insufficient parameters. Content-Type must be application/json.")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		fail(http.StatusRequestEntityTooLarge, codeInvalidParams, fmt.Sprintf("Invalid or insufficient parameters. The request body is larger than %d bytes.", tooBig.Limit))
		return
	}
	if err != nil {
		fail(http.StatusBadRequest, codeInvalidParams, "Invalid or insufficient parameters. The request body could not be read.")
		return
	}
	// The common body is decoded by hand (parseUsersV2); any other by
	// encoding/json, entry by entry, so that one bad entry fails alone.
	users, fast := parseUsersV2(body)
	var undecodable []bool // by entry; encoding/json's verdict, slow path only
	if !fast {
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
		users = make([]userUpdate, len(*payload.Users))
		undecodable = make([]bool, len(users))
		for i, raw := range *payload.Users {
			undecodable[i] = json.Unmarshal(raw, &users[i]) != nil
		}
	}
	if len(users) == 0 {
		fail(http.StatusOK, codeInvalidParams, "Invalid or insufficient parameters. The users array is empty.")
		return
	}
	d := &detailsV2{}
	for i, u := range users {
		d.Processed++
		if u.UserLogin == nil || (undecodable != nil && undecodable[i]) {
			d.FailedItems = append(d.FailedItems, failedItem{"", codeInvalidParams, "Failed to update user. Invalid or insufficient parameters. Each user needs a userlogin string and string attributes."})
			continue
		}
		login := *u.UserLogin
		err := s.Domain.Update(caller.Login, login, Change{FirstName: u.FirstName, LastName: u.LastName, Email: u.Email})
		if err != nil {
			code, msg := itemError(login, err)
			d.FailedItems = append(d.FailedItems, failedItem{login, code, msg})
			continue
		}
		d.Succeeded++
	}
	d.Failed = len(d.FailedItems)
	s.log.Info("epm v2 update users", "caller", caller.Login, "processed", d.Processed, "failed", d.Failed)
	// Status 0 also when some users failed (Example 3).
	writeEnvelopeV2(w, http.StatusOK, envelopeV2{Links: selfLink(r), Status: 0, Details: d})
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
