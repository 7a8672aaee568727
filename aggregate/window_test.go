package aggregate

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reqstats/reqstats/parser"
)

// TestLastEqualsFreshAggregator checks that a window of the last n
// requests gives the same numbers as an aggregator that only ever saw
// those n: everything taken out of the counts was put in.
func TestLastEqualsFreshAggregator(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var lines []string
	for i := 0; i < 2000; i++ {
		route := fmt.Sprintf("/api/r%d/%d", r.IntN(30), r.IntN(5))
		status := []int{200, 201, 304, 404, 500}[r.IntN(5)]
		lines = append(lines, fmt.Sprintf(" GET %s %d in %dms", route, status, 1+r.IntN(3000)))
	}
	for _, n := range []int{1, 7, 100, 1999} {
		windowed := New(Options{Last: n, ByMethod: true})
		feed(t, windowed, strings.Join(lines, "\n"))
		fresh := New(Options{ByMethod: true})
		feed(t, fresh, strings.Join(lines[len(lines)-n:], "\n"))
		got, want := windowed.Summary(), fresh.Summary()
		if !reflect.DeepEqual(got.Total, want.Total) || !reflect.DeepEqual(got.Warm, want.Warm) {
			t.Errorf("last %d: totals\n got %+v\nwant %+v", n, got.Total, want.Total)
		}
		if !reflect.DeepEqual(got.Routes, want.Routes) {
			t.Errorf("last %d: %d routes, want %d", n, len(got.Routes), len(want.Routes))
		}
		for i := range want.Slowest {
			if got.Slowest[i].Line-(len(lines)-n) != want.Slowest[i].Line || got.Slowest[i].Duration != want.Slowest[i].Duration {
				t.Errorf("last %d: slowest %d: %v:%d, want %v:%d", n, i, got.Slowest[i].Duration, got.Slowest[i].Line, want.Slowest[i].Duration, want.Slowest[i].Line)
			}
		}
		if got.LastN != n {
			t.Errorf("LastN %d, want %d", got.LastN, n)
		}
	}
}

func TestWindowByTimestampAndClock(t *testing.T) {
	a := New(Options{Window: 5 * time.Minute})
	feed(t, a, `2026-11-28T10:00:00Z  GET /old 200 in 10ms
2026-11-28T10:03:00Z  GET /mid 200 in 20ms
2026-11-28T10:06:00Z  GET /new 200 in 30ms`)
	s := a.Summary()
	if s.Total.Count != 2 || s.Total.Min != 20*ms || s.First != time.Date(2026, 11, 28, 10, 3, 0, 0, time.UTC) {
		t.Errorf("count %d min %v first %v: want /old out of the window", s.Total.Count, s.Total.Min, s.First)
	}
	// Lines without timestamps age by the clock.
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	a = New(Options{Window: time.Minute, Now: func() time.Time { return now }})
	feed(t, a, " GET /a 200 in 10ms\n GET /b 200 in 20ms")
	if n := a.Summary().Total.Count; n != 2 {
		t.Errorf("count %d, want 2 before the minute passes", n)
	}
	now = now.Add(61 * time.Second)
	if s := a.Summary(); s.Total.Count != 0 || len(s.Routes) != 0 {
		t.Errorf("count %d, %d routes: want the window empty a minute later", s.Total.Count, len(s.Routes))
	}
}

func TestMaxRoutes(t *testing.T) {
	a := New(Options{MaxRoutes: 3, Grouping: GroupNone})
	var log []string
	for i := 0; i < 10; i++ {
		log = append(log, fmt.Sprintf(" GET /scan/%c 404 in 1ms", 'a'+i))
	}
	log = append(log, " GET /scan/a 404 in 1ms")
	feed(t, a, strings.Join(log, "\n"))
	s := a.Summary()
	var got []string
	for _, r := range s.Routes {
		got = append(got, fmt.Sprintf("%s=%d", r.Route, r.Count))
	}
	if strings.Join(got, " ") != "[other]=7 /scan/a=2 /scan/b=1 /scan/c=1" || s.Capped != 7 || s.MaxRoutes != 3 || s.Total.Count != 11 {
		t.Errorf("routes %v capped %d", got, s.Capped)
	}
}

