package report

import (
	"math"
	"sort"
	"sync"
	"time"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/parser"
)

// Timeline records what the HTML report draws beyond a Summary: each
// request as a point, log-bucketed histograms of all, warm and cold
// requests and of each route, each route's slowest requests and Next 16
// phases, and markers at compiles, server starts and store resets.
//
// Feed it every counted request (as aggregate.Options.OnRequest) and
// every event (Event). It keeps a bounded amount whatever the log's
// size: past Max points it keeps one request in 2, then 1 in 4…, the
// same ones for the same log. Histograms and sums are of every request.
// It is safe for concurrent use.
type Timeline struct {
	mu     sync.Mutex
	opts   TimelineOptions
	tracks map[string]*track // by source, and aggregate.SourceAll
	store  map[string]int    // last store size per tag; -1 after a clear
}

// TimelineOptions configures a Timeline.
type TimelineOptions struct {
	// Max is the most points kept; default 4000.
	Max int
	// Recent keeps the last Max points (a live window) instead of a
	// sample of all of them.
	Recent bool
	// Now gives the time of a request whose line carries none, and of a
	// marker (follow mode's arrival time); nil places such requests by
	// log order.
	Now func() time.Time
}

// NewTimeline returns an empty Timeline.
func NewTimeline(opts TimelineOptions) *Timeline {
	if opts.Max <= 0 {
		opts.Max = 4000
	}
	return &Timeline{opts: opts, tracks: make(map[string]*track), store: make(map[string]int)}
}

const (
	maxMarkers   = 1000
	routeSlowest = 5
)

// Marker kinds.
const (
	MarkCompile = "compile"
	MarkStart   = "start"
	MarkReset   = "reset"
)

type point struct {
	n     int   // log order among the track's requests, from 1
	t     int64 // unix nanoseconds; 0 when untimed
	d     time.Duration
	cold  bool
	slow  bool
	route aggregate.Key
}

type marker struct {
	n    int
	t    int64
	kind string
}

type routeTrack struct {
	hist    []int
	slowest []parser.Record // slowest first, ties earliest first
	colds   []bool
	phases  []phaseSum // in order of first appearance
	phased  int        // requests with phases
}

type phaseSum struct {
	label string
	sum   time.Duration
}

// track is what the Timeline keeps for one source.
type track struct {
	n        int // requests seen
	untimed  int
	stride   int
	points   []point
	next     int // ring position in Recent mode
	markers  []marker
	mstride  int
	mseen    int
	lastT    int64
	hist     [3][]int // all, warm, cold
	routes   map[aggregate.Key]*routeTrack
	maxPoint int
}

func newTrack(max int) *track {
	t := &track{stride: 1, mstride: 1, routes: make(map[aggregate.Key]*routeTrack), maxPoint: max}
	for i := range t.hist {
		t.hist[i] = make([]int, len(bucketEdges)+1)
	}
	return t
}

// bucketEdges are the histogram's upper bounds: four a decade from
// 100µs to 1000s; a last bucket holds what is slower.
var bucketEdges = func() []time.Duration {
	var e []time.Duration
	for k := 0; k <= 28; k++ {
		e = append(e, time.Duration(math.Round(1e5*math.Pow(10, float64(k)/4))))
	}
	return e
}()

func bucket(d time.Duration) int {
	return sort.Search(len(bucketEdges), func(i int) bool { return d <= bucketEdges[i] })
}

// Request records a counted request.
func (tl *Timeline) Request(r aggregate.Request) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	var at int64
	if !r.Record.Time.IsZero() {
		at = r.Record.Time.UnixNano()
	} else if tl.opts.Now != nil {
		at = tl.opts.Now().UnixNano()
	}
	if src := r.Source; src != aggregate.SourceAll {
		tl.track(src).add(r, at, tl.opts)
	}
	tl.track(aggregate.SourceAll).add(r, at, tl.opts)
}

func (tl *Timeline) track(src string) *track {
	t := tl.tracks[src]
	if t == nil {
		t = newTrack(tl.opts.Max)
		if all := tl.tracks[aggregate.SourceAll]; all != nil {
			// Markers seen before this source's first request.
			for _, m := range all.markers {
				t.markers = append(t.markers, marker{0, m.t, m.kind})
			}
		}
		tl.tracks[src] = t
	}
	return t
}

