package contract_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/specs"
)

// Input rules hold what a caller sends, not what a tenant holds (Q-ESS-001):
// a user created elsewhere with an ID, a name and group names the rules
// refuse on create is a valid answer, and the same user sent is refused.
func TestEssbaseInputRulesApplyToRequestsOnly(t *testing.T) {
	c, err := contract.Load(specs.FS)
	if err != nil {
		t.Fatal(err)
	}
	get, _ := c.Operation("essbaseGetUser")
	add, _ := c.Operation("essbaseAddUsers")
	if get == nil || add == nil {
		t.Fatal("essbaseGetUser or essbaseAddUsers missing")
	}
	long := strings.Repeat("n", 300)
	held := `{"id":"spaced id;x","name":"` + long + `","role":"User","groups":["Finance Team","ops.eu"]}`
	rel := "/essbase/rest/v1/users/x"
	req := httptest.NewRequest(http.MethodGet, "http://h"+rel, nil)
	hdr := http.Header{"Content-Type": {"application/json"}}
	if vs := get.ValidateResponse(req, rel, nil, 200, hdr, []byte(held)); len(vs) > 0 {
		t.Errorf("a user the tenant holds breaks the answer schema: %v", vs)
	}
	sent := `{"id":"spaced id;x","name":"` + long + `","password":"P#1","role":"User","groups":["Finance Team","ops.eu"]}`
	post := httptest.NewRequest(http.MethodPost, "http://h/essbase/rest/v1/users", strings.NewReader(sent))
	post.Header.Set("Content-Type", "application/json")
	vs := add.ValidateRequest(post, "/essbase/rest/v1/users", []byte(sent))
	var all []string
	for _, v := range vs {
		all = append(all, v.String())
	}
	for _, at := range []string{"/id", "/name", "/groups/0"} {
		if !strings.Contains(strings.Join(all, "\n"), at) {
			t.Errorf("the same user sent on add is not refused for its %s: %v", at, all)
		}
	}
}
