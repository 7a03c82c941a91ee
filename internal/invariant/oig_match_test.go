package invariant

import (
	"encoding/json"
	"testing"
)

func decodeList(t *testing.T, s string) []any {
	t.Helper()
	var v []any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// Entries are tied to request users by identity whatever their order: the
// document's example gives two users requestId "123", so the self link
// decides; a user named twice gets both of its entries; a user sent
// without requestId is found by its link.
func TestOIGMatchByIdentity(t *testing.T) {
	const self = `"links":[{"rel":"self","href":"http://pseudo.com:PORT/iam/governance/selfservice/api/v1/users/`
	req := decodeList(t, `[{"requestId":"123","id":"24"},{"requestId":"123","id":"9999"},{"requestId":"a","id":"25"},{"requestId":"b","id":"25"},{"id":"26"}]`)
	ans := decodeList(t, `[{`+self+`26"}],"n":5},{"requestId":"b",`+self+`25"}],"n":4},{"requestId":"123",`+self+`9999"}],"n":2},`+
		`{"requestId":"a",`+self+`25"}],"n":3},{"requestId":"123",`+self+`24"}],"n":1}]`)
	for _, p := range OIGMatch(req, ans) {
		if p.Answer == nil || int(p.Answer["n"].(float64)) != p.Index+1 {
			t.Errorf("users[%d] matched %v", p.Index, p.Answer)
		}
	}
	if got := OIGMatch(decodeList(t, `[{"requestId":"a","id":"24"}]`), decodeList(t, `[{"requestId":"z"},{"requestId":"y"}]`)); got[0].Answer != nil {
		t.Errorf("an entry carrying another requestId was matched: %v", got[0].Answer)
	}
	if got := OIGMatch(decodeList(t, `[{"requestId":"a","id":"24"}]`), decodeList(t, `[{"status":"FAIL"}]`)); got[0].Answer == nil {
		t.Error("a lone entry and a lone user are not paired by elimination")
	}
}

func TestOIGPending(t *testing.T) {
	for body, want := range map[string]bool{
		`{"status":"SUCCESS","request":{"id":"42","links":[]}}`: true,
		`{"status":"SUCCESS","request":{"id":42}}`:              true,
		`{"status":"SUCCESS","request":null}`:                   false,
		`{"status":"SUCCESS","request":{}}`:                     false,
		`{"status":"SUCCESS"}`:                                  false,
	} {
		var e map[string]any
		if err := json.Unmarshal([]byte(body), &e); err != nil {
			t.Fatal(err)
		}
		if id, got := OIGPending(e); got != want || (got && id != "42") {
			t.Errorf("%s: pending %v (request %q), want %v", body, got, id, want)
		}
	}
}
