package follow

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/nxadm/tail"

	"github.com/reqstats/reqstats/internal/clock"
)

// checkEvery is how often File checks the file itself when the library has
// delivered no line since the previous check.
const checkEvery = 250 * time.Millisecond

const (
	fingerprintLen = 256      // delivered bytes kept to recognise the file's content
	verifyLen      = 512      // bytes of a library line compared with the file, at most
	chunkLen       = 64 << 10 // read size when File reads the file itself
	keepCap        = 1 << 20  // larger scratch buffers are released after use
)

// Options configures File.
type Options struct {
	FromEnd bool // start at the end of the file instead of its beginning
	Poll    bool // poll for changes instead of using inotify (WSL, Docker mounts, NFS)

	// Clock paces File's idle check and its pause before restarting the
	// library; nil means clock.Real. Tests pass a *clock.Fake and step it.
	Clock clock.Clock
}

// File delivers each complete line of the file at path to sink, first the
// lines it already holds (unless FromEnd), then new ones as they are
// written, across truncation, rename-and-recreate rotation and deletion and
// recreation, until ctx is done. It returns nil when ctx ends, or an error
// it cannot recover from, such as a path that is not a regular file. The
// line passed to sink has no trailing "\n" or "\r"; sink must not keep it
// after returning. A process must not follow the same path twice at a time
// (see the last trap below).
//
// A file that does not exist yet is waited for and read from its beginning
// when it appears, even with FromEnd. With FromEnd, a line that is half
// written when following starts is delivered whole once it is complete.
//
// # How
//
// File uses github.com/nxadm/tail (Follow, ReOpen and CompleteLines on,
// MustExist off, logger silenced) to read the file and to learn quickly
// about new data. The library on its own loses or repeats lines in the
// situations below (all checked against v1.4.11), so File keeps a "shadow"
// file descriptor on the same file and a ledger: the offset up to which it
// has delivered complete lines, and the last 256 bytes (fingerprintLen) it
// delivered before that offset. A line from the library is delivered only
// if the shadow holds those bytes immediately followed by the line at the
// offset the library reports (one pread per line); otherwise the file
// changed under the library, and File delivers what it has not yet
// delivered by reading the shadow itself. Lines the library reports below
// the ledger's offset are dropped as repeats. Shadow reads deliver only
// "\n"-terminated lines, like CompleteLines. The check costs one pread per
// line: following is about 20% slower than the library alone (about 100k
// lines/s either way, bounded by the library's channel send and two lseeks
// per line).
//
// The idle check runs every 250 ms (checkEvery) of Options.Clock while the
// library has delivered no line since the previous one: it adopts a new
// file at the path once that holds a complete line, compares the
// fingerprint, and delivers the complete lines the shadow holds beyond the
// ledger.
//
// # Traps, and how they are handled
//
// Half-written lines: with CompleteLines off the library emits a line's
// first part as a line of its own. It is on.
//
// Truncation: the library detects it only by a size drop between two checks
// of its watcher (each inotify event, or every 250 ms when polling),
// compared with the size at the previous check, not with its read offset.
// If the file is truncated and then regrows to at least its old size before
// that check (fast writer, or a rewrite of equal size), the library never
// notices and keeps reading at its old offset: it loses the new data up to
// there and delivers a fragment of a line. Even when it does notice, a
// notification for an earlier write can make it read at the old offset
// first (fragment) and then again from 0 (repeats). The fingerprint check
// catches both: the bytes before the ledger's offset no longer match, so
// File starts over at offset 0 of the new content. A rewrite after which
// the library delivers nothing (an equal-size rewrite leaves it at the end
// of the file) is caught by the idle check. Remaining windows:
//  1. if the new content reproduces, at the same offsets, the fingerprint
//     bytes before the ledger's offset and the start of the next line (e.g.
//     a restarted server writing the same banner again, and nothing else
//     yet), a rewrite looks like an append and the lines before that offset
//     are not delivered again;
//  2. lines that were still unread (or read by the library but not yet
//     checked) when the file was truncated are gone, which no reader can
//     avoid;
//  3. a truncation to a non-zero size looks like a rewrite, so the kept
//     prefix is delivered again.
//
// Rename (rotation) and deletion: the library closes the old file as soon
// as it sees the rename or unlink, even when the notification for lines
// written just before it is still pending (both arrive at once and Go's
// select picks at random), and never reads lines that the writer still
// appends to the old file through its open descriptor. The shadow keeps the
// old file open, and before File delivers anything from the new file it
// drains the old one (every complete line after the ledger's offset). While
// the path does not exist, the idle check drains the old file. Remaining
// windows:
//  1. lines appended to the old file after the new file has received its
//     first complete line (and the library or the idle check has seen it)
//     are lost;
//  2. if the path is replaced twice before the library or File opens the
//     file in between, that file's lines are lost.
//
// Lost wake-up: the library starts its inotify watch only when it first
// reaches the end of a (re)opened file; data written between that read and
// the watch produces no event, so those lines wait for the next write.
// inotify queue overflows and file systems where inotify stays silent
// (network and some container mounts) have the same effect. The idle check
// reads such lines from the shadow after at most two of its intervals; it
// also adopts a new file at the path once it holds a complete line.
//
// os.Exit: the library calls util.Fatal (os.Exit) if ReOpen is set without
// Follow (never done here) and if fsnotify.NewWatcher fails the first time
// it needs inotify. File tries fsnotify.NewWatcher itself first and polls
// instead if it fails. Remaining windows:
//  1. the library's own watcher is created later (once per process); if the
//     limit on inotify instances is reached in between, the process exits;
//  2. the library's watcher goroutines also call util.Fatal when stat(path)
//     fails with an error other than "does not exist" (e.g. permission
//     denied after a chmod of the directory), which cannot be intercepted.
//
// Other watcher failures (no inotify watch left, a parent directory that
// does not exist yet, the file vanishing between open and watch) make the
// library stop with an error; File then starts it again in poll mode, after
// a pause of one interval if it was polling already and the file vanished.
// Each such failure can leave an entry in the library's process-wide
// inotify tracker; together with its name-keyed bookkeeping, this means one
// process must not follow the same path twice at a time. The tracker also
// logs fsnotify errors (e.g. queue overflow) to stderr with a logger of its
// own that cannot be silenced.
func File(ctx context.Context, path string, opts Options, sink func(line []byte)) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("follow %s: %w", path, err)
	}
	clk := opts.Clock
	if clk == nil {
		clk = clock.Real{}
	}
	f := &follower{path: abs, sink: sink, poll: opts.Poll || !inotifyOK(), clock: clk}
	defer f.closeShadow()
	if err := f.open(opts.FromEnd); err != nil {
		return fmt.Errorf("follow %s: %w", path, err)
	}
	return f.run(ctx)
}

