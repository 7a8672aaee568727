package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nxadm/tail/watch"
)

func init() {
	// The library polls every 250 ms; poll faster so that 50 runs of the
	// poll-mode tests stay short. Only the interval changes, and it is set
	// before any of the library's goroutines runs.
	watch.POLL_DURATION = 20 * time.Millisecond
}

// followWait bounds every wait for the follower; reaching it fails the test.
const followWait = 10 * time.Second

// followModes runs test once with inotify and once polling.
func followModes(t *testing.T, test func(t *testing.T, poll bool)) {
	t.Run("inotify", func(t *testing.T) { test(t, false) })
	t.Run("poll", func(t *testing.T) { test(t, true) })
}

// followRecorder is a sink that keeps copies of the lines it is given and lets
// other goroutines wait until they satisfy a condition.
type followRecorder struct {
	mu      sync.Mutex
	lines   []string
	changed chan struct{} // signalled after each line

	// If holdAt > 0, the sink closes held after the holdAt-th line and
	// then waits until release is closed, holding up the follower.
	holdAt        int
	held, release chan struct{}
}

func newFollowRecorder() *followRecorder {
	return &followRecorder{changed: make(chan struct{}, 1)}
}

func (r *followRecorder) sink(line []byte) {
	r.mu.Lock()
	r.lines = append(r.lines, string(line))
	n := len(r.lines)
	r.mu.Unlock()
	select {
	case r.changed <- struct{}{}:
	default:
	}
	if n == r.holdAt {
		close(r.held)
		<-r.release
	}
}

// snapshot returns a copy of the lines recorded so far.
func (r *followRecorder) snapshot() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.lines...)
}

// waitUntil waits up to d for cond to hold for the recorded lines.
func (r *followRecorder) waitUntil(d time.Duration, cond func(lines []string) bool) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		r.mu.Lock()
		ok := cond(r.lines)
		r.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-r.changed:
		case <-timer.C:
			return false
		}
	}
}

// waitCount waits until at least n lines have been recorded.
func (r *followRecorder) waitCount(n int) error {
	if !r.waitUntil(followWait, func(lines []string) bool { return len(lines) >= n }) {
		return fmt.Errorf("follower saw %d lines after %v, want %d", len(r.snapshot()), followWait, n)
	}
	return nil
}

// followSession is a followFile call running on its own goroutine.
type followSession struct {
	*followRecorder
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
	err    error
}

// followStart starts followFile on path; the test's cleanup stops it.
func followStart(t *testing.T, path string, opts followOptions) *followSession {
	return followStartTo(t, path, opts, newFollowRecorder())
}

// followStartTo is followStart with a recorder of the caller's.
func followStartTo(t *testing.T, path string, opts followOptions, rec *followRecorder) *followSession {
	ctx, cancel := context.WithCancel(context.Background())
	fl := &followSession{followRecorder: rec, cancel: cancel, done: make(chan error, 1)}
	go func() { fl.done <- followFile(ctx, path, opts, fl.sink) }()
	t.Cleanup(func() {
		if err := fl.stop(); err != nil {
			t.Error(err)
		}
	})
	return fl
}

// stop cancels followFile and returns an error unless it returned nil.
func (fl *followSession) stop() error {
	fl.once.Do(func() {
		fl.cancel()
		select {
		case err := <-fl.done:
			if err != nil {
				fl.err = fmt.Errorf("followFile returned %v", err)
			}
		case <-time.After(followWait):
			fl.err = errors.New("followFile did not return after its context ended")
		}
	})
	return fl.err
}

// followLogWriter writes request lines to a log file like a dev server, and
// records what a follower must deliver.
type followLogWriter struct {
	path string
	f    *os.File
	next int      // number of the next request line
	want []string // lines the follower must deliver, in order
}

