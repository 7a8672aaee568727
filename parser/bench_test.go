package parser

import (
	"bytes"
	"os"
	"testing"
)

// benchLines returns the lines of a corpus. testdata/bench.log is a mixed
// log of Next request lines, app timing lines (pino-http JSON, morgan,
// custom text), compiles, util.inspect objects, stack traces and noise.
func benchLines(b testing.TB, name string) [][]byte {
	data, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	return bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
}

// BenchmarkParseMixed measures a Stream reading the mixed corpus.
func BenchmarkParseMixed(b *testing.B) {
	lines := benchLines(b, "testdata/bench.log")
	n := 0
	for _, l := range lines {
		n += len(l) + 1
	}
	p, _ := New(Options{})
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		st := p.NewStream("bench.log")
		for _, l := range lines {
			st.Push(l)
		}
		st.Flush()
	}
	b.ReportMetric(float64(len(lines)*b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkParseNoise measures reading lines that hold no request, which
// are most of a log: testdata/bench-noise.log is the noise of bench.log.
func BenchmarkParseNoise(b *testing.B) {
	noise := benchLines(b, "testdata/bench-noise.log")
	p, _ := New(Options{})
	st := p.NewStream("bench.log")
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range noise {
			st.Push(l)
		}
	}
	b.ReportMetric(float64(len(noise)*b.N)/b.Elapsed().Seconds(), "lines/s")
}
