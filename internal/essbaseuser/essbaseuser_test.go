package essbaseuser

import (
	"reflect"
	"testing"
)

// The ids an add creates are read from what it sends, whatever form it
// has and however broken: each undo hangs on this.
func TestAddedIDsOfEveryBodyForm(t *testing.T) {
	for _, c := range []struct {
		body string
		want []string
	}{
		{`{"id":"u1","password":"x"}`, []string{"u1"}},
		{`[{"id":"u1"},{"id":"u2"}]`, []string{"u1", "u2"}},
		{"\xef\xbb\xbf {\"id\":\"u3\"}", []string{"u3"}},
		{"<users><user><id> u4 </id></user><user><id>u5</id></user></users>", []string{"u4", "u5"}},
		{"<user><id>u6</id><password>broken", []string{"u6"}},
		{"id,name,password\nu7,Seven,x\nu8,Eight,y\n", []string{"u7", "u8"}},
		{"name,id\nNine,u9\n", []string{"u9"}},
		{"u10,No Header,nohead@example.com,x,User,\n", []string{"u10"}},
		// Broken JSON: the ids it names, not its fragments read as CSV.
		{`{"id":"u11","password":"x",}`, []string{"u11"}},
		{`[{"id":"u12"},{"id":"u\"13"}`, []string{"u12", `u"13`}},
		{`{"id":"","name":"no id"}`, nil},
		{"", nil},
	} {
		if got := AddedIDs([]byte(c.body)); !reflect.DeepEqual(got, c.want) && (len(got) != 0 || len(c.want) != 0) {
			t.Errorf("%q: %v, want %v", c.body, got, c.want)
		}
	}
}
