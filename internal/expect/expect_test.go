package expect

import (
	"encoding/json"
	"strings"
	"testing"
)

const body = `{"status":0,"error":null,"details":{"processed":3,"failed":1,
 "faileditems":[{"userlogin":"jdoe","errorcode":"EPMCSS-21143"}]},
 "users":[{"status":"SUCCESS"},{"status":"SUCCESS"}]}`

func TestMatch(t *testing.T) {
	var doc any
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		want map[string]any
		fail string // substring of the mismatch, "" for a match
	}{
		{"scalar", map[string]any{"status": 0}, ""},
		{"scalar wrong", map[string]any{"status": 1}, "want 1, found 0"},
		{"null", map[string]any{"error": nil}, ""},
		{"nested index", map[string]any{"details.faileditems[0].userlogin": "jdoe"}, ""},
		{"select", map[string]any{"details.faileditems[userlogin=jdoe].errorcode": "EPMCSS-21143"}, ""},
		{"select missing", map[string]any{"details.faileditems[userlogin=bob].errorcode": "x"}, "does not exist"},
		{"all", map[string]any{"users[*].status": "SUCCESS"}, ""},
		{"len", map[string]any{"details.faileditems": map[string]any{"$len": 1}}, ""},
		{"len wrong", map[string]any{"details.faileditems": map[string]any{"$len": 2}}, "want length 2"},
		{"absent", map[string]any{"details.nothing": map[string]any{"$present": false}}, ""},
		{"present wrong", map[string]any{"details.nothing": map[string]any{"$present": true}}, "want present"},
		{"match", map[string]any{"details.faileditems[0].errorcode": map[string]any{"$match": "^EPMCSS-\\d{5}$"}}, ""},
		{"anyOf", map[string]any{"status": map[string]any{"$anyOf": []any{1, 0}}}, ""},
		{"anyOf wrong", map[string]any{"status": map[string]any{"$anyOf": []any{1, 2}}}, "one of"},
		{"type", map[string]any{"details": map[string]any{"$type": "object"}}, ""},
		{"gte", map[string]any{"details.processed": map[string]any{"$gte": 4}}, ">= 4"},
		{"unknown matcher", map[string]any{"status": map[string]any{"$nope": 1}}, "unknown matcher"},
		{"bad path", map[string]any{"details[x": 1}, "unclosed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ms := Match(doc, tc.want)
			var all []string
			for _, m := range ms {
				all = append(all, m.String())
			}
			got := strings.Join(all, "\n")
			if tc.fail == "" && len(ms) > 0 {
				t.Fatalf("unexpected mismatch: %s", got)
			}
			if tc.fail != "" && !strings.Contains(got, tc.fail) {
				t.Fatalf("want mismatch containing %q, got %q", tc.fail, got)
			}
		})
	}
}

func FuzzLookup(f *testing.F) {
	f.Add("details.faileditems[0].userlogin")
	f.Add("users[*].status")
	f.Add("a[b=c].d")
	var doc any
	_ = json.Unmarshal([]byte(body), &doc)
	f.Fuzz(func(t *testing.T, path string) {
		_, _, _ = Lookup(doc, path)
	})
}

// Per-user results are found by identity: a requestId's suffix, a self link
// inside the element, whatever the order of the list.
func TestSelectByIdentity(t *testing.T) {
	const oig = `{"users":[
	  {"requestId":"cnf-x1-2","status":"FAIL","links":[{"rel":"self","href":"http://h/iam/governance/selfservice/api/v1/users/9999"}]},
	  {"requestId":"cnf-x1-1","status":"SUCCESS","links":[{"rel":"edit","href":"http://h/x"},{"rel":"self","href":"http://h/iam/governance/selfservice/api/v1/users/24"}]}]}`
	var doc any
	if err := json.Unmarshal([]byte(oig), &doc); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		want map[string]any
		fail string
	}{
		{"by requestId", map[string]any{"users[requestId=cnf-x1-1].status": "SUCCESS"}, ""},
		{"by requestId suffix", map[string]any{"users[requestId$=-2].status": "FAIL"}, ""},
		{"by self link", map[string]any{"users[links[rel=self].href$=/users/24].status": "SUCCESS"}, ""},
		{"by self link, wrong", map[string]any{"users[links[rel=self].href$=/users/24].status": "FAIL"}, `want "FAIL"`},
		{"no such link", map[string]any{"users[links[rel=self].href$=/users/25].status": "SUCCESS"}, "does not exist"},
		{"a suffix is not an equality", map[string]any{"users[requestId=-2].status": "FAIL"}, "does not exist"},
		{"empty selector path", map[string]any{"users[=x]": 1}, "is not an index"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var all []string
			for _, m := range Match(doc, tc.want) {
				all = append(all, m.String())
			}
			got := strings.Join(all, "\n")
			if tc.fail == "" && got != "" {
				t.Fatalf("unexpected mismatch: %s", got)
			}
			if tc.fail != "" && !strings.Contains(got, tc.fail) {
				t.Fatalf("want mismatch containing %q, got %q", tc.fail, got)
			}
		})
	}
}
