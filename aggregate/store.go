package aggregate

import "slices"

// The app's "METRIC RECORDED, new size: N" lines count the entries of an
// in-memory store. Under next dev several module instances can each hold
// a store and log under the same tag: their counters interleave (1, 2, 1,
// 3, 2, 4, …), and a drop in the size is not by itself a reset. A
// storeTracker follows each counter apart: a size continues the counter
// that stands one below it (the one updated last, if several do), a 1
// starts a new counter, and any other size continues the closest counter
// below it (a line lost) or, with none below, starts one whose first lines
// the log does not hold.
//
// Each counter is a store, alive from its first line to its last. Stores
// alive at the same time are separate instances (the middleware's and a
// route's, say); a store that starts after another has written its last
// line took its place: a reset (a hot reload, a restarted server). With
// the stores as intervals, the fewest "slots" that hold them all without
// overlap is the most alive at once, and every store beyond one per slot
// is a reset.

// maxCounters bounds the counters a tag matches sizes against: the ones
// updated longest ago are let go (their stores are counted still).
const maxCounters = 64

// maxStores bounds the store lifetimes kept per tag for the story; past
// it, new stores are still counted, and AtOnce and Resets speak of the
// first maxStores.
const maxStores = 1 << 14

type counter struct {
	last  int // the last size seen
	store int // index in storeTracker.lives
}

type storeTracker struct {
	seq      int       // store-size lines seen
	counters []counter // live counters, the one updated last at the end
	lives    [][2]int  // each store's first and last line, by seq
	stores   int       // stores seen, kept in lives or not
}

// record accounts for a size line.
func (t *storeTracker) record(size int) {
	t.seq++
	i := t.match(size)
	if i < 0 {
		t.stores++
		s := len(t.lives)
		if s < maxStores {
			t.lives = append(t.lives, [2]int{t.seq, t.seq})
		} else {
			s = -1
		}
		if len(t.counters) == maxCounters {
			t.counters = slices.Delete(t.counters, 0, 1)
		}
		t.counters = append(t.counters, counter{last: size, store: s})
		return
	}
	c := t.counters[i]
	c.last = size
	if c.store >= 0 {
		t.lives[c.store][1] = t.seq
	}
	// The counter updated last goes to the end.
	t.counters = append(slices.Delete(t.counters, i, i+1), c)
}

// match returns the counter size continues, or -1 for a new store.
func (t *storeTracker) match(size int) int {
	for i := len(t.counters) - 1; i >= 0; i-- {
		if t.counters[i].last == size-1 {
			return i
		}
	}
	if size <= 1 {
		return -1
	}
	best := -1
	for i, c := range t.counters {
		if c.last < size && (best < 0 || c.last > t.counters[best].last) {
			best = i
		}
	}
	return best
}

// clear accounts for "Metrics cleared": the store written last is empty.
func (t *storeTracker) clear() {
	if n := len(t.counters); n > 0 {
		t.counters[n-1].last = 0
	}
}

// atOnce returns the most stores alive at the same time.
func (t *storeTracker) atOnce() int {
	type edge struct{ at, delta int }
	edges := make([]edge, 0, 2*len(t.lives))
	for _, l := range t.lives {
		edges = append(edges, edge{l[0], +1}, edge{l[1], -1})
	}
	// At the same line a store starts before one ends: a store of a
	// single line still counts as alive.
	slices.SortFunc(edges, func(a, b edge) int {
		if a.at != b.at {
			return a.at - b.at
		}
		return b.delta - a.delta
	})
	most, alive := 0, 0
	for _, e := range edges {
		alive += e.delta
		most = max(most, alive)
	}
	return most
}
