package aggregate

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// compiled is a route compiled in one input.
type compiled struct {
	Pattern
	file string
	gen  uint64
}

// naivePending is the pending list as a plain slice scanned in order: what
// pendingList must answer the same as.
type naivePending []compiled

func (l *naivePending) add(c compiled) {
	for _, q := range *l {
		if q.String() == c.String() && q.file == c.file {
			return
		}
	}
	if len(*l) == maxPendingCompiles {
		*l = slices.Delete(*l, 0, 1)
	}
	*l = append(*l, c)
}

func (l *naivePending) take(path, file string) (compiled, bool) {
	for i, c := range *l {
		if c.file == file && c.Match(path) {
			*l = slices.Delete(*l, i, i+1)
			return c, true
		}
	}
	return compiled{}, false
}

func TestPendingListMatchesScan(t *testing.T) {
	// Routes that overlap: statics beside params in the same place,
	// catch-alls and optional ones, groups and slots, the root.
	routes := []string{
		"/", "/api/users", "/api/users/[id]", "/api/users/me", "/api/users/[id]/posts",
		"/api/[resource]/[id]", "/[locale]", "/[locale]/blog/[slug]", "/blog/[slug]",
		"/docs/[...slug]", "/shop/[[...slug]]", "/(marketing)/about", "/@modal/photo/[id]",
		"/api/users/[userId]", "/a/b/c/d/e/f", "/a/[x]/c/[y]/e/[z]", "/[...all]", "/api/[[...rest]]", "/a/[...x]",
	}
	paths := []string{
		"/", "", "/api/users", "/api/users/", "/api/users/42", "/api/users/me", "/api/users/42/posts",
		"/api/orders/7", "/en", "/en/blog/hello", "/blog/hello", "/blog", "/docs", "/docs/a/b/c",
		"/shop", "/shop/x/y", "/about", "/photo/9", "//api//users", "/api/users/42/", "/a/b/c/d/e/f",
		"/a/q/c/r/e/s", "/a/q/c/r/e", "/x/y/z",
	}
	files := []string{"a.log", "b.log"}
	for seed := range uint64(50) {
		r := rand.New(rand.NewPCG(seed, 1))
		var got pendingList
		var want naivePending
		gen := uint64(0)
		for step := range 2000 {
			if r.IntN(3) == 0 {
				gen++
				c := compiled{ParsePattern(routes[r.IntN(len(routes))]), files[r.IntN(2)], gen}
				got.add(newPendRoute(c.String()), c.file, c.gen)
				want.add(c)
				continue
			}
			path, file := paths[r.IntN(len(paths))], files[r.IntN(2)]
			wc, wok := want.take(path, file)
			if gok := got.take(path, file); gok != wok {
				t.Fatalf("seed %d step %d: take(%q, %q) = %v, want %v (%q)", seed, step, path, file, gok, wok, wc.String())
			}
			if got.Len() != len(want) {
				t.Fatalf("seed %d step %d: %d held, want %d", seed, step, got.Len(), len(want))
			}
			i := 0
			for e := got.first; e != nil; e = e.next {
				if i >= len(want) || e.gen != want[i].gen {
					t.Fatalf("seed %d step %d: entry %d is gen %d, want %v", seed, step, i, e.gen, want[min(i, len(want)-1):])
				}
				i++
			}
		}
	}
}

func TestPendingListBounds(t *testing.T) {
	var l pendingList
	for i := range maxPendingCompiles + 10 {
		l.add(newPendRoute("/r"+strings.Repeat("x", i)+"/[id]"), "f", uint64(i+1))
	}
	if l.Len() != maxPendingCompiles {
		t.Fatalf("%d held, want %d", l.Len(), maxPendingCompiles)
	}
	if l.take("/r/7", "f") {
		t.Error("the oldest route is still held")
	}
	last := "/r" + strings.Repeat("x", maxPendingCompiles+9) + "/7"
	if !l.take(last, "f") || l.take(last, "f") {
		t.Error("the newest route is not taken exactly once")
	}
	if len(l.byText) != l.Len() || len(l.shapes) != l.Len() {
		t.Errorf("index holds %d texts and %d shapes for %d routes", len(l.byText), len(l.shapes), l.Len())
	}
	c := l.clone()
	if !c.take("/r"+strings.Repeat("x", 20)+"/1", "f") || c.Len() != l.Len()-1 {
		t.Errorf("clone holds %d after a take, want %d", c.Len(), l.Len()-1)
	}
}
