package epm

// ---- GET /interop/rest/11.1.2.3.600/applicationsnapshots
//
// List Files (11.1.2.3.600), https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/list_files.html:
// {status, items:[{name, type, size, lastmodifiedtime}], details, links}.
// Every file a client uploads is EXTERNAL (the mock holds no LCM
// snapshot); the page's example writes size and lastmodifiedtime (epoch
// milliseconds) as strings of digits. Clients call it before deleting, so
// only complete uploads are listed. The page's Java sample reads items
// null as "No files found", so an empty store answers null.

import (
	"net/http"
	"os"
	"sort"
	"strconv"

	"github.com/oracle-users-conformance/conformance/internal/mock/reqinfo"
)

type fileItem struct {
	Name             string `json:"name"`
	Type             string `json:"type"`
	Size             string `json:"size"`
	LastModifiedTime string `json:"lastmodifiedtime"`
}

type fileList struct {
	Status  int        `json:"status"`
	Items   []fileItem `json:"items"`
	Details *string    `json:"details"`
	Links   []linkV1   `json:"links"`
}

func (s *Server) listFiles(w http.ResponseWriter, r *http.Request) {
	answer := fileAnswer(w, r, "GET")
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		answer(http.StatusMethodNotAllowed, statusFailure, "Method "+r.Method+" is not supported. Use GET to list the files.")
		return
	}
	if _, ok := s.authenticate(w, r); !ok {
		return
	}
	writeJSON(w, http.StatusOK, fileList{Status: statusSuccess, Items: s.files.list(),
		Links: []linkV1{{Rel: "self", Href: reqinfo.URL(r), Action: "GET"}}})
}

// list is every complete file, by name; nil when there is none.
func (st *fileStore) list() []fileItem {
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []fileItem
	for name, sf := range st.files {
		if !sf.complete {
			continue
		}
		modified := ""
		if fi, err := os.Stat(sf.path); err == nil {
			modified = strconv.FormatInt(fi.ModTime().UnixMilli(), 10)
		}
		out = append(out, fileItem{Name: name, Type: "EXTERNAL", Size: strconv.FormatInt(sf.size, 10), LastModifiedTime: modified})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
