package follow_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reqstats/reqstats/internal/clock"
	"github.com/reqstats/reqstats/internal/follow"
)

// wait bounds every wait for the follower; reaching it fails the test.
const wait = 10 * time.Second

// quiet is how long, in inotify mode, the library may deliver nothing
// before the test steps the clock to run the follower's idle check.
const quiet = 50 * time.Millisecond

// modes runs test once with inotify and once polling.
func modes(t *testing.T, test func(t *testing.T, poll bool)) {
	t.Run("inotify", func(t *testing.T) { test(t, false) })
	t.Run("poll", func(t *testing.T) { test(t, true) })
}

// recorder is a sink that keeps copies of the lines it is given and lets
// other goroutines wait until they satisfy a condition.
type recorder struct {
	mu      sync.Mutex
	lines   []string
	bad     []string      // blocks that were empty or did not end with "\n"
	blocks  []int         // the size of each block
	changed chan struct{} // signalled after each line

	// holds holds up the follower at the lines it lists (see holdAt).
	holds map[int]*gate
}

// gate is where a recorder holds up the follower: it closes held once
// it has recorded the line, then waits until the gate is opened.
type gate struct {
	held, release chan struct{}
	once          sync.Once
}

// open lets the follower go on, now or when it comes to the gate.
func (g *gate) open() { g.once.Do(func() { close(g.release) }) }

// openAll opens every gate of r, so that no follower stays held.
func (r *recorder) openAll() {
	for _, g := range r.holds {
		g.open()
	}
}

// holdAt makes the recorder hold up the follower at its n-th line; it
// must be called before following starts.
func (r *recorder) holdAt(n int) *gate {
	if r.holds == nil {
		r.holds = make(map[int]*gate)
	}
	g := &gate{held: make(chan struct{}), release: make(chan struct{})}
	r.holds[n] = g
	return g
}

// wait waits until the follower is held at the gate, and reports whether
// it was within d.
func (g *gate) wait(d time.Duration) bool {
	select {
	case <-g.held:
		return true
	case <-time.After(d):
		return false
	}
}

func newRecorder() *recorder {
	return &recorder{changed: make(chan struct{}, 1)}
}

// sink records the lines of a block, checking that it holds whole lines.
func (r *recorder) sink(block []byte) {
	r.mu.Lock()
	r.blocks = append(r.blocks, len(block))
	if len(block) == 0 || block[len(block)-1] != '\n' {
		r.bad = append(r.bad, abbrev(string(block)))
	}
	r.mu.Unlock()
	for line := range follow.Lines(block) {
		r.mu.Lock()
		r.lines = append(r.lines, string(line))
		n := len(r.lines)
		r.mu.Unlock()
		select {
		case r.changed <- struct{}{}:
		default:
		}
		if g := r.holds[n]; g != nil {
			close(g.held)
			<-g.release
		}
	}
}

// snapshot returns a copy of the lines recorded so far.
func (r *recorder) snapshot() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.lines...)
}

// count returns the number of lines recorded so far.
func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.lines)
}

// waitCount waits up to d until at least n lines have been recorded.
func (r *recorder) waitCount(d time.Duration, n int) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for r.count() < n {
		select {
		case <-r.changed:
		case <-timer.C:
			return false
		}
	}
	return true
}

// waitQuiet waits until at least n lines have been recorded, or no line
// has come for d, and reports whether n lines have.
func (r *recorder) waitQuiet(d time.Duration, n int) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for r.count() < n {
		select {
		case <-r.changed:
			timer.Reset(d)
		case <-timer.C:
			return false
		}
	}
	return true
}

// session is a follow.File call running on its own goroutine with a fake
// clock.
type session struct {
	*recorder
	clock  *clock.Fake
	poll   bool
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
	err    error
}

// start starts follow.File on path; the test's cleanup stops it.
func start(t *testing.T, path string, opts follow.Options) *session {
	return startTo(t, path, opts, newRecorder())
}

