// Package essbaseuser is the one reading of which users an Essbase Add or
// Import Users body adds (specs/essbase-users.yaml): the ledger undoes
// them, and the deviations that play a lenient Essbase act on them. The
// body's Content-Type is not trusted (a CSV sent as a form, curl's
// default, adds users all the same), nor its being well formed: a vendor
// that reads a broken body leniently adds the users it names, and whatever
// it may have added must be found to be undone.
package essbaseuser

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"regexp"
	"strings"
)

var (
	xmlID  = regexp.MustCompile(`<id>\s*([^<]*?)\s*</id>`)
	jsonID = regexp.MustCompile(`"id"\s*:\s*"((?:[^"\\]|\\.)*)"`)
)

// AddedIDs are the user ids a body names: the "id" of a JSON user or of
// each user of a list (of every "id" member of a JSON body too broken to
// parse), the <id> elements of XML, the id column of a CSV (the first
// column of one without a header). Empty ids are left out.
func AddedIDs(body []byte) []string {
	t := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	var ids []string
	switch {
	case len(t) == 0:
		return nil
	case t[0] == '{' || t[0] == '[':
		ids = jsonIDs(t)
	case t[0] == '<':
		for _, m := range xmlID.FindAllSubmatch(t, -1) {
			ids = append(ids, string(m[1]))
		}
	default:
		ids = csvIDs(t)
	}
	out := ids[:0]
	for _, id := range ids {
		if id != "" {
			out = append(out, id)
		}
	}
	return out
}

func jsonIDs(body []byte) []string {
	type user struct {
		ID string `json:"id"`
	}
	var many []user
	if json.Unmarshal(body, &many) == nil {
		ids := make([]string, 0, len(many))
		for _, u := range many {
			ids = append(ids, u.ID)
		}
		return ids
	}
	var one user
	if json.Unmarshal(body, &one) == nil {
		return []string{one.ID}
	}
	var ids []string
	for _, m := range jsonID.FindAllSubmatch(body, -1) {
		var id string
		if json.Unmarshal(append(append([]byte{'"'}, m[1]...), '"'), &id) == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// csvIDs reads the id column of an import; without a header, the first
// column (Essbase's own import files have none).
func csvIDs(body []byte) []string {
	rd := csv.NewReader(bytes.NewReader(body))
	rd.FieldsPerRecord = -1
	rd.LazyQuotes = true
	recs, _ := rd.ReadAll()
	if len(recs) == 0 {
		return nil
	}
	col, start := 0, 0
	for i, h := range recs[0] {
		if strings.EqualFold(strings.TrimSpace(h), "id") {
			col, start = i, 1
		}
	}
	var ids []string
	for _, rec := range recs[start:] {
		if col < len(rec) {
			ids = append(ids, strings.TrimSpace(rec[col]))
		}
	}
	return ids
}
