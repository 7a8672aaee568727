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
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/nxadm/tail"
	"github.com/nxadm/tail/watch"

	"github.com/reqstats/reqstats/internal/clock"
)

// checkEvery is how often File checks the file itself when the library has
// delivered no line since the previous check.
const checkEvery = 250 * time.Millisecond

// oldChecks is how many idle checks File keeps a rotated file open after it
// moved on to the new one, to tell of lines still written to it.
const oldChecks = 8

const (
	fingerprintLen = 256      // delivered bytes kept to recognise the file's content
	chunkLen       = 64 << 10 // read size of Reader, and of File's looks at a file's ends
	blockLen       = 1 << 20  // read size of catchUp
	blockMax       = 64 << 10 // the most a block handed to the sink holds, but for a longer line
	keepCap        = 1 << 20  // larger scratch buffers are released after use
	// lagMax is how much one catch-up may deliver while the library runs
	// (see catchUp).
	lagMax = 64 << 10
)

// The reasons of a Loss.
const (
	// LostRotated: lines written to a rotated (renamed or deleted) file
	// after File had moved on to the new file at the path, or an
	// unterminated last line it held then. Bytes counts them.
	LostRotated = "rotated"
	// LostTruncated: the file was truncated or rewritten while it held
	// data File had seen but not delivered (an unterminated last line, or
	// lines it had not reached). Bytes counts what File knew of.
	LostTruncated = "truncated"
	// LostUnreadable: the path, or a new file at it, cannot be read (no
	// permission, no file descriptor left, …): what is written there is
	// skipped until it can be. Bytes is the new file's size when seen, 0
	// when the path itself cannot be looked up. Told once until the path
	// is readable again.
	LostUnreadable = "unreadable"
	// LostMissed: a file that was created at the path (or renamed to
	// it) and was gone from it, replaced or deleted, before File could
	// open it, or while File already kept maxNext files to read after
	// the one it reads. Told once for each such file, with the watch of
	// the path's directory only (not told where its events do not come,
	// as on network file systems); Bytes is 0, as its size is not known
	// (it may have been empty).
	LostMissed = "missed"
)

// LostReasons lists every Loss.Reason, in a fixed order.
var LostReasons = []string{LostRotated, LostTruncated, LostUnreadable, LostMissed}

// Loss is data File had to skip.
type Loss struct {
	Reason string // one of LostReasons
	Bytes  int64  // how much is known to be lost; 0 when unknown
	Err    error  // for LostUnreadable, why
}

func (l Loss) Error() string {
	switch l.Reason {
	case LostRotated:
		return fmt.Sprintf("lost %d bytes written to the rotated file after the new one was read", l.Bytes)
	case LostTruncated:
		return fmt.Sprintf("lost %d unread bytes when the file was truncated", l.Bytes)
	case LostUnreadable:
		if l.Bytes > 0 {
			return fmt.Sprintf("skipping a new file of %d bytes that cannot be read: %v", l.Bytes, l.Err)
		}
		return fmt.Sprintf("cannot look at the path, so a new file there would be missed: %v", l.Err)
	case LostMissed:
		return "a file was at the path and gone before it could be opened: its lines, if it had any, were not read"
	}
	return fmt.Sprintf("lost %d bytes: %s", l.Bytes, l.Reason)
}

// Options configures File.
type Options struct {
	FromEnd bool // start at the end of the file instead of its beginning
	Poll    bool // read on a check every 250 ms instead of inotify's wake-ups (WSL, Docker mounts, NFS); the directory is still watched for new files where it can be

	// Clock paces File's idle check; nil means clock.Real. Tests pass a
	// *clock.Fake and step it.
	Clock clock.Clock

	// OnLost, if not nil, is told of each Loss, on File's goroutine.
	OnLost func(Loss)

	// CaughtUp, if not nil, is told on File's goroutine after each look
	// at the file that handed lines to the sink, with their bytes: File
	// has handed over every complete line the file held when it looked,
	// and goes back to waiting.
	CaughtUp func(bytes int64)
}

