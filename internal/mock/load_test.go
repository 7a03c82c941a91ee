package mock_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/mock"
	"github.com/oracle-users-conformance/conformance/internal/mock/epm"
	"github.com/oracle-users-conformance/conformance/internal/mock/oig"
)

// The load test: 100 clients at once through every product's API, some on
// users of their own, some all on the same user. Every write carries a tag
// (client and round) in each field it sets, so a torn update, fields of two
// writes mixed, shows as two tags in one user. It asserts no 5xx, every
// write accepted, each own user holding exactly its client's last write,
// each shared user (read mid-run and at the end) holding one write whole,
// and no goroutine left once the mock is closed.

const (
	rounds       = 8
	sharedEPM    = "loadshared"
	sharedOIGKey = "24"
	sharedESS    = "jenp"
	loadDomain   = "@load.example.org"
)

var essRoles = []string{"User", "Power User", "Service Administrator"}

func tag(client, round int) string { return fmt.Sprintf("c%03dr%d", client, round) }

// tagOf returns the tag after prefix in v, or "" if v does not have that form.
func tagOf(v, prefix, suffix string) string {
	if !strings.HasPrefix(v, prefix) || !strings.HasSuffix(v, suffix) {
		return ""
	}
	return v[len(prefix) : len(v)-len(suffix)]
}

// roleOf gives each tag a role, so the role is part of the write too.
func roleOf(t string) string {
	sum := 0
	for _, c := range t {
		if c >= '0' && c <= '9' {
			sum += int(c - '0')
		}
	}
	return essRoles[sum%len(essRoles)]
}

// whole reports the tag that every value carries, or "" when they disagree.
func whole(tags ...string) string {
	for _, t := range tags[1:] {
		if t != tags[0] {
			return ""
		}
	}
	return tags[0]
}

func loadSeedWithUsers(t testing.TB, n int) mock.Seed {
	seed := loadSeed(t, "mock/seed.yaml")
	seed.EPM.Users = append(seed.EPM.Users, epm.User{Login: sharedEPM, FirstName: "Shared", LastName: "User", Email: "shared" + loadDomain})
	for i := range n {
		seed.EPM.Users = append(seed.EPM.Users, epm.User{Login: fmt.Sprintf("load%03d", i), FirstName: "F", LastName: "L", Email: fmt.Sprintf("load%03d%s", i, loadDomain)})
		seed.OIG.Users = append(seed.OIG.Users, oig.SeedUser{Key: fmt.Sprint(5000 + i), Login: fmt.Sprintf("LOAD%03d", i), FirstName: "F", LastName: "L"})
	}
	return seed
}

