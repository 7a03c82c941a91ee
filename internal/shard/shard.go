// Package shard splits the selected scenarios into N deterministic parts
// for CI matrices and --procs. A scenario's part depends on its ID only
// (an FNV hash, over the parts not already filled by owned users), so
// adding scenarios moves few others; except that the
// config users (vars) that scenarios change are partitioned among the
// parts, and every scenario naming a user runs in the part that owns it:
// no two parts change, or read back, the same fixture user at once.
package shard

import (
	"fmt"
	"hash/fnv"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
	"github.com/oracle-users-conformance/conformance/internal/varscat"
)

// Parse reads "K/N" (1 ≤ K ≤ N).
func Parse(s string) (k, n int, err error) {
	a, b, ok := strings.Cut(s, "/")
	k, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || k < 1 || k > n {
		return 0, 0, fmt.Errorf("--shard %q is not K/N with 1 ≤ K ≤ N", s)
	}
	return k, n, nil
}

// Mutates says whether a scenario changes data (derived from what it sends).
type Mutates func(*scenario.Scenario) bool

// Named lists the config users (vars) a scenario names.
type Named func(*scenario.Scenario) []string

// Users names the vars a scenario's templates use and, given the config's
// values, the vars whose value it names literally (a document's example
// body naming usr_key 24): every user a scenario touches is owned. fsys is
// where the rows' fixture files are.
func Users(fsys fs.FS, values map[string]string) Named {
	literal := Literal(fsys, values)
	// Each scenario's users are found once: finding them reads its fixture
	// files, and the planner asks for every scenario many times.
	var mu sync.Mutex
	known := map[*scenario.Scenario][]string{}
	return func(sc *scenario.Scenario) []string {
		mu.Lock()
		defer mu.Unlock()
		if users, ok := known[sc]; ok {
			return users
		}
		seen := map[string]bool{}
		var users []string
		for _, v := range append(sc.VarsUsed(fsys), literal(sc)...) {
			if !seen[v] {
				seen[v] = true
				users = append(users, v)
			}
		}
		sort.Strings(users)
		known[sc] = users
		return users
	}
}

// Literal names the vars whose values a scenario names literally, as
// words of its rows and fixture files. Only the vars of the scenario's own
// product count (fixtures/vars.yaml): "Finance", an OIG organization, is
// also an Essbase group, and an Essbase row naming its group is no OIG row.
func Literal(fsys fs.FS, values map[string]string) Named {
	cat, _ := varscat.Load(fsys) // without a catalogue every var counts
	var mu sync.Mutex
	known := map[*scenario.Scenario][]string{}
	return func(sc *scenario.Scenario) []string {
		mu.Lock()
		defer mu.Unlock()
		if l, ok := known[sc]; ok {
			return l
		}
		product := config.ProductOf(sc.API)
		own := map[string]string{}
		for k, v := range values {
			if d, ok := cat[k]; ok && d.Product != product {
				continue
			}
			own[k] = v
		}
		l := sc.VarsNamedLiterally(fsys, own)
		known[sc] = l
		return l
	}
}

// Assign gives every scenario its part, 1 to n. named finds the users each
// scenario names; own are the vars every part has its own user for (config
// shard_vars), which no part needs to own.
func Assign(all []*scenario.Scenario, n int, named Named, mutates Mutates, own map[string]bool) map[string]int {
	owners := Owners(all, n, named, mutates, own)
	out := make(map[string]int, len(all))
	// Scenarios naming an owned user go to its owner.
	bound := make([]int, n+1)
	var free []*scenario.Scenario
	for _, sc := range all {
		// A scenario naming a user some shard changes runs in that shard,
		// also when it only reads: a read-back or an "unchanged" check must
		// not see another shard's change half-way.
		part := 0
		for _, v := range named(sc) {
			if o, ok := owners[v]; ok {
				part = o
				break
			}
		}
		if part == 0 {
			free = append(free, sc)
			continue
		}
		out[sc.ID] = part
		bound[part]++
	}
	// The rest spread by their ID's hash over the parts whose owned
	// scenarios are less than half a part's share: scenarios that change
	// users read them first and write them back, so they cost about twice
	// a free one, and one big group of users would otherwise make its part
	// the slowest by far.
	var open []int
	for p := 1; p <= n; p++ {
		if 2*bound[p]*n < len(all) {
			open = append(open, p)
		}
	}
	if len(open) == 0 {
		for p := 1; p <= n; p++ {
			open = append(open, p)
		}
	}
	for _, sc := range free {
		out[sc.ID] = open[int(hash(sc.ID)%uint32(len(open)))]
	}
	return out
}

// Owners says which part owns each config user (var) that scenarios
// changing data name. Vars named together by one such scenario form one
// group; groups go to parts in turn, largest first.
func Owners(all []*scenario.Scenario, n int, named Named, mutates Mutates, own map[string]bool) map[string]int {
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if parent[x] != x {
			parent[x] = find(parent[x])
		}
		return parent[x]
	}
	size := map[string]int{}
	for _, sc := range all {
		if !mutates(sc) {
			continue
		}
		var vs []string
		for _, v := range named(sc) {
			if !own[v] {
				vs = append(vs, v)
			}
		}
		if len(vs) == 0 {
			continue
		}
		for _, v := range vs {
			if _, ok := parent[v]; !ok {
				parent[v] = v
			}
		}
		for _, v := range vs[1:] {
			a, b := find(vs[0]), find(v)
			if a != b {
				if b < a {
					a, b = b, a
				}
				parent[b] = a
			}
		}
		size[vs[0]]++
	}
	groups := map[string][]string{}
	weight := map[string]int{}
	for v := range parent {
		r := find(v)
		groups[r] = append(groups[r], v)
		weight[r] += size[v]
	}
	roots := make([]string, 0, len(groups))
	for r := range groups {
		roots = append(roots, r)
	}
	sort.Slice(roots, func(i, j int) bool {
		if weight[roots[i]] != weight[roots[j]] {
			return weight[roots[i]] > weight[roots[j]]
		}
		return roots[i] < roots[j]
	})
	out := map[string]int{}
	for i, r := range roots {
		for _, v := range groups[r] {
			out[v] = 1 + i%n
		}
	}
	return out
}

func hash(s string) uint32 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(s))
	return h.Sum32()
}