// File hands the complete lines of the file at path to sink, first the
// lines it already holds (unless FromEnd), then new ones as they are
// written, across truncation, rename-and-recreate rotation and deletion and
// recreation, until ctx is done. It returns nil when ctx ends, or an error
// it cannot recover from: a path that is not a regular file or cannot be
// read when following starts, or a read error. Each call of sink gets a
// block of one or more whole lines, each with its "\n" (see Lines), at most
// 64 KiB (blockMax) unless it is one longer line: every line once, in
// order. sink must not keep the block after returning. A process must not
// follow the same path twice at a time (see the last trap below).
//
// A file that does not exist yet is waited for and read from its beginning
// when it appears, even with FromEnd. With FromEnd, a line that is half
// written when following starts is delivered whole once it is complete.
//
// # How
//
// File reads the file itself, through a "shadow" file descriptor on the
// same file, and keeps a ledger: the offset up to which it has delivered
// complete lines, and the last 256 bytes (fingerprintLen) it delivered
// before that offset. It reads ("catches up") what the shadow holds beyond
// the ledger 1 MiB (blockLen) at a time, and hands each read's complete
// lines to the sink in blocks of up to 64 KiB (blockMax). Catching up
// delivers only "\n"-terminated lines, like CompleteLines below, and checks
// the fingerprint after each read: if the bytes before the ledger's offset
// changed, the file was truncated or rewritten (before the read or while it
// ran), and File starts over at offset 0 of the new content.
//
// To learn quickly about new data, File uses github.com/nxadm/tail (Follow,
// ReOpen and CompleteLines on, MustExist off, logger silenced, inotify
// only), as a wake-up: the library on its own loses or repeats lines in the
// situations below (all checked against v1.4.11), so its lines are never
// delivered as they are. A library line that ends at or before the ledger's
// offset was delivered already and is dropped, without a system call; one
// that ends beyond it, or the first the library reads of a file it (re)
// opened, makes File catch up to the end of the file. The library reads
// every line itself on a goroutine of its own (two lseeks and a channel
// send a line), and while File catches up its goroutine does not act on
// the events of its own watch of the directory, which guard the library's
// exits (see the traps below): so a catch-up that delivers more than
// 64 KiB (lagMax) stops the library first, and the next tick starts it
// again at the ledger's offset; meanwhile File's own watch of the path's
// directory, which sees the file's writes too, wakes it.
//
// The idle check runs every 250 ms (checkEvery) of Options.Clock unless a
// library line made File catch up since the previous one, and on every
// event of File's own watch of the path's directory while the library is
// not running: it adopts a new file at the path once that holds a complete
// line, compares the fingerprint, and delivers the complete lines the
// shadow holds beyond the ledger. Without the library (Options.Poll, no
// inotify, or one of the cases below), the idle check is the whole engine.
//
// # Traps, and how they are handled
//
// Half-written lines: with CompleteLines off the library emits a line's
// first part as a line of its own. It is on.
//
// Truncation: the library detects it only by a size drop between two checks
// of its watcher (each inotify event), compared with the size at the
// previous check, not with its read offset. If the file is truncated and
// then regrows to at least its old size before that check (fast writer, or
// a rewrite of equal size), the library never notices and keeps reading at
// its old offset: it loses the new data up to there and delivers a fragment
// of a line. Even when it does notice, a notification for an earlier write
// can make it read at the old offset first (fragment) and then again from 0
// (repeats). The fingerprint check catches both: the bytes before the
// ledger's offset no longer match, so File starts over at offset 0 of the
// new content. A rewrite after which the library delivers no line that
// ends beyond the ledger's offset (an equal-size rewrite leaves it at the
// end of the file; the lines it reads below that offset are dropped
// unchecked) is caught by the idle check.
//
// Rename (rotation) and deletion: the library closes the old file as soon
// as it sees the rename or unlink, even when the notification for lines
// written just before it is still pending (both arrive at once and Go's
// select picks at random), and never reads lines that the writer still
// appends to the old file through its open descriptor. The shadow keeps the
// old file open, and before File delivers anything from the new file it
// drains the old one (every complete line after the ledger's offset). While
// the path does not exist, the idle check drains the old file. After moving
// on, File keeps the old file open for eight more idle checks (oldChecks),
// to tell what is still written to it. The library reopens the path only
// once it has read the old file to its end, so a follower behind by a
// rotation would skip the file in between: File opens each new file at the
// path and queues it, and reads the queued files in turn when it moves on.
// A sink can hold File's goroutine up for longer than a file stays at the
// path (seconds for one block on a loaded machine), so File's watch of the
// directory runs on a goroutine of its own (polling or not), which opens
// and queues a new file as soon as an event tells of it; File's goroutine
// also looks at each tick and between the blocks it hands to the sink, for
// when there is no watch.
//
// Lost wake-up: the library starts its inotify watch only when it first
// reaches the end of a (re)opened file, or of the file File started it on;
// data written between that read and the watch produces no event, so those
// lines wait for the next write.
// inotify queue overflows and file systems where inotify stays silent
// (network and some container mounts) have the same effect. The idle check
// reads such lines from the shadow after at most two of its intervals; it
// also adopts a new file at the path once it holds a complete line.
//
// os.Exit: the library calls util.Fatal (os.Exit) in three places; File
// keeps it away from each:
//   - ReOpen without Follow: never set.
//   - fsnotify.NewWatcher failing when the library first needs inotify (its
//     process-wide tracker): before the library is ever used with inotify,
//     File creates a watcher itself and, if that works, closes it and makes
//     the library start its tracker at once (once per process); if it fails,
//     File goes without the library, on its idle check alone.
//   - stat(path) failing with an error other than "does not exist" in the
//     library's watcher goroutines (e.g. permission denied after a chmod of
//     the directory): its poll watcher stats again after it was stopped, so
//     it is never used (Options.Poll means the idle check alone); its inotify
//     watcher stats on each write to the file, so File runs the library only
//     while it watches the path's directory itself and the path can be
//     looked up, and stops the library (and waits for that goroutine to let
//     go of the path) as soon as an event on the directory (a chmod, a
//     rename, a removal) or a check finds that it cannot, reading the open
//     shadow meanwhile; it starts the library again once the path can be
//     looked up.
//
// Remaining windows where the process can still exit: the tracker's watcher
// is created on its own goroutine a few microseconds after File's probe
// was closed, so if another goroutine or process takes the last file
// descriptor or inotify instance in between, the process exits (once per
// process, at the first File with inotify); a write to the file between a
// chmod of the directory and File stopping the library (the time for File's
// goroutine to take the event and stop it: microseconds on an idle machine,
// plus, if it is catching up, the time the sink takes over at most 64 KiB
// of lines) can make the library stat first; and a change of permission of
// an ancestor directory other than the file's own raises no event, so the
// library's next stat after it, on the next write, exits, unless an idle
// check ran in between.
//
// Other watcher failures (no inotify watch left, the file vanishing between
// open and watch) make the library stop with an error; File then goes on
// with its idle check, and starts the library again only if the file had
// vanished. Each such failure can leave an entry in the library's
// process-wide inotify tracker; together with its name-keyed bookkeeping,
// this means one process must not follow the same path twice at a time. The
// tracker also logs fsnotify errors (e.g. queue overflow) to stderr with a
// logger of its own that cannot be silenced.
//
// # What can still be lost, and how it is told
//
// Data File skips is told to Options.OnLost (see Loss and LostReasons)
// whenever it can know of it:
//  1. lines appended to a rotated file after the new file got its first
//     complete line and was adopted, and an unterminated last line it held
//     then (LostRotated), counted when File closes the old file;
//  2. what File had read beyond the ledger (an unterminated line) when the
//     file was truncated (LostTruncated); lines written and truncated before
//     the library or a check read them are gone unseen;
//  3. a new file at the path that cannot be opened, or a path that cannot be
//     looked up (LostUnreadable);
//  4. a file that was replaced again, or deleted, before File could open it,
//     or while it already had 16 (maxNext) files queued (LostMissed): the
//     watch of the directory counts the files created at the path, and
//     those never opened are missed. Its goroutine opens a new file as
//     soon as it is scheduled after the event, so this takes a writer that
//     rotates twice within that time, or a sink that holds File up for 16
//     rotations.
//
// Not told: a file missed where the directory's events do not come (no
// watch could be had, or a network file system), for which File opens a
// new file at the path only at its next tick or after the block the sink
// is busy with. Also not told: a rewrite that
// reproduces, at the same offsets, the fingerprint bytes before the
// ledger's offset (e.g. a restarted server writing the same banner again,
// and nothing else yet) looks like an append, so the lines before that
// offset are not delivered again; a truncation to a non-zero size looks like
// a rewrite, so the kept prefix is delivered again.
func File(ctx context.Context, path string, opts Options, sink func(lines []byte)) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("follow %s: %w", path, err)
	}
	clk := opts.Clock
	if clk == nil {
		clk = clock.Real{}
	}
	f := &follower{path: abs, dir: filepath.Dir(abs), sink: sink, clock: clk, onLost: opts.OnLost, caughtUp: opts.CaughtUp,
		poll: opts.Poll, inotify: !opts.Poll && startTracker()}
	defer f.close()
	if err := f.open(opts.FromEnd); err != nil {
		return fmt.Errorf("follow %s: %w", path, err)
	}
	if err := f.run(ctx); err != nil {
		return fmt.Errorf("follow %s: %w", path, err)
	}
	return nil
}

