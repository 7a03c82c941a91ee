package exchange

import (
	"strings"
	"testing"
)

// Every name sensitiveKey matches holds one of sensitiveStems, so the
// quick look of mayHoldSecrets never hides a field SecretsIn would find.
func TestEverySensitiveNameHasAStem(t *testing.T) {
	alternatives := strings.Split(strings.TrimSuffix(strings.TrimPrefix(sensitiveKey.String(), "(?i)^("), ")$"), "|")
	if len(alternatives) < 5 {
		t.Fatalf("read %d names out of %s", len(alternatives), sensitiveKey)
	}
	for _, name := range alternatives {
		for _, form := range []string{name, strings.ToUpper(name), strings.ToUpper(name[:1]) + name[1:]} {
			if !mayHoldSecrets([]byte(`{"` + form + `":"x"}`)) {
				t.Errorf("a body with the field %s is taken for one without secrets", form)
			}
		}
	}
}

// What SecretsIn finds in each form, and that a body without any sensitive
// name, however large, gives nothing without being parsed; a JSON escape
// that spells a name is still read.
func TestSecretsInEachForm(t *testing.T) {
	cases := map[string]string{
		`{"users":[{"id":"u","password":"Hunter2x"}]}`:           "Hunter2x",
		`<user><id>u</id><Password>Hunter2x</Password></user>`:   "Hunter2x",
		"filename=a.csv&userpassword=Hunter2x":                   "Hunter2x",
		"id,name,PASSWORD\r\nu1,U,Hunter2x\r\n":                  "Hunter2x",
		`{"users":[{"id":"u","\u0070assword":"Hunter2x"}]}`:      "Hunter2x",
		`{"users":[{"id":"u","name":"Hunter2x","role":"user"}]}`: "",
		strings.Repeat(`{"id":"u1","name":"Long Name"},`, 10000): "",
	}
	for body, want := range cases {
		got := SecretsIn([]byte(body))
		if want == "" && len(got) != 0 || want != "" && (len(got) != 1 || got[0] != want) {
			t.Errorf("%.60s: %q, want %q", body, got, want)
		}
	}
}
