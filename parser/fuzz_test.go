package parser

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sampleLines returns the lines of the shared sample corpus, when it is
// there (it sits beside the repository), for seeding the fuzzer.
func sampleLines(tb testing.TB) []string {
	files, _ := filepath.Glob("../../shared/samples/formats/*.txt")
	var lines []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			if l := sc.Text(); !strings.HasPrefix(l, "#") {
				lines = append(lines, l)
			}
		}
	}
	return lines
}

func FuzzParseLine(f *testing.F) {
	for _, l := range sampleLines(f) {
		f.Add([]byte(l))
	}
	f.Add([]byte(" GET /settings 200 in 1406ms (compile: 719ms, proxy.ts: 427ms, render: 260ms)"))
	f.Add([]byte("[performance-logger] 🐌 SLOW REQUEST: { path: '/x', duration: '2345ms', threshold: '2000ms', method: 'POST' }"))
	f.Add([]byte("2025-11-06T10:00:00.1234567Z web-1  | [next]  GET /x 200 in 1.5min"))
	p, _ := New(Options{})
	f.Fuzz(func(t *testing.T, line []byte) {
		ev, err := p.ParseLine(line)
		if err != nil {
			return
		}
		switch ev.Kind {
		case KindRequest:
			r := ev.Request
			if r.Duration < 0 || r.Duration > MaxDuration {
				t.Errorf("ParseLine(%q): duration %v out of [0, 24h]", line, r.Duration)
			}
			if (r.Route == "" || r.Route[0] != '/') && r.Route != UnknownRoute {
				t.Errorf("ParseLine(%q): route %q does not start with /", line, r.Route)
			}
			if !strings.HasPrefix(r.Path, r.Route) {
				t.Errorf("ParseLine(%q): route %q is not a prefix of path %q", line, r.Route, r.Path)
			}
			// Only Next always prints a status; app loggers may not.
			if (r.Status < 100 || r.Status > 599) && (r.Source == SourceNext || r.Status != 0) {
				t.Errorf("ParseLine(%q): status %d", line, r.Status)
			}
			if sourceBit(r.Source) == 0 {
				t.Errorf("ParseLine(%q): source %q", line, r.Source)
			}
			for _, ph := range r.Phases {
				if ph.Duration < 0 {
					t.Errorf("ParseLine(%q): negative phase %v", line, ph)
				}
			}
		case KindCompile:
			if ev.Compile.Duration < 0 {
				t.Errorf("ParseLine(%q): negative compile duration", line)
			}
		}
	})
}

// TestStreamNeverStops feeds hostile input through a Scanner: every line
// must be counted, whatever it holds.
func TestStreamNeverStops(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(" GET /a 200 in 1ms\r\n")
	b.WriteString("\x00\x01\x02\xff\xfe binary \x00 GET /x 200 in 5ms\n")
	b.WriteString(strings.Repeat("x", 1<<20) + " GET /long 200 in 7ms\n") // a 1 MB line
	b.WriteString(" GET /b 200 in 2ms\r\r\n")
	b.WriteString("\xc3\x28 invalid utf-8 GET /c 200 in 3ms\n")
	b.WriteString(" GET /last 200 in 4ms") // no final newline
	routes, sc := scanAll(&b, "x.log")
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	want := "/a /x /long /b /c /last"
	if got := strings.Join(routes, " "); got != want {
		t.Errorf("routes %q, want %q", got, want)
	}
	if sc.Lines() != 6 {
		t.Errorf("Lines() = %d, want 6", sc.Lines())
	}
}

func TestScannerSkipsHugeLine(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(" GET /a 200 in 1ms\n")
	b.WriteString(strings.Repeat("y", MaxLineBytes+123) + "\n")
	b.WriteString(" GET /b 200 in 2ms\n")
	got, _ := scanAll(&b, "big.log")
	want := []string{"/a", "big.log:2: line of 8388731 bytes is longer than 8388608; skipped", "/b"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}

// FuzzStream feeds lines through a Stream, which joins multi-line objects
// and fastify's reqId pairs: it must never panic, and every request it
// returns must hold a route and a non-negative duration.
func FuzzStream(f *testing.F) {
	f.Add([]byte("{\"reqId\":\"a\",\"req\":{\"method\":\"GET\",\"url\":\"/x\"},\"msg\":\"incoming request\"}\n{\"reqId\":\"a\",\"res\":{\"statusCode\":200},\"responseTime\":3.34}"))
	f.Add([]byte("{\n  \"method\": \"GET\",\n  \"path\": \"/a\",\n  \"latencyMs\": 7\n}"))
	f.Add([]byte("Calling service: {\n  id: 1,\n GET /x 200 in 5ms\n}"))
	f.Add([]byte("[performance-logger] 🐌 SLOW REQUEST: {\n  path: '/x',\n  duration: '2345ms'\n}"))
	p, _ := New(Options{})
	f.Fuzz(func(t *testing.T, data []byte) {
		st := p.NewStream("fuzz.log")
		check := func(evs []Event) {
			for _, ev := range evs {
				if ev.Kind != KindRequest {
					continue
				}
				r := ev.Request
				if r.Duration < 0 || r.Route == "" || (r.Route[0] != '/' && r.Route != UnknownRoute) || sourceBit(r.Source) == 0 {
					t.Errorf("bad request %+v from %q", r, data)
				}
			}
		}
		for _, line := range bytes.Split(data, []byte("\n")) {
			check(st.Push(line))
		}
		check(st.Flush())
	})
}

// TestScannerLineOfMaxLength reads a line of exactly MaxLineBytes.
func TestScannerLineOfMaxLength(t *testing.T) {
	tail := " GET /edge 200 in 1ms"
	line := strings.Repeat("z", MaxLineBytes-len(tail)) + tail
	got, _ := scanAll(strings.NewReader(line+"\n GET /next 200 in 2ms\n"), "edge.log")
	if strings.Join(got, " ") != "/edge /next" {
		t.Errorf("got %q", got)
	}
}

// TestScannerDropsLineCutByError: a read that fails mid-line (a
// truncated gzip stream) does not read the cut line as if it were whole.
func TestScannerDropsLineCutByError(t *testing.T) {
	r := io.MultiReader(strings.NewReader(" GET /a 200 in 1ms\n GET /b 200 in 12"), errReader{})
	got, sc := scanAll(r, "cut.log")
	if sc.Err() == nil || strings.Join(got, " ") != "/a" {
		t.Errorf("events %q, err %v: want one request and the read error", got, sc.Err())
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

// scanAll reads r to its end and returns, in order, the route of each
// request and the text of each malformed-line report, with the Scanner.
func scanAll(r io.Reader, file string) ([]string, *Scanner) {
	p, _ := New(Options{})
	sc := NewScanner(r, file, p)
	var got []string
	for sc.Scan() {
		switch ev := sc.Event(); ev.Kind {
		case KindRequest:
			got = append(got, ev.Request.Route)
		case KindMalformed:
			got = append(got, ev.Err.Error())
		}
	}
	return got, sc
}