var tracker struct {
	sync.Mutex
	up bool
}

// trackerProbe is the name startTracker has the library unwatch: a name
// File never follows (File's paths are absolute).
const trackerProbe = "reqstats-tracker-probe"

// startTracker starts the library's process-wide inotify tracker, once,
// right after checking that a watcher can be created, and reports whether
// it runs: the tracker calls os.Exit if it cannot create its watcher.
func startTracker() bool {
	tracker.Lock()
	defer tracker.Unlock()
	if tracker.up {
		return true
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return false
	}
	w.Close()
	// Unwatching a name starts the tracker, which creates its watcher
	// before it answers.
	watch.RemoveWatch(trackerProbe)
	tracker.up = true
	return true
}

// maxNext is how many files File queues that were at the path after the
// one it reads (see notice).
const maxNext = 16

// queued is a file that was at the path, opened by notice.
type queued struct {
	file *os.File
	info os.FileInfo
}

// follower is the state of one File call: the shadow and the ledger that
// File's doc describes. Only File's goroutine uses it.
type follower struct {
	path, dir string // absolute
	sink      func(lines []byte)
	clock     clock.Clock
	onLost    func(Loss)
	caughtUp  func(int64)

	poll    bool              // Options.Poll: the idle check alone reads the file
	inotify bool              // the library may run: not polling, and its tracker is up
	dirw    *fsnotify.Watcher // File's own watch of dir; nil if none could be had
	t       *tail.Tail        // the library, nil while it is not running
	wake    chan struct{}     // the watcher tells File's goroutine of events (see watchDir)

	shadow     *os.File    // the file being followed, or nil while there is none
	shadowInfo os.FileInfo // its identity; written under mu
	off        int64       // end of the last line delivered from shadow
	last       []byte      // the up to fingerprintLen bytes delivered before off
	read       int64       // end of what File read of the shadow's content
	err        error       // a read error that ends File

	// mu guards what the watcher's goroutine (watchDir) shares with
	// File's: the queue, the shadow's identity (written only by File's
	// goroutine, under mu) and the watch's state.
	mu         sync.Mutex
	next       []queued // files seen at the path after the shadow, in order
	watched    bool     // dir is watched
	dirChanged bool     // an event of the directory itself, or an error of the watch, since File's goroutine last looked
	// The files created at the path, as the watch tells; the files
	// opened there (the first, queued or adopted); the files missing
	// (created, gone, never opened) told and yet to be told. See missed.
	created, seen        int
	missedMax, missedNew int

	old      *os.File // the rotated file, kept open for oldChecks checks
	oldOff   int64    // end of the last line delivered from old
	oldTicks int

	unreadable bool        // a LostUnreadable was told for the path
	badInfo    os.FileInfo // the unreadable file it was told for, if any

	scratch []byte // pread buffer for checks
	block   []byte // read buffer for catchUp
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

// run follows until ctx is done or a read fails.
func (f *follower) run(ctx context.Context) error {
	// File's own watch of the directory, polling or not: its goroutine
	// opens each new file at the path as soon as it appears (watchDir).
	if w, err := fsnotify.NewWatcher(); err != nil {
		f.inotify = false
	} else {
		f.dirw = w
		f.watch()
		quit, done := make(chan struct{}), make(chan struct{})
		f.wake = make(chan struct{}, 1)
		go f.watchDir(quit, done)
		defer func() {
			close(quit)
			<-done
			f.tellMissed()
		}()
	}
	defer f.stopTail()
	// What the file holds is read before the library starts, at the
	// ledger's offset: it need not read it too.
	f.check(ctx)
	f.startTail()
	tick := f.clock.NewTicker(checkEvery)
	defer tick.Stop()
	busy := false // a library line made File catch up since the last tick
	for f.err == nil {
		var lines <-chan *tail.Line
		if f.t != nil {
			lines = f.t.Lines
		}
		select {
		case <-ctx.Done():
			return nil
		case l, ok := <-lines:
			if ok {
				busy = f.onLine(ctx, l) || busy
				continue
			}
			err := f.t.Wait()
			f.t = nil
			if ctx.Err() != nil {
				return nil
			}
			if err == nil || !errors.Is(err, fs.ErrNotExist) {
				// No inotify watch left, or the like: it would
				// fail again.
				f.inotify = false
			}
			f.check(ctx)
		case <-f.wake:
			f.mu.Lock()
			changed := f.dirChanged
			f.dirChanged = false
			f.mu.Unlock()
			if changed {
				// A chmod, rename or removal of the directory, or
				// an error of the watch (an event may be lost).
				f.guard()
			}
			f.tellMissed()
			if !f.poll && f.t == nil {
				f.check(ctx)
			}
		case <-tick.C():
			f.watch()
			f.ageOld()
			f.notice()
			f.tellMissed()
			if f.t == nil {
				f.startTail()
			} else {
				f.guard()
			}
			if busy {
				busy = false
				continue
			}
			f.check(ctx)
		}
	}
	return f.err
}

// watch starts watching the path's directory, if File has a watch and the
// directory is not watched yet.
func (f *follower) watch() {
	if f.dirw == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.watched {
		f.watched = f.dirw.Add(f.dir) == nil
	}
}

// watchDir takes the events of File's watch of the directory, on a
// goroutine of its own until quit is closed, and closes done. After each
// batch of events it opens a new file at the path and queues it (notice),
// counts the files created at the path that were gone before it could
// (missed), and wakes File's goroutine. So a file is opened as soon as it
// appears, however long the sink holds File's goroutine up: a file that
// comes and goes at the path meanwhile is still read in turn.
func (f *follower) watchDir(quit <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	events, errs := f.dirw.Events, f.dirw.Errors
	for events != nil || errs != nil {
		select {
		case <-quit:
			return
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			f.mu.Lock()
			f.event(ev)
			// The events already pending: one look serves them all.
		drain:
			for range 1024 {
				select {
				case ev, ok := <-events:
					if !ok {
						events = nil
						break drain
					}
					f.event(ev)
				default:
					break drain
				}
			}
		case _, ok := <-errs:
			// The event queue overflowed, or the like: an event may be
			// lost, so look now. (Unread, an error would also stop the
			// watch's events.)
			if !ok {
				errs = nil
				continue
			}
			f.mu.Lock()
			f.dirChanged = true
		}
		f.missed(f.noticeLocked())
		f.mu.Unlock()
		select {
		case f.wake <- struct{}{}:
		default: // File's goroutine has yet to take the last one
		}
	}
}

// event notes an event of the watch; f.mu is held. One of the directory
// itself is told to File's goroutine, and its going away ends the watch;
// a file created at the path (or renamed to it) is counted.
func (f *follower) event(ev fsnotify.Event) {
	switch filepath.Clean(ev.Name) {
	case f.dir:
		if ev.Op&(fsnotify.Remove|fsnotify.Rename) != 0 {
			f.dirw.Remove(f.dir)
			f.watched = false
		}
		f.dirChanged = true
	case f.path:
		if ev.Op&fsnotify.Create != 0 {
			f.created++
		}
	}
}

// missed counts the files missed so far, with f.mu held, after the
// watch's events up to now were counted and a new file at the path
// queued: each file created at the path was opened, unless it had gone
// before File or the watcher could look (renamed away and replaced, or
// deleted) or could not be queued. A file still at the path (pending)
// may yet be opened. So files created beyond those opened and the one
// pending are missed; the count only grows, and File's goroutine tells
// the new ones (tellMissed).
func (f *follower) missed(pending bool) {
	n := f.created - f.seen
	if pending {
		n--
	}
	if n > f.missedMax {
		f.missedNew += n - f.missedMax
		f.missedMax = n
	}
}

// tellMissed tells of the files missed since it last told.
func (f *follower) tellMissed() {
	f.mu.Lock()
	n := f.missedNew
	f.missedNew = 0
	f.mu.Unlock()
	for range n {
		f.lost(Loss{Reason: LostMissed})
	}
}

// guard reports whether the library may run: it may with inotify while
// File watches the path's directory and the path can be looked up (it
// exists or not). Otherwise guard stops it, before its watcher's stat of
// the path fails and it exits the process.
func (f *follower) guard() bool {
	f.mu.Lock()
	watched := f.watched
	f.mu.Unlock()
	if !f.inotify || !watched {
		f.stopTail()
		return false
	}
	_, err := os.Stat(f.path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		f.stopTail()
		f.cannotRead(nil, 0, err)
		return false
	}
	return true
}

// startTail starts the library on f.path, at the ledger's offset if the
// shadow is still the file at the path, if guard allows.
func (f *follower) startTail() {
	if !f.guard() {
		return
	}
	cfg := tail.Config{
		Follow:        true, // ReOpen without Follow makes the library call os.Exit
		ReOpen:        true,
		CompleteLines: true,
		Logger:        tail.DiscardingLogger,
	}
	if f.shadow != nil && f.off > 0 {
		if fi, err := os.Stat(f.path); err == nil && os.SameFile(fi, f.shadowInfo) {
			cfg.Location = &tail.SeekInfo{Offset: f.off, Whence: io.SeekStart}
		}
	}
	t, err := tail.TailFile(f.path, cfg)
	if err != nil { // only with MustExist, which is off
		f.inotify = false
		return
	}
	f.t = t
}

// stopTail stops the library, if it runs. Its inotify watcher goroutine
// outlives Stop and stats the path on each event it takes, so stopTail
// also waits, up to 100 ms, until that goroutine has unwatched the path
// (the tracker, which runs whenever the library does, then has no channel
// for it): from then on no write can make the library stat the path.
func (f *follower) stopTail() {
	if f.t == nil {
		return
	}
	f.t.Stop()
	f.t = nil
	for i := 0; i < 100 && watch.Events(f.path) != nil; i++ {
		time.Sleep(time.Millisecond)
	}
}

// onLine takes a line from the library as a wake-up, and reports whether
// it made File catch up. A line that ends at or before the ledger's offset
// was delivered already: it is dropped, with no system call. Any other
// line, and the first of a file the library (re)opened, make File catch up
// to the end of the shadow, which checks the fingerprint.
func (f *follower) onLine(ctx context.Context, l *tail.Line) bool {
	if l.Err != nil { // rate-limiter notice; no rate limiter is set
		return false
	}
	end := l.SeekInfo.Offset // just after the line's "\n"
	if l.Num == 1 {
		// The library has (re)opened the file: after rotation or
		// deletion, drain the old file before the new one's lines.
		f.adopt(ctx, true)
	}
	if f.shadow == nil {
		// The path vanished again before it could be opened: nothing
		// to check the line against.
		f.deliverText(l.Text)
		if f.caughtUp != nil {
			f.caughtUp(int64(len(l.Text)) + 1)
		}
		return true
	}
	if end <= f.off && l.Num != 1 {
		return false
	}
	f.catchUp(ctx)
	return true
}

// check is the idle check: it adopts a new file at the path once it holds a
// complete line and delivers the complete lines the shadow holds beyond the
// ledger (starting over if its content was rewritten).
func (f *follower) check(ctx context.Context) {
	f.notice()
	f.adopt(ctx, false)
	if f.shadow != nil {
		f.catchUp(ctx)
	}
}

// truncated starts over at the shadow's offset 0, its content having
// changed under the ledger; what File read beyond the ledger is lost.
func (f *follower) truncated() {
	if lost := f.read - f.off; lost > 0 {
		f.lost(Loss{Reason: LostTruncated, Bytes: lost})
	}
	f.rewind()
}

// adopt makes the file at f.path the shadow if it is another file, after
// delivering the complete lines the old one holds beyond the ledger. Unless
// force is set, a new file is adopted only once it holds a complete line, so
// that the old one is drained as late as possible.
func (f *follower) adopt(ctx context.Context, force bool) {
	fi, err := os.Stat(f.path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			f.cannotRead(nil, 0, err)
		}
		return
	}
	if !fi.Mode().IsRegular() || f.shadow != nil && os.SameFile(fi, f.shadowInfo) {
		f.unreadable, f.badInfo = false, nil
		return
	}
	file, err := os.Open(f.path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			f.cannotRead(fi, fi.Size(), err)
		}
		return
	}
	if fi, err = file.Stat(); err != nil || f.shadow != nil && os.SameFile(fi, f.shadowInfo) {
		file.Close()
		return
	}
	f.unreadable, f.badInfo = false, nil
	if f.shadow == nil {
		f.mu.Lock()
		f.shadow, f.shadowInfo = file, fi
		f.seen++
		f.mu.Unlock()
		f.rewind()
		return
	}
	if !force && !hasLine(file) {
		file.Close()
		return
	}
	// file joins the queue, unless the watcher queued it already: a file
	// is always the shadow or queued from when it is first opened until
	// File moves past it, so that no one opens it twice.
	f.mu.Lock()
	if !f.known(fi) {
		f.next = append(f.next, queued{file, fi})
		f.seen++
		file = nil
	}
	f.mu.Unlock()
	if file != nil {
		file.Close()
	}
	// The shadow, then the files that were at the path in between, in
	// turn, up to fi.
	f.catchUp(ctx)
	for {
		next := f.moveOn()
		if next == nil || os.SameFile(next, fi) {
			return
		}
		f.catchUp(ctx)
	}
}