// create (re)creates the file at w.path, truncating it, and writes to it from
// now on; the previous file stays open for writeOld.
func (w *followLogWriter) create() error {
	f, err := os.OpenFile(w.path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	if w.f != nil {
		w.f.Close()
	}
	w.f = f
	return nil
}

// openAppend opens the existing file at w.path for appending.
func (w *followLogWriter) openAppend() error {
	f, err := os.OpenFile(w.path, os.O_WRONLY|os.O_APPEND, 0)
	w.f = f
	return err
}

func (w *followLogWriter) close() {
	if w.f != nil {
		w.f.Close()
		w.f = nil
	}
}

// followRequestLine returns the i-th request line; all have the same length.
func followRequestLine(i int) string {
	return fmt.Sprintf(" GET /api/users/%06d 200 in %03dms", i, i*37%1000)
}

// lines writes n request lines, each with one write, as a dev server does.
func (w *followLogWriter) lines(n int) error {
	for range n {
		line := followRequestLine(w.next)
		w.next++
		if _, err := w.f.WriteString(line + "\n"); err != nil {
			return err
		}
		w.want = append(w.want, line)
	}
	return nil
}

// raw writes s as is; want lists the lines it completes.
func (w *followLogWriter) raw(s string, want ...string) error {
	_, err := w.f.WriteString(s)
	w.want = append(w.want, want...)
	return err
}

// end writes the last line, which the test waits for before checking.
func (w *followLogWriter) end() error {
	return w.raw("END\n", "END")
}

// followRunWriter runs script on its own goroutine and fails the test if it fails.
func followRunWriter(t *testing.T, script func() error) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- script() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * followWait):
		t.Fatal("writer did not finish")
	}
}

// followCheck stops fl and checks that it delivered exactly want, in order.
func followCheck(t *testing.T, fl *followSession, want []string) {
	t.Helper()
	if err := fl.waitCount(len(want)); err != nil {
		t.Error(err)
	}
	if err := fl.stop(); err != nil {
		t.Error(err)
	}
	got := fl.snapshot()
	if diff := followDiff(got, want); diff != "" {
		t.Error(diff)
	}
}

// followDiff describes how got differs from want, or returns "".
func followDiff(got, want []string) string {
	if len(got) == len(want) {
		same := true
		for i := range got {
			if got[i] != want[i] {
				same = false
				break
			}
		}
		if same {
			return ""
		}
	}
	seen := map[string]int{}
	for _, l := range got {
		seen[l]++
	}
	var dups, missing int
	for _, l := range want {
		switch n := seen[l]; {
		case n == 0:
			missing++
		case n > 1:
			dups += n - 1
		}
		seen[l] = -1 << 30 // count each wanted line once
	}
	var b strings.Builder
	fmt.Fprintf(&b, "got %d lines, want %d (%d missing, %d repeated)", len(got), len(want), missing, dups)
	for i := 0; i < max(len(got), len(want)); i++ {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if i >= len(got) || i >= len(want) || g != w {
			fmt.Fprintf(&b, "\nfirst difference at line %d:\n got: %s\nwant: %s", i, followShort(g), followShort(w))
			break
		}
	}
	return b.String()
}

// followShort abbreviates long lines in failure messages.
func followShort(s string) string {
	if len(s) > 80 {
		return fmt.Sprintf("%q... (%d bytes)", s[:60], len(s))
	}
	return fmt.Sprintf("%q", s)
}

func TestFollowGrowth(t *testing.T) {
	followModes(t, func(t *testing.T, poll bool) {
		w := &followLogWriter{path: filepath.Join(t.TempDir(), "dev-server.log")}
		if err := w.create(); err != nil {
			t.Fatal(err)
		}
		defer w.close()
		if err := w.lines(50); err != nil { // already there when following starts
			t.Fatal(err)
		}
		fl := followStart(t, w.path, followOptions{Poll: poll})
		big := strings.Repeat("x", 3<<20)
		followRunWriter(t, func() error {
			for range 4 {
				if err := w.lines(50); err != nil {
					return err
				}
				if err := fl.waitCount(len(w.want)); err != nil {
					return err
				}
			}
			for _, err := range []error{
				w.raw(" GET /crlf 200 in 1ms\r\n", " GET /crlf 200 in 1ms"),
				w.raw("\n", ""),
				w.raw("bin\x00ary \xff\xfe\xc0 200 in 2ms\n", "bin\x00ary \xff\xfe\xc0 200 in 2ms"),
				w.raw(" GET /big?"+big+" 200 in 3ms\n", " GET /big?"+big+" 200 in 3ms"),
				w.lines(200),
				w.end(),
			} {
				if err != nil {
					return err
				}
			}
			return nil
		})
		followCheck(t, fl, w.want)
	})
}

