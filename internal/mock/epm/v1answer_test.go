package epm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/csvfile"
	"github.com/oracle-users-conformance/conformance/internal/mock/auth"
)

// answerRows are rows of every kind a job meets, CRLF-terminated: rows
// that pass, unknown users whose logins the answer writes from the file
// (plain, quoted, with blanks around them), and rows whose items the job
// writes itself: logins JSON escapes, doubled quotes, a newline inside
// quotes, text not in ASCII, row errors, bad emails, the caller's own
// account, no login.
var answerRows = []string{
	`John,Doe,jdoe@example.com,jdoe`,
	`Ghost,One,g1@example.com,ghost1`,
	`"Ghost","Two, Jr","g2@example.com","ghost2"`,
	`Ghost,Three,g3@example.com,  ghost3 	`,
	`Ghost,Four,g4@example.com," ghost4 "`,
	`Chris,"New""ton",chris@example.com,Chris`,
	`Ghost,Five,g5@example.com,"gho""st5"`,
	"Ghost,\"Six\r\nLines\",g6@example.com,ghost6",
	`Ghost,Seven,g7@example.com,back\slash`,
	`Ghost,Eight,g8@example.com,<b>&amp;</b>`,
	"Ghost,Nine,g9@example.com,ctl\x01x",
	`Zoë,Ghost,z@example.com,zoë`,
	`Ghost,Ten,g10@example.com,ghöst10`,
	`Only,three,fields@example.com`,
	`A,B,c@d.e,extra,column`,
	`Bad,Email,not-an-email,jdoe`,
	`Own,Account,admin@example.com,ADMIN`,
	`No,Login,nologin@example.com,`,
	`,,,`,
	``,
	`Ghost,Eleven,g11@example.com,ghost11`,
}

// answerFile is the header and blocks of answerRows, each followed by
// passing rows more, until the file is at least minBytes long, so that the
// job reads it in parts; each block's unknown logins are numbered, so an
// item shifted to another row shows.
func answerFile(minBytes, passing int) []byte {
	var b strings.Builder
	b.WriteString("\xEF\xBB\xBFFirst Name, Last Name,Email,User Login\r\n")
	for n := 0; b.Len() < minBytes; n++ {
		for _, r := range answerRows {
			r = strings.ReplaceAll(r, "ghost", "ghost"+strconv.Itoa(n)+"-")
			b.WriteString(r + "\r\n")
		}
		for range passing {
			b.WriteString(answerRows[0] + "\r\n")
		}
	}
	return []byte(b.String())
}

// refAnswer is the job's answer as the mock wrote it before its items were
// written at read time: the file read in one pass, each row failed as the
// job fails it (the Reader's row error, check, then the domain), each item
// written by encoding/json (encodeItemsRef), in one envelope.
func refAnswer(t *testing.T, s *Server, data []byte, self linkV1) []byte {
	t.Helper()
	rd, err := csvfile.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var failed []failedRow
	processed := 0
	for row, err := range rd.All() {
		if csvfile.IsFatal(err) {
			t.Fatalf("the file ends at %v", err)
		}
		processed++
		if err == nil {
			err = check("admin", row.UserLogin, Change{FirstName: &row.FirstName, LastName: &row.LastName, Email: &row.Email})
		}
		if err == nil && s.Domain.lookup(row.UserLogin) == nil {
			err = ErrUnknownUser
		}
		if err != nil {
			failed = append(failed, failedRow{row, err})
		}
	}
	details := fmt.Sprintf("Processed - %d, Succeeded - %d, Failed - %d.", processed, processed-len(failed), len(failed))
	head, err := json.Marshal(envelopeV1{Links: []linkV1{self}, Details: &details, Status: statusSuccess})
	if err != nil {
		t.Fatal(err)
	}
	head = bytes.TrimSuffix(head, []byte(`"items":null}`))
	return append(append(append(head, `"items":[`...), encodeItemsRef(failed)...), "]}\n"...)
}