// TestSampleCoarsens: a sample made coarser counts every value it had,
// truncates them to its resolution, and still subtracts a finer subset.
func TestSampleCoarsens(t *testing.T) {
	var s, cold sample
	n := 30000
	for i := 0; i < n; i++ {
		d := time.Duration(i)*time.Microsecond + 123*time.Nanosecond // float-like values, all distinct
		s.add(d)
		if i%1000 == 0 {
			cold.add(d)
		}
	}
	s.coarser()
	s.coarser()
	s.coarser() // 1µs
	s.coarser() // 10µs
	bs := s.bins(nil)
	if s.res != 10*time.Microsecond || len(bs) != n/10 {
		t.Fatalf("resolution %v, %d distinct values; want 10µs, %d", s.res, len(bs), n/10)
	}
	total := 0
	for _, b := range bs {
		total += b.n
		if b.v%s.res != 0 {
			t.Fatalf("value %v not truncated to %v", b.v, s.res)
		}
	}
	if total != n || s.n != n {
		t.Errorf("counted %d (n %d), want %d", total, s.n, n)
	}
	want := time.Duration(n/2) * time.Microsecond
	if got := percentile(bs, n, 0.5, Endpoint); got != want-want%s.res {
		t.Errorf("p50 %v, want %v truncated to %v", got, want, s.res)
	}
	warm := 0
	for _, b := range s.bins(&cold) {
		warm += b.n
	}
	if warm != n-cold.n {
		t.Errorf("all minus cold: %d, want %d", warm, n-cold.n)
	}
}

// TestAggregatorBoundsDistinct feeds more distinct durations than the app
// loggers' room holds: the largest sample (floats from an app logger)
// grows coarser, the Next route's stays exact, and every request is
// counted.
func TestAggregatorBoundsDistinct(t *testing.T) {
	a := New(Options{Source: AllSources(), ByMethod: true})
	n := otherRoom.maxEntries + otherRoom.maxEntries/2
	for i := 0; i < n; i++ {
		ev := parser.Event{Kind: parser.KindRequest, Request: parser.Record{
			Source: parser.SourceJSON, Method: "GET", Path: "/float", Route: "/float", Status: 200,
			Duration: time.Duration(i)*time.Microsecond + 7*time.Nanosecond,
		}}
		a.Add(&ev)
		if i%100 == 0 {
			ev.Request.Source, ev.Request.Route, ev.Request.Path = parser.SourceNext, "/ms", "/ms"
			ev.Request.Duration = time.Duration(i%5000) * time.Millisecond
			a.Add(&ev)
		}
	}
	if a.otherRoom.entries > otherRoom.maxEntries {
		t.Errorf("%d distinct values kept, bound %d", a.otherRoom.entries, otherRoom.maxEntries)
	}
	s := a.Summary()
	if s.Total.Count != n+n/100+1 || s.Resolution == 0 {
		t.Errorf("count %d resolution %v", s.Total.Count, s.Resolution)
	}
	for _, r := range s.Routes {
		if r.Route == "/ms" && r.Max != 4900*time.Millisecond {
			t.Errorf("the Next route's max is %v, want exactly 4.9s", r.Max)
		}
	}
}

// TestCoarserGivesBackMemory: a coarsened sample keeps no more room than
// its fewer values need.
func TestCoarserGivesBackMemory(t *testing.T) {
	var s sample
	for i := 0; i < 100000; i++ {
		s.add(time.Duration(i) * time.Microsecond)
	}
	s.flush()
	for range 4 { // 10ns, 100ns, 1µs: no change; 10µs: a tenth
		s.coarser()
	}
	if n := len(s.bins(nil)); n != 10000 || cap(s.runs) > 2*len(s.runs) || cap(s.buf) != 0 {
		t.Errorf("%d values, %d of them in room for %d, buffer room %d", n, len(s.runs), cap(s.runs), cap(s.buf))
	}
}

