package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/parser"
)

// TestFollowModeStreamsEveryRequest runs reqstats -f -o ndjson on a file
// that a writer appends to and truncates, and reads the request lines it
// prints: every request written must come out exactly once, and the final
// summary must not be printed for ndjson.
func TestFollowModeStreamsEveryRequest(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "dev-server.log")
	opts, err := parseOptions([]string{"-f", "-o", "ndjson", "--interval", "1h", path})
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var errOut strings.Builder
	go func() {
		done <- runFollow(ctx, opts, []string{path}, strings.NewReader(""), pw, &errOut)
		pw.Close()
	}()

	lines := make(chan string, 1000)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	seen := map[string]int{}
	await := func(n int) {
		t.Helper()
		timeout := time.After(10 * time.Second)
		for len(seen) < n {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("output ended after %d requests", len(seen))
				}
				var rec struct{ Path string }
				if err := json.Unmarshal([]byte(l), &rec); err != nil {
					t.Fatalf("not a request line: %q", l)
				}
				seen[rec.Path]++
			case <-timeout:
				t.Fatalf("saw %d requests of %d after 10s", len(seen), n)
			}
		}
	}
	write := func(from, to int, flag int) {
		f, err := os.OpenFile(path, flag, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		for i := from; i < to; i++ {
			fmt.Fprintf(f, " GET /api/users/%d 200 in %dms\n", i, i%97)
		}
		f.Close()
	}
	write(0, 50, os.O_CREATE|os.O_WRONLY|os.O_APPEND)
	await(50)
	write(50, 80, os.O_WRONLY|os.O_TRUNC) // the dev server restarts: > dev-server.log
	await(80)
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d: %s", code, errOut.String())
	}
	for l := range lines {
		t.Errorf("unexpected output after the last request: %q", l)
	}
	for path, n := range seen {
		if n != 1 {
			t.Errorf("%s seen %d times", path, n)
		}
	}
}

// TestFollowModeFinalSummary checks that ending follow mode prints the
// full summary of everything read, in the chosen format.
func TestFollowModeFinalSummary(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "dev-server.log")
	log, _ := os.ReadFile("testdata/dev-server.log")
	// A last line that stderr reports tells when the whole file was read;
	// it does not change the -o api object.
	os.WriteFile(path, append(log, "HEAD / 200 in Xms\n"...), 0o644)
	opts, err := parseOptions([]string{"-f", "-o", "api", "--interval", "1h", path})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var out strings.Builder
	errOut := newSyncWriter()
	done := make(chan int, 1)
	// The view never draws (the interval is an hour), so the only output
	// is the final summary; end follow mode once the last line is read.
	go func() { done <- runFollow(ctx, opts, []string{path}, strings.NewReader(""), &out, errOut) }()
	if !errOut.await(`bad duration "Xms"`, 10*time.Second) {
		t.Fatalf("the last line was not reported in 10s; stderr: %q", errOut.String())
	}
	cancel()
	<-done
	// Not on a terminal, it is one line, like the snapshots before it.
	_, want, _ := runCLI(t, "", "-o", "api", "testdata/dev-server.log")
	var compact bytes.Buffer
	json.Compact(&compact, []byte(want))
	if out.String() != compact.String()+"\n" {
		t.Errorf("final summary:\n%s\nwant what reqstats -o api prints, on one line:\n%s", out.String(), compact.String())
	}
}

// syncWriter is a writer that several goroutines share, and that a test
// can wait on.
type syncWriter struct {
	mu      sync.Mutex
	b       strings.Builder
	written chan struct{}
}

func newSyncWriter() *syncWriter { return &syncWriter{written: make(chan struct{}, 1)} }

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	select {
	case w.written <- struct{}{}:
	default:
	}
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// await waits until what was written holds s, or timeout passes.
func (w *syncWriter) await(s string, timeout time.Duration) bool {
	deadline := time.After(timeout)
	for !strings.Contains(w.String(), s) {
		select {
		case <-w.written:
		case <-deadline:
			return false
		}
	}
	return true
}

// BenchmarkLiveTenMillion follows an unbounded stream: ten million
// request lines, a tenth of them from a scanner hitting random paths, fed
// through follow mode's state with --last 1000. It reports the peak heap
// in use, which must not grow with the number of lines.
//
//	go test -run XXX -bench LiveTenMillion -benchtime 1x .
func BenchmarkLiveTenMillion(b *testing.B) {
	const lines = 10_000_000
	opts, err := parseOptions([]string{"-f", "--last", "1000"})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		l := newLive(opts.agg, opts.follow.keep)
		p, _ := parser.New(parser.Options{})
		st := p.NewStream("dev-server.log")
		var peak uint64
		var ms runtime.MemStats
		buf := make([]byte, 0, 128)
		now := time.Now()
		for i := 0; i < lines; i++ {
			buf = buf[:0]
			if i%10 == 0 {
				buf = fmt.Appendf(buf, " GET /wp-admin/%x.php 404 in %dms", i*2654435761, i%7)
			} else {
				buf = fmt.Appendf(buf, " GET /api/users/%d 200 in %dms", i%5000, i%997)
			}
			l.line("dev-server.log")
			for _, ev := range st.Push(buf) {
				l.add(&ev, now)
			}
			if i%500_000 == 0 {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
		s := l.summary()
		if s.Total.Count != 1000 {
			b.Fatalf("window holds %d requests, want 1000", s.Total.Count)
		}
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
	}
}

// TestFollowModePipeEnds checks that following a pipe ends when the pipe
// closes, with the final summary, and that lines without timestamps age
// out of --window by their arrival.
func TestFollowModePipeEnds(t *testing.T) {
	opts, err := parseOptions([]string{"-f", "-o", "api", "--interval", "1h"})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	done := make(chan int, 1)
	go func() {
		done <- runFollow(context.Background(), opts, []string{"-"}, strings.NewReader(" GET /a 200 in 5ms\n GET /b 200 in 7ms\n"), &out, io.Discard)
	}()
	select {
	case code := <-done:
		if code != 0 || !strings.Contains(out.String(), `"totalRequests":2`) {
			t.Errorf("exit %d, output %q", code, out.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("following a closed pipe did not end")
	}
}

func TestFollowModeRefuses(t *testing.T) {
	dir := t.TempDir()
	gz := filepath.Join(dir, "x.log")
	os.WriteFile(gz, []byte{0x1f, 0x8b, 8, 0}, 0o644)
	opts, _ := parseOptions([]string{"-f", gz})
	var errOut strings.Builder
	if code := runFollow(context.Background(), opts, []string{gz}, strings.NewReader(""), io.Discard, &errOut); code != 1 ||
		!strings.Contains(errOut.String(), "gzip-compressed: it cannot be followed") {
		t.Errorf("exit %d: %s", code, errOut.String())
	}
	for _, flag := range []string{"--fail-on=p95>1s", "--baseline=x.json", "--by-file", "--since=5m"} {
		if _, err := parseOptions([]string{"-f", flag}); err == nil || !strings.Contains(err.Error(), "does not go with -f") {
			t.Errorf("-f %s: %v", flag, err)
		}
	}
}

func TestViewTinyTerminal(t *testing.T) {
	l := newLive(aggregate.Options{}, 10)
	var out bytes.Buffer
	v := &view{out: &out, live: l, tty: true}
	for _, h := range []int{0, 1, 2, 3} {
		out.Reset()
		v.frame(time.Now(), 80, h) // must not panic
		if out.Len() == 0 {
			t.Errorf("height %d: no frame", h)
		}
	}
}