// inotifyOK reports whether a file-system watcher can be created, so that
// the library is never left to call os.Exit because it cannot.
func inotifyOK() bool {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return false
	}
	w.Close()
	return true
}

// follower is the state of one File call: the shadow and the ledger that
// File's doc describes. Only File's goroutine uses it.
type follower struct {
	path  string // absolute
	sink  func(line []byte)
	poll  bool
	clock clock.Clock

	shadow     *os.File    // the file being followed, or nil while there is none
	shadowInfo os.FileInfo // its identity
	off        int64       // end of the last line delivered from shadow
	last       []byte      // the up to fingerprintLen bytes delivered before off

	scratch []byte // pread buffer for checks
	chunk   []byte // read buffer for catchUp
	pending []byte // catchUp's unfinished line
	line    []byte // a library line and its "\n"
}

// open opens the file at f.path as the shadow, if it exists, and with fromEnd
// puts the ledger at the start of its last, unterminated line (its end if
// the file ends with "\n").
func (f *follower) open(fromEnd bool) error {
	fi, err := os.Stat(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() { // opening a FIFO would block
		return errors.New("not a regular file")
	}
	file, err := os.Open(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi, err = file.Stat(); err != nil {
		file.Close()
		return err
	}
	f.shadow, f.shadowInfo = file, fi
	if !fromEnd {
		return nil
	}
	f.off, err = lastLineStart(file, fi.Size())
	if err != nil {
		return err
	}
	k := min(f.off, fingerprintLen)
	f.last = make([]byte, k)
	if _, err := file.ReadAt(f.last, f.off-k); err != nil {
		return err
	}
	return nil
}

// lastLineStart returns the offset just after the last "\n" in the first
// size bytes of file, or 0 if there is none.
func lastLineStart(file *os.File, size int64) (int64, error) {
	buf := make([]byte, chunkLen)
	for pos := size; pos > 0; {
		n := min(pos, int64(len(buf)))
		pos -= n
		if _, err := file.ReadAt(buf[:n], pos); err != nil {
			return 0, err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			return pos + int64(i) + 1, nil
		}
	}
	return 0, nil
}

// run follows until ctx is done, restarting the library in poll mode when it
// stops with an error.
func (f *follower) run(ctx context.Context) error {
	t, err := f.startTail()
	if err != nil {
		return err
	}
	defer func() { t.Stop() }()
	tick := f.clock.NewTicker(checkEvery)
	defer tick.Stop()
	busy := false // a library line came in since the last tick
	for {
		select {
		case <-ctx.Done():
			return nil
		case l, ok := <-t.Lines:
			if ok {
				busy = true
				f.onLine(ctx, l)
				continue
			}
			err := t.Wait()
			if ctx.Err() != nil {
				return nil
			}
			if err == nil {
				err = errors.New("tail stopped")
			}
			if f.poll {
				if !errors.Is(err, fs.ErrNotExist) {
					return fmt.Errorf("follow %s: %w", f.path, err)
				}
				// The file vanished between two of the library's steps:
				// wait a moment so that a file that keeps vanishing
				// does not make this spin, then start over.
				select {
				case <-ctx.Done():
					return nil
				case <-f.clock.After(checkEvery):
				}
			}
			f.poll = true
			next, err := f.startTail()
			if err != nil {
				return err
			}
			t = next
		case <-tick.C():
			if busy {
				busy = false
				continue
			}
			f.check(ctx)
		}
	}
}

// startTail starts the library on f.path, at the ledger's offset if the
// shadow is still the file at the path.
func (f *follower) startTail() (*tail.Tail, error) {
	cfg := tail.Config{
		Follow:        true, // ReOpen without Follow makes the library call os.Exit
		ReOpen:        true,
		CompleteLines: true,
		Poll:          f.poll,
		Logger:        tail.DiscardingLogger,
	}
	if f.shadow != nil && f.off > 0 {
		if fi, err := os.Stat(f.path); err == nil && os.SameFile(fi, f.shadowInfo) {
			cfg.Location = &tail.SeekInfo{Offset: f.off, Whence: io.SeekStart}
		}
	}
	t, err := tail.TailFile(f.path, cfg)
	if err != nil {
		return nil, fmt.Errorf("follow %s: %w", f.path, err)
	}
	return t, nil
}

// onLine delivers a line from the library if it is the next one in the
// shadow, and otherwise brings the ledger up to date from the shadow.
func (f *follower) onLine(ctx context.Context, l *tail.Line) {
	if l.Err != nil { // rate-limiter notice; no rate limiter is set
		return
	}
	text := l.Text
	end := l.SeekInfo.Offset // just after the line's "\n"
	start := end - int64(len(text)) - 1
	if l.Num == 1 {
		// The library has (re)opened the file: after rotation or
		// deletion, drain the old file before the new one's lines.
		f.adopt(ctx, true)
	}
	if f.shadow == nil {
		// The path vanished again before it could be opened: nothing
		// to check the line against.
		f.deliverText(text)
		return
	}
	if start == f.off && f.holds(start, text) {
		f.deliverText(text)
		return
	}
	// The file changed under the library, or the line is a repeat.
	if !f.fingerprintOK() { // rewritten: everything in it is new
		f.rewind()
		if start == 0 && f.holds(0, text) {
			f.deliverText(text)
			return
		}
	}
	if end > f.off {
		f.catchUp(ctx)
	}
}

// check is the idle check: it adopts a new file at the path once it holds a
// complete line, starts over if the shadow's content was rewritten, and
// delivers the complete lines the shadow holds beyond the ledger.
func (f *follower) check(ctx context.Context) {
	f.adopt(ctx, false)
	if f.shadow == nil {
		return
	}
	if !f.fingerprintOK() {
		f.rewind()
	}
	f.catchUp(ctx)
}

// adopt makes the file at f.path the shadow if it is another file, after
// delivering the complete lines the old one holds beyond the ledger. Unless
// force is set, a new file is adopted only once it holds a complete line, so
// that the old one is drained as late as possible.
func (f *follower) adopt(ctx context.Context, force bool) {
	fi, err := os.Stat(f.path)
	if err != nil || !fi.Mode().IsRegular() || f.shadow != nil && os.SameFile(fi, f.shadowInfo) {
		return
	}
	file, err := os.Open(f.path)
	if err != nil {
		return
	}
	if fi, err = file.Stat(); err != nil || f.shadow != nil && os.SameFile(fi, f.shadowInfo) {
		file.Close()
		return
	}
	if f.shadow != nil {
		if !force && !hasLine(file) {
			file.Close()
			return
		}
		if !f.fingerprintOK() {
			f.rewind()
		}
		f.catchUp(ctx)
		f.shadow.Close()
	}
	f.shadow, f.shadowInfo = file, fi
	f.rewind()
}

// hasLine reports whether file holds a "\n" within its first chunkLen
// bytes, or a longer first line.
func hasLine(file *os.File) bool {
	buf := make([]byte, chunkLen)
	n, _ := file.ReadAt(buf, 0)
	return n == len(buf) || bytes.IndexByte(buf[:n], '\n') >= 0
}

// holds reports whether the shadow holds, at start (which must be f.off),
// the line text and its "\n", preceded by the ledger's fingerprint. Of a
// long line it compares the first verifyLen bytes and the "\n".
func (f *follower) holds(start int64, text string) bool {
	k := len(f.last)
	m := min(len(text)+1, verifyLen)
	buf := f.buffer(k + m)
	if n, _ := f.shadow.ReadAt(buf, start-int64(k)); n < len(buf) || !bytes.Equal(buf[:k], f.last) {
		return false
	}
	got := buf[k:]
	if m == len(text)+1 {
		return got[m-1] == '\n' && string(got[:m-1]) == text
	}
	if string(got) != text[:m] {
		return false
	}
	var nl [1]byte
	n, _ := f.shadow.ReadAt(nl[:], start+int64(len(text)))
	return n == 1 && nl[0] == '\n'
}

// fingerprintOK reports whether the shadow still holds, just before the
// ledger's offset, the bytes delivered there.
func (f *follower) fingerprintOK() bool {
	k := len(f.last)
	if k == 0 {
		return true
	}
	buf := f.buffer(k)
	n, _ := f.shadow.ReadAt(buf, f.off-int64(k))
	return n == k && bytes.Equal(buf, f.last)
}

// rewind resets the ledger to the start of the shadow.
func (f *follower) rewind() {
	f.off, f.last = 0, f.last[:0]
}

// catchUp delivers the complete lines the shadow holds beyond the ledger.
func (f *follower) catchUp(ctx context.Context) {
	if f.chunk == nil {
		f.chunk = make([]byte, chunkLen)
	}
	pend := f.pending[:0]
	for pos := f.off; ctx.Err() == nil; {
		n, err := f.shadow.ReadAt(f.chunk, pos)
		pos += int64(n)
		data := f.chunk[:n]
		for {
			i := bytes.IndexByte(data, '\n')
			if i < 0 {
				break
			}
			if len(pend) > 0 {
				pend = append(pend, data[:i+1]...)
				f.deliver(pend)
				pend = pend[:0]
			} else {
				f.deliver(data[:i+1])
			}
			data = data[i+1:]
		}
		pend = append(pend, data...)
		if err != nil || n == 0 {
			break
		}
	}
	f.pending = pend[:0]
	if cap(f.pending) > keepCap {
		f.pending = nil
	}
}

// deliverText delivers a line read by the library.
func (f *follower) deliverText(text string) {
	f.line = append(append(f.line[:0], text...), '\n')
	f.deliver(f.line)
	if cap(f.line) > keepCap {
		f.line = nil
	}
}

// deliver passes raw, a line with its "\n", to the sink without its line
// ending, and advances the ledger past it.
func (f *follower) deliver(raw []byte) {
	f.off += int64(len(raw))
	if len(raw) >= fingerprintLen {
		f.last = append(f.last[:0], raw[len(raw)-fingerprintLen:]...)
	} else {
		f.last = append(f.last, raw...)
		if extra := len(f.last) - fingerprintLen; extra > 0 {
			f.last = f.last[:copy(f.last, f.last[extra:])]
		}
	}
	line := raw[:len(raw)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	f.sink(line)
}

// buffer returns f.scratch resized to n bytes.
func (f *follower) buffer(n int) []byte {
	if cap(f.scratch) < n {
		f.scratch = make([]byte, n)
	}
	return f.scratch[:n]
}

// closeShadow closes the shadow, if any.
func (f *follower) closeShadow() {
	if f.shadow != nil {
		f.shadow.Close()
		f.shadow = nil
	}
}
