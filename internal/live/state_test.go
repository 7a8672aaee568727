package live

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/parser"
)

// BenchmarkLiveTenMillion follows an unbounded stream: ten million
// request lines, a tenth of them from a scanner hitting random paths, fed
// through follow mode's state with --last 1000. It reports the peak heap
// in use, which must not grow with the number of lines.
//
//	go test -run XXX -bench LiveTenMillion -benchtime 1x ./internal/live
func BenchmarkLiveTenMillion(b *testing.B) {
	const lines = 10_000_000
	opts := aggregate.Options{Slow: 2 * time.Second, Top: 10, MaxRoutes: 1000, Last: 1000,
		ColdCompile: 100 * time.Millisecond, ByMethod: true}
	for b.Loop() {
		l := NewState(opts, 1000)
		p, _ := parser.New(parser.Options{})
		st := p.NewStream("dev-server.log")
		var peak uint64
		var ms runtime.MemStats
		buf := make([]byte, 0, 128)
		now := time.Now()
		var bytes int64
		for i := 0; i < lines; i++ {
			buf = buf[:0]
			if i%10 == 0 {
				buf = fmt.Appendf(buf, " GET /wp-admin/%x.php 404 in %dms", i*2654435761, i%7)
			} else {
				buf = fmt.Appendf(buf, " GET /api/users/%d 200 in %dms", i%5000, i%997)
			}
			bytes += int64(len(buf)) + 1
			l.Line("dev-server.log")
			for _, ev := range st.Push(buf) {
				l.Add(&ev, now)
			}
			if i%500_000 == 0 {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
		s := l.Summary()
		if s.Total.Count != 1000 {
			b.Fatalf("window holds %d requests, want 1000", s.Total.Count)
		}
		b.SetBytes(bytes)
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
	}
}

func TestViewTinyTerminal(t *testing.T) {
	l := NewState(aggregate.Options{}, 10)
	var out bytes.Buffer
	v := &View{Out: &out, State: l, TTY: true}
	for _, h := range []int{0, 1, 2, 3} {
		out.Reset()
		v.Frame(time.Now(), 80, h) // must not panic
		if out.Len() == 0 {
			t.Errorf("height %d: no frame", h)
		}
		if got := strings.Count(out.String(), "\n"); got > 1+max(h-2, 1) {
			t.Errorf("height %d: %d lines drawn", h, got)
		}
	}
}

func TestRecentRing(t *testing.T) {
	r := recentRing{max: 3}
	for i := range 5 {
		r.add(metric{Path: fmt.Sprint(i)})
	}
	var got []string
	for _, m := range r.last(-1) {
		got = append(got, m.Path)
	}
	if strings.Join(got, ",") != "2,3,4" {
		t.Errorf("last(-1) = %v, want the last three, oldest first", got)
	}
	if two := r.last(2); len(two) != 2 || two[0].Path != "3" || two[1].Path != "4" {
		t.Errorf("last(2) = %v", two)
	}
}
