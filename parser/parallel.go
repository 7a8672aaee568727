package parser

import (
	"bytes"
	"fmt"
	"io"
)

// A Scanner with workers reads its input in chunks of whole lines and
// parses each chunk on a worker goroutine, with a Stream of its own that
// starts as if at the top of a file. Scan then takes the chunks' events
// in input order and finishes what a chunk cannot know on its own:
//
//   - line numbers, which a worker counts from the chunk's first line;
//   - fastify's reqId joins, which the workers leave to the Stream Scan
//     keeps (Stream.deferJoins);
//   - an object literal still open at the end of a chunk: its lines go on
//     in the next chunk, which the worker read as if no object were open,
//     so Scan reads that chunk again itself, line by line, with the open
//     object carried over. This is rare (an object is a few lines in
//     thousands), and keeps the events the same as a read on one
//     goroutine, in the same order.
//
// The chunks in flight are a fixed pool, so memory does not grow with
// the input.

// chunkBytes is the size a chunk is read at; a longer line makes its
// chunk grow, up to MaxLineBytes+1. A variable for tests.
var chunkBytes = 128 << 10

// maxKeptEvents bounds the events a chunk keeps room for between uses: a
// chunk of short lines that are all events (a JSON log) needs room for
// thousands, at over 300 bytes each, and should not keep it.
const maxKeptEvents = 2048

// chunk is a run of whole lines and, once a worker is done, their events.
type chunk struct {
	data []byte // whole lines; only the input's last may lack its "\n"
	long int    // > 0: no data, but a line of long bytes that was skipped

	evs    []Event
	phases []Phase    // the events' phases
	lines  int        // the lines in data
	obj    openObject // the object open at the end of data, if any
	done   chan uint8 // a worker is done with the chunk
}

// parallel is the machinery of a Scanner with workers.
type parallel struct {
	order chan *chunk // every chunk, in input order, for Scan
	work  chan *chunk // the same chunks, for the workers
	free  chan *chunk

	cur    *chunk
	rest   []byte // with seq: the lines of cur not yet read
	seq    bool   // cur is read line by line by the Scanner's Stream
	base   int    // the lines before cur
	err    error  // set by read before order is closed
	nbytes int64
}

// SetWorkers makes the Scanner parse on n goroutines, which pays on a
// machine with more than one core; each holds a chunk or two (128 KiB and
// up to 2048 events, 700 KiB). It must be called before the first Scan;
// n < 2 leaves the Scanner reading on the caller's goroutine. With
// workers, the caller must call Scan until it returns false, or the
// workers leak, and Lines, Bytes and Err are only right once it has.
func (sc *Scanner) SetWorkers(n int) {
	if n < 2 || sc.par != nil {
		return
	}
	sc.buf = nil // the workers have their own
	pool := n + 2
	ps := &parallel{
		order: make(chan *chunk, pool),
		work:  make(chan *chunk, pool),
		free:  make(chan *chunk, pool),
	}
	for range pool {
		ps.free <- &chunk{data: make([]byte, 0, chunkBytes), done: make(chan uint8, 1)}
	}
	sc.par = ps
	go ps.read(sc.r)
	for range n {
		st := sc.st.p.NewStream(sc.st.file)
		st.deferJoins = true
		var derive func(*Record)
		if sc.derive != nil {
			derive = sc.derive()
		}
		go ps.parse(st, derive)
	}
}

// SetDerive makes each parse worker of the Scanner call a func of its
// own, made by newDerive, on the records it parses, to fill in
// Record.Derived: work the reader would otherwise do on its goroutine. A
// record whose path is only known once the records are put in order (a
// fastify "request completed" line, joined by its reqId) is left as it
// is. SetDerive must be called before SetWorkers; without workers it
// does nothing.
func (sc *Scanner) SetDerive(newDerive func() func(*Record)) { sc.derive = newDerive }

// read cuts the input into chunks of whole lines, as Scanner.readLine
// cuts it into lines.
func (ps *parallel) read(r io.Reader) {
	defer close(ps.work)
	defer close(ps.order)
	var (
		carry []byte // the start of a line, read with the chunk before
		long  int    // > 0: the bytes so far of a line too long to keep
		eof   bool
	)
	for !eof || len(carry) > 0 {
		c := <-ps.free
		c.data = append(c.data[:0], carry...)
		// The test for a line too long to keep is on the buffer's size:
		// the append must not have grown it past MaxLineBytes+1.
		c.data = c.data[:len(c.data):min(cap(c.data), MaxLineBytes+1)]
		carry = carry[:0]
		if cap(carry) > chunkBytes {
			carry = nil // after a long line
		}
		c.long = 0
		for {
			if long > 0 {
				if i := bytes.IndexByte(c.data, '\n'); i >= 0 {
					c.long = long + i
					carry = append(carry, c.data[i+1:]...)
					c.data, long = c.data[:0], 0
					break
				}
				long += len(c.data)
				c.data = c.data[:0]
				if eof {
					if ps.err == nil { // the last line, without its "\n"
						c.long = long
					}
					long = 0
					break
				}
			} else if i := bytes.LastIndexByte(c.data, '\n'); i >= 0 && (eof || len(c.data) == cap(c.data)) {
				carry = append(carry, c.data[i+1:]...)
				c.data = c.data[:i+1]
				break
			} else if eof {
				if ps.err != nil { // a line cut short by a read error is not read
					c.data = c.data[:0]
				}
				break
			} else if len(c.data) == cap(c.data) {
				if cap(c.data) > MaxLineBytes {
					long = len(c.data) // skip the line
					c.data = c.data[:0]
				} else {
					c.data = append(make([]byte, 0, min(2*cap(c.data), MaxLineBytes+1)), c.data...)
				}
			}
			n, err := r.Read(c.data[len(c.data):cap(c.data)])
			c.data = c.data[:len(c.data)+n]
			ps.nbytes += int64(n)
			if err != nil {
				eof = true
				if err != io.EOF {
					ps.err = err
				}
			}
		}
		if len(c.data) == 0 && c.long == 0 {
			ps.free <- c
			continue
		}
		ps.order <- c
		ps.work <- c
	}
}

