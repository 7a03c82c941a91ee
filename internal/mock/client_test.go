package mock_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// client calls a mock over HTTP as one account, the way a user's automation
// does. Its methods report a transport failure or a 5xx as a test error and
// return the status and the decoded body.
type client struct {
	t          testing.TB
	base       string
	hc         *http.Client
	user, pass string
}

// answer is one decoded response.
type answer struct {
	status int
	raw    []byte
	json   map[string]any
}

func (c *client) do(method, path, ctype string, body []byte, header ...string) answer {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		c.t.Errorf("%s %s: %v", method, path, err)
		return answer{}
	}
	req.SetBasicAuth(c.user, c.pass)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Errorf("%s %s: %v", method, path, err)
		return answer{}
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Errorf("%s %s: read the answer: %v", method, path, err)
	}
	a := answer{status: res.StatusCode, raw: raw}
	if res.StatusCode >= 500 {
		c.t.Errorf("%s %s: server error %d: %s", method, path, res.StatusCode, raw)
	}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(raw, &a.json)
	}
	return a
}

const (
	epmV2Path    = "/interop/rest/security/v2/users/update"
	epmV1Path    = "/interop/rest/security/v1/users"
	filesPath    = "/interop/rest/11.1.2.3.600/applicationsnapshots/"
	essbasePath  = "/essbase/rest/v1/users"
	oigUsersPath = "/iam/governance/selfservice/api/v1/users"
)

// epmV2 updates one user through Update Users v2.
func (c *client) epmV2(login, first, last, email string) answer {
	body, _ := json.Marshal(map[string]any{"users": []map[string]string{{"userlogin": login, "firstname": first, "lastname": last, "email": email}}})
	return c.do(http.MethodPut, epmV2Path, "application/json", body)
}

// epmV1 uploads a one-row file under name, runs the Update Users v1 job to
// its end, deletes the file and returns the finished job.
func (c *client) epmV1(name, login, first, last, email string) answer {
	c.t.Helper()
	csv := fmt.Sprintf("First Name,Last Name,Email,User Login\n%s,%s,%s,%s\n", first, last, email, login)
	if up := c.do(http.MethodPost, filesPath+name+"/contents", "application/octet-stream", []byte(csv)); up.json["status"] != 0.0 {
		c.t.Errorf("upload %s: %d %s", name, up.status, up.raw)
		return up
	}
	defer c.do(http.MethodDelete, filesPath+name, "", nil)
	form := url.Values{"jobtype": {"UPDATE_USERS"}, "filename": {name}}.Encode()
	sub := c.do(http.MethodPut, epmV1Path, "application/x-www-form-urlencoded", []byte(form))
	links, _ := sub.json["links"].([]any)
	if sub.json["status"] != -1.0 || len(links) != 2 {
		c.t.Errorf("submit %s: %d %s", name, sub.status, sub.raw)
		return sub
	}
	href, _ := links[1].(map[string]any)["href"].(string)
	path := href[strings.Index(href, "/interop/"):]
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if j := c.do(http.MethodGet, path, "", nil); j.json["status"] != -1.0 {
			return j
		}
	}
	c.t.Errorf("job of %s never finished", name)
	return answer{}
}

// essbaseUser is the JSON body of an Essbase user.
func essbaseUser(id, name, email, role string) []byte {
	b, _ := json.Marshal(map[string]string{"id": id, "name": name, "email": email, "password": "Pw#" + id, "role": role})
	return b
}

// oigUpdate updates fields of one user through OIG bulk Update Users.
func (c *client) oigUpdate(key string, fields map[string]string) answer {
	list := make([]map[string]string, 0, len(fields))
	for n, v := range fields {
		list = append(list, map[string]string{"name": n, "value": v})
	}
	body, _ := json.Marshal(map[string]any{"users": []map[string]any{{"requestId": "r-" + key, "id": key, "fields": list}}})
	return c.do(http.MethodPut, oigUsersPath, "application/json", body, "X-Requested-By", "mock-test")
}

// oigFields reads a user back as field name -> value.
func (c *client) oigFields(key string) map[string]string {
	a := c.do(http.MethodGet, oigUsersPath+"/"+key, "", nil)
	out := map[string]string{}
	fields, _ := a.json["fields"].([]any)
	for _, f := range fields {
		m, _ := f.(map[string]any)
		n, _ := m["name"].(string)
		v, _ := m["value"].(string)
		out[n] = v
	}
	return out
}
