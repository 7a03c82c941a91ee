package csvfile

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// Verbatim places the values of plain lines, CRLF, blanks around fields and
// quoted fields included, and refuses the values a parser had to rewrite.
// (checkVerbatim, run on every tricky input and fixture and by the fuzz
// target, checks that whatever it places is there.)
func TestVerbatim(t *testing.T) {
	data := "\xEF\xBB\xBF" + hdrLine +
		"A,B,a@x.y,alogin\r\n" +
		"  A ,\t\"B, C\", \"a@x.y\",\" blogin \"\r\n" +
		"A,\"B\"\"\",c@x.y,clogin\n" + // a doubled quote: the parser's
		"A,\"B\nB\",d@x.y,dlogin\n" + // a newline inside quotes
		"Zoë,B,e@x.y,elogin\n" + // a high byte
		"A,B,f@x.y\n" + // no User Login
		"A,B,g@x.y,glogin"
	want := []struct {
		login string
		ok    bool
	}{{"alogin", true}, {"blogin", true}, {"clogin", false}, {"dlogin", false}, {"elogin", false}, {"", false}, {"glogin", true}}
	rd, err := NewReader(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	rd.Transient()
	for i, w := range want {
		row, err := rd.Next()
		if IsFatal(err) {
			t.Fatalf("row %d: %v", i, err)
		}
		off, ok := rd.Verbatim(UserLogin)
		if row.UserLogin != w.login || ok != w.ok {
			t.Fatalf("row %d: %q placed %v, want %q placed %v", i, row.UserLogin, ok, w.login, w.ok)
		}
		if ok && data[off:off+int64(len(w.login))] != w.login {
			t.Fatalf("row %d: %q at %d, the file has %q", i, w.login, off, data[off:off+int64(len(w.login))])
		}
	}
	if _, err := rd.Next(); !errors.Is(err, io.EOF) {
		t.Fatalf("after the last row: %v", err)
	}
}
