package parser

import (
	"time"
)

// Limits on an object literal spread over several lines, and on the
// fastify requests waiting for their "request completed" line.
const (
	maxObjectLines = 40
	maxObjectBytes = 16 << 10
	maxPendingIDs  = 10000
)

// Stream reads the lines of one input in order. It numbers them, stamps
// each event with the input's name, and joins the object literals Node
// prints over several lines:
//
//	[performance-logger] 🐌 SLOW REQUEST: {
//	  path: '/api/guest/chat',
//	  duration: '2345ms',
//	  threshold: '2000ms',
//	  method: 'POST'
//	}
//
// Any other block that opens with a line ending in '{' (or with a JSON
// object wrapped over several lines) is joined the same way, and counts
// when the object holds a request; a block cut short is dropped silently,
// and the line that cut it (a Next request line, say) is read on its own.
//
// A Stream also joins fastify's and pino's two lines per request by their
// reqId: it remembers the method and path of the last maxPendingIDs
// "incoming request" lines, the oldest forgotten first. A "request
// completed" line whose incoming line it does not hold counts under
// UnknownRoute.
//
// A Stream is not safe for concurrent use.
type Stream struct {
	p    *Parser
	file string
	line int
	sc   scratch
	evs  []Event

	obj openObject // the object literal being joined, if any

	// Incoming requests by reqId, and the reqIds in arrival order.
	pending map[string]incoming
	ids     []string

	// deferJoins leaves joining by reqId to whoever reads the events in
	// order: a Stream that reads a chunk of the input on a worker of a
	// parallel Scanner emits kindIncoming events, and requests that name
	// only a reqId (Event.reqID), instead of joining them itself.
	deferJoins bool
}

// openObject is an object literal being joined over several lines.
type openObject struct {
	open  bool
	slow  bool // a SLOW REQUEST object, which must close
	line  int
	time  time.Time
	lines int
	buf   []byte
}

// copyFrom makes o a copy of src that owns its buffer.
func (o *openObject) copyFrom(src *openObject) {
	buf := append(o.buf[:0], src.buf...)
	*o = *src
	o.buf = buf
}

// incoming is the method and path of an "incoming request" line.
type incoming struct {
	method, path string
}

// NewStream returns a Stream that reads the lines of the input named file
// ("-" for standard input).
func (p *Parser) NewStream(file string) *Stream {
	s := &Stream{p: p, file: file}
	s.sc.paths = make(map[string]string)
	return s
}

// Line returns the number of lines pushed so far.
func (s *Stream) Line() int { return s.line }

// Push reads the next line, without its "\n", and returns the events it
// completes: usually none or one, two when it ends a pending multi-line
// object and is an event itself. The slice and what it points to are valid
// until the next call.
func (s *Stream) Push(line []byte) []Event {
	s.line++
	s.evs = s.evs[:0]
	if s.obj.open && s.continueObject(line) {
		return s.evs
	}
	var ev Event
	err := s.p.parse(line, &s.sc, &ev)
	switch {
	case err == nil:
		if ev.Kind == KindRequest && ev.Request.Route == "" {
			s.joinLine(&ev)
		}
		s.emit(ev, s.line)
	case err == errOpen, err == errOpenObject:
		s.obj.open = true
		s.obj.slow = err == errOpen
		s.obj.line = s.line
		s.obj.time = ev.Time
		s.obj.lines = 1
		s.obj.buf = append(s.obj.buf[:0], s.sc.open...)
	case err == errIncoming:
		f := &s.sc.fields
		if s.deferJoins {
			s.emit(Event{Kind: kindIncoming, reqID: string(f.reqID), Request: Record{Method: f.method, Path: string(f.path)}}, s.line)
		} else {
			s.remember(string(f.reqID), f.method, string(f.path))
		}
	case err != ErrNoMatch:
		s.malformed(err.(*SyntaxError).Msg, s.line)
	}
	return s.evs
}

// remember keeps the method and path of an incoming request by its reqId.
func (s *Stream) remember(id, method, path string) {
	if s.pending == nil {
		s.pending = make(map[string]incoming)
	}
	if _, ok := s.pending[id]; !ok {
		if len(s.ids) == maxPendingIDs {
			delete(s.pending, s.ids[0])
			s.ids = s.ids[1:]
		}
		s.ids = append(s.ids, id)
	}
	s.pending[id] = incoming{method: method, path: path}
}