func TestFollowTruncate(t *testing.T) {
	followModes(t, func(t *testing.T, poll bool) {
		w := &followLogWriter{path: filepath.Join(t.TempDir(), "dev-server.log")}
		if err := w.create(); err != nil {
			t.Fatal(err)
		}
		defer w.close()
		fl := followStart(t, w.path, followOptions{Poll: poll})
		followRunWriter(t, func() error {
			if err := w.lines(100); err != nil {
				return err
			}
			if err := fl.waitCount(len(w.want)); err != nil {
				return err
			}
			// `> dev-server.log`, and the restarted server writes at
			// once, more than the file held: the library alone
			// misses this truncation when its check comes late.
			if err := os.Truncate(w.path, 0); err != nil {
				return err
			}
			if err := w.lines(300); err != nil {
				return err
			}
			if err := fl.waitCount(len(w.want)); err != nil {
				return err
			}
			// Again, but the new content has exactly the old size: no
			// size check can tell it from no change at all.
			if err := os.Truncate(w.path, 0); err != nil {
				return err
			}
			if err := w.lines(300); err != nil {
				return err
			}
			if err := fl.waitCount(len(w.want)); err != nil {
				return err
			}
			// A truncation followed by a short rewrite.
			if err := os.Truncate(w.path, 0); err != nil {
				return err
			}
			if err := w.lines(10); err != nil {
				return err
			}
			return w.end()
		})
		followCheck(t, fl, w.want)
	})
}

func TestFollowRotate(t *testing.T) {
	followModes(t, func(t *testing.T, poll bool) {
		w := &followLogWriter{path: filepath.Join(t.TempDir(), "dev-server.log")}
		if err := w.create(); err != nil {
			t.Fatal(err)
		}
		defer w.close()
		fl := followStart(t, w.path, followOptions{Poll: poll})
		followRunWriter(t, func() error {
			if err := w.lines(100); err != nil {
				return err
			}
			if err := fl.waitCount(len(w.want)); err != nil {
				return err
			}
			if err := os.Rename(w.path, w.path+".1"); err != nil {
				return err
			}
			// The server still writes to the renamed file until it
			// reopens its log: the library alone loses these lines.
			if err := w.lines(20); err != nil {
				return err
			}
			if err := w.create(); err != nil {
				return err
			}
			if err := w.lines(100); err != nil {
				return err
			}
			if err := fl.waitCount(len(w.want)); err != nil {
				return err
			}
			// Rotate again without waiting for the follower: the
			// lines it has not read yet are in the renamed file.
			if err := w.lines(50); err != nil {
				return err
			}
			if err := os.Rename(w.path, w.path+".1"); err != nil {
				return err
			}
			if err := w.lines(20); err != nil {
				return err
			}
			if err := w.create(); err != nil {
				return err
			}
			if err := w.lines(100); err != nil {
				return err
			}
			return w.end()
		})
		followCheck(t, fl, w.want)
	})
}

func TestFollowDeleteRecreate(t *testing.T) {
	followModes(t, func(t *testing.T, poll bool) {
		w := &followLogWriter{path: filepath.Join(t.TempDir(), "dev-server.log")}
		if err := w.create(); err != nil {
			t.Fatal(err)
		}
		defer w.close()
		fl := followStart(t, w.path, followOptions{Poll: poll})
		followRunWriter(t, func() error {
			if err := w.lines(100); err != nil {
				return err
			}
			if err := fl.waitCount(len(w.want)); err != nil {
				return err
			}
			if err := os.Remove(w.path); err != nil {
				return err
			}
			// Lines written to the deleted file by a server that still
			// has it open are delivered too.
			if err := w.lines(10); err != nil {
				return err
			}
			big := " GET /big?" + strings.Repeat("d", 200<<10) + " 200 in 8ms"
			if err := w.raw(big+"\n", big); err != nil {
				return err
			}
			if err := w.lines(10); err != nil {
				return err
			}
			if err := fl.waitCount(len(w.want)); err != nil {
				return err
			}
			if err := w.create(); err != nil {
				return err
			}
			if err := w.lines(100); err != nil {
				return err
			}
			if err := fl.waitCount(len(w.want)); err != nil {
				return err
			}
			// Delete and recreate without waiting for the follower.
			if err := w.lines(30); err != nil {
				return err
			}
			if err := os.Remove(w.path); err != nil {
				return err
			}
			if err := w.create(); err != nil {
				return err
			}
			if err := w.lines(100); err != nil {
				return err
			}
			return w.end()
		})
		followCheck(t, fl, w.want)
	})
}

