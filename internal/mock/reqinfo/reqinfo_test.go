package reqinfo

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	r := httptest.NewRequest("GET", "http://mock:8080/a/b?x=1", nil)
	if got := URL(r); got != "http://mock:8080/a/b" {
		t.Fatal(got)
	}
	r.Header.Set("X-Forwarded-Proto", "https")
	if got := Origin(r); got != "https://mock:8080" {
		t.Fatal(got)
	}
}

func TestJSONProblem(t *testing.T) {
	var v struct{ Users []string }
	for body, want := range map[string]string{
		"{\n\"users\": [1,": "line 2",
		`{"users": "x"}`:    "must be an array",
	} {
		err := json.Unmarshal([]byte(body), &v)
		if got := JSONProblem([]byte(body), err); !strings.Contains(got, want) {
			t.Errorf("%q: %q, want %q", body, got, want)
		}
	}
}
