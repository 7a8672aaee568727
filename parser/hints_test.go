package parser

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/reqstats/reqstats/testdata/genlog"
)

// refHints is what scanHints must return, spelled out needle by needle.
func refHints(p *Parser, line []byte) uint8 {
	has := func(s string) bool { return bytes.Contains(line, []byte(s)) }
	millis := false // a digit, or a digit or '-' and a space, then "ms"
	for i := 1; i+1 < len(line); i++ {
		if line[i] == 'm' && line[i+1] == 's' &&
			(isDigit(line[i-1]) || line[i-1] == ' ' && i > 1 && (isDigit(line[i-2]) || line[i-2] == '-')) {
			millis = true
		}
	}
	var set uint8
	if has(" in ") || endsWithStatus(line) {
		set |= hintNext
	}
	if p.objects && has("{") {
		set |= hintObject
	}
	if p.text && (millis || has("took ") || has("-->")) {
		set |= hintText
	}
	if has("ompil") {
		set |= hintCompile
	}
	if has("started server") || has("RECORDED") || has("SLOW REQUEST") || has("StoreSize:") || has("Metrics cleared") {
		set |= hintOther
	}
	if p.patterns && bytes.ContainsAny(line, "0123456789") {
		set |= hintPattern
	}
	return set
}

// hintCorpus returns lines of every shape: the logs in testdata, the
// shared samples, a generated log, each needle at the edges of a line,
// and random bytes drawn mostly from the needles' own.
func hintCorpus(t *testing.T) [][]byte {
	var lines [][]byte
	for _, b := range testLogs(t, 5, 256<<10) {
		lines = append(lines, bytes.Split(b, []byte("\n"))...)
	}
	needles := []string{" in ", "{", "5ms", "5 ms", "- ms", " ms", "took ", "-->", "ompil", "started server", "RECORDED", "SLOW REQUEST", "StoreSize:", "Metrics cleared", " 200"}
	for _, n := range needles {
		for _, l := range []string{n, "x" + n, n + "x", n[1:], n[:len(n)-1], strings.ToLower(n), "a " + n + " b"} {
			lines = append(lines, []byte(l))
		}
	}
	r := rand.New(rand.NewPCG(1, 1))
	alphabet := []byte(" in{ms5-took->ompilstarted serverRECORDSLOW REQUESTStoreSize:Metrics cleared\x1b[2")
	for range 20000 {
		l := make([]byte, r.IntN(40))
		for i := range l {
			l[i] = alphabet[r.IntN(len(alphabet))]
		}
		lines = append(lines, l)
	}
	return lines
}

// TestScanHints checks the one-pass needle search against the needles
// looked for one by one, for each set of readers.
func TestScanHints(t *testing.T) {
	lines := hintCorpus(t)
	pat, err := CompilePattern(`(?P<method>GET) (?P<path>\S+) (?P<duration>\d+)ms`)
	if err != nil {
		t.Fatal(err)
	}
	for _, opts := range []Options{{}, {Formats: []Source{SourceNext}}, {Patterns: []*Pattern{pat}}} {
		p, err := New(opts)
		if err != nil {
			t.Fatal(err)
		}
		seen := uint8(0)
		for _, l := range lines {
			got, want := p.scanHints(l), refHints(p, l)
			if got != want {
				t.Fatalf("%v: scanHints(%q) = %06b, want %06b", opts.Formats, l, got, want)
			}
			seen |= got
		}
		if opts.Formats == nil && seen&(hintAll&^hintPattern) != hintAll&^hintPattern {
			t.Errorf("the corpus sets hints %06b only", seen)
		}
	}
}

func FuzzScanHints(f *testing.F) {
	for _, s := range []string{" GET / 200 in 5ms", "Compiled /x in 5s", "[mw] ✓ METRIC RECORDED, new size: 1", "{\"a\":1}", "took 5ms", "--> GET / 200 5ms"} {
		f.Add([]byte(s))
	}
	p, _ := New(Options{})
	f.Fuzz(func(t *testing.T, line []byte) {
		if got, want := p.scanHints(line), refHints(p, line); got != want {
			t.Errorf("scanHints(%q) = %06b, want %06b", line, got, want)
		}
	})
}

// BenchmarkScanHints measures the needle pass alone over the lines of a
// generated log.
func BenchmarkScanHints(b *testing.B) {
	var gen bytes.Buffer
	if _, err := genlog.Generate(&gen, genlog.Options{Seed: 1, Size: 4 << 20}); err != nil {
		b.Fatal(err)
	}
	lines := bytes.Split(gen.Bytes(), []byte("\n"))
	p, _ := New(Options{})
	b.SetBytes(int64(gen.Len()))
	var set uint8
	for b.Loop() {
		for _, l := range lines {
			set |= p.scanHints(l)
		}
	}
	b.ReportMetric(float64(len(lines)*b.N)/b.Elapsed().Seconds(), "lines/s")
	if set == 0 {
		b.Fatal("no hints found")
	}
}
