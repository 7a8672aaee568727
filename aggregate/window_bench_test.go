package aggregate

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/reqstats/reqstats/parser"
)

// BenchmarkWindow measures an Aggregator over 1M requests with a Window of
// 10s that holds half of them, beside the same requests with no window,
// in the same run: requests/s and the peak live heap (sampled every 100k
// requests, after a collection, less what the heap held before). Two
// kinds of durations: Next's whole milliseconds, aged by a clock (its
// lines carry no timestamp), and a JSON logger's float milliseconds,
// every one distinct, aged by their timestamps.
func BenchmarkWindow(b *testing.B) {
	const n = 1_000_000
	const step = 20 * time.Microsecond // 10s of requests is half of them (and one at the edge)
	routes := make([]string, 50)
	for i := range routes {
		routes[i] = fmt.Sprintf("/api/r%d", i)
	}
	for _, kind := range []struct {
		name string
		line string // a line of the log, for bytes/s
		src  parser.Source
	}{
		{"next-ms", " GET /api/r12 200 in 145ms\n", parser.SourceNext},
		{"json-float", `{"time":"2026-11-28T10:00:00.123Z","method":"GET","url":"/api/r12","status":200,"responseTime":145.3717}` + "\n", parser.SourceJSON},
	} {
		for _, window := range []time.Duration{0, 10 * time.Second} {
			b.Run(fmt.Sprintf("%s/window=%v", kind.name, window), func(b *testing.B) {
				b.SetBytes(n * int64(len(kind.line)))
				var peak uint64
				for b.Loop() {
					b.StopTimer()
					base := liveHeap()
					b.StartTimer()
					start := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
					now := start
					a := New(Options{Window: window, Now: func() time.Time { return now }, ByMethod: true})
					ev := parser.Event{Kind: parser.KindRequest}
					ev.Request = parser.Record{File: "gen.log", Source: kind.src, Method: "GET", Status: 200}
					x := uint64(1)
					for i := range n {
						x = x*6364136223846793005 + 1442695040888963407
						now = now.Add(step)
						rec := &ev.Request
						rec.Line = i + 1
						rec.Route = routes[(x>>40)%uint64(len(routes))]
						rec.Path = rec.Route
						if kind.src == parser.SourceNext {
							rec.Duration = time.Duration(1+(x>>20)%2000) * time.Millisecond
						} else {
							rec.Time = now
							rec.Duration = time.Duration(1e5 + (x>>20)%2e9) // ns: all but distinct
						}
						a.Add(&ev)
						if i%100_000 == 99_999 {
							b.StopTimer()
							if h := liveHeap(); h > base {
								peak = max(peak, h-base)
							}
							b.StartTimer()
						}
					}
					if s := a.Summary(); s.Total.Count == 0 || window > 0 && s.Total.Count != int(window/step)+1 {
						b.Fatalf("%d requests counted", s.Total.Count)
					}
					runtime.KeepAlive(a)
				}
				b.ReportMetric(n*float64(b.N)/b.Elapsed().Seconds(), "requests/s")
				b.ReportMetric(float64(peak), "peak-live-B")
			})
		}
	}
}