// startTo is start with a recorder of the caller's.
func startTo(t *testing.T, path string, opts follow.Options, rec *recorder) *session {
	ctx, cancel := context.WithCancel(context.Background())
	s := &session{recorder: rec, clock: clock.NewFake(time.Unix(0, 0)), poll: opts.Poll,
		cancel: cancel, done: make(chan error, 1)}
	opts.Clock = s.clock
	go func() { s.done <- follow.File(ctx, path, opts, s.sink) }()
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// waitFor waits until at least n lines have been delivered. When polling,
// it steps the clock until then, so that the follower's idle check reads
// the lines; with inotify, it lets the
// library deliver and steps the clock only when no line has come for a
// while, as the follower's real clock would.
func (s *session) waitFor(n int) error {
	deadline := time.Now().Add(wait)
	for s.count() < n {
		if time.Now().After(deadline) {
			return fmt.Errorf("follower saw %d lines after %v, want %d", s.count(), wait, n)
		}
		if !s.poll && s.waitQuiet(quiet, n) {
			break
		}
		if err := s.clock.Step(); err != nil {
			return err
		}
	}
	return nil
}

// stop cancels follow.File and returns an error unless it returned nil.
func (s *session) stop() error {
	s.once.Do(func() {
		s.cancel()
		select {
		case err := <-s.done:
			if err != nil {
				s.err = fmt.Errorf("follow.File returned %v", err)
			}
		case <-time.After(wait):
			s.err = errors.New("follow.File did not return after its context ended")
		}
	})
	return s.err
}

// logWriter writes request lines to a log file like a dev server, and
// records what a follower must deliver.
type logWriter struct {
	path string
	f    *os.File
	next int      // number of the next request line
	want []string // lines the follower must deliver, in order
}

// newLogWriter returns a logWriter for dev-server.log in a new temporary
// directory, and closes its file when the test ends.
func newLogWriter(t *testing.T) *logWriter {
	w := &logWriter{path: filepath.Join(t.TempDir(), "dev-server.log")}
	t.Cleanup(w.close)
	return w
}

// create (re)creates the file at w.path, truncating it, and writes to it
// from now on instead of the previous file, which it closes.
func (w *logWriter) create() error {
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

// rotate renames the log to its name and ".1", as logrotate does, and
// creates a new one at its path.
func (w *logWriter) rotate() error {
	if err := os.Rename(w.path, w.path+".1"); err != nil {
		return err
	}
	return w.create()
}

func (w *logWriter) close() {
	if w.f != nil {
		w.f.Close()
		w.f = nil
	}
}

// requestLine returns the i-th request line; all have the same length.
func requestLine(i int) string {
	return fmt.Sprintf(" GET /api/users/%06d 200 in %03dms", i, i*37%1000)
}

// lines writes n request lines, each with one write, as a dev server does.
func (w *logWriter) lines(n int) error {
	for range n {
		line := requestLine(w.next)
		w.next++
		if _, err := w.f.WriteString(line + "\n"); err != nil {
			return err
		}
		w.want = append(w.want, line)
	}
	return nil
}

// raw writes s as is; want lists the lines it completes.
func (w *logWriter) raw(s string, want ...string) error {
	_, err := w.f.WriteString(s)
	w.want = append(w.want, want...)
	return err
}

// end writes the last line, which the test waits for before checking.
func (w *logWriter) end() error {
	return w.raw("END\n", "END")
}

// runWriter runs script on its own goroutine and fails the test if it fails.
func runWriter(t *testing.T, script func() error) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- script() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * wait):
		t.Fatal("writer did not finish")
	}
}

// check stops s and checks that it delivered exactly want, in order.
func check(t *testing.T, s *session, want []string) {
	t.Helper()
	if err := s.waitFor(len(want)); err != nil {
		t.Error(err)
	}
	if err := s.stop(); err != nil {
		t.Error(err)
	}
	if d := diff(s.snapshot(), want); d != "" {
		t.Error(d)
	}
	if bad := s.badBlocks(); len(bad) > 0 {
		t.Errorf("blocks of no whole line: %q", bad)
	}
}

// badBlocks returns the blocks that were empty or did not end with "\n".
func (r *recorder) badBlocks() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.bad...)
}

// diff describes how got differs from want, or returns "".
func diff(got, want []string) string {
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
			fmt.Fprintf(&b, "\nfirst difference at line %d:\n got: %s\nwant: %s", i, abbrev(g), abbrev(w))
			break
		}
	}
	return b.String()
}

