package aggregate

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/reqstats/reqstats/parser"
)

// BenchmarkRoutes measures an Aggregator whose --max-routes is raised past
// the routes of its log: one request per route, each path new, as a
// scanner requesting random paths would send; then one Summary. It
// reports requests/s and the live heap after the Summary, which should
// both stay flat per route as the routes grow from 62.5k to 1M.
func BenchmarkRoutes(b *testing.B) {
	for _, n := range []int{62_500, 250_000, 1_000_000} {
		b.Run(fmt.Sprintf("routes=%d", n), func(b *testing.B) {
			paths := make([]string, n)
			for i := range paths {
				paths[i] = wordPath(i)
			}
			b.SetBytes(int64(n) * int64(len(" GET /alpha/bravo 200 in 375ms\n")))
			var live uint64
			for b.Loop() {
				a := New(Options{MaxRoutes: 2 * n, ByMethod: true, Grouping: GroupNone})
				ev := parser.Event{Kind: parser.KindRequest}
				ev.Request = parser.Record{File: "gen.log", Source: parser.SourceNext, Method: "GET", Status: 200}
				for i, p := range paths {
					ev.Request.Line = i + 1
					ev.Request.Path, ev.Request.Route = p, p
					ev.Request.Duration = time.Duration(1+i*7919%900) * time.Millisecond
					a.Add(&ev)
				}
				s := a.Summary()
				if len(s.Routes) != n {
					b.Fatalf("%d routes, want %d", len(s.Routes), n)
				}
				b.StopTimer()
				live = max(live, liveHeap())
				runtime.KeepAlive(a)
				runtime.KeepAlive(s)
				b.StartTimer()
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "requests/s")
			b.ReportMetric(float64(live), "live-B")
			b.ReportMetric(float64(live)/float64(n), "live-B/route")
		})
	}
}

// wordPath returns a path of words made from i, distinct for each i, that
// no grouping would collapse.
func wordPath(i int) string {
	words := [...]string{"alpha", "bravo", "charlie", "delta", "echo", "fox", "golf", "hotel"}
	p := ""
	for i > 0 || p == "" {
		p += "/" + words[i%8]
		i /= 8
	}
	return p
}

// liveHeap returns the bytes of the heap still in use after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func TestPermute(t *testing.T) {
	for n := range 40 {
		xs := make([]int, n)
		idx := make([]int32, n)
		for i := range xs {
			xs[i] = 100 + i
			idx[i] = int32(i)
		}
		// A fixed shuffle, different for each n.
		for i := n - 1; i > 0; i-- {
			j := (i*7 + n) % (i + 1)
			idx[i], idx[j] = idx[j], idx[i]
		}
		want := make([]int, n)
		for k, i := range idx {
			want[k] = xs[i]
		}
		permute(xs, idx)
		for k := range xs {
			if xs[k] != want[k] {
				t.Fatalf("n=%d: got %v, want %v", n, xs, want)
			}
		}
	}
}
