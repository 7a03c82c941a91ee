package shard

import (
	"slices"
	"testing"
	"testing/fstest"

	"github.com/oracle-users-conformance/conformance/internal/scenario"
)

// A value counts as a user a row names literally only as a word of the
// row's own product: an OIG organization's name in an Essbase group list,
// or a test user's login inside a made-up id (cnf{{.Run}}jenp), is no
// such user; the OIG document's usr_key 24 in an OIG body is.
func TestLiteralUsersAreWordsOfTheRowsOwnProduct(t *testing.T) {
	fsys := fstest.MapFS{"vars.yaml": {Data: []byte(
		"oig_organization: {product: oig, kind: value, about: x}\n" +
			"oig_user_1: {product: oig, kind: user, about: x}\n" +
			"essbase_user_1: {product: essbase, kind: user, about: x}\n")}}
	values := map[string]string{"oig_organization": "Finance", "oig_user_1": "24", "essbase_user_1": "jenp"}
	literal := Literal(fsys, values)
	row := func(api, body string) *scenario.Scenario {
		return &scenario.Scenario{ID: "X", API: api, Request: scenario.Request{Body: body}}
	}
	cases := []struct {
		sc   *scenario.Scenario
		want []string
	}{
		{row("essbase", `{"id":"cnf{{.Run}}x","groups":["Finance"]}`), nil},
		{row("essbase", `{"id":"cnf{{.Run}}jenp"}`), nil},
		{row("essbase", `{"id":"jenp"}`), []string{"essbase_user_1"}},
		{row("oig", `{"users":[{"id":"24","fields":[{"name":"Organization Name","value":"Finance"}]}]}`), []string{"oig_organization", "oig_user_1"}},
	}
	for _, c := range cases {
		if got := literal(c.sc); !slices.Equal(got, c.want) {
			t.Errorf("%s row %s: literal users %v, want %v", c.sc.API, c.sc.Request.Body, got, c.want)
		}
	}
}
