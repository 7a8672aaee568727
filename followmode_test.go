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
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reqstats/reqstats/internal/clock"
)

// TestFollowModeStreamsEveryRequest runs reqstats -f -o ndjson on a file
// that a writer appends to and truncates, and reads the request lines it
// prints: every request written must come out exactly once, and the final
// summary must not be printed for ndjson.
func TestFollowModeStreamsEveryRequest(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "dev-server.log")
	opts := followOptionsFor(t, "-f", "-o", "ndjson", "--interval", "1h", path)
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var errOut strings.Builder
	go func() {
		done <- exit(&errOut, runFollow(ctx, opts, []string{path}, strings.NewReader(""), pw, &errOut, followHooks{}))
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
	opts := followOptionsFor(t, "-f", "-o", "api", "--interval", "1h", path)
	ctx, cancel := context.WithCancel(context.Background())
	var out strings.Builder
	errOut := newSyncWriter()
	done := make(chan int, 1)
	// The view never draws (the interval is an hour), so the only output
	// is the final summary; end follow mode once the last line is read.
	go func() {
		done <- exit(errOut, runFollow(ctx, opts, []string{path}, strings.NewReader(""), &out, errOut, followHooks{}))
	}()
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
	return w.awaitFunc(func(got string) bool { return strings.Contains(got, s) }, timeout)
}

// awaitFunc waits until what was written satisfies ok, or timeout passes.
func (w *syncWriter) awaitFunc(ok func(string) bool, timeout time.Duration) bool {
	deadline := time.After(timeout)
	for !ok(w.String()) {
		select {
		case <-w.written:
		case <-deadline:
			return false
		}
	}
	return true
}

// TestFollowModePipeEnds checks that following a pipe ends when the pipe
// closes, with the final summary, and that lines without timestamps age
// out of --window by their arrival.
func TestFollowModePipeEnds(t *testing.T) {
	opts := followOptionsFor(t, "-f", "-o", "api", "--interval", "1h")
	var out strings.Builder
	done := make(chan int, 1)
	go func() {
		done <- exit(io.Discard, runFollow(context.Background(), opts, []string{"-"}, strings.NewReader(" GET /a 200 in 5ms\n GET /b 200 in 7ms\n"), &out, io.Discard, followHooks{}))
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
	opts := followOptionsFor(t, "-f", gz)
	var errOut strings.Builder
	if code := exit(&errOut, runFollow(context.Background(), opts, []string{gz}, strings.NewReader(""), io.Discard, &errOut, followHooks{})); code != 1 ||
		!strings.Contains(errOut.String(), "gzip-compressed: it cannot be followed") {
		t.Errorf("exit %d: %s", code, errOut.String())
	}
	for _, flag := range []string{"--fail-on=p95>1s", "--baseline=x.json", "--by-file", "--since=5m"} {
		if _, err := parseOptions([]string{"-f", flag}); err == nil || !strings.Contains(err.Error(), "does not go with -f") {
			t.Errorf("-f %s: %v", flag, err)
		}
	}
}

// followOptionsFor parses and resolves a follow-mode command line.
func followOptionsFor(t *testing.T, args ...string) *options {
	t.Helper()
	opts, err := parseOptions(args)
	if err != nil {
		t.Fatal(err)
	}
	if err := opts.resolve(io.Discard); err != nil {
		t.Fatal(err)
	}
	return opts
}

// TestFollowModeStepped drives follow mode with a fake clock: no frame is
// drawn until the test steps the clock, each step draws one snapshot, and
// requests without timestamps leave --window by the clock's time, not the
// wall clock's.
func TestFollowModeStepped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dev-server.log")
	// The last line is malformed: stderr tells when all was read.
	log := " GET /api/a 200 in 5ms\n GET /api/b 200 in 7ms\n GET /x 200 in Xms\n"
	if err := os.WriteFile(path, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := followOptionsFor(t, "-f", "-o", "api", "--interval", "2s", "--window", "5m", path)
	clk := clock.NewFake(time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC))
	out, errOut := newSyncWriter(), newSyncWriter()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- exit(errOut, runFollow(ctx, opts, []string{path}, strings.NewReader(""), out, errOut, followHooks{clock: clk}))
	}()
	if !errOut.await(`bad duration "Xms"`, 10*time.Second) {
		t.Fatalf("the log was not read in 10s; stderr: %q", errOut.String())
	}
	if out.String() != "" {
		t.Fatalf("drew before the clock ticked: %q", out.String())
	}
	// Each Advance returns once the tick was taken; the next one, once
	// the frame it asked for was drawn.
	for range 2 {
		if err := clk.Advance(2 * time.Second); err != nil {
			t.Fatal(err)
		}
	}
	// Both frames drawn before the clock jumps: the second is drawn after
	// its tick was taken, and would otherwise see the jump.
	if !out.awaitFunc(func(s string) bool { return strings.Count(s, `"totalRequests":2`) == 2 }, 10*time.Second) {
		t.Fatalf("no two snapshots of the two requests: %q", out.String())
	}
	// Ten minutes on, both requests have left the 5-minute window.
	if err := clk.Advance(10 * time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := clk.Advance(2 * time.Second); err != nil {
		t.Fatal(err)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines, want a snapshot per tick (4) and the final summary:\n%s", len(lines), out.String())
	}
	for i, want := range []string{`"totalRequests":2`, `"totalRequests":2`, `"totalRequests":0`, `"totalRequests":0`, `"totalRequests":0`} {
		if !strings.Contains(lines[i], want) {
			t.Errorf("line %d: %s, want %s", i+1, lines[i], want)
		}
	}
}

// TestFollowModeWaitsForFile tells once, on stderr, that the file to
// follow does not exist yet; it says nothing of a file that does.
func TestFollowModeWaitsForFile(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, want string
	}{
		{"dev-server.log", "reqstats: waiting for " + filepath.Join(dir, "dev-server.log") + " to appear\n"},
		{"there.log", ""},
	} {
		path := filepath.Join(dir, c.name)
		if c.want == "" {
			os.WriteFile(path, nil, 0o644)
		}
		opts := followOptionsFor(t, "-f", "-o", "api", "--interval", "1h", path)
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // stopped at once: only what is said before the follow counts
		var errOut strings.Builder
		if code := exit(&errOut, runFollow(ctx, opts, []string{path}, strings.NewReader(""), io.Discard, &errOut, followHooks{})); code != 0 {
			t.Fatalf("%s: exit %d: %s", c.name, code, errOut.String())
		}
		if errOut.String() != c.want {
			t.Errorf("%s: stderr %q, want %q", c.name, errOut.String(), c.want)
		}
	}
}
