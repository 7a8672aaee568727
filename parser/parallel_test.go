package parser

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/reqstats/reqstats/testdata/genlog"
)

// readEvents reads r with a Scanner on the given number of workers and
// returns its events, one line each, and its counts.
func readEvents(t *testing.T, r io.Reader, workers int) (evs []string, lines int, n int64, err error) {
	t.Helper()
	p, _ := New(Options{})
	sc := NewScanner(r, "in.log", p)
	sc.SetWorkers(workers)
	for sc.Scan() {
		ev := *sc.Event()
		if ev.Kind == kindIncoming || ev.reqID != "" {
			t.Fatalf("event not joined: %+v", ev)
		}
		if len(ev.Request.Phases) == 0 {
			ev.Request.Phases = nil
		}
		s := fmt.Sprintf("%+v", ev)
		if ev.Err != nil {
			s += " " + ev.Err.Error()
		}
		evs = append(evs, s)
	}
	return evs, sc.Lines(), sc.Bytes(), sc.Err()
}

// sameEvents checks that reading in on workers gives the same events,
// line count, byte count and error as reading it on one goroutine.
func sameEvents(t *testing.T, name string, in []byte, wrap func(io.Reader) io.Reader) {
	t.Helper()
	if wrap == nil {
		wrap = func(r io.Reader) io.Reader { return r }
	}
	want, wl, wn, werr := readEvents(t, wrap(bytes.NewReader(in)), 1)
	defer func(def int) { chunkBytes = def }(chunkBytes)
	for _, size := range []int{1, 7, 100, 4096, chunkBytes} {
		chunkBytes = size
		got, gl, gn, gerr := readEvents(t, wrap(bytes.NewReader(in)), 2)
		if gl != wl || gn != wn || fmt.Sprint(gerr) != fmt.Sprint(werr) {
			t.Errorf("%s, chunks of %d: lines, bytes, err = %d, %d, %v; want %d, %d, %v", name, size, gl, gn, gerr, wl, wn, werr)
		}
		if len(got) != len(want) {
			t.Errorf("%s, chunks of %d: %d events, want %d", name, size, len(got), len(want))
		}
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Errorf("%s, chunks of %d: event %d:\n got %s\nwant %s", name, size, i, got[i], want[i])
				break
			}
		}
	}
}

// testLogs returns the logs in ../testdata, the shared samples when they
// are there (beside the repository), and a generated log of size bytes,
// by name.
func testLogs(t *testing.T, seed, size int64) map[string][]byte {
	t.Helper()
	var gen bytes.Buffer
	if _, err := genlog.Generate(&gen, genlog.Options{Seed: seed, Size: size}); err != nil {
		t.Fatal(err)
	}
	logs := map[string][]byte{"genlog": gen.Bytes()}
	for _, glob := range []string{"../testdata/*.log", "../../shared/samples/formats/*.txt"} {
		files, _ := filepath.Glob(glob)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			logs[f] = b
		}
	}
	if len(logs) < 5 {
		t.Fatalf("only %d logs found", len(logs))
	}
	return logs
}

// TestParallelSameEvents checks that a Scanner with workers returns the
// events of a Scanner without, whatever the chunk size: with chunks of a
// few bytes every multi-line object and every fastify request crosses a
// seam.
func TestParallelSameEvents(t *testing.T) {
	logs := testLogs(t, 3, 1<<20)
	slow := "[performance-logger] 🐌 SLOW REQUEST: {\n  path: '/api/guest/chat',\n  duration: '2345ms',\n  threshold: '2000ms',\n  method: 'POST'\n}\n"
	fastify := `{"level":30,"time":1700000000000,"reqId":"req-1","req":{"method":"GET","url":"/api/a"},"msg":"incoming request"}` + "\n" +
		` GET /x 200 in 5ms` + "\n" +
		`{"level":30,"time":1700000000100,"reqId":"req-1","res":{"statusCode":200},"responseTime":12.5,"msg":"request completed"}` + "\n"
	logs["edges"] = []byte(slow + fastify + " GET /crlf 200 in 1ms\r\n" + slow[:40] + "\n GET /cut 200 in 2ms\n" +
		"[performance-logger] 🐌 SLOW REQUEST: {\n  path: '/never/closed',\n")
	logs["no final newline"] = []byte(" GET /a 200 in 1ms\n GET /b 200 in 2ms")
	for name, b := range logs {
		sameEvents(t, name, b, nil)
	}
	// A read error: the line it cuts is not read, on any number of goroutines.
	sameEvents(t, "read error", logs["edges"], func(r io.Reader) io.Reader {
		return io.MultiReader(io.LimitReader(r, 300), iotest.ErrReader(errors.New("disk on fire")))
	})
	// One byte per Read.
	sameEvents(t, "one byte reads", logs["edges"], iotest.OneByteReader)
}

// TestParallelLongLine checks that a line longer than MaxLineBytes is
// skipped and reported the same way with workers: two in a row, and as
// the last line. With chunks of 5 MiB, the second long line starts in a
// buffer that already grew past MaxLineBytes.
func TestParallelLongLine(t *testing.T) {
	long := strings.Repeat("x", MaxLineBytes+10)
	in := " GET /a 200 in 1ms\n" + long + "\r\n" + long[5:] + "\n GET /b 200 in 2ms\n" + long
	want, _, _, _ := readEvents(t, strings.NewReader(in), 1)
	if len(want) != 5 || !strings.Contains(want[1], "longer than") || !strings.Contains(want[2], "longer than") {
		t.Fatalf("one goroutine read %d events: %q", len(want), want)
	}
	defer func(def int) { chunkBytes = def }(chunkBytes)
	for _, size := range []int{100, 5 << 20, chunkBytes} {
		chunkBytes = size
		got, _, _, _ := readEvents(t, strings.NewReader(in), 2)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("chunks of %d:\n got %q\nwant %q", size, got, want)
		}
	}
}

// FuzzParallel checks that a Scanner with workers reads any input as one
// without does, with chunks of 1 to 256 bytes.
func FuzzParallel(f *testing.F) {
	f.Add([]byte(" GET /a 200 in 1ms\n[performance-logger] 🐌 SLOW REQUEST: {\n  path: '/x',\n  duration: '2345ms',\n}\r\n"), uint8(7))
	f.Add([]byte(`{"reqId":"r1","req":{"method":"GET","url":"/a"},"msg":"incoming request"}`+"\n"+`{"reqId":"r1","res":{"statusCode":200},"responseTime":1.5,"msg":"request completed"}`), uint8(3))
	f.Fuzz(func(t *testing.T, in []byte, size uint8) {
		want, wl, wn, _ := readEvents(t, bytes.NewReader(in), 1)
		defer func(def int) { chunkBytes = def }(chunkBytes)
		chunkBytes = int(size) + 1
		got, gl, gn, _ := readEvents(t, bytes.NewReader(in), 2)
		if gl != wl || gn != wn || strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("chunks of %d: %d lines, %d bytes, events\n%s\nwant %d, %d,\n%s", chunkBytes, gl, gn, strings.Join(got, "\n"), wl, wn, strings.Join(want, "\n"))
		}
	})
}
