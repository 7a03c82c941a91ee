package epm

import (
	"bytes"
	"net/http/httptest"
	"testing"
)

// envelopesV2 covers every branch of writeEnvelopeV2 and strings that need
// each kind of escaping.
func envelopesV2(s string) []envelopeV2 {
	link := linkV2{Href: "http://h/interop/rest/security/v2/users/update?" + s, Action: "PUT"}
	return []envelopeV2{
		{Links: link, Status: 0, Details: &detailsV2{Processed: 1, Succeeded: 1}},
		{Links: link, Status: 0, Details: &detailsV2{Processed: 3, Succeeded: 1, Failed: 2, FailedItems: []failedItem{
			{UserLogin: s, Code: codeUnknownUser, Message: "Failed to update user. User " + s + " not found. Verify that the user exists."},
			{UserLogin: "", Code: codeInvalidParams, Message: s},
		}}},
		{Links: link, Status: 0, Details: &detailsV2{FailedItems: []failedItem{}}},
		{Links: linkV2{Href: s, Action: s}, Status: 1, Error: &errorV2{Code: s, Message: s}},
		{Links: link, Status: -1},
	}
}

var v2Strings = []string{"", "jdoe", `a"b`, `a\b`, "<script>&amp;", "tab\t", "nl\n", "\x00\x1f\x7f", "Zoë", "O’Brien", "\u2028\u2029", "bad\xffutf8", "\xc3", "😀"}

func checkEnvelopeV2(t *testing.T, e envelopeV2) {
	t.Helper()
	want, got := httptest.NewRecorder(), httptest.NewRecorder()
	writeJSON(want, 200, e)
	writeEnvelopeV2(got, 200, e)
	if !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) || got.Header().Get("Content-Type") != want.Header().Get("Content-Type") {
		t.Fatalf("writeEnvelopeV2:\ngot:  %q\nwant: %q", got.Body.Bytes(), want.Body.Bytes())
	}
}

func TestEnvelopeV2MatchesEncodingJSON(t *testing.T) {
	for _, s := range v2Strings {
		for _, e := range envelopesV2(s) {
			checkEnvelopeV2(t, e)
		}
	}
}

func FuzzEnvelopeV2(f *testing.F) {
	for _, s := range v2Strings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, e := range envelopesV2(s) {
			checkEnvelopeV2(t, e)
		}
	})
}