func TestFollowNotExistYet(t *testing.T) {
	followModes(t, func(t *testing.T, poll bool) {
		for _, sub := range []string{"", "logs"} { // "logs": not even the directory exists
			dir := filepath.Join(t.TempDir(), sub)
			w := &followLogWriter{path: filepath.Join(dir, "dev-server.log")}
			fl := followStart(t, w.path, followOptions{Poll: poll})
			followRunWriter(t, func() error {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					return err
				}
				if err := w.create(); err != nil {
					return err
				}
				if err := w.lines(100); err != nil {
					return err
				}
				if err := fl.waitCount(len(w.want)); err != nil {
					return err
				}
				if err := w.lines(100); err != nil {
					return err
				}
				return w.end()
			})
			followCheck(t, fl, w.want)
			w.close()
		}
	})
}

func TestFollowVanishWhileReading(t *testing.T) {
	followModes(t, func(t *testing.T, poll bool) {
		w := &followLogWriter{path: filepath.Join(t.TempDir(), "dev-server.log")}
		if err := w.create(); err != nil {
			t.Fatal(err)
		}
		defer w.close()
		if err := w.lines(1000); err != nil {
			t.Fatal(err)
		}
		// The sink holds the follower at line 10, so the library is in
		// the middle of the file when it is deleted. When it reaches the
		// end, its attempt to watch (inotify) or stat (poll) the file
		// fails and it stops with an error; followFile starts it again
		// in poll mode.
		rec := newFollowRecorder()
		rec.holdAt, rec.held, rec.release = 10, make(chan struct{}), make(chan struct{})
		fl := followStartTo(t, w.path, followOptions{Poll: poll}, rec)
		followRunWriter(t, func() error {
			select {
			case <-rec.held:
			case <-time.After(followWait):
				close(rec.release)
				return errors.New("follower did not reach line 10")
			}
			err := os.Remove(w.path)
			close(rec.release)
			if err != nil {
				return err
			}
			if err := fl.waitCount(len(w.want)); err != nil {
				return err
			}
			if err := w.create(); err != nil {
				return err
			}
			if err := w.lines(100); err != nil {
				return err
			}
			return w.end()
		})
		followCheck(t, fl, w.want)
	})
}

func TestFollowNotRegular(t *testing.T) {
	err := followFile(context.Background(), t.TempDir(), followOptions{}, func([]byte) {})
	if err == nil {
		t.Error("followFile on a directory returned nil, want an error")
	}
}

func TestFollowFromEnd(t *testing.T) {
	followModes(t, func(t *testing.T, poll bool) {
		w := &followLogWriter{path: filepath.Join(t.TempDir(), "dev-server.log")}
		if err := w.create(); err != nil {
			t.Fatal(err)
		}
		defer w.close()
		if err := w.lines(100); err != nil {
			t.Fatal(err)
		}
		if err := w.raw(" GET /half"); err != nil { // being written when following starts
			t.Fatal(err)
		}
		w.want = nil
		fl := followStart(t, w.path, followOptions{FromEnd: true, Poll: poll})
		var probes []string
		followRunWriter(t, func() error {
			if err := w.raw("way 200 in 5ms\n"); err != nil {
				return err
			}
			// Probe until the follower has started: probes written
			// before it did are not delivered, the others are.
			deadline := time.Now().Add(followWait)
			for {
				p := fmt.Sprintf("probe %d", len(probes))
				if err := w.raw(p + "\n"); err != nil {
					return err
				}
				probes = append(probes, p)
				if fl.waitUntil(20*time.Millisecond, func(lines []string) bool {
					return len(lines) > 0 && strings.HasPrefix(lines[len(lines)-1], "probe ")
				}) {
					break
				}
				if time.Now().After(deadline) {
					return errors.New("follower saw no probe")
				}
			}
			if err := w.lines(100); err != nil {
				return err
			}
			return w.end()
		})
		// The follower has delivered a probe, and before it the line
		// completed after following started (if it started before that),
		// whole, and the probes written after following started.
		var prefix []string
		got := fl.snapshot()
		if len(got) > 0 && got[0] == " GET /halfway 200 in 5ms" {
			prefix = append(prefix, got[0])
			got = got[1:]
		}
		for i, p := range probes {
			if len(got) > 0 && got[0] == p {
				prefix = append(prefix, probes[i:]...)
				break
			}
		}
		followCheck(t, fl, append(prefix, w.want...))
	})
}