// TestSampleDense checks a sample that keeps values in all three of its
// places (the list, the array of whole milliseconds, the map of values
// too long or too frequent for the list) against a plain sorted list of
// the same values: after adding, after removing some, and after growing
// coarser.
func TestSampleDense(t *testing.T) {
	defer func(n int) { maxCount = n }(maxCount)
	maxCount = 5 // the fifth of a value in the list goes to the map
	r := rand.New(rand.NewPCG(3, 4))
	var s sample
	var ref []time.Duration
	for range 40000 {
		var d time.Duration
		switch r.IntN(5) {
		case 4:
			d = 20*time.Minute + time.Duration(r.IntN(3))*time.Hour // longer than an entry holds
		case 0, 1:
			d = time.Duration(r.IntN(12000)) * time.Millisecond // dense below 10240ms
		case 2:
			d = time.Duration(r.IntN(3000)) * time.Microsecond
		default:
			d = time.Duration(r.IntN(5e9)) // ns, anything
		}
		s.add(d)
		ref = append(ref, d)
	}
	if s.ms == nil || len(s.big) == 0 || len(s.runs) == 0 {
		t.Fatalf("array %v, %d in the map, %d in the list: want all three used", s.ms != nil, len(s.big), len(s.runs))
	}
	check := func(step string) {
		t.Helper()
		want := slices.Clone(ref)
		for i := range want {
			want[i] = quantize(want[i], s.res)
		}
		slices.Sort(want)
		var got []time.Duration
		for _, b := range s.bins(nil) {
			for range b.n {
				got = append(got, b.v)
			}
		}
		if !slices.Equal(got, want) || s.n != len(want) {
			t.Fatalf("%s: sample holds %d values (n %d), want %d; equal %v", step, len(got), s.n, len(want), slices.Equal(got, want))
		}
	}
	check("added")
	for i := 0; i < len(ref); i += 3 {
		s.remove(ref[i])
	}
	kept := ref[:0]
	for i, d := range ref {
		if i%3 != 0 {
			kept = append(kept, d)
		}
	}
	ref = kept
	check("removed")
	for range 7 { // to 10ms: values gather in the array
		s.coarser()
	}
	check("coarser")
}

// TestNextRoom checks the bounds on Next's samples, made small: past its
// entries the largest Next sample grows coarser, and past its arrays a
// busy route keeps its whole milliseconds in its list, exactly.
func TestNextRoom(t *testing.T) {
	defer func(r room) { nextRoom = r }(nextRoom)
	nextRoom = room{maxEntries: 30000, maxArrays: 1}
	a := New(Options{})
	add := func(route string, d time.Duration) {
		ev := parser.Event{Kind: parser.KindRequest, Request: parser.Record{
			Source: parser.SourceNext, Method: "GET", Path: route, Route: route, Status: 200, Duration: d,
		}}
		a.Add(&ev)
	}
	for i := range 2 * denseMs {
		add("/a", time.Duration(i%denseMs)*time.Millisecond)
		add("/b", time.Duration(i%denseMs)*time.Millisecond)
	}
	s := a.Summary()
	if a.nextRoom.arrays != 1 || s.Resolution != 0 {
		t.Fatalf("%d arrays, resolution %v; want 1 array, exact", a.nextRoom.arrays, s.Resolution)
	}
	for _, r := range s.Routes {
		if r.Count != 2*denseMs || r.P50 != denseMs/2*time.Millisecond || r.Max != (denseMs-1)*time.Millisecond {
			t.Errorf("%s: count %d p50 %v max %v", r.Route, r.Count, r.P50, r.Max)
		}
	}
	for i := range 40000 {
		add("/c", time.Duration(i)*time.Microsecond+time.Duration(i%7))
	}
	if a.nextRoom.entries > 30000 {
		t.Errorf("%d entries kept, bound 30000", a.nextRoom.entries)
	}
	if s := a.Summary(); s.Resolution == 0 || s.Total.Count != 4*denseMs+40000 {
		t.Errorf("resolution %v, count %d", s.Resolution, s.Total.Count)
	}
}

