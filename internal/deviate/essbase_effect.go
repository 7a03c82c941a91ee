package deviate

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// A refusal is shown refused by its status and by its effect (Q-ESS-008):
// this deviation keeps the status and breaks the effect, so only the rows'
// read-backs can catch it.

const refusedIDsHeader = "X-Conformance-Refused-Ids"

var (
	xmlID  = regexp.MustCompile(`<id>([^<]*)</id>`)
	jsonID = regexp.MustCompile(`"id"\s*:\s*"((?:[^"\\]|\\.)*)"`)
)

// addedIDs reads the user IDs an add or import body names, whatever its
// Content-Type says and however broken it is: "id" members of JSON, <id>
// elements of XML, the id column of a CSV file (the first column of one
// without a header).
func addedIDs(body []byte) []string {
	var ids []string
	switch t := bytes.TrimSpace(body); {
	case len(t) == 0:
		return nil
	case t[0] == '{' || t[0] == '[':
		for _, m := range jsonID.FindAllSubmatch(t, -1) {
			var id string
			if json.Unmarshal(append(append([]byte{'"'}, m[1]...), '"'), &id) == nil {
				ids = append(ids, id)
			}
		}
	case t[0] == '<':
		for _, m := range xmlID.FindAllSubmatch(t, -1) {
			ids = append(ids, string(m[1]))
		}
	default:
		r := csv.NewReader(bytes.NewReader(t))
		r.FieldsPerRecord = -1
		r.LazyQuotes = true
		rows, _ := r.ReadAll()
		if len(rows) == 0 {
			return nil
		}
		col, from := 0, 0
		for i, h := range rows[0] {
			if strings.EqualFold(strings.TrimSpace(h), "id") {
				col, from = i, 1
			}
		}
		for _, row := range rows[from:] {
			if col < len(row) && row[col] != "" {
				ids = append(ids, row[col])
			}
		}
	}
	return ids
}

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
	if ids := addedIDs(body); len(ids) > 0 {
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
