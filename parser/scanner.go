package parser

import (
	"bytes"
	"fmt"
	"io"
)

// MaxLineBytes is the longest line a Scanner reads. A longer line is
// skipped and reported as malformed; a 1 MB line is fine.
const MaxLineBytes = 8 << 20

const scanBufferSize = 256 << 10

// Scanner reads the events of one input, modeled on bufio.Scanner:
//
//	sc := parser.NewScanner(r, "dev-server.log", p)
//	for sc.Scan() {
//		ev := sc.Event()
//	}
//	err := sc.Err()
//
// Lines end at "\n"; a trailing "\r" (CRLF, or PowerShell's "\r\r\n") is
// dropped, and a last line without "\n" is read too. Invalid UTF-8 and NUL
// bytes pass through as they are.
type Scanner struct {
	r       io.Reader
	st      *Stream
	buf     []byte
	start   int // buf[start:end] is read but not yet split into lines
	end     int
	eof     bool
	flushed bool
	err     error
	bytes   int64
	evs     []Event
	next    int
	long    int // the bytes of an over-long line skipped so far
	par     *parallel
	derive  func() func(*Record) // see SetDerive
}

// NewScanner returns a Scanner that reads r, the input named file.
func NewScanner(r io.Reader, file string, p *Parser) *Scanner {
	return &Scanner{r: r, st: p.NewStream(file), buf: make([]byte, scanBufferSize)}
}

// Scan advances to the next event, and reports false at the end of the
// input or on a read error.
func (sc *Scanner) Scan() bool {
	if sc.par != nil {
		return sc.scan()
	}
	for {
		if sc.next < len(sc.evs) {
			sc.next++
			return true
		}
		sc.evs, sc.next = nil, 0
		line, skipped, ok := sc.readLine()
		switch {
		case !ok && sc.flushed:
			return false
		case !ok:
			sc.flushed = true
			sc.evs = sc.st.Flush()
		case skipped > 0:
			sc.evs = sc.st.Skip(fmt.Sprintf("line of %d bytes is longer than %d; skipped", skipped, MaxLineBytes))
		default:
			sc.evs = sc.st.Push(line)
		}
	}
}

// Event returns the current event. It is valid until the next call to Scan.
func (sc *Scanner) Event() *Event { return &sc.evs[sc.next-1] }

// Err returns the first read error, not io.EOF.
func (sc *Scanner) Err() error {
	if sc.par != nil {
		return sc.par.err
	}
	return sc.err
}

// Lines returns the number of lines read so far.
func (sc *Scanner) Lines() int { return sc.st.Line() }

// Bytes returns the number of bytes read so far.
func (sc *Scanner) Bytes() int64 {
	if sc.par != nil {
		return sc.par.nbytes
	}
	return sc.bytes
}

// readLine returns the next line without its line ending, or the length
// of a line too long to read.
func (sc *Scanner) readLine() (line []byte, skipped int, ok bool) {
	for {
		i := bytes.IndexByte(sc.buf[sc.start:sc.end], '\n')
		if i < 0 && sc.eof {
			if sc.start == sc.end && sc.long == 0 || sc.err != nil {
				// At the end, or where a read failed: a line cut short
				// there is not read (the error is reported).
				return nil, 0, false
			}
			i = sc.end - sc.start // the last line has no "\n"
		}
		if i >= 0 {
			line = sc.buf[sc.start : sc.start+i]
			sc.start = min(sc.start+i+1, sc.end)
			if sc.long > 0 {
				n := sc.long + len(line)
				sc.long = 0
				return nil, n, true
			}
			return dropCR(line), 0, true
		}
		sc.fill()
	}
}

// fill reads more of the input, making room first.
func (sc *Scanner) fill() {
	if sc.start > 0 {
		copy(sc.buf, sc.buf[sc.start:sc.end])
		sc.end -= sc.start
		sc.start = 0
	}
	if sc.end == len(sc.buf) {
		if len(sc.buf) <= MaxLineBytes { // a line of MaxLineBytes and its "\n" fit
			nb := make([]byte, min(2*len(sc.buf), MaxLineBytes+1))
			copy(nb, sc.buf[:sc.end])
			sc.buf = nb
		} else {
			// A line longer than MaxLineBytes: skip it.
			sc.long += sc.end
			sc.end = 0
		}
	}
	n, err := sc.r.Read(sc.buf[sc.end:])
	sc.end += n
	sc.bytes += int64(n)
	if err != nil {
		sc.eof = true
		if err != io.EOF {
			sc.err = err
		}
	}
}

// dropCR drops the "\r" of a CRLF line ending, and the doubled "\r\r" of
// output that went through two translations.
func dropCR(line []byte) []byte {
	for len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	return line
}
