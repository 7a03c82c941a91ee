package mockserver_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/cmd/conformance/mockserver"
)

// updater is the script under test: a small provisioning client of the
// kind people write, which updates EPM users through v2 and through a v1
// job. It waits out 429 and 503 as Retry-After says, follows the Job
// Status link once a second, reports a failed job as an error and deletes
// its file whatever the job's outcome.
type updater struct {
	base, user, password string
}

// do sends one request, waiting out throttling and maintenance.
func (u *updater) do(method, target, contentType string, body []byte) (map[string]any, error) {
	for try := 0; try < 5; try++ {
		req, err := http.NewRequest(method, target, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.SetBasicAuth(u.user, u.password)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			wait, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
			time.Sleep(time.Duration(max(wait, 1)) * time.Second)
			continue
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("%s %s: HTTP %d", method, target, resp.StatusCode)
		}
		var m map[string]any
		err = json.Unmarshal(data, &m)
		return m, err
	}
	return nil, fmt.Errorf("%s %s: still throttled after 5 tries", method, target)
}

// UpdateV2 changes one user's last name.
func (u *updater) UpdateV2(login, lastName string) error {
	body, _ := json.Marshal(map[string]any{"users": []any{map[string]string{"userlogin": login, "lastname": lastName}}})
	m, err := u.do("PUT", u.base+"/interop/rest/security/v2/users/update", "application/json", body)
	if err != nil {
		return err
	}
	if m["status"] != 0.0 {
		return fmt.Errorf("v2 update failed: %v", m["error"])
	}
	return nil
}

// UpdateV1 uploads the CSV, runs the job to its end and deletes the file.
func (u *updater) UpdateV1(name, csv string) (err error) {
	files := u.base + "/interop/rest/11.1.2.3.600/applicationsnapshots/" + url.PathEscape(name)
	if _, err := u.do("POST", files+"/contents", "application/octet-stream", []byte(csv)); err != nil {
		return err
	}
	defer func() {
		if _, derr := u.do("DELETE", files, "", nil); derr != nil && err == nil {
			err = derr
		}
	}()
	m, err := u.do("PUT", u.base+"/interop/rest/security/v1/users", "application/x-www-form-urlencoded",
		[]byte("jobtype=UPDATE_USERS&filename="+url.QueryEscape(name)))
	if err != nil {
		return err
	}
	var link string
	links, _ := m["links"].([]any)
	for _, l := range links {
		if lm, _ := l.(map[string]any); lm["rel"] == "Job Status" {
			link, _ = lm["href"].(string)
		}
	}
	for m["status"] == -1.0 {
		time.Sleep(time.Second)
		if m, err = u.do("GET", strings.TrimSpace(link), "", nil); err != nil {
			return err
		}
	}
	if m["status"] != 0.0 {
		return fmt.Errorf("update job failed: %v", m["details"])
	}
	return nil
}

// The script under test survives a 429 and reports a failed job, and
// between the two cases the mock goes back to its seed.
func TestScriptUnderTest(t *testing.T) {
	srv, err := mockserver.Start(mockserver.Options{JobDuration: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	admin, err := srv.Admin()
	if err != nil {
		t.Fatal(err)
	}
	client := &updater{base: srv.URL, user: admin.Login, password: admin.Password}

	t.Run("survives a 429", func(t *testing.T) {
		if err := srv.Play("throttled:op=updateUsersV2:next=1"); err != nil {
			t.Fatal(err)
		}
		if err := client.UpdateV2("jdoe", "Doe-Smith"); err != nil {
			t.Fatalf("the client gave up on a 429: %v", err)
		}
		if left := srv.Playing(); len(left) != 0 {
			t.Fatalf("the 429 was never played (still playing %v)", left)
		}
		if got := srv.Changes(); strings.Join(got, ";") != "epm user jdoe changed" {
			t.Errorf("changes %v; want jdoe changed once the 429 was waited out", got)
		}
		if f := srv.Findings(); len(f) != 0 {
			t.Errorf("client report: %v", f)
		}
	})
	if err := srv.Reset(); err != nil {
		t.Fatal(err)
	}
	t.Run("reports a failed job and still deletes its file", func(t *testing.T) {
		if got := srv.Changes(); len(got) != 0 {
			t.Fatalf("after the reset: %v; want the seed", got)
		}
		if err := srv.Play("epm1-job-fails"); err != nil {
			t.Fatal(err)
		}
		err := client.UpdateV1("users.csv", "First Name,Last Name,Email,User Login\n\"Mary Ann\",Doe,mary@example.com,jdoe\n")
		if err == nil || !strings.Contains(err.Error(), "update job failed") {
			t.Errorf("a failed job: %v; want the client to report it", err)
		}
		for _, c := range srv.Changes() {
			if strings.HasPrefix(c, "epm file ") {
				t.Errorf("the client left its file behind: %s", c)
			}
		}
		if f := srv.Findings(); len(f) != 0 {
			t.Errorf("client report: %v", f)
		}
	})
}

// Start the mock in a test, play a fault for the next request, reset.
func Example() {
	srv, err := mockserver.Start(mockserver.Options{})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	admin, _ := srv.Admin()
	fmt.Println("admin:", admin.Login)

	_ = srv.Play("maintenance:product=essbase:next=1")
	get := func() int {
		req, _ := http.NewRequest("GET", srv.URL+"/essbase/rest/v1/users/jenp", nil)
		req.SetBasicAuth(admin.Login, admin.Password)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	fmt.Println(get(), get())

	_ = srv.Reset()
	fmt.Println("changes after reset:", len(srv.Changes()))
	// Output:
	// admin: admin
	// 503 200
	// changes after reset: 0
}
