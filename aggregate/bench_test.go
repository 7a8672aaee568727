package aggregate

import (
	"bytes"
	"fmt"
	"runtime"
	"slices"
	"testing"

	"github.com/reqstats/reqstats/parser"
	"github.com/reqstats/reqstats/testdata/genlog"
)

// benchLog returns a generated dev log of the genlog profile.
func benchLog(b *testing.B, profile string, size int64) []byte {
	var log bytes.Buffer
	if _, err := genlog.Generate(&log, genlog.Options{Seed: 1, Size: size, Profile: profile}); err != nil {
		b.Fatal(err)
	}
	return log.Bytes()
}

// BenchmarkAggregate measures the Aggregator alone, the one goroutine
// that counts in log order, on the events of a generated dev log of each
// genlog profile, parsed beforehand: bytes/s of the log they came from,
// requests/s, and allocations. With derived=true the records carry what
// the parse workers derive (see Aggregator.Deriver), as in a batch read;
// with derived=false the Aggregator derives it too, as in follow mode.
func BenchmarkAggregate(b *testing.B) {
	for _, profile := range genlog.Profiles {
		log := benchLog(b, profile, 16<<20)
		for _, derived := range []bool{true, false} {
			b.Run(fmt.Sprintf("%s/derived=%v", profile, derived), func(b *testing.B) {
				opts := Options{ByMethod: true}
				p, _ := parser.New(parser.Options{})
				sc := parser.NewScanner(bytes.NewReader(log), "gen.log", p)
				if derived {
					sc.SetDerive(New(opts).Deriver)
				}
				sc.SetWorkers(2)
				var evs []parser.Event
				requests := 0
				for sc.Scan() {
					ev := *sc.Event()
					ev.Request.Phases = slices.Clone(ev.Request.Phases)
					evs = append(evs, ev)
					if ev.Kind == parser.KindRequest {
						requests++
					}
				}
				var derivedBy *rules
				for i := range evs {
					if by, ok := evs[i].Request.Derived.By.(*rules); ok && derivedBy == nil {
						derivedBy = by
					} else if ok && by != derivedBy {
						b.Fatal("records derived by two rules")
					}
				}
				if derived != (derivedBy != nil) {
					b.Fatalf("derived=%v, but records derived by %p", derived, derivedBy)
				}
				b.SetBytes(int64(len(log)))
				b.ReportAllocs()
				for b.Loop() {
					a := New(opts)
					if derived {
						// The records were derived by another Aggregator of
						// the same options: take them as this one's.
						a.rules = derivedBy
					}
					for i := range evs {
						a.Add(&evs[i])
					}
					if a.Summary().Total.Count == 0 {
						b.Fatal("no requests")
					}
				}
				b.ReportMetric(float64(requests)*float64(b.N)/b.Elapsed().Seconds(), "requests/s")
			})
		}
	}
}

// BenchmarkPipeline measures a batch read as reqstats does it, minus the
// report: a Scanner parsing on workers that derive the records, and the
// Aggregator counting them, on a generated dev log of each genlog
// profile; workers=1 is the read on one goroutine, without workers, and
// the other the read on a worker per core (up to 8), as reqstats reads.
func BenchmarkPipeline(b *testing.B) {
	for _, profile := range genlog.Profiles {
		log := benchLog(b, profile, 32<<20)
		for _, workers := range []int{1, min(runtime.GOMAXPROCS(0), 8)} {
			b.Run(fmt.Sprintf("%s/workers=%d", profile, workers), func(b *testing.B) {
				p, _ := parser.New(parser.Options{})
				b.SetBytes(int64(len(log)))
				b.ReportAllocs()
				for b.Loop() {
					a := New(Options{})
					sc := parser.NewScanner(bytes.NewReader(log), "gen.log", p)
					sc.SetDerive(a.Deriver)
					sc.SetWorkers(workers)
					for sc.Scan() {
						a.Add(sc.Event())
					}
					if a.Summary().Total.Count == 0 {
						b.Fatal("no requests")
					}
				}
			})
		}
	}
}