// moveOn makes the first queued file the shadow, keeping the previous one
// as the rotated file, and returns its identity; nil if none is queued.
func (f *follower) moveOn() os.FileInfo {
	f.mu.Lock()
	empty := len(f.next) == 0
	f.mu.Unlock()
	if empty {
		return nil
	}
	f.closeOld()
	f.mu.Lock()
	n := f.next[0]
	f.next[0] = queued{}
	f.next = f.next[1:]
	f.old, f.oldOff, f.oldTicks = f.shadow, f.off, 0
	f.shadow, f.shadowInfo = n.file, n.info
	f.mu.Unlock()
	f.rewind()
	return n.info
}

// known reports whether fi is the shadow or a queued file; f.mu is held.
func (f *follower) known(fi os.FileInfo) bool {
	if f.shadowInfo != nil && os.SameFile(fi, f.shadowInfo) {
		return true
	}
	for _, n := range f.next {
		if os.SameFile(fi, n.info) {
			return true
		}
	}
	return false
}

// notice opens a file at the path that is neither the shadow nor queued,
// and queues it, so that a file replaced again before File moved on to it
// (File behind the writer by a rotation) is still read when it does. At
// most maxNext files are queued. The watcher's goroutine runs it after
// each batch of events of the directory (watchDir), whatever File's
// goroutine is doing; File's goroutine runs it at each tick, and between
// the blocks of a catch-up, for when there is no watch.
func (f *follower) notice() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.noticeLocked()
}

