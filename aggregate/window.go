package aggregate

import (
	"container/heap"
	"slices"
	"time"

	"github.com/reqstats/reqstats/parser"
)

// OtherRoute is the route that counts the requests of new routes once
// Options.MaxRoutes is reached.
const OtherRoute = "[other]"

// A window keeps the requests counted, oldest first, so that they can be
// taken out again when Options.Last or Options.Window says they are too
// old. Every count the Aggregator keeps can be decremented (the samples
// are counts per distinct duration), so memory stays flat however long
// the stream: it holds at most Last requests, or a Window's worth.
//
// A Window of a busy stream holds hundreds of thousands of requests, so
// each is kept in 24 bytes without a pointer (the collector does not
// look inside them), in blocks that are given back as they empty. The
// whole record of a request is kept only while it may still be one of
// the slowest of its window: see slowWindow.
type window struct {
	blocks  [][]kept // blocks[0][head:] is the oldest; the last is being filled
	head    int
	n       int
	first   int64    // the sequence number of the oldest
	spare   []kept   // an emptied block, kept for the next
	byID    []*route // the routes of kept requests, by route.id
	freeIDs []uint32 // ids of routes gone, to use again
}

// windowBlock is how many requests a block of the window holds: 96 KiB.
const windowBlock = 4096

// kept is a request in the window: what it added to which counts. Its
// sequence number is the window's first plus its place.
type kept struct {
	d   time.Duration
	sec int64 // its time for Window, in Unix seconds: its timestamp, or Now
	// bits is, from the lowest bit: the nanoseconds of its time (30
	// bits), whether it has a time (1), the StatusClass of its status
	// (3), its flags (3) and its route's id (27).
	bits uint64
}

// The flags of a kept request.
const (
	keptSlow  = 1 << iota
	keptCold  // counted in its route's cold sample, not in its set's warm counts
	keptTimed // its line had a timestamp: counted in set.timed
)

const (
	hasTimeBit = 1 << 30
	classShift = 31
	flagsShift = 34
	routeShift = 37
	// maxRouteIDs is how many routes the requests of a window can name:
	// past it (more than a hundred million routes alive at once), new
	// routes are counted as OtherRoute.
	maxRouteIDs = 1 << (64 - routeShift)
)

func newKept(d time.Duration, at time.Time, route uint32, class, flags int) kept {
	k := kept{d: d, bits: uint64(route)<<routeShift | uint64(flags)<<flagsShift | uint64(class)<<classShift}
	if !at.IsZero() {
		k.sec = at.Unix()
		k.bits |= hasTimeBit | uint64(at.Nanosecond())
	}
	return k
}

func (k *kept) route() uint32 { return uint32(k.bits >> routeShift) }
func (k *kept) class() int    { return int(k.bits>>classShift) & 7 }
func (k *kept) flags() int    { return int(k.bits>>flagsShift) & 7 }

func (k *kept) time() (time.Time, bool) {
	if k.bits&hasTimeBit == 0 {
		return time.Time{}, false
	}
	return time.Unix(k.sec, int64(k.bits&(hasTimeBit-1))).UTC(), true
}

func (w *window) push(k kept, seq int64) {
	if w.n == 0 {
		w.first = seq
	}
	if len(w.blocks) == 0 || len(w.blocks[len(w.blocks)-1]) == windowBlock {
		b := w.spare
		w.spare = nil
		if b == nil {
			b = make([]kept, 0, windowBlock)
		}
		w.blocks = append(w.blocks, b)
	}
	last := &w.blocks[len(w.blocks)-1]
	*last = append(*last, k)
	w.n++
}

func (w *window) oldest() *kept { return &w.blocks[0][w.head] }

func (w *window) pop() kept {
	k := w.blocks[0][w.head]
	w.head++
	w.n--
	w.first++
	if w.head == len(w.blocks[0]) && (w.head == windowBlock || w.n == 0) {
		w.spare = w.blocks[0][:0]
		w.blocks[0] = nil
		w.blocks = w.blocks[1:]
		w.head = 0
	}
	return k
}