func (t *track) add(r aggregate.Request, at int64, opts TimelineOptions) {
	t.n++
	if at == 0 {
		t.untimed++
	} else {
		t.lastT = at
	}
	d := r.Record.Duration
	b := bucket(d)
	t.hist[0][b]++
	if r.Cold {
		t.hist[2][b]++
	} else {
		t.hist[1][b]++
	}
	rt := t.routes[r.Key]
	if rt == nil {
		rt = &routeTrack{hist: make([]int, len(bucketEdges)+1)}
		t.routes[r.Key] = rt
	}
	rt.add(r)

	p := point{n: t.n, t: at, d: d, cold: r.Cold, slow: r.Slow, route: r.Key}
	if opts.Recent {
		if len(t.points) < t.maxPoint {
			t.points = append(t.points, p)
		} else {
			t.points[t.next] = p
			t.next = (t.next + 1) % t.maxPoint
		}
		return
	}
	if (t.n-1)%t.stride != 0 {
		return
	}
	t.points = append(t.points, p)
	if len(t.points) > t.maxPoint {
		// Keep one in two: the points whose order is 1 mod 2·stride.
		t.stride *= 2
		kept := t.points[:0]
		for _, q := range t.points {
			if (q.n-1)%t.stride == 0 {
				kept = append(kept, q)
			}
		}
		t.points = kept
	}
}

func (rt *routeTrack) add(r aggregate.Request) {
	rt.hist[bucket(r.Record.Duration)]++
	if len(r.Record.Phases) > 0 {
		rt.phased++
		for _, ph := range r.Record.Phases {
			i := 0
			for i < len(rt.phases) && rt.phases[i].label != ph.Label {
				i++
			}
			if i == len(rt.phases) {
				if len(rt.phases) >= 16 {
					continue // a bounded set of labels
				}
				rt.phases = append(rt.phases, phaseSum{label: ph.Label})
			}
			rt.phases[i].sum += ph.Duration
		}
	}
	// Insert among the slowest, slowest first, an earlier one first on ties.
	i := sort.Search(len(rt.slowest), func(i int) bool { return rt.slowest[i].Duration < r.Record.Duration })
	if i >= routeSlowest {
		return
	}
	rec := *r.Record
	rec.Phases = nil
	if len(rt.slowest) < routeSlowest {
		rt.slowest = append(rt.slowest, parser.Record{})
		rt.colds = append(rt.colds, false)
	}
	copy(rt.slowest[i+1:], rt.slowest[i:])
	copy(rt.colds[i+1:], rt.colds[i:])
	rt.slowest[i] = rec
	rt.colds[i] = r.Cold
}

// Event records the markers an event makes: a compile, a server start,
// a store whose size fell back (a reset, as aggregate counts them).
func (tl *Timeline) Event(ev *parser.Event) {
	switch ev.Kind {
	case parser.KindCompile:
		tl.Mark(MarkCompile, ev.Time)
	case parser.KindStart:
		tl.Mark(MarkStart, ev.Time)
	case parser.KindStoreSize:
		tl.mu.Lock()
		last, seen := tl.store[ev.Store.Tag]
		tl.store[ev.Store.Tag] = ev.Store.Size
		tl.mu.Unlock()
		if seen && ev.Store.Size < last {
			tl.Mark(MarkReset, ev.Time)
		}
	case parser.KindStoreClear:
		tl.mu.Lock()
		if _, seen := tl.store[ev.Store.Tag]; seen {
			tl.store[ev.Store.Tag] = 0
		}
		tl.mu.Unlock()
	}
}

// Mark records a marker of kind at, or, when at is zero, at the last
// request's place (or Now, when set).
func (tl *Timeline) Mark(kind string, at time.Time) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	var ns int64
	if !at.IsZero() {
		ns = at.UnixNano()
	} else if tl.opts.Now != nil {
		ns = tl.opts.Now().UnixNano()
	}
	tl.track(aggregate.SourceAll)
	for _, t := range tl.tracks {
		t.mark(kind, ns, tl.opts.Recent)
	}
}

func (t *track) mark(kind string, ns int64, recent bool) {
	if ns == 0 {
		ns = t.lastT
	}
	m := marker{n: t.n, t: ns, kind: kind}
	if k := len(t.markers); k > 0 && t.markers[k-1].n == m.n && t.markers[k-1].kind == kind && t.markers[k-1].t == ns {
		return // a compile's two lines, at one place
	}
	t.mseen++
	if recent {
		if len(t.markers) >= maxMarkers {
			t.markers = append(t.markers[:0], t.markers[maxMarkers/2:]...)
		}
		t.markers = append(t.markers, m)
		return
	}
	if (t.mseen-1)%t.mstride != 0 {
		return
	}
	t.markers = append(t.markers, m)
	if len(t.markers) > maxMarkers {
		t.mstride *= 2
		kept := t.markers[:0]
		for i, q := range t.markers {
			if i%2 == 0 {
				kept = append(kept, q)
			}
		}
		t.markers = kept
	}
}
