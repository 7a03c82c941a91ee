package scenario

import (
	"testing"
	"testing/fstest"
)

// A body uses the run suffix when its template can reach it, in any way a
// template can; a body that cannot is the same for every suffix.
func TestUsesRun(t *testing.T) {
	fx := fstest.MapFS{
		"with-run.json.tmpl": {Data: []byte(`{"id":"cnf{{.Run}}x"}`)},
		"plain.json":         {Data: []byte(`{"id":"{{.Var.essbase_user_1}}"}`)},
		"no-template.csv":    {Data: []byte("a,b\n1,2\n")},
	}
	cases := []struct {
		req  Request
		want bool
	}{
		{Request{Body: `{"id":"{{.Run}}"}`}, true},
		{Request{Body: `{{$.Run}}`}, true},
		{Request{Body: `{{json .}}`}, true},
		{Request{Body: `{{$}}`}, true},
		{Request{Body: `{{range seq 3}}{{.}}{{end}}`}, true}, // a dot: said yes, on the safe side
		{Request{Body: `{{if .Var.x}}{{upper .Run}}{{end}}`}, true},
		{Request{Body: `{{with .Var}}{{.x}}{{end}}`}, false},
		{Request{Body: `{{with .}}{{.Run}}{{end}}`}, true},
		{Request{Body: `{{.Var.essbase_user_1}} {{.Admin}} {{repeat "a" 3}}`}, false},
		{Request{Body: `no template`}, false},
		{Request{BodyTmpl: "with-run.json.tmpl"}, true},
		{Request{BodyFile: "plain.json"}, false},
		{Request{BodyFile: "no-template.csv"}, false},
		{Request{BodyFile: "missing.csv"}, true},
	}
	for _, c := range cases {
		if got := c.req.UsesRun(fx); got != c.want {
			t.Errorf("%+v: UsesRun %v, want %v", c.req, got, c.want)
		}
	}
	// Where it says no, two suffixes give the same body.
	for _, c := range cases {
		if c.want {
			continue
		}
		a, errA := c.req.Render(fx, Vars{Run: "r1", Admin: "admin", Var: map[string]string{"essbase_user_1": "jenp", "x": "1"}})
		b, errB := c.req.Render(fx, Vars{Run: "r2", Admin: "admin", Var: map[string]string{"essbase_user_1": "jenp", "x": "1"}})
		if errA != nil || errB != nil || string(a) != string(b) {
			t.Errorf("%+v: %q (%v) and %q (%v)", c.req, a, errA, b, errB)
		}
	}
}