// each calls f for every kept request, oldest first.
func (w *window) each(f func(*kept)) {
	for i, b := range w.blocks {
		from := 0
		if i == 0 {
			from = w.head
		}
		for j := from; j < len(b); j++ {
			f(&b[j])
		}
	}
}

// full reports whether every route id is taken.
func (w *window) full() bool { return len(w.freeIDs) == 0 && len(w.byID) == maxRouteIDs }

// newID gives r an id for the window's requests to name it by.
func (w *window) newID(r *route) {
	if n := len(w.freeIDs); n > 0 {
		r.id = w.freeIDs[n-1]
		w.freeIDs = w.freeIDs[:n-1]
		w.byID[r.id] = r
		return
	}
	r.id = uint32(len(w.byID))
	w.byID = append(w.byID, r)
}

// freeID lets another route have the id of r, which no kept request
// names any more.
func (w *window) freeID(r *route) {
	w.byID[r.id] = nil
	w.freeIDs = append(w.freeIDs, r.id)
}

func (a *Aggregator) windowed() bool { return a.opts.Last > 0 || a.opts.Window > 0 }

// keep puts a counted request in the window, and takes out the requests
// that this one pushes out.
func (a *Aggregator) keep(s *set, r *route, rec *parser.Record, slow, cold bool) {
	at := rec.Time
	if at.IsZero() && a.opts.Now != nil {
		at = a.opts.Now()
	}
	flags := 0
	if slow {
		flags |= keptSlow
	}
	if cold {
		flags |= keptCold
	}
	if !rec.Time.IsZero() {
		flags |= keptTimed
	}
	a.window.push(newKept(rec.Duration, at, r.id, StatusClass(rec.Status), flags), a.seq)
	s.windowSlow.push(rec, a.seq, a.opts.Top)
	a.expire(at)
}

// expire takes out the requests past Last, and those older than Window
// before now.
func (a *Aggregator) expire(now time.Time) {
	for a.opts.Last > 0 && a.window.n > a.opts.Last {
		a.dropOldest()
	}
	if a.opts.Window <= 0 || now.IsZero() {
		return
	}
	edge := now.Add(-a.opts.Window)
	for a.window.n > 0 {
		if at, ok := a.window.oldest().time(); !ok || !at.Before(edge) {
			break
		}
		a.dropOldest()
	}
}

// dropOldest takes the oldest request out of the window and out of every
// count it was added to.
func (a *Aggregator) dropOldest() {
	seq := a.window.first
	k := a.window.pop()
	d := k.d
	r := a.window.byID[k.route()]
	s := r.set
	s.windowSlow.expire(seq)
	if k.flags()&keptTimed != 0 {
		s.timed--
	}
	slow, cold := k.flags()&keptSlow != 0, k.flags()&keptCold != 0
	class := k.class()
	r.c.remove(d, class, slow, cold)
	r.all.remove(d)
	s.total.remove(d, class, slow, cold)
	if cold {
		r.cold.remove(d)
	} else {
		s.warm.remove(d, class, slow, cold)
	}
	if r.c.count == 0 {
		delete(s.routes, r.key)
		r.all.release()
		if r.cold != nil {
			r.cold.release()
		}
		r.gone = true
		a.window.freeID(r)
		s.gone++
		if s.gone > len(s.order)/2 {
			s.order = slices.DeleteFunc(s.order, func(r *route) bool { return r.gone })
			s.gone = 0
		}
	}
}

// remove takes out of c what add put in for a request of status class
// class.
func (c *counts) remove(d time.Duration, class int, slow, cold bool) {
	c.count--
	c.sum -= d
	if slow {
		c.slow--
	}
	if cold {
		c.cold--
	}
	c.status[class]--
	if class == 5 {
		c.errors--
	}
}

