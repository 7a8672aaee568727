// Package input opens what reqstats reads: a named file or standard input
// ("-"), decompressed when it starts with gzip's magic bytes and decoded to
// UTF-8 when it starts with a UTF-16 byte-order mark. Open hands back a
// plain reader of text; it never guesses from a file's name, and it reports
// an input that holds NUL bytes (Input.Binary) rather than refusing it.
// Followable tells which inputs a follower can read as they grow.
package input

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/reqstats/reqstats/parser"
)

// Stdin is the name of standard input.
const Stdin = "-"

// Input is one opened source of log lines.
type Input struct {
	Name string    // as the user named it; Stdin for standard input
	R    io.Reader // the decoded text
	c    io.Closer // nil for standard input
	// Binary is set when the first block of the input holds NUL bytes
	// and it is not UTF-16 text.
	Binary bool

	f    *os.File // a regular file, to check after its read; else nil
	size int64    // its size when it was opened
}

// ErrChanged is what Changed returns for a file that shrank while it was
// read: what the read saw is not what the file held.
var ErrChanged = errors.New("changed while it was read")

// Changed returns an error wrapping ErrChanged when the input is a
// regular file that shrank (was truncated) since it was opened: at the
// end of a read, its lines are then part of the file as it was and part
// of what replaced it. A file that grew (a log still written) has not
// changed.
func (in *Input) Changed() error {
	if in.f == nil {
		return nil
	}
	now := in.size
	if st, err := in.f.Stat(); err == nil {
		now = st.Size()
	}
	// The read may have ended at a truncation that a writer has since
	// filled again: where it stopped tells too.
	if off, err := in.f.Seek(0, io.SeekCurrent); err == nil && off < in.size {
		now = min(now, off)
	}
	if now < in.size {
		return fmt.Errorf("%s %w (truncated from %d to %d bytes)", in.Name, ErrChanged, in.size, now)
	}
	return nil
}

// Options says how inputs are opened. The zero value takes the defaults.
type Options struct {
	// MaxInflate is the most a gzip input may inflate to, as a multiple
	// of its compressed size: once past its first 64 MiB, a read that
	// inflates more stops with an error wrapping ErrInflate. Zero means
	// DefaultMaxInflate; a negative value, no limit.
	MaxInflate int

	// Derive, when set, makes each parse worker fill in its records'
	// Derived (see parser.Scanner.SetDerive): aggregate.Aggregator's
	// Deriver, say.
	Derive func() func(*parser.Record)

	// inflateFloor is what an input inflates to before MaxInflate is
	// checked: 64 MiB unless a test sets it.
	inflateFloor int64
}

// DefaultMaxInflate is Options.MaxInflate's default. Real logs compress
// 7 to 15 times (Next's dev logs, pino's JSON); a file of one line
// repeated, 400 times. A gzip bomb of newlines inflates 1000 times, and
// its billions of empty lines take minutes to read.
const DefaultMaxInflate = 100

// ErrInflate is what a read of a gzip input that inflates past
// Options.MaxInflate returns, wrapped.
var ErrInflate = errors.New("inflates to more than the limit")

// Open returns the input named name (Stdin reads stdin), decompressed when
// it starts with gzip's magic bytes and decoded when it starts with a
// UTF-16 byte-order mark (PowerShell 5.1's `>` writes UTF-16LE).
func Open(name string, stdin io.Reader) (*Input, error) { return Options{}.Open(name, stdin) }

// Open is Open with the options o.
func (o Options) Open(name string, stdin io.Reader) (*Input, error) { return o.open(name, stdin, nil) }

// open is Open, with the raw bytes read through wrap when it is not nil.
func (o Options) open(name string, stdin io.Reader, wrap func(io.Reader) io.Reader) (*Input, error) {
	in := &Input{Name: name}
	if name == Stdin {
		in.R = stdin
	} else {
		// A FIFO is opened without waiting for a writer: one waiting to
		// write, or writing, is read to its end; with none, it reads as
		// empty (see FIFOsLast).
		flag := os.O_RDONLY
		if IsFIFO(name) {
			flag |= syscall.O_NONBLOCK
		}
		f, err := os.OpenFile(name, flag, 0)
		if err != nil {
			return nil, err
		}
		st, err := f.Stat()
		if err == nil && st.IsDir() {
			f.Close()
			return nil, fmt.Errorf("read %s: is a directory", name)
		}
		if err == nil && st.Mode().IsRegular() {
			in.f, in.size = f, st.Size()
		}
		in.R, in.c = f, f
	}
	if wrap != nil {
		in.R = wrap(in.R)
	}
	if err := in.decode(o); err != nil {
		in.Close()
		return nil, err
	}
	return in, nil
}