// noticeLocked is notice with f.mu held. It reports whether the path holds
// a file it left unqueued that is not the shadow or queued either, which
// File may yet open: the first file (File adopts it), a file that cannot
// be opened or a path that cannot be looked up (adopt tells), or a file
// beyond maxNext.
func (f *follower) noticeLocked() (pending bool) {
	fi, err := os.Stat(f.path)
	if err != nil {
		// A path that cannot be looked up may hold a file (adopt tells).
		return !errors.Is(err, fs.ErrNotExist)
	}
	if f.known(fi) {
		return false
	}
	if f.shadowInfo == nil || !fi.Mode().IsRegular() || len(f.next) >= maxNext {
		return true
	}
	file, err := os.Open(f.path)
	if err != nil {
		return true
	}
	if fi, err = file.Stat(); err != nil || f.known(fi) {
		file.Close()
		return err != nil
	}
	f.next = append(f.next, queued{file, fi})
	f.seen++
	return false
}

// cannotRead tells, once until the path can be read again, that the path
// (fi nil) or the file fi at it cannot be read.
func (f *follower) cannotRead(fi os.FileInfo, size int64, err error) {
	if f.unreadable && (fi == nil || f.badInfo != nil && os.SameFile(fi, f.badInfo)) {
		return
	}
	f.unreadable, f.badInfo = true, fi
	f.lost(Loss{Reason: LostUnreadable, Bytes: size, Err: err})
}