// slowWindow keeps the requests of a set's window that may still be among
// its Top slowest, now or once older ones have left: a request is no
// longer kept once Top later ones are slower (later requests leave the
// window after it does, and ties go to the earliest). What it keeps is
// in arrival order; with random durations it is about Top·ln(window/Top)
// requests, but every request of a run of equal durations that are the
// slowest in the window is kept.
type slowWindow struct {
	items  []slowItem // items[head:] are kept, oldest first
	head   int
	pruned int // how many were kept after the last prune
}

// push keeps rec, the latest request of the window, and from time to
// time lets go of those that can no longer be among the top slowest.
func (w *slowWindow) push(rec *parser.Record, seq int64, top int) {
	item := slowItem{rec: *rec, seq: seq}
	item.rec.Phases = slices.Clone(rec.Phases)
	item.rec.Derived = parser.Derived{} // what the Aggregator derived is its own
	w.items = append(w.items, item)
	if len(w.items)-w.head > max(2*w.pruned, 4*top+64) {
		w.prune(top)
	}
}

// expire lets go of the request seq, which left the window, if it is
// kept: kept requests are the oldest first, and so leave first.
func (w *slowWindow) expire(seq int64) {
	if w.head < len(w.items) && w.items[w.head].seq == seq {
		w.items[w.head] = slowItem{}
		w.head++
		if w.head == len(w.items) {
			w.items, w.head = w.items[:0], 0
		}
	}
}

// prune keeps the requests that fewer than top later ones are slower
// than: going from the latest, durs holds the top slowest durations seen
// so far. A request let go had top later requests slower than itself,
// and those are either kept or had top later ones slower still, so
// counting the kept ones alone finds it.
func (w *slowWindow) prune(top int) {
	live := w.items[w.head:]
	durs := make(durHeap, 0, top)
	keep := len(live)
	for i := len(live) - 1; i >= 0; i-- {
		d := live[i].rec.Duration
		if len(durs) == top && durs[0] > d {
			continue
		}
		keep--
		live[keep] = live[i]
		switch {
		case len(durs) < top:
			heap.Push(&durs, d)
		case d > durs[0]:
			durs[0] = d
			heap.Fix(&durs, 0)
		}
	}
	n := copy(w.items, live[keep:])
	clear(w.items[n:])
	w.items, w.head, w.pruned = w.items[:n], 0, n
	if cap(w.items) > 4*n+256 {
		w.items = slices.Clip(slices.Clone(w.items))
	}
}

// durHeap is a min-heap of durations.
type durHeap []time.Duration

func (h durHeap) Len() int           { return len(h) }
func (h durHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h durHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *durHeap) Push(x any)        { *h = append(*h, x.(time.Duration)) }
func (h *durHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// windowSlowest returns the slowest kept requests of s, slowest first
// (ties: earliest first), and the span of their timestamps.
func (a *Aggregator) windowSlowest(s *set) (recs []parser.Record, first, last time.Time) {
	a.window.each(func(k *kept) {
		if k.flags()&keptTimed == 0 || a.window.byID[k.route()].set != s {
			return
		}
		t, _ := k.time()
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	})
	items := slices.Clone(s.windowSlow.items[s.windowSlow.head:])
	slices.SortFunc(items, func(x, y slowItem) int {
		if x.rec.Duration != y.rec.Duration {
			return int64cmp(int64(y.rec.Duration), int64(x.rec.Duration))
		}
		return int64cmp(x.seq, y.seq)
	})
	recs = make([]parser.Record, 0, min(len(items), a.opts.Top))
	for _, it := range items[:min(len(items), a.opts.Top)] {
		recs = append(recs, it.rec)
	}
	return recs, first, last
}

// windowFirsts returns, by route id, the sequence number of each route's
// oldest request in the window.
func (a *Aggregator) windowFirsts() []int64 {
	firsts := make([]int64, len(a.window.byID))
	for i := range firsts {
		firsts[i] = -1
	}
	seq := a.window.first
	a.window.each(func(k *kept) {
		if id := k.route(); firsts[id] < 0 {
			firsts[id] = seq
		}
		seq++
	})
	return firsts
}