// abbrev abbreviates long lines in failure messages.
func abbrev(s string) string {
	if len(s) > 80 {
		return fmt.Sprintf("%q... (%d bytes)", s[:60], len(s))
	}
	return fmt.Sprintf("%q", s)
}

func TestFollowGrowth(t *testing.T) { modes(t, testGrowth) }

func testGrowth(t *testing.T, poll bool) {
	w := newLogWriter(t)
	if err := w.create(); err != nil {
		t.Fatal(err)
	}
	if err := w.lines(50); err != nil { // already there when following starts
		t.Fatal(err)
	}
	s := start(t, w.path, follow.Options{Poll: poll})
	big := strings.Repeat("x", 3<<20)
	runWriter(t, func() error {
		for range 4 {
			if err := w.lines(50); err != nil {
				return err
			}
			if err := s.waitFor(len(w.want)); err != nil {
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
	check(t, s, w.want)
}

func TestFollowBlocks(t *testing.T) { modes(t, testBlocks) }

// testBlocks follows a file that holds 3 MiB of short lines when following
// starts, then gets as much again in one write: the lines come in blocks of
// at most 64 KiB, many lines to a block.
func testBlocks(t *testing.T, poll bool) {
	w := newLogWriter(t)
	if err := w.create(); err != nil {
		t.Fatal(err)
	}
	bulk := func() error {
		var b strings.Builder
		for b.Len() < 3<<20 {
			line := requestLine(w.next)
			w.next++
			b.WriteString(line + "\n")
			w.want = append(w.want, line)
		}
		_, err := w.f.WriteString(b.String())
		return err
	}
	if err := bulk(); err != nil {
		t.Fatal(err)
	}
	var caughtUp atomic.Int64 // the bytes CaughtUp was told of
	told := make(chan struct{}, 1)
	s := start(t, w.path, follow.Options{Poll: poll, CaughtUp: func(n int64) {
		caughtUp.Add(n)
		select {
		case told <- struct{}{}:
		default:
		}
	}})
	if err := s.waitFor(len(w.want)); err != nil {
		t.Fatal(err)
	}
	runWriter(t, func() error {
		if err := bulk(); err != nil {
			return err
		}
		return w.end()
	})
	check(t, s, w.want)
	// Each look that handed lines over tells CaughtUp of their bytes,
	// after the last of its blocks.
	var delivered int64
	for _, line := range w.want {
		delivered += int64(len(line)) + 1
	}
	timeout := time.After(10 * time.Second)
	for caughtUp.Load() < delivered {
		select {
		case <-told:
		case <-timeout:
			t.Fatalf("CaughtUp was told of %d bytes, want the %d delivered", caughtUp.Load(), delivered)
		}
	}
	if n := caughtUp.Load(); n != delivered {
		t.Errorf("CaughtUp was told of %d bytes, want the %d delivered", n, delivered)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range s.blocks {
		if n > 64<<10 {
			t.Errorf("a block of %d bytes, want at most 64 KiB", n)
		}
	}
	// Blocks of up to 64 KiB of lines of about 40 bytes, and what a read
	// made while the writer wrote completed: far fewer blocks than lines.
	if len(s.blocks) > len(w.want)/100 {
		t.Errorf("%d lines came in %d blocks", len(w.want), len(s.blocks))
	}
}

func TestFollowTruncate(t *testing.T) { modes(t, testTruncate) }

func testTruncate(t *testing.T, poll bool) {
	w := newLogWriter(t)
	if err := w.create(); err != nil {
		t.Fatal(err)
	}
	s := start(t, w.path, follow.Options{Poll: poll})
	runWriter(t, func() error {
		if err := w.lines(100); err != nil {
			return err
		}
		if err := s.waitFor(len(w.want)); err != nil {
			return err
		}
		// `> dev-server.log`, and the restarted server writes at once,
		// more than the file held: the library alone misses this
		// truncation when its check comes late.
		if err := os.Truncate(w.path, 0); err != nil {
			return err
		}
		if err := w.lines(300); err != nil {
			return err
		}
		if err := s.waitFor(len(w.want)); err != nil {
			return err
		}
		// Again, but the new content has exactly the old size: no size
		// check can tell it from no change at all, so only the idle
		// check, run by stepping the clock, finds these lines.
		if err := os.Truncate(w.path, 0); err != nil {
			return err
		}
		if err := w.lines(300); err != nil {
			return err
		}
		if err := s.waitFor(len(w.want)); err != nil {
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
	check(t, s, w.want)
}

func TestFollowRotate(t *testing.T) { modes(t, testRotate) }

func testRotate(t *testing.T, poll bool) {
	w := newLogWriter(t)
	if err := w.create(); err != nil {
		t.Fatal(err)
	}
	s := start(t, w.path, follow.Options{Poll: poll})
	runWriter(t, func() error {
		if err := w.lines(100); err != nil {
			return err
		}
		if err := s.waitFor(len(w.want)); err != nil {
			return err
		}
		if err := os.Rename(w.path, w.path+".1"); err != nil {
			return err
		}
		// The server still writes to the renamed file until it reopens
		// its log: the library alone loses these lines.
		if err := w.lines(20); err != nil {
			return err
		}
		if err := w.create(); err != nil {
			return err
		}
		if err := w.lines(100); err != nil {
			return err
		}
		if err := s.waitFor(len(w.want)); err != nil {
			return err
		}
		// Rotate again without waiting for the follower: the lines it
		// has not read yet are in the renamed file.
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
	check(t, s, w.want)
}

func TestFollowDeleteRecreate(t *testing.T) { modes(t, testDeleteRecreate) }

func testDeleteRecreate(t *testing.T, poll bool) {
	w := newLogWriter(t)
	if err := w.create(); err != nil {
		t.Fatal(err)
	}
	s := start(t, w.path, follow.Options{Poll: poll})
	runWriter(t, func() error {
		if err := w.lines(100); err != nil {
			return err
		}
		if err := s.waitFor(len(w.want)); err != nil {
			return err
		}
		if err := os.Remove(w.path); err != nil {
			return err
		}
		// Lines written to the deleted file by a server that still has
		// it open are delivered too: by the idle check, as the library
		// has closed the file.
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
		if err := s.waitFor(len(w.want)); err != nil {
			return err
		}
		if err := w.create(); err != nil {
			return err
		}
		if err := w.lines(100); err != nil {
			return err
		}
		if err := s.waitFor(len(w.want)); err != nil {
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
	check(t, s, w.want)
}

func TestFollowNotExistYet(t *testing.T) { modes(t, testNotExistYet) }

func testNotExistYet(t *testing.T, poll bool) {
	for _, sub := range []string{"", "logs"} { // "logs": not even the directory exists
		t.Run("dir="+sub, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), sub)
			w := &logWriter{path: filepath.Join(dir, "dev-server.log")}
			t.Cleanup(w.close)
			s := start(t, w.path, follow.Options{Poll: poll})
			runWriter(t, func() error {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					return err
				}
				if err := w.create(); err != nil {
					return err
				}
				if err := w.lines(100); err != nil {
					return err
				}
				if err := s.waitFor(len(w.want)); err != nil {
					return err
				}
				if err := w.lines(100); err != nil {
					return err
				}
				return w.end()
			})
			check(t, s, w.want)
		})
	}
}

func TestFollowVanishWhileReading(t *testing.T) { modes(t, testVanishWhileReading) }

func testVanishWhileReading(t *testing.T, poll bool) {
	w := newLogWriter(t)
	if err := w.create(); err != nil {
		t.Fatal(err)
	}
	// More than a block (1 MiB), so that the follower is in the middle of
	// the file when the sink, which holds it at line 10, lets it go on
	// after the file was deleted.
	if err := w.lines(1000); err != nil {
		t.Fatal(err)
	}
	big := " GET /big?" + strings.Repeat("v", 2<<20) + " 200 in 8ms"
	if err := w.raw(big+"\n", big); err != nil {
		t.Fatal(err)
	}
	if err := w.lines(1000); err != nil {
		t.Fatal(err)
	}
	// With inotify, the library, started once the follower has read the
	// file, waits for the path to exist again; polling, the idle check
	// alone reads.
	rec := newRecorder()
	g := rec.holdAt(10)
	s := startTo(t, w.path, follow.Options{Poll: poll}, rec)
	t.Cleanup(rec.openAll) // runs before the session's stop
	runWriter(t, func() error {
		if !g.wait(wait) {
			return errors.New("follower did not reach line 10")
		}
		err := os.Remove(w.path)
		g.open()
		if err != nil {
			return err
		}
		// The rest is read from the open descriptor: no step.
		if !s.waitCount(wait, len(w.want)) {
			return fmt.Errorf("follower saw %d lines after %v, want %d", s.count(), wait, len(w.want))
		}
		if err := w.create(); err != nil {
			return err
		}
		if err := w.lines(100); err != nil {
			return err
		}
		return w.end()
	})
	check(t, s, w.want)
}

func TestFollowNotRegular(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	err := follow.File(ctx, t.TempDir(), follow.Options{}, func([]byte) {})
	if err == nil {
		t.Error("follow.File on a directory returned nil, want an error")
	}
}

func TestFollowFromEnd(t *testing.T) { modes(t, testFromEnd) }

func testFromEnd(t *testing.T, poll bool) {
	for _, half := range []string{"", " GET /half"} {
		t.Run(fmt.Sprintf("half=%q", half), func(t *testing.T) {
			w := newLogWriter(t)
			if err := w.create(); err != nil {
				t.Fatal(err)
			}
			if err := w.lines(100); err != nil {
				t.Fatal(err)
			}
			if err := w.raw(half); err != nil { // being written when following starts
				t.Fatal(err)
			}
			w.want = nil
			s := start(t, w.path, follow.Options{FromEnd: true, Poll: poll})
			runWriter(t, func() error {
				// The follower makes its ticker once it has opened the
				// file and started the library at the end: Step waits
				// for it.
				if err := s.clock.Step(); err != nil {
					return err
				}
				if half != "" {
					if err := w.raw("way 200 in 5ms\n", half+"way 200 in 5ms"); err != nil {
						return err
					}
				}
				if err := w.lines(100); err != nil {
					return err
				}
				return w.end()
			})
			check(t, s, w.want)
		})
	}
}

func TestFollowHalfWrittenLine(t *testing.T) { modes(t, testHalfWrittenLine) }

func testHalfWrittenLine(t *testing.T, poll bool) {
	w := newLogWriter(t)
	if err := w.create(); err != nil {
		t.Fatal(err)
	}
	s := start(t, w.path, follow.Options{Poll: poll})
	big := strings.Repeat("y", 2<<20)
	halves := []struct{ first, second, want string }{
		{" GET /api/us", "ers/7 200 in 12ms\n", " GET /api/users/7 200 in 12ms"},
		{" GET /big?" + big[:1<<20], big[1<<20:] + " 200 in 9ms\n", " GET /big?" + big + " 200 in 9ms"},
		{" GET /crlf 200 in 1ms\r", "\n", " GET /crlf 200 in 1ms"},
		{" GET /nul\x00", "\xff 200 in 1ms\n", " GET /nul\x00\xff 200 in 1ms"},
	}
	runWriter(t, func() error {
		for _, h := range halves {
			// A complete line and the first half of the next in one
			// write: once the follower has delivered the complete
			// line, it has reached the half.
			line := requestLine(w.next)
			w.next++
			if err := w.raw(line+"\n"+h.first, line); err != nil {
				return err
			}
			if err := s.waitFor(len(w.want)); err != nil {
				return err
			}
			// Let the follower look at the half line before it is
			// completed: two steps, so that the idle check of the
			// first has run.
			for range 2 {
				if err := s.clock.Step(); err != nil {
					return err
				}
			}
			if err := w.raw(h.second, h.want); err != nil {
				return err
			}
		}
		return w.end()
	})
	check(t, s, w.want)
}

// TestFollowIdleCheck checks that stepping the clock, and nothing else,
// delivers the lines while polling, when the idle check alone reads:
// an equal-size rewrite and lines written to a deleted file. No real time
// needs to pass, so a handful of steps must do.
func TestFollowIdleCheck(t *testing.T) {
	const maxSteps = 10
	w := newLogWriter(t)
	if err := w.create(); err != nil {
		t.Fatal(err)
	}
	s := start(t, w.path, follow.Options{Poll: true})
	steps := func(what string) {
		t.Helper()
		for i := 0; s.count() < len(w.want); i++ {
			if i == maxSteps {
				t.Fatalf("%s: %d lines after %d steps, want %d", what, s.count(), i, len(w.want))
			}
			if err := s.clock.Step(); err != nil {
				t.Fatal(err)
			}
		}
		if d := diff(s.snapshot(), w.want); d != "" {
			t.Fatalf("%s: %s", what, d)
		}
	}
	if err := w.lines(100); err != nil {
		t.Fatal(err)
	}
	steps("growth")
	if err := os.Truncate(w.path, 0); err != nil {
		t.Fatal(err)
	}
	if err := w.lines(100); err != nil {
		t.Fatal(err)
	}
	steps("equal-size rewrite")
	if err := os.Remove(w.path); err != nil {
		t.Fatal(err)
	}
	if err := w.lines(10); err != nil {
		t.Fatal(err)
	}
	steps("deleted file")
	if err := w.create(); err != nil {
		t.Fatal(err)
	}
	if err := w.lines(10); err != nil {
		t.Fatal(err)
	}
	steps("recreated file")
}

// TestFollowRepeat runs the tests of truncation, rotation and deletion
// many times, to catch the races between the library, the follower and
// the writer that a single run rarely hits.
func TestFollowRepeat(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: runs each test 20 times")
	}
	for i := range 20 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			for name, test := range map[string]func(*testing.T, bool){
				"truncate": testTruncate, "rotate": testRotate, "delete": testDeleteRecreate,
				"vanish": testVanishWhileReading, "halfwritten": testHalfWrittenLine,
			} {
				t.Run(name, func(t *testing.T) { modes(t, test) })
			}
		})
	}
}

// losses records what a follower tells through Options.OnLost.
type losses struct {
	mu   sync.Mutex
	list []follow.Loss
}

func (l *losses) add(loss follow.Loss) {
	l.mu.Lock()
	l.list = append(l.list, loss)
	l.mu.Unlock()
}

func (l *losses) get() []follow.Loss {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]follow.Loss(nil), l.list...)
}

func TestFollowLostRotated(t *testing.T) { modes(t, testLostRotated) }

// testLostRotated writes to a rotated file after the follower has moved on
// to the new one: those bytes, and the unterminated line the old file held,
// are told as lost once the follower lets the old file go.
func testLostRotated(t *testing.T, poll bool) {
	w := newLogWriter(t)
	if err := w.create(); err != nil {
		t.Fatal(err)
	}
	var lost losses
	s := start(t, w.path, follow.Options{Poll: poll, OnLost: lost.add})
	half := " GET /half"
	late := requestLine(9999) + "\n"
	runWriter(t, func() error {
		if err := w.lines(10); err != nil {
			return err
		}
		if err := w.raw(half); err != nil {
			return err
		}
		if err := s.waitFor(len(w.want)); err != nil {
			return err
		}
		if err := os.Rename(w.path, w.path+".1"); err != nil {
			return err
		}
		old := w.f
		w.f = nil // kept open: the server still writes to it
		defer old.Close()
		if err := w.create(); err != nil {
			return err
		}
		if err := w.lines(10); err != nil {
			return err
		}
		if err := s.waitFor(len(w.want)); err != nil {
			return err
		}
		// The follower has moved on: this line is not delivered.
		if _, err := old.WriteString(late); err != nil {
			return err
		}
		if len(lost.get()) != 0 {
			return fmt.Errorf("lost told before the old file was let go: %v", lost.get())
		}
		// The old file is let go after eight idle checks.
		for range 8 {
			if err := s.clock.Step(); err != nil {
				return err
			}
		}
		return w.end()
	})
	check(t, s, w.want)
	want := []follow.Loss{{Reason: follow.LostRotated, Bytes: int64(len(half) + len(late))}}
	if got := lost.get(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("lost %v, want %v", got, want)
	}
}

func TestFollowLostTruncated(t *testing.T) { modes(t, testLostTruncated) }

// testLostTruncated truncates the file while it ends with an unterminated
// line the follower has read: those bytes are told as lost, and the new
// content is delivered from its start.
func testLostTruncated(t *testing.T, poll bool) {
	w := newLogWriter(t)
	if err := w.create(); err != nil {
		t.Fatal(err)
	}
	var lost losses
	s := start(t, w.path, follow.Options{Poll: poll, OnLost: lost.add})
	half := " GET /half"
	runWriter(t, func() error {
		if err := w.lines(10); err != nil {
			return err
		}
		if err := w.raw(half); err != nil {
			return err
		}
		if err := s.waitFor(len(w.want)); err != nil {
			return err
		}
		// Three steps: the idle check of the second (the first may find
		// the follower busy) has read the half line once the third tick
		// is taken.
		for range 3 {
			if err := s.clock.Step(); err != nil {
				return err
			}
		}
		if err := os.Truncate(w.path, 0); err != nil {
			return err
		}
		if err := w.lines(10); err != nil {
			return err
		}
		return w.end()
	})
	check(t, s, w.want)
	want := []follow.Loss{{Reason: follow.LostTruncated, Bytes: int64(len(half))}}
	if got := lost.get(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("lost %v, want %v", got, want)
	}
}

func TestFollowRotateWhileCatchingUp(t *testing.T) { modes(t, testRotateWhileCatchingUp) }

// testRotateWhileCatchingUp rotates the file twice while the follower is
// still catching up on it (the sink holds it up, as a slow one would), the
// second time after the follower has handed over more blocks: the file in
// between, gone from the path by the time the follower has read the first
// to its end, is read before the last one.
func testRotateWhileCatchingUp(t *testing.T, poll bool) {
	w := newLogWriter(t)
	if err := w.create(); err != nil {
		t.Fatal(err)
	}
	// 4 MiB in one write: reads of 1 MiB, handed over in blocks of 64 KiB;
	// the holds are in the first block and in the third.
	var b strings.Builder
	for b.Len() < 4<<20 {
		line := requestLine(w.next)
		w.next++
		b.WriteString(line + "\n")
		w.want = append(w.want, line)
	}
	if err := w.raw(b.String()); err != nil {
		t.Fatal(err)
	}
	perBlock := (64 << 10) / (len(requestLine(0)) + 1)
	rec := newRecorder()
	first, second := rec.holdAt(10), rec.holdAt(2*perBlock+10)
	s := startTo(t, w.path, follow.Options{Poll: poll}, rec)
	t.Cleanup(rec.openAll) // runs before the session's stop
	rotate := func(suffix string) error {
		if err := os.Rename(w.path, w.path+suffix); err != nil {
			return err
		}
		if err := w.create(); err != nil {
			return err
		}
		return w.lines(10)
	}
	runWriter(t, func() error {
		for i, g := range []*gate{first, second} {
			if !g.wait(wait) {
				return fmt.Errorf("follower not held at hold %d", i+1)
			}
			err := rotate(fmt.Sprintf(".%d", i+1))
			g.open()
			if err != nil {
				return err
			}
		}
		return w.end()
	})
	check(t, s, w.want)
}

func TestFollowRotateTwiceBehind(t *testing.T) { modes(t, testRotateTwiceBehind) }

// testRotateTwiceBehind rotates twice before the follower moves on from
// the first file: the file in between, which the follower noticed while it
// was still empty, is read before the last one.
func testRotateTwiceBehind(t *testing.T, poll bool) {
	w := newLogWriter(t)
	if err := w.create(); err != nil {
		t.Fatal(err)
	}
	s := start(t, w.path, follow.Options{Poll: poll})
	runWriter(t, func() error {
		if err := w.lines(10); err != nil {
			return err
		}
		if err := s.waitFor(len(w.want)); err != nil {
			return err
		}
		if err := os.Rename(w.path, w.path+".1"); err != nil {
			return err
		}
		if err := w.create(); err != nil { // empty: not moved on to yet
			return err
		}
		// Two steps: the check of the first has noticed the new file
		// once the second tick is taken.
		for range 2 {
			if err := s.clock.Step(); err != nil {
				return err
			}
		}
		if err := w.lines(10); err != nil {
			return err
		}
		if err := os.Rename(w.path, w.path+".1"); err != nil {
			return err
		}
		if err := w.create(); err != nil {
			return err
		}
		if err := w.lines(10); err != nil {
			return err
		}
		return w.end()
	})
	check(t, s, w.want)
}

func TestFollowRotateWhileSinkBusy(t *testing.T) { modes(t, testRotateWhileSinkBusy) }

// testRotateWhileSinkBusy rotates twice while the sink holds the follower
// up over one block, as a sink slowed down by a loaded machine does: the
// file in between comes and goes at the path before the follower is back
// from the sink. The follower must have opened it meanwhile, and deliver
// its lines after the first file's and before the last one's.
func testRotateWhileSinkBusy(t *testing.T, poll bool) {
	w, s, held, lost := followHeld(t, poll)
	runWriter(t, func() error {
		defer held.open()
		if !held.wait(wait) {
			return errors.New("follower not held in the sink")
		}
		if err := w.rotate(); err != nil {
			return err
		}
		if err := w.lines(10); err != nil {
			return err
		}
		// The follower opens the new file while its sink is still busy.
		if err := waitOpened(w.f, wait); err != nil {
			t.Error(err)
		}
		// The second rotation replaces the name the first file was
		// renamed to: the file in between is left nowhere but in the
		// follower's hands.
		if err := w.rotate(); err != nil {
			return err
		}
		if err := w.lines(10); err != nil {
			return err
		}
		return w.end()
	})
	check(t, s, w.want)
	if got := lost.get(); len(got) > 0 {
		t.Errorf("lost %v, want nothing lost", got)
	}
}

// followHeld writes ten lines to a new log and follows it, with a sink
// that holds the follower up at the fifth line (within the first block)
// until held is opened.
func followHeld(t *testing.T, poll bool) (w *logWriter, s *session, held *gate, lost *losses) {
	t.Helper()
	w = newLogWriter(t)
	if err := w.create(); err != nil {
		t.Fatal(err)
	}
	if err := w.lines(10); err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	held = rec.holdAt(5)
	lost = new(losses)
	s = startTo(t, w.path, follow.Options{Poll: poll, OnLost: lost.add}, rec)
	t.Cleanup(rec.openAll) // runs before the session's stop
	return w, s, held, lost
}

// waitOpened waits, up to d, until file is open in this process more than
// once: the writer's descriptor and another, the follower's. It looks at
// /proc/self/fd every millisecond.
func waitOpened(file *os.File, d time.Duration) error {
	fi, err := file.Stat()
	if err != nil {
		return err
	}
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	timeout := time.After(d)
	for {
		fds, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			return err
		}
		n := 0
		for _, fd := range fds {
			if ofi, err := os.Stat(filepath.Join("/proc/self/fd", fd.Name())); err == nil && os.SameFile(fi, ofi) {
				n++
			}
		}
		if n > 1 {
			return nil
		}
		select {
		case <-tick.C:
		case <-timeout:
			return fmt.Errorf("the new file was not opened by the follower within %v", d)
		}
	}
}

func TestFollowLostMissed(t *testing.T) { modes(t, testLostMissed) }

// testLostMissed rotates while the sink holds the follower up until it
// has queued as many files as it may (follow.MaxNext), then twice more:
// the first of those two it could not open before it was replaced, so its
// lines are lost, and that is told; the last one is read.
func testLostMissed(t *testing.T, poll bool) {
	w, s, held, lost := followHeld(t, poll)
	runWriter(t, func() error {
		defer held.open()
		if !held.wait(wait) {
			return errors.New("follower not held in the sink")
		}
		for range follow.MaxNext {
			if err := w.rotate(); err != nil {
				return err
			}
			if err := w.lines(2); err != nil {
				return err
			}
			if err := waitOpened(w.f, wait); err != nil {
				return err
			}
		}
		if err := w.rotate(); err != nil {
			return err
		}
		// Written to a file the follower cannot queue: not delivered.
		if err := w.lines(2); err != nil {
			return err
		}
		w.want = w.want[:len(w.want)-2]
		if err := w.rotate(); err != nil {
			return err
		}
		if err := w.lines(2); err != nil {
			return err
		}
		return w.end()
	})
	if err := s.waitFor(len(w.want)); err != nil {
		t.Error(err)
	}
	// The loss is told at the follower's next wake-up or tick.
	for i := 0; i < 100 && len(lost.get()) == 0; i++ {
		if err := s.clock.Step(); err != nil {
			t.Fatal(err)
		}
	}
	check(t, s, w.want)
	want := []follow.Loss{{Reason: follow.LostMissed}}
	if got := lost.get(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("lost %v, want %v", got, want)
	}
}
