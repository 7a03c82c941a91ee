package essbase

import (
	"encoding/xml"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// Search Users, GET /essbase/rest/v1/users ("Search or Export Users",
// https://docs.oracle.com/en/database/other-databases/essbase/21/essrt/op-users-get.html;
// the envelope as the Essbase server's own OpenAPI document defines it,
// appliedolap/essbase-rest-client formatted.json, definitions.Users).
// Decisions in fixtures/quirks/essbase.yaml, Q-ESS-050.

// listOut is the Users envelope. properties is left out: the page names
// none of its keys.
type listOut struct {
	XMLName      xml.Name  `json:"-" xml:"users"`
	TotalResults int       `json:"totalResults" xml:"totalResults"`
	Count        int       `json:"count" xml:"count"`
	Limit        int       `json:"limit" xml:"limit"`
	Offset       int       `json:"offset" xml:"offset"`
	HasMore      bool      `json:"hasMore" xml:"hasMore"`
	Items        []userOut `json:"items" xml:"items"`
}

// listUsers answers the users whose ID matches filter, sorted by ID, at
// most limit of them (-1: no maximum). A caller needs Service
// Administrator, like every other users operation (the page's 400).
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.admit(w, r, "listing users", ""); !ok {
		return
	}
	q := r.URL.Query()
	limit := -1
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < -1 {
			s.fail(w, r, apiError{http.StatusBadRequest, "INVALID_PARAMETER", "The limit must be a whole number, -1 for no maximum."})
			return
		}
		limit = n
	}
	expand := strings.ToLower(q.Get("expand"))
	if expand != "" && expand != "all" && expand != "none" {
		s.fail(w, r, apiError{http.StatusBadRequest, "INVALID_PARAMETER", "The expand parameter must be all or none."})
		return
	}
	filter := q.Get("filter")
	withLinks := !strings.EqualFold(q.Get("links"), "none")
	var found []User
	for _, u := range s.Users.List() {
		if idMatches(filter, u.ID) {
			found = append(found, u)
		}
	}
	out := listOut{TotalResults: len(found), Limit: limit, Items: []userOut{}}
	for _, u := range found {
		if limit >= 0 && len(out.Items) == limit {
			out.HasMore = true
			break
		}
		item := userOut{ID: u.ID, Name: u.Name, Email: u.Email}
		if expand != "none" {
			item.Role, item.Groups = u.Role, u.Groups
		}
		if withLinks {
			item.Links = links(r, u.ID)
		}
		out.Items = append(out.Items, item)
	}
	out.Count = len(out.Items)
	write(w, http.StatusOK, answersXML(r), out)
}

// idMatches applies the filter's wildcards ("*" and "?") to the ID, without
// regard to case as IDs are compared everywhere else (Q-ESS-050). An empty
// filter matches every user.
func idMatches(filter, id string) bool {
	if filter == "" {
		return true
	}
	// path.Match knows * and ?; a filter holding its other meta characters
	// ([ and \), which an ID may not hold either, matches nothing.
	ok, err := path.Match(strings.ToLower(filter), strings.ToLower(id))
	return err == nil && ok
}
