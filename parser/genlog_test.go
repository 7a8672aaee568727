package parser

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/reqstats/reqstats/testdata/genlog"
)

// TestGeneratedLog parses a generated dev log and checks that it reads
// exactly the Next request lines the generator wrote, in order, with the
// exact printed durations, and nothing else as a Next request.
func TestGeneratedLog(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			var log bytes.Buffer
			type req struct {
				method, path string
				status       int
				d            time.Duration
			}
			var want []req
			stats, err := genlog.Generate(&log, genlog.Options{Seed: seed, Size: 4 << 20,
				OnRequest: func(method, path string, status int, d time.Duration) {
					want = append(want, req{method, path, status, d})
				}})
			if err != nil {
				t.Fatal(err)
			}
			p, _ := New(Options{})
			sc := NewScanner(&log, "gen.log", p)
			var got []req
			malformed := 0
			for sc.Scan() {
				switch ev := sc.Event(); ev.Kind {
				case KindRequest:
					// The app's own lines (pino, morgan, koa…) are requests
					// of other sources; the generator reports Next's.
					if r := ev.Request; r.Source == SourceNext {
						got = append(got, req{r.Method, r.Path, r.Status, r.Duration})
					}
				case KindMalformed:
					malformed++
					t.Errorf("malformed: %v", ev.Err)
				}
			}
			if int64(sc.Lines()) != stats.Lines {
				t.Errorf("read %d lines, generator wrote %d", sc.Lines(), stats.Lines)
			}
			if int64(len(got)) != stats.Requests {
				t.Errorf("read %d requests, generator wrote %d", len(got), stats.Requests)
			}
			for i := range min(len(got), len(want)) {
				if got[i] != want[i] {
					t.Fatalf("request %d: got %+v, want %+v", i, got[i], want[i])
				}
			}
		})
	}
}

// BenchmarkParse measures the parser on realistic generated dev logs of
// each genlog profile: bytes/s (b.SetBytes) and lines/s, on the caller's
// goroutine (workers=1) and on a worker per core.
func BenchmarkParse(b *testing.B) {
	for _, profile := range genlog.Profiles {
		var log bytes.Buffer
		stats, err := genlog.Generate(&log, genlog.Options{Seed: 1, Size: 32 << 20, Profile: profile})
		if err != nil {
			b.Fatal(err)
		}
		data := log.Bytes()
		p, _ := New(Options{})
		for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
			b.Run(fmt.Sprintf("%s/workers=%d", profile, workers), func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				b.ReportAllocs()
				requests := 0
				for b.Loop() {
					sc := NewScanner(bytes.NewReader(data), "gen.log", p)
					sc.SetWorkers(workers)
					for sc.Scan() {
						if sc.Event().Kind == KindRequest {
							requests++
						}
					}
				}
				if requests == 0 {
					b.Fatal("no requests read")
				}
				b.ReportMetric(float64(stats.Lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
			})
		}
	}
}