// The answer whose items are written when it is read is, byte for byte,
// the one the job wrote before, with the length it announces: on a file of
// every kind of row, read in parts, whose upload is deleted, and replaced
// under the same name, before the answer is read; and on a file where few
// rows fail, whose items the job writes out rather than keep its file.
func TestAnswerRenderedAtRead(t *testing.T) {
	// Two parts whatever the machine, so lists of several parts are read
	// one after the other (four cost make test twice the time under -race
	// and show nothing two do not).
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	s := New(auth.New([]auth.Account{{Login: "admin", Password: "pw", Roles: map[string][]string{auth.EPM: {"Identity Domain Administrator", "Service Administrator"}}}}),
		Seed{Users: partsSeed}, Options{JobDuration: -1, FileDir: t.TempDir()}, nil)
	t.Cleanup(func() { _ = s.Close() })
	mux := http.NewServeMux()
	s.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	do := func(method, path, ctype string, body []byte) *http.Response {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.SetBasicAuth("admin", "pw")
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	read := func(res *http.Response) []byte {
		t.Helper()
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	const files = "/interop/rest/11.1.2.3.600/applicationsnapshots/"
	failing, passing := answerFile(2*minPartBytes+1000, 0), answerFile(2*minPartBytes+1000, 40)
	for i, c := range []struct {
		name  string
		data  []byte
		after func() // between the job's end and the reading of its answer
		kept  bool   // the items point into the job's file
	}{
		{"file kept", failing, func() {}, true},
		{"file deleted", failing, func() { read(do("DELETE", files+"u1.csv", "", nil)) }, true},
		{"file replaced", failing, func() {
			read(do("DELETE", files+"u2.csv", "", nil))
			read(do("POST", files+"u2.csv/contents", "application/octet-stream", []byte("First Name,Last Name,Email,User Login\nX,Y,z@example.com,other\n")))
		}, true},
		{"few rows fail", passing, func() { read(do("DELETE", files+"u3.csv", "", nil)) }, false},
	} {
		data := c.data
		t.Run(c.name, func(t *testing.T) {
			name := fmt.Sprintf("u%d.csv", i)
			if b := read(do("POST", files+name+"/contents", "application/octet-stream", data)); !bytes.Contains(b, []byte(`"status":0`)) {
				t.Fatalf("upload: %s", b)
			}
			read(do("PUT", "/interop/rest/security/v1/users", "application/x-www-form-urlencoded", []byte(url.Values{"jobtype": {"UPDATE_USERS"}, "filename": {name}}.Encode())))
			path := fmt.Sprintf("/interop/rest/security/v1/jobs/%d", 1001+i)
			for !s.jobDone(1001 + int64(i)) {
				time.Sleep(time.Millisecond)
			}
			c.after()
			res := do("GET", path, "", nil)
			got := read(res)
			want := refAnswer(t, s, data, linkV1{Rel: "self", Href: srv.URL + path, Action: "GET"})
			if !bytes.Equal(got, want) {
				at := 0
				for at < min(len(got), len(want)) && got[at] == want[at] {
					at++
				}
				t.Fatalf("answers part at byte %d of %d:\ngot  %q\nwant %q", at, len(want), got[max(0, at-200):min(len(got), at+200)], want[max(0, at-200):min(len(want), at+200)])
			}
			if res.ContentLength != int64(len(want)) {
				t.Errorf("Content-Length %d for %d bytes", res.ContentLength, len(want))
			}
			j, _ := s.jobs.get(1001 + int64(i))
			_, o := j.snapshot()
			links, _ := filepath.Glob(filepath.Join(s.files.dir, fmt.Sprintf("job-%d-file-*", j.id)))
			switch {
			case o.failures == nil:
				t.Fatal("no failed rows")
			case c.kept && (o.failures.kept == "" || len(o.failures.lists) < 2 || len(links) != 1):
				t.Errorf("the answer was not written from the file, in parts: %+v, links %v", o.failures, links)
			case !c.kept && (o.failures.kept != "" || len(links) != 0):
				t.Errorf("the job keeps its file for few rows: %+v, links %v", o.failures, links)
			}
		})
	}
}

// jobDone reports whether the job has finished (tests wait on it without
// polling over HTTP).
func (s *Server) jobDone(id int64) bool {
	j, ok := s.jobs.get(id)
	if !ok {
		return false
	}
	done, _ := j.snapshot()
	return done
}