// parse reads the chunks it is given with st, and derives what derive,
// if not nil, does of their records.
func (ps *parallel) parse(st *Stream, derive func(*Record)) {
	for c := range ps.work {
		c.evs, c.phases, c.lines = c.evs[:0], c.phases[:0], 0
		c.obj.open = false
		if c.long == 0 {
			st.line = 0
			st.obj.open = false
			for data := c.data; len(data) > 0; {
				var line []byte
				line, data = cutLine(data)
				for _, ev := range st.Push(line) {
					if n := len(ev.Request.Phases); n > 0 {
						start := len(c.phases)
						c.phases = append(c.phases, ev.Request.Phases...)
						ev.Request.Phases = c.phases[start : start+n : start+n]
					}
					c.evs = append(c.evs, ev)
					if derive != nil && ev.Kind == KindRequest && ev.reqID == "" {
						// In place: a pointer to ev would move it to the heap.
						derive(&c.evs[len(c.evs)-1].Request)
					}
				}
			}
			c.lines = st.line
			if st.obj.open {
				c.obj.copyFrom(&st.obj)
			}
		}
		c.done <- 1
	}
}

// cutLine returns the first line of whole lines, without its line ending,
// and the lines after it.
func cutLine(data []byte) (line, rest []byte) {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return dropCR(data[:i]), data[i+1:]
	}
	return dropCR(data), nil
}

// scan is Scan for a Scanner with workers.
func (sc *Scanner) scan() bool {
	ps, st := sc.par, sc.st
	for {
		for sc.next < len(sc.evs) {
			ev := &sc.evs[sc.next]
			sc.next++
			if ps.seq {
				return true
			}
			// An event from a worker: place it, and join it.
			ev.Line += ps.base
			switch ev.Kind {
			case kindIncoming:
				st.remember(ev.reqID, ev.Request.Method, ev.Request.Path)
				continue
			case KindRequest:
				ev.Request.Line += ps.base
				if ev.reqID != "" {
					in, ok := st.pending[ev.reqID]
					st.join(&ev.Request, in, ok)
					ev.reqID = ""
				}
			case KindMalformed:
				ev.Err.Line += ps.base
			}
			return true
		}
		sc.evs, sc.next = nil, 0
		if ps.seq && len(ps.rest) > 0 {
			var line []byte
			line, ps.rest = cutLine(ps.rest)
			sc.evs = st.Push(line)
			continue
		}
		if !sc.nextChunk() {
			if sc.flushed {
				return false
			}
			sc.flushed = true
			ps.seq = true // Flush's events are the Stream's own
			sc.evs = st.Flush()
		}
	}
}

// nextChunk is done with the current chunk and moves to the next one. An
// object left open by the current chunk makes the next one read line by
// line, by the Scanner's Stream.
func (sc *Scanner) nextChunk() bool {
	ps, st := sc.par, sc.st
	if c := ps.cur; c != nil {
		if ps.seq {
			ps.base = st.line
		} else {
			if c.obj.open {
				st.obj.copyFrom(&c.obj)
				st.obj.line += ps.base
			}
			ps.base += c.lines
		}
		if cap(c.data) > chunkBytes {
			c.data = make([]byte, 0, chunkBytes) // after a long line
		}
		if cap(c.evs) > maxKeptEvents {
			c.evs, c.phases = nil, nil
		}
		ps.cur = nil
		ps.free <- c
	}
	st.line = ps.base
	c, ok := <-ps.order
	if !ok {
		return false
	}
	<-c.done
	ps.cur = c
	switch {
	case c.long > 0:
		ps.seq, ps.rest = true, nil
		sc.evs = st.Skip(fmt.Sprintf("line of %d bytes is longer than %d; skipped", c.long, MaxLineBytes))
	case st.obj.open:
		ps.seq, ps.rest = true, c.data
	default:
		ps.seq = false
		sc.evs = c.evs
	}
	return true
}
