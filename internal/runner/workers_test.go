package runner

import (
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/mock"
)

// The OIG and EPM v1 suites with four workers in this process (the only
// Ginkgo run of this package, so under -race the workers' goroutines are
// checked too, the v1 jobs' polls and job breaker among them; and the
// rows of workerSecrets, whose passwords no report may show),
// against the mock behind a handler that keeps every request in flight a
// while and notes the users it names: no request changing a user may be
// in flight while another request names that user. A scenario's requests
// go one after another, so two such requests at once are two scenarios
// using one user at once. The run must also have had requests of other
// users in flight together, or it proved nothing.
func TestWorkersNeverShareAUserOneOfThemChanges(t *testing.T) {
	seed, err := fs.ReadFile(fixtures.FS, "mock/seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := mock.ParseSeed(seed)
	if err != nil {
		t.Fatal(err)
	}
	opts := EmbeddedOptions()
	opts.Seed = s
	m, err := mock.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var uses userUses
	srv := httptest.NewServer(uses.wrap(m))
	defer srv.Close()

	cfg := config.Default()
	cfg.ReportDir = filepath.Join(t.TempDir(), "reports")
	fx, secretLabel := workerSecrets(t)
	cfg.Fixtures = fx
	cfg.LabelFilter = "api:oig || api:epm-v1 || " + secretLabel
	cfg.Workers = 4
	cfg.Poll.Interval = config.Duration(EmbeddedPoll) // as the embedded run polls its 40 ms jobs
	cfg.SetExplicit(config.PollIntervalSetting)
	out, err := Run(t, cfg, Options{Embedded: srv.URL}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if out.Run.Verdict != "conformant" {
		t.Errorf("verdict %q with four workers, want conformant: %+v", out.Run.Verdict, out.Run.Counts)
	}
	checkWorkerSecrets(t, cfg.ReportDir)
	clashes, together := uses.check()
	for _, c := range clashes {
		t.Error(c)
	}
	if together == 0 {
		t.Fatal("no two changes of different users were ever in flight together: the workers ran one at a time, which proves nothing")
	}
	t.Logf("%d requests; %d pairs of changes to different users in flight together", len(uses.all), together)
}

// userUses records every request's time in flight and the OIG users it
// names.
type userUses struct {
	mu  sync.Mutex
	all []use
}

type use struct {
	what       string
	users      []string
	change     bool
	start, end time.Time
}

var oigUserPath = regexp.MustCompile(`/iam/governance/selfservice/api/v1/users/([^/?]+)`)
var oigBodyID = regexp.MustCompile(`"id"\s*:\s*"?([0-9A-Za-z_.-]+)`)

func (u *userUses) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		var users []string
		if m := oigUserPath.FindStringSubmatch(r.URL.Path); m != nil {
			users = append(users, m[1])
		}
		if strings.HasSuffix(r.URL.Path, "/selfservice/api/v1/users") {
			for _, m := range oigBodyID.FindAllStringSubmatch(string(body), -1) {
				users = append(users, m[1])
			}
		}
		start := time.Now()
		time.Sleep(15 * time.Millisecond) // long enough for another worker's request to arrive meanwhile
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		// Only a change that took effect counts: rows that change nothing
		// may share users, and a request refused (4xx, or an entry OIG's
		// bulk update answers FAIL) changed nothing.
		change := r.Method != http.MethodGet && sw.status/100 == 2 && strings.Contains(sw.body.String(), `"SUCCESS"`)
		u.mu.Lock()
		defer u.mu.Unlock()
		u.all = append(u.all, use{what: r.Method + " " + r.URL.Path, users: users, change: change, start: start, end: time.Now()})
	})
}

// check finds requests naming one user in flight while one of them
// changed it, and counts the pairs of changes to different users that
// were in flight together.
func (u *userUses) check() (clashes []string, together int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	for i, a := range u.all {
		for _, b := range u.all[i+1:] {
			if !(a.start.Before(b.end) && b.start.Before(a.end)) {
				continue
			}
			shared := ""
			for _, x := range a.users {
				for _, y := range b.users {
					if x == y {
						shared = x
					}
				}
			}
			switch {
			case shared != "" && (a.change || b.change):
				clashes = append(clashes, "user "+shared+": "+a.what+" and "+b.what+" were in flight at once, one of them changing it")
			case shared == "" && a.change && b.change && len(a.users) > 0 && len(b.users) > 0:
				together++
			}
		}
	}
	return clashes, together
}

type statusWriter struct {
	http.ResponseWriter
	status int
	body   strings.Builder
}

func (s *statusWriter) Write(b []byte) (int, error) {
	s.body.Write(b)
	return s.ResponseWriter.Write(b)
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// workerSecrets copies the fixtures and adds eight rows, each adding an
// Essbase user whose password holds the run suffix and reading a user
// named like the password: shown in a path, where no field name gives it
// away, it is masked only if it was a known secret before the row sent
// it, whichever worker ran the row. It returns the copy and the label
// that selects the rows.
func workerSecrets(t *testing.T) (string, string) {
	dir := filepath.Join(t.TempDir(), "fixtures")
	if err := os.CopyFS(dir, fixtures.FS); err != nil {
		t.Fatal(err)
	}
	var table strings.Builder
	table.WriteString("api: essbase\nprefix: ESS-\noperation: essbaseAddUsers\ntitle: secrets of workers\nscenarios:\n")
	for i := range 8 {
		fmt.Fprintf(&table, `  - id: ESS-WSECRET-%03d
    title: a password with the run suffix, shown in a path
    labels: [kind:payload, mutates, worker-secret]
    request:
      headers: {Content-Type: application/json}
      body: '{"id":"cnf{{.Run}}s%d","password":"Pw{{.Run}}Sec%d"}'
    expect: {status: 200}
    then:
      - request: {operation: essbaseGetUser, params: {id: "Pw{{.Run}}Sec%d"}}
        expect: {status: 404}
`, i+1, i, i, i)
	}
	if err := os.WriteFile(filepath.Join(dir, "scenarios", "zz-secrets.yaml"), []byte(table.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, "worker-secret"
}

// checkWorkerSecrets fails if a report shows a password of workerSecrets'
// rows, or if the rows all ran under one suffix (which proves nothing).
func checkWorkerSecrets(t *testing.T, reportDir string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(reportDir, "*"))
	if err != nil || len(files) < 3 {
		t.Fatalf("reports %v: %v", files, err)
	}
	secret := regexp.MustCompile(`Pw[0-9A-Za-z]+Sec[0-9]`)
	runs := map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if m := secret.Find(data); m != nil {
			t.Errorf("%s shows the password %s", filepath.Base(f), m)
		}
		for _, m := range regexp.MustCompile(`cnf([0-9A-Za-z]+)s[0-7]`).FindAllSubmatch(data, -1) {
			runs[string(m[1])] = true
		}
	}
	if len(runs) < 2 {
		t.Errorf("the secret rows ran under %d run suffixes %v; want several workers' own, or this proved nothing", len(runs), runs)
	}
}