// decode looks at the first bytes of the input to undo gzip and UTF-16.
func (in *Input) decode(o Options) error {
	raw := &countReader{r: in.R}
	br := bufio.NewReaderSize(raw, 64<<10)
	head, _ := br.Peek(2)
	if isGzip(head) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("read %s: %w", in.Name, err)
		}
		var text io.Reader = zr
		if o.MaxInflate >= 0 {
			ratio := o.MaxInflate
			if ratio == 0 {
				ratio = DefaultMaxInflate
			}
			floor := o.inflateFloor
			if floor == 0 {
				floor = 64 << 20
			}
			text = &inflateLimit{r: zr, raw: raw, ratio: int64(ratio), floor: floor}
		}
		br = bufio.NewReaderSize(text, 64<<10)
		head, _ = br.Peek(2)
	}
	if little, ok := utf16BOM(head); ok {
		br.Discard(2)
		in.R = &utf16Reader{r: br, little: little}
		return nil
	}
	block, _ := br.Peek(8 << 10)
	in.Binary = bytes.IndexByte(block, 0) >= 0
	in.R = br
	return nil
}

// countReader counts the bytes read through it.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// inflateLimit stops a gzip input that inflates to more than ratio times
// the compressed bytes read, once it has inflated to floor.
type inflateLimit struct {
	r          io.Reader
	raw        *countReader
	out        int64
	ratio      int64
	floor      int64
	overflowed bool
}

func (l *inflateLimit) Read(p []byte) (int, error) {
	if l.overflowed {
		return 0, l.err()
	}
	n, err := l.r.Read(p)
	l.out += int64(n)
	if l.out > l.floor && l.out/l.ratio > l.raw.n {
		l.overflowed = true
		return n, l.err()
	}
	return n, err
}

func (l *inflateLimit) err() error {
	return fmt.Errorf("%w of %d times its compressed size (%d MiB from %d KiB)", ErrInflate, l.ratio, l.out>>20, l.raw.n>>10)
}

// IsFIFO reports whether name is a named pipe (mkfifo).
func IsFIFO(name string) bool {
	if name == Stdin {
		return false
	}
	st, err := os.Stat(name)
	return err == nil && st.Mode()&fs.ModeNamedPipe != 0
}

// FIFOsLast returns names with the FIFOs moved after the other inputs,
// each group in its order: a FIFO's writer may be waiting for a reader of
// another input (or for nothing), and the files need nobody.
func FIFOsLast(names []string) []string {
	var files, fifos []string
	for _, name := range names {
		if IsFIFO(name) {
			fifos = append(fifos, name)
		} else {
			files = append(files, name)
		}
	}
	return append(files, fifos...)
}

// isGzip reports whether head starts with gzip's magic bytes.
func isGzip(head []byte) bool {
	return len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b
}

// utf16BOM reports whether head starts with a UTF-16 byte-order mark, and
// which byte order it names.
func utf16BOM(head []byte) (little, ok bool) {
	switch {
	case len(head) < 2:
		return false, false
	case head[0] == 0xff && head[1] == 0xfe:
		return true, true
	case head[0] == 0xfe && head[1] == 0xff:
		return false, true
	}
	return false, false
}

// Followable returns an error for an input that a follower would misread:
// Open decodes gzip and UTF-16 for a read to the end, but a growing file
// is read as it is. A file that does not exist yet is followable: it is
// waited for.
func Followable(name string) error {
	if name == Stdin || IsFIFO(name) {
		return nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil
	}
	defer f.Close()
	var head [2]byte
	n, _ := io.ReadFull(f, head[:])
	if isGzip(head[:n]) {
		return fmt.Errorf("%s is gzip-compressed: it cannot be followed; read it without -f", name)
	}
	if _, ok := utf16BOM(head[:n]); ok {
		return fmt.Errorf("%s is UTF-16 text: it cannot be followed; read it without -f", name)
	}
	return nil
}

// Close closes the input's file, if it has one.
func (in *Input) Close() error {
	if in.c == nil {
		return nil
	}
	return in.c.Close()
}

// utf16Reader decodes UTF-16 text to UTF-8.
type utf16Reader struct {
	r      io.Reader
	little bool
	carry  []uint16 // a high surrogate waiting for its pair
	out    []byte   // decoded, not yet returned
	err    error
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) == 0 {
		if u.err != nil {
			return 0, u.err
		}
		u.fill()
	}
	n := copy(p, u.out)
	u.out = u.out[n:]
	return n, nil
}

// fill decodes the next block of UTF-16 code units.
func (u *utf16Reader) fill() {
	var raw [4096]byte
	n, err := io.ReadFull(u.r, raw[:])
	stray := false // a last byte without its pair decodes as U+FFFD
	if err == io.ErrUnexpectedEOF {
		err = io.EOF
		stray = n%2 == 1
	}
	u.err = err
	units := append(u.carry, make([]uint16, 0, n/2)...)
	u.carry = nil
	for i := 0; i+1 < n; i += 2 {
		if u.little {
			units = append(units, uint16(raw[i])|uint16(raw[i+1])<<8)
		} else {
			units = append(units, uint16(raw[i])<<8|uint16(raw[i+1]))
		}
	}
	if k := len(units); k > 0 && err == nil && 0xd800 <= units[k-1] && units[k-1] < 0xdc00 {
		u.carry = []uint16{units[k-1]}
		units = units[:k-1]
	}
	buf := u.out[:0]
	for _, r := range utf16.Decode(units) {
		buf = utf8.AppendRune(buf, r)
	}
	if stray {
		buf = utf8.AppendRune(buf, utf8.RuneError)
	}
	u.out = buf
}