// TestWarmAtColdResolution: a route's cold sample, kept in its list when
// the room's one array went to the route's all sample, is the largest
// sample and grows coarser while all stays exact. Warm, all less cold,
// is then counted at the coarser resolution, and the Summary says so.
func TestWarmAtColdResolution(t *testing.T) {
	run := func(r room) *Summary {
		defer func(old room) { nextRoom = old }(nextRoom)
		nextRoom = r
		a := New(Options{})
		add := func(route string, d time.Duration, cold bool) {
			rec := parser.Record{Source: parser.SourceNext, Method: "GET", Path: route, Route: route, Status: 200, Duration: d}
			if cold {
				rec.Phases = []parser.Phase{{Label: "compile", Duration: time.Hour}}
			}
			ev := parser.Event{Kind: parser.KindRequest, Request: rec}
			a.Add(&ev)
		}
		for i := range 6000 {
			add("/a", time.Duration(i)*time.Millisecond, false)
		}
		for i := range 5000 {
			add("/a", time.Duration(i)*time.Millisecond, true)
		}
		for i := range 4000 {
			add("/b", time.Duration(i)*time.Microsecond+time.Nanosecond, false)
		}
		return a.Summary()
	}
	exact := run(room{maxEntries: 1 << 20, maxArrays: 1})
	tight := run(room{maxEntries: 8000, maxArrays: 1})
	if exact.Resolution != 0 || tight.Resolution < 10*time.Microsecond {
		t.Fatalf("resolutions %v and %v, want 0 and at least 10µs", exact.Resolution, tight.Resolution)
	}
	q := func(d time.Duration) time.Duration { return quantize(d, tight.Resolution) }
	w, e := tight.Warm, exact.Warm
	if w.Count != e.Count || w.Min != q(e.Min) || w.P50 != q(e.P50) || w.P95 != q(e.P95) || w.Max != q(e.Max) {
		t.Errorf("warm at %v: count %d min %v p50 %v p95 %v max %v; exact: count %d min %v p50 %v p95 %v max %v",
			tight.Resolution, w.Count, w.Min, w.P50, w.P95, w.Max, e.Count, e.Min, e.P50, e.P95, e.Max)
	}
}

// TestWindowReleasesArrays: a route whose requests all left the window
// gives back its array's slot in the room.
func TestWindowReleasesArrays(t *testing.T) {
	a := New(Options{Last: 2 * denseAfter})
	add := func(route string, d time.Duration) {
		ev := parser.Event{Kind: parser.KindRequest, Request: parser.Record{
			Source: parser.SourceNext, Method: "GET", Path: route, Route: route, Status: 200, Duration: d,
		}}
		a.Add(&ev)
	}
	for i := range 2 * denseAfter {
		add("/a", time.Duration(i)*time.Millisecond)
	}
	if a.nextRoom.arrays != 1 {
		t.Fatalf("%d arrays after /a, want 1", a.nextRoom.arrays)
	}
	for i := range 2 * denseAfter {
		add("/b", time.Duration(i%10)*time.Millisecond)
	}
	if a.nextRoom.arrays != 0 || a.nextRoom.entries != 10 {
		t.Errorf("/a left the window: %d arrays, %d entries; want 0 and /b's 10", a.nextRoom.arrays, a.nextRoom.entries)
	}
}