func TestFollowHalfWrittenLine(t *testing.T) {
	followModes(t, func(t *testing.T, poll bool) {
		w := &followLogWriter{path: filepath.Join(t.TempDir(), "dev-server.log")}
		if err := w.create(); err != nil {
			t.Fatal(err)
		}
		defer w.close()
		fl := followStart(t, w.path, followOptions{Poll: poll})
		big := strings.Repeat("y", 2<<20)
		halves := []struct{ first, second, want string }{
			{" GET /api/us", "ers/7 200 in 12ms\n", " GET /api/users/7 200 in 12ms"},
			{" GET /big?" + big[:1<<20], big[1<<20:] + " 200 in 9ms\n", " GET /big?" + big + " 200 in 9ms"},
			{" GET /crlf 200 in 1ms\r", "\n", " GET /crlf 200 in 1ms"},
			{" GET /nul\x00", "\xff 200 in 1ms\n", " GET /nul\x00\xff 200 in 1ms"},
		}
		followRunWriter(t, func() error {
			for _, h := range halves {
				// A complete line and the first half of the next in
				// one write: once the follower has delivered the
				// complete line, it has reached the half.
				line := followRequestLine(w.next)
				w.next++
				if err := w.raw(line+"\n"+h.first, line); err != nil {
					return err
				}
				if err := fl.waitCount(len(w.want)); err != nil {
					return err
				}
				if err := w.raw(h.second, h.want); err != nil {
					return err
				}
			}
			return w.end()
		})
		followCheck(t, fl, w.want)
	})
}

func TestFollowReader(t *testing.T) {
	var input bytes.Buffer
	var want []string
	add := func(raw, line string) {
		input.WriteString(raw)
		want = append(want, line)
	}
	for i := range 1000 {
		add(followRequestLine(i)+"\n", followRequestLine(i))
	}
	big := strings.Repeat("z", 2<<20)
	add(" GET /big?"+big+" 200 in 3ms\n", " GET /big?"+big+" 200 in 3ms")
	add(" GET /crlf 200 in 1ms\r\n", " GET /crlf 200 in 1ms")
	add("\n", "")
	add("bin\x00ary \xff\xfe 200 in 2ms\n", "bin\x00ary \xff\xfe 200 in 2ms")
	add(" GET /last 200 in 4ms", " GET /last 200 in 4ms") // no "\n"

	pr, pw := io.Pipe()
	go func() {
		// Odd write sizes, so that lines span reads.
		data := input.Bytes()
		for i := 0; len(data) > 0; i++ {
			n := min(len(data), []int{1, 7, 4093, 70001, 1 << 20}[i%5])
			if _, err := pw.Write(data[:n]); err != nil {
				return
			}
			data = data[n:]
		}
		pw.Close()
	}()
	rec := newFollowRecorder()
	if err := followReader(context.Background(), pr, rec.sink); err != nil {
		t.Fatalf("followReader: %v", err)
	}
	if diff := followDiff(rec.snapshot(), want); diff != "" {
		t.Error(diff)
	}
}

func TestFollowReaderCancel(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	rec := newFollowRecorder()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- followReader(ctx, pr, rec.sink) }()
	if _, err := pw.Write([]byte(followRequestLine(1) + "\n" + followRequestLine(2))); err != nil {
		t.Fatal(err)
	}
	if err := rec.waitCount(1); err != nil {
		t.Fatal(err)
	}
	cancel() // while followReader waits for the rest of the second line
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("followReader returned %v, want nil", err)
		}
	case <-time.After(followWait):
		t.Fatal("followReader did not return after its context ended")
	}
	if diff := followDiff(rec.snapshot(), []string{followRequestLine(1)}); diff != "" {
		t.Error(diff)
	}
}

func TestFollowReaderError(t *testing.T) {
	pr, pw := io.Pipe()
	errBroken := errors.New("broken pipe")
	go func() {
		pw.Write([]byte(followRequestLine(1) + "\n" + followRequestLine(2)))
		pw.CloseWithError(errBroken)
	}()
	rec := newFollowRecorder()
	if err := followReader(context.Background(), pr, rec.sink); !errors.Is(err, errBroken) {
		t.Errorf("followReader returned %v, want %v", err, errBroken)
	}
	if diff := followDiff(rec.snapshot(), []string{followRequestLine(1)}); diff != "" {
		t.Error(diff)
	}
}