func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	before := runtime.NumGoroutine()
	const clients = 100
	m, err := mock.New(mock.Options{Seed: loadSeedWithUsers(t, clients), EPM: epm.Options{JobDuration: 10 * time.Millisecond, FileDir: t.TempDir()}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m) // loopback
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	hc := &http.Client{Transport: tr, Timeout: 20 * time.Second}

	var mu sync.Mutex
	written := map[string]bool{} // tags of the writes to shared users
	wrote := func(t string) { mu.Lock(); written[t] = true; mu.Unlock() }
	var reads []func() // checks of shared users read mid-run, run at the end
	read := func(f func()) { mu.Lock(); reads = append(reads, f); mu.Unlock() }

	// kinds of client, by index range.
	type kind struct {
		n   int
		run func(c *client, i int)
	}
	kinds := []kind{
		{15, func(c *client, i int) { // EPM v2, own user
			for r := range rounds {
				tg := tag(i, r)
				a := c.epmV2(fmt.Sprintf("load%03d", i), "F"+tg, "L"+tg, tg+loadDomain)
				if d, _ := a.json["details"].(map[string]any); d["succeeded"] != 1.0 {
					c.t.Errorf("epm v2 %s: %s", tg, a.raw)
				}
			}
		}},
		{8, func(c *client, i int) { // EPM v1, own user
			for r := range rounds {
				tg := tag(i, r)
				if j := c.epmV1("load-"+tg+".csv", fmt.Sprintf("load%03d", i), "F"+tg, "L"+tg, tg+loadDomain); j.json["details"] != "Processed - 1, Succeeded - 1, Failed - 0." {
					c.t.Errorf("epm v1 %s: %s", tg, j.raw)
				}
			}
		}},
		{12, func(c *client, i int) { // EPM, the same user, v1 and v2 alternately
			for r := range rounds {
				tg := tag(i, r)
				wrote(tg)
				if (i+r)%2 == 0 {
					if a := c.epmV2(sharedEPM, "F"+tg, "L"+tg, tg+loadDomain); a.json["status"] != 0.0 {
						c.t.Errorf("epm v2 shared %s: %s", tg, a.raw)
					}
				} else if j := c.epmV1("shared-"+tg+".csv", sharedEPM, "F"+tg, "L"+tg, tg+loadDomain); j.json["status"] != 0.0 {
					c.t.Errorf("epm v1 shared %s: %s", tg, j.raw)
				}
			}
		}},
		{20, func(c *client, i int) { // Essbase: add, update, get, delete an own user
			id := fmt.Sprintf("ess%03d", i)
			if a := c.do(http.MethodPost, essbasePath, "application/json", essbaseUser(id, "N "+tag(i, 0), tag(i, 0)+loadDomain, roleOf(tag(i, 0)))); a.status != 200 {
				c.t.Errorf("essbase add %s: %d %s", id, a.status, a.raw)
			}
			for r := 1; r < rounds; r++ {
				tg := tag(i, r)
				if a := c.do(http.MethodPut, essbasePath+"/"+id, "application/json", essbaseUser(id, "N "+tg, tg+loadDomain, roleOf(tg))); a.status != 200 {
					c.t.Errorf("essbase update %s: %d %s", tg, a.status, a.raw)
				}
				g := c.do(http.MethodGet, essbasePath+"/"+id, "", nil)
				if g.json["name"] != "N "+tg || g.json["email"] != tg+loadDomain || g.json["role"] != roleOf(tg) {
					c.t.Errorf("essbase %s read back %s after writing %s", id, g.raw, tg)
				}
			}
			if i%2 == 0 {
				if a := c.do(http.MethodDelete, essbasePath+"/"+id, "", nil); a.status != 200 {
					c.t.Errorf("essbase delete %s: %d %s", id, a.status, a.raw)
				}
			}
		}},
		{10, func(c *client, i int) { // Essbase, the same user
			for r := range rounds {
				tg := tag(i, r)
				wrote(tg)
				if a := c.do(http.MethodPut, essbasePath+"/"+sharedESS, "application/json", []byte(fmt.Sprintf(`{"name":"N %s","email":"%s%s","role":"%s"}`, tg, tg, loadDomain, roleOf(tg)))); a.status != 200 {
					c.t.Errorf("essbase shared %s: %d %s", tg, a.status, a.raw)
				}
				g := c.do(http.MethodGet, essbasePath+"/"+sharedESS, "", nil)
				name, email, role := fmt.Sprint(g.json["name"]), fmt.Sprint(g.json["email"]), fmt.Sprint(g.json["role"])
				read(func() { checkEssbase(t, "mid-run", name, email, role, written) })
			}
		}},
		{20, func(c *client, i int) { // OIG, own user
			key := fmt.Sprint(5000 + i)
			for r := range rounds {
				tg := tag(i, r)
				a := c.oigUpdate(key, map[string]string{"First Name": "F" + tg, "Last Name": "L" + tg, "Title": "T" + tg})
				if !strings.Contains(string(a.raw), `"status":"SUCCESS"`) {
					c.t.Errorf("oig %s: %d %s", tg, a.status, a.raw)
				}
				if f := c.oigFields(key); f["First Name"] != "F"+tg || f["Last Name"] != "L"+tg || f["Title"] != "T"+tg {
					c.t.Errorf("oig %s read back %v after writing %s", key, f, tg)
				}
			}
		}},
		{15, func(c *client, i int) { // OIG, the same user
			for r := range rounds {
				tg := tag(i, r)
				wrote(tg)
				if a := c.oigUpdate(sharedOIGKey, map[string]string{"First Name": "F" + tg, "Last Name": "L" + tg, "Title": "T" + tg}); !strings.Contains(string(a.raw), `"status":"SUCCESS"`) {
					c.t.Errorf("oig shared %s: %d %s", tg, a.status, a.raw)
				}
				f := c.oigFields(sharedOIGKey)
				read(func() { checkOIG(t, "mid-run", f, written) })
			}
		}},
	}

	start := make(chan struct{})
	var wg sync.WaitGroup
	i := 0
	for _, k := range kinds {
		for range k.n {
			c := &client{t: t, base: srv.URL, hc: hc, user: "admin", pass: "Welcome1"}
			n := i
			wg.Go(func() { <-start; k.run(c, n) })
			i++
		}
	}
	if i != clients {
		t.Fatalf("%d clients, want %d", i, clients)
	}
	close(start)
	wg.Wait()

	// Final state.
	c := &client{t: t, base: srv.URL, hc: hc, user: "admin", pass: "Welcome1"}
	i = 0
	for ki, k := range kinds {
		for range k.n {
			last := tag(i, rounds-1)
			switch ki {
			case 0, 1:
				u, _ := m.EPM.Domain.Get(fmt.Sprintf("load%03d", i))
				if u.FirstName != "F"+last || u.LastName != "L"+last || u.Email != last+loadDomain {
					t.Errorf("epm load%03d is %+v, want the last write %s", i, u, last)
				}
			case 3:
				g := c.do(http.MethodGet, fmt.Sprintf("%s/ess%03d", essbasePath, i), "", nil)
				if i%2 == 0 && g.status != 404 || i%2 == 1 && g.json["name"] != "N "+last {
					t.Errorf("essbase ess%03d: %d %s", i, g.status, g.raw)
				}
			case 5:
				if f := c.oigFields(fmt.Sprint(5000 + i)); f["Title"] != "T"+last {
					t.Errorf("oig %d is %v, want %s", 5000+i, f, last)
				}
			}
			i++
		}
	}
	u, _ := m.EPM.Domain.Get(sharedEPM)
	if tg := whole(tagOf(u.FirstName, "F", ""), tagOf(u.LastName, "L", ""), tagOf(u.Email, "", loadDomain)); !written[tg] {
		t.Errorf("the shared EPM user is %+v: not one write whole", u)
	}
	g := c.do(http.MethodGet, essbasePath+"/"+sharedESS, "", nil)
	checkEssbase(t, "final", fmt.Sprint(g.json["name"]), fmt.Sprint(g.json["email"]), fmt.Sprint(g.json["role"]), written)
	checkOIG(t, "final", c.oigFields(sharedOIGKey), written)
	for _, f := range reads {
		f()
	}

	srv.Close()
	tr.CloseIdleConnections()
	if err := m.Close(); err != nil {
		t.Error(err)
	}
	// Goroutines end shortly after their connections close; wait a little.
	after := runtime.NumGoroutine()
	for deadline := time.Now().Add(3 * time.Second); after > before && time.Now().Before(deadline); after = runtime.NumGoroutine() {
		time.Sleep(20 * time.Millisecond)
	}
	if after > before {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines before, %d after shutdown:\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
}

func checkEssbase(t *testing.T, when, name, email, role string, written map[string]bool) {
	tg := whole(tagOf(name, "N ", ""), tagOf(email, "", loadDomain))
	if !written[tg] || role != roleOf(tg) {
		t.Errorf("%s: the shared Essbase user is %q %q %q: not one write whole", when, name, email, role)
	}
}

func checkOIG(t *testing.T, when string, f map[string]string, written map[string]bool) {
	tg := whole(tagOf(f["First Name"], "F", ""), tagOf(f["Last Name"], "L", ""), tagOf(f["Title"], "T", ""))
	if !written[tg] {
		t.Errorf("%s: the shared OIG user is %v: not one write whole", when, f)
	}
}
