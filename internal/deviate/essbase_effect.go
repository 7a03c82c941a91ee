package deviate

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/oracle-users-conformance/conformance/internal/essbaseuser"
)

// A refusal is shown refused by its status and by its effect (Q-ESS-008):
// this deviation keeps the status and breaks the effect, so only the rows'
// read-backs can catch it.

const refusedIDsHeader = "X-Conformance-Refused-Ids"

// refusalApplies remembers the IDs of adds answered 4xx and answers their
// read-backs as if the add had gone through.
type refusalApplies struct {
	mu      sync.Mutex
	refused map[string]bool // lower-cased IDs (IDs compare without case, Q-ESS-007)
}

func (d *refusalApplies) request(r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, essbaseUsers) || r.Body == nil {
		return
	}
	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.Header.Set("Content-Length", strconv.Itoa(len(body)))
	if ids := essbaseuser.AddedIDs(body); len(ids) > 0 {
		for i, id := range ids {
			ids[i] = url.QueryEscape(id)
		}
		r.Header.Set(refusedIDsHeader, strings.Join(ids, ","))
	}
}

func (d *refusalApplies) response(r *http.Response, body []byte) []byte {
	req := r.Request
	if req == nil {
		return body
	}
	if req.Method == http.MethodPost && r.StatusCode >= 400 && r.StatusCode < 500 && req.Header.Get(refusedIDsHeader) != "" {
		d.mu.Lock()
		for _, id := range strings.Split(req.Header.Get(refusedIDsHeader), ",") {
			if u, err := url.QueryUnescape(id); err == nil {
				d.refused[strings.ToLower(u)] = true
			}
		}
		d.mu.Unlock()
		return body
	}
	id, isUser := strings.CutPrefix(req.URL.Path, essbaseUsers+"/")
	if req.Method != http.MethodGet || !isUser || r.StatusCode != http.StatusNotFound {
		return body
	}
	d.mu.Lock()
	applied := d.refused[strings.ToLower(id)]
	d.mu.Unlock()
	if !applied {
		return body
	}
	return replaceStatus(r, http.StatusOK, map[string]any{"id": id, "name": id, "role": "User"})
}

func init() {
	d := &refusalApplies{refused: map[string]bool{}}
	Register(Deviation{
		Name:     "essbase-refusal-applies",
		Scope:    "api:essbase",
		CaughtBy: []string{"ESS-ADD-004", "ESS-ADD-006", "ESS-ID-001", "ESS-ROLE-002", "ESS-IMPORT-004", "ESS-IMPORT-005", "ESS-ERROR-001"},
		Summary:  "Essbase refuses an add (400, 415) but adds the users anyway: reading one back finds it",
		Request:  d.request,
		Response: onEssbase("", false, d.response),
	})
}