// ageOld closes the rotated file after oldChecks idle checks.
func (f *follower) ageOld() {
	if f.old == nil {
		return
	}
	if f.oldTicks++; f.oldTicks >= oldChecks {
		f.closeOld()
	}
}

// closeOld closes the rotated file, telling of what it holds beyond the
// ledger: lines written after the new file was adopted.
func (f *follower) closeOld() {
	if f.old == nil {
		return
	}
	if fi, err := f.old.Stat(); err == nil && fi.Size() > f.oldOff {
		f.lost(Loss{Reason: LostRotated, Bytes: fi.Size() - f.oldOff})
	}
	f.old.Close()
	f.old = nil
}

// lost tells of a loss.
func (f *follower) lost(l Loss) {
	if f.onLost != nil {
		f.onLost(l)
	}
}

// hasLine reports whether file holds a "\n" within its first chunkLen
// bytes, or a longer first line.
func hasLine(file *os.File) bool {
	buf := make([]byte, chunkLen)
	n, _ := file.ReadAt(buf, 0)
	return n == len(buf) || bytes.IndexByte(buf[:n], '\n') >= 0
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
	f.off, f.last, f.read = 0, f.last[:0], 0
}

// catchUp delivers the complete lines the shadow holds beyond the ledger,
// reading blockLen bytes at a time (more for a longer line) and handing
// each read's complete lines to the sink in blocks of up to blockMax.
// After each read it checks the fingerprint: if the bytes before the
// ledger's offset changed, the file was truncated or rewritten (before the
// read or while it ran, so what it read may be of either content), and it
// starts over at the new content's offset 0.
//
// File takes no tick and no event of its watch of the directory until
// catchUp returns, which takes as long as the sink needs for all the file
// holds. So between blocks catchUp looks for a new file at the path
// (notice), and before it delivers more than lagMax in all it stops the
// library: the library would read it all again, line by line, for nothing,
// and File could not stop it in time (see File's doc). The next tick
// starts the library again, at the ledger's offset; until then File's
// watch wakes it.
func (f *follower) catchUp(ctx context.Context) {
	if f.block == nil {
		f.block = make([]byte, blockLen)
	}
	buf := f.block
	carry := 0 // buf[:carry] is an unfinished line, read from pos-carry
	var done int64
	for pos := f.off; ctx.Err() == nil; {
		if carry == len(buf) { // a line longer than buf
			buf = append(buf, make([]byte, len(buf))...)
			buf = buf[:cap(buf)]
		}
		n, err := f.shadow.ReadAt(buf[carry:], pos)
		if err != nil && err != io.EOF {
			f.err = err
			break
		}
		if !f.fingerprintOK() {
			f.truncated()
			pos, carry = 0, 0
			continue
		}
		pos += int64(n)
		f.read = max(f.read, pos)
		if i := bytes.LastIndexByte(buf[carry:carry+n], '\n'); i >= 0 {
			cut := carry + i + 1
			for lines := buf[:cut]; len(lines) > 0; {
				block := lines[:wholeLines(lines, blockMax)]
				if done > 0 {
					f.notice()
				}
				if done += int64(len(block)); done > lagMax {
					f.stopTail()
				}
				f.deliver(block)
				lines = lines[len(block):]
			}
			carry = copy(buf, buf[cut:carry+n])
		} else {
			carry += n
		}
		if err != nil || n == 0 {
			break
		}
	}
	f.block = buf
	if cap(buf) > blockLen {
		f.block = nil
	}
	if done > 0 && f.caughtUp != nil {
		f.caughtUp(done)
	}
}