// joinLine joins the request just read, which names only its reqId, or
// leaves that to the reader of a deferred Stream.
func (s *Stream) joinLine(ev *Event) {
	if s.deferJoins {
		ev.reqID = string(s.sc.fields.reqID)
		return
	}
	in, ok := s.pending[string(s.sc.fields.reqID)]
	s.join(&ev.Request, in, ok)
}

// join fills in the method and path of a request known only by its reqId,
// from the incoming line of that reqId if one was seen (ok).
func (s *Stream) join(rec *Record, in incoming, ok bool) {
	if ok {
		if rec.Method == "" {
			rec.Method = in.method
		}
		rec.Path = in.path
		rec.Route = routeOf(in.path)
		return
	}
	rec.Path, rec.Route = UnknownRoute, UnknownRoute
}

// Skip counts a line that was not read, such as one too long to hold, and
// returns a malformed event that says why.
func (s *Stream) Skip(reason string) []Event {
	s.line++
	s.evs = s.evs[:0]
	s.malformed(reason, s.line)
	return s.evs
}

// Flush returns the events still pending at the end of the input: a
// multi-line object that never closed.
func (s *Stream) Flush() []Event {
	s.evs = s.evs[:0]
	if s.obj.open {
		s.obj.open = false
		if s.obj.slow {
			s.malformed("SLOW REQUEST object not closed", s.obj.line)
		}
	}
	return s.evs
}

// continueObject adds line to the pending object and reports whether it
// was a part of it. A line that is not (the object was cut short) closes
// the object as malformed and is then read on its own.
func (s *Stream) continueObject(line []byte) bool {
	part := trimRight(line)
	if hasANSI(part) {
		s.sc.clean = stripANSI(s.sc.clean[:0], part)
		part = trimRight(s.sc.clean)
	}
	part, _ = stripPrefixes(part)
	if !isObjectPart(part) || s.obj.lines >= maxObjectLines || len(s.obj.buf)+len(part) > maxObjectBytes ||
		part[0] == '{' && !scanObject(part, &s.sc) {
		s.obj.open = false
		if s.obj.slow {
			s.malformed("SLOW REQUEST object not closed", s.obj.line)
		}
		return false
	}
	s.obj.lines++
	s.obj.buf = append(s.obj.buf, '\n')
	s.obj.buf = append(s.obj.buf, part...)
	if !s.obj.slow {
		return s.continueBlock()
	}
	var ev Event
	complete, err := parseSlow(s.obj.buf, &s.sc.obj, &ev.Slow)
	if !complete {
		return true
	}
	s.obj.open = false
	if err != nil {
		s.malformed(err.(*SyntaxError).Msg, s.obj.line)
		return true
	}
	ev.Kind = KindSlow
	ev.Time = s.obj.time
	s.emit(ev, s.obj.line)
	return true
}

// continueBlock reads the object joined so far, once it is closed.
func (s *Stream) continueBlock() bool {
	if scanObject(s.obj.buf, &s.sc) {
		return true
	}
	s.obj.open = false
	var ev Event
	if classify(objectSource(s.obj.buf), &s.sc, &ev.Request) != objRequest {
		return true
	}
	ev.Kind = KindRequest
	ev.Time = s.obj.time
	if t := s.sc.fields.time; !t.IsZero() {
		ev.Time = t
	}
	if ev.Request.Route == "" {
		s.joinLine(&ev)
	}
	s.emit(ev, s.obj.line)
	return true
}

// isObjectPart reports whether a line, cleaned of its prefixes, can be a
// line of a multi-line object: "path: '/x',", "'active',", "}", "],", or
// a nested "{" or "[" (which must not be a whole object of its own).
func isObjectPart(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	switch c := b[0]; {
	case c == '}' || c == ']' || c == '{' || c == '[':
		return true
	case c == '\'' || c == '"':
		return true
	case isNameByte(c) || c == '$':
		i := 1
		for i < len(b) && (isNameByte(b[i]) || b[i] == '$') {
			i++
		}
		return i < len(b) && b[i] == ':'
	}
	return false
}

func (s *Stream) emit(ev Event, line int) {
	ev.File, ev.Line = s.file, line
	if ev.Kind == KindRequest {
		ev.Request.File, ev.Request.Line, ev.Request.Time = s.file, line, ev.Time
	}
	s.evs = append(s.evs, ev)
}

func (s *Stream) malformed(msg string, line int) {
	s.evs = append(s.evs, Event{
		Kind: KindMalformed,
		File: s.file,
		Line: line,
		Err:  &SyntaxError{File: s.file, Line: line, Msg: msg},
	})
}
