package aggregate

import (
	"bytes"
	"slices"
	"testing"

	"github.com/reqstats/reqstats/parser"
	"github.com/reqstats/reqstats/testdata/genlog"
)

// BenchmarkAggregate measures the Aggregator alone on the events of a
// realistic generated dev log, parsed beforehand: bytes/s of the log they
// came from, events/s, and allocations.
func BenchmarkAggregate(b *testing.B) {
	var log bytes.Buffer
	if _, err := genlog.Generate(&log, genlog.Options{Seed: 1, Size: 16 << 20}); err != nil {
		b.Fatal(err)
	}
	size := log.Len()
	p, _ := parser.New(parser.Options{})
	sc := parser.NewScanner(&log, "gen.log", p)
	var evs []parser.Event
	for sc.Scan() {
		ev := *sc.Event()
		ev.Request.Phases = slices.Clone(ev.Request.Phases)
		evs = append(evs, ev)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		a := New(Options{ByMethod: true})
		for i := range evs {
			a.Add(&evs[i])
		}
		if a.Summary().Total.Count == 0 {
			b.Fatal("no requests")
		}
	}
	b.ReportMetric(float64(len(evs))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