// wholeLines returns the length of the longest run of whole lines at the
// start of lines (whole lines themselves) that is at most limit bytes
// long, or of its first line if that is longer.
func wholeLines(lines []byte, limit int) int {
	if len(lines) <= limit {
		return len(lines)
	}
	if i := bytes.LastIndexByte(lines[:limit], '\n'); i >= 0 {
		return i + 1
	}
	return limit + bytes.IndexByte(lines[limit:], '\n') + 1
}

// deliver passes lines, whole lines with their "\n", to the sink, and
// advances the ledger past them.
func (f *follower) deliver(lines []byte) {
	f.off += int64(len(lines))
	if len(lines) >= fingerprintLen {
		f.last = append(f.last[:0], lines[len(lines)-fingerprintLen:]...)
	} else {
		f.last = append(f.last, lines...)
		if extra := len(f.last) - fingerprintLen; extra > 0 {
			f.last = f.last[:copy(f.last, f.last[extra:])]
		}
	}
	f.sink(lines)
}

// buffer returns f.scratch resized to n bytes.
func (f *follower) buffer(n int) []byte {
	if cap(f.scratch) < n {
		f.scratch = make([]byte, n)
	}
	return f.scratch[:n]
}

// close closes the files and the watcher.
func (f *follower) close() {
	f.closeOld()
	for _, n := range f.next {
		n.file.Close()
	}
	f.next = nil
	if f.shadow != nil {
		f.shadow.Close()
		f.shadow = nil
	}
	if f.dirw != nil {
		f.dirw.Close()
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
