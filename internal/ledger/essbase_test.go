package ledger

import (
	"reflect"
	"testing"
)

// The ids an add creates are read from what it sends, whatever its
// Content-Type says: each undo hangs on this.
func TestEssbaseIDsOfEveryBodyForm(t *testing.T) {
	for _, c := range []struct {
		ct, body string
		want     []string
	}{
		{"application/json", `{"id":"u1","password":"x"}`, []string{"u1"}},
		{"application/json", `[{"id":"u1"},{"id":"u2"}]`, []string{"u1", "u2"}},
		{"text/plain", `{"id":"u3"}`, []string{"u3"}},
		{"application/xml", "<users><user><id> u4 </id></user><user><id>u5</id></user></users>", []string{"u4", "u5"}},
		{"application/xml", "<user><id>u6</id><password>broken", []string{"u6"}},
		{"text/csv", "id,name,password\nu7,Seven,x\nu8,Eight,y\n", []string{"u7", "u8"}},
		{"application/x-www-form-urlencoded", "name,id\nNine,u9\n", []string{"u9"}},
		{"text/csv", "u10,No Header,nohead@example.com,x,User,\n", []string{"u10"}},
	} {
		if got := essbaseIDs(c.ct, []byte(c.body)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s %q: %v, want %v", c.ct, c.body, got, c.want)
		}
	}
}