// TestWindowEqualsFreshAggregator feeds random requests to aggregators
// with --last N and --window D, and checks at many points that each
// gives the same Summary as a fresh aggregator fed only the requests
// still inside its window: durations as Next prints them (whole
// milliseconds, many ties) and as JSON loggers do (float milliseconds,
// all distinct), cold requests, every status class and two sources.
func TestWindowEqualsFreshAggregator(t *testing.T) {
	for _, durs := range []string{"ms", "float"} {
		r := rand.New(rand.NewPCG(5, uint64(len(durs))))
		start := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
		at := start
		var recs []parser.Record
		for i := range 6000 {
			at = at.Add(time.Duration(r.IntN(40)) * time.Millisecond) // ties too
			rec := parser.Record{
				Time: at, File: "dev.log", Line: i + 1, Source: parser.SourceNext,
				Method: []string{"GET", "POST"}[r.IntN(2)],
				Status: []int{200, 201, 304, 404, 500, 0}[r.IntN(6)],
			}
			if r.IntN(4) == 0 {
				rec.Source = parser.SourceJSON
			}
			rec.Path = fmt.Sprintf("/api/r%d", r.IntN(40))
			rec.Route = rec.Path
			if durs == "ms" {
				rec.Duration = time.Duration(r.IntN(300)) * time.Millisecond
			} else {
				rec.Duration = time.Duration(r.Int64N(3e9))
			}
			// Every request says where its time went, so that whether it
			// was cold does not hang on the requests before it (a route's
			// first request in a dev log is cold, and a fresh aggregator
			// sees firsts where the windowed one saw them long ago).
			rec.Phases = []parser.Phase{{Label: "render", Duration: rec.Duration}}
			if r.IntN(10) == 0 {
				rec.Phases = []parser.Phase{{Label: "compile", Duration: time.Duration(r.IntN(400)) * time.Millisecond}}
			}
			recs = append(recs, rec)
		}
		for _, tc := range []struct {
			name string
			opts Options
			// inside returns the first request of recs[:n] in the window.
			inside func(n int) int
		}{
			{"last 1", Options{Last: 1}, func(n int) int { return max(n-1, 0) }},
			{"last 37", Options{Last: 37}, func(n int) int { return max(n-37, 0) }},
			{"last 2500", Options{Last: 2500}, func(n int) int { return max(n-2500, 0) }},
			{"window 1s", Options{Window: time.Second}, nil},
			{"window 20s", Options{Window: 20 * time.Second}, nil},
			{"window 1s, last 30", Options{Window: time.Second, Last: 30}, nil},
		} {
			inside := tc.inside
			if inside == nil {
				inside = func(n int) int {
					edge := recs[n-1].Time.Add(-tc.opts.Window)
					i := 0
					for i < n && recs[i].Time.Before(edge) {
						i++
					}
					if tc.opts.Last > 0 {
						i = max(i, n-tc.opts.Last)
					}
					return i
				}
			}
			opts := tc.opts
			opts.ByMethod, opts.Source, opts.Top = true, AllSources(), 7
			if durs == "ms" {
				opts.Source = OneSource(parser.SourceNext) // the others in Summary.Others
			}
			windowed := New(opts)
			for n := 1; n <= len(recs); n++ {
				ev := parser.Event{Kind: parser.KindRequest, Request: recs[n-1]}
				windowed.Add(&ev)
				if n%487 != 0 && n != len(recs) {
					continue
				}
				fresh := New(Options{ByMethod: true, Source: opts.Source, Top: opts.Top})
				for _, rec := range recs[inside(n):n] {
					ev := parser.Event{Kind: parser.KindRequest, Request: rec}
					fresh.Add(&ev)
				}
				got, want := windowed.Summary(), fresh.Summary()
				got.Input, want.Input = Input{}, Input{} // counts what was read, not what is kept
				got.LastN, got.Window = 0, 0
				// A source all of whose requests left the window is still
				// one the log has: a fresh aggregator never saw it.
				got.Others = slices.DeleteFunc(got.Others, func(o SourceSummary) bool { return o.Count == 0 })
				if len(got.Others) == 0 {
					got.Others = nil
				}
				if !reflect.DeepEqual(got, want) {
					gv, wv := reflect.ValueOf(*got), reflect.ValueOf(*want)
					for i := range gv.NumField() {
						if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
							t.Errorf("%s: got %#v, want %#v", gv.Type().Field(i).Name, gv.Field(i).Interface(), wv.Field(i).Interface())
						}
					}
					t.Fatalf("%s, %s durations, after %d requests: summaries differ\n got %+v\nwant %+v", tc.name, durs, n, got, want)
				}
			}
		}
	}
}
