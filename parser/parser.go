// Package parser turns the lines of a Next.js dev-server log into typed
// events: finished requests, compiles, server starts, and what the app
// prints about its in-memory metrics store.
//
// A log is mostly noise, so every line first meets a cheap test for the
// few byte strings any event must contain; only lines that pass are
// cleaned (ANSI escapes, CI/docker/turbo prefixes) and read. Noise returns
// [ErrNoMatch]; a line that looks like a request but cannot be read returns
// a [*SyntaxError], which callers report with its file and line and then
// carry on.
//
// [Parser.ParseLine] reads one line on its own. A [Stream] reads the lines
// of one input in order, which also joins events that Node spreads over
// several lines, and a [Scanner] reads a whole [io.Reader]:
//
//	sc := parser.NewScanner(r, "dev-server.log", p)
//	for sc.Scan() {
//		ev := sc.Event()
//		…
//	}
//	if err := sc.Err(); err != nil { … }
package parser

import (
	"bytes"
	"errors"
	"fmt"
	"time"
)

// Options configures a Parser. The zero value reads every source but
// user patterns.
type Options struct {
	// Formats lists the sources whose request lines are read; empty
	// means all. Compile, start and store lines are read whatever it
	// holds.
	Formats []Source
	// Patterns are user patterns (--pattern), tried on every line that
	// holds a digit, before the built-in formats. They cannot be
	// pre-filtered like those, so each one costs a regexp match per line.
	Patterns []*Pattern
}

// Parser reads log lines. It holds only configuration, so one Parser may
// serve many Streams, in any number of goroutines.
type Parser struct {
	opts     Options
	mask     uint8 // sourceBit(src) is set when src is read
	objects  bool  // JSON or console objects are read
	text     bool  // koa, morgan or custom text lines are read
	patterns bool  // user patterns are read
}

// New returns a Parser for opts.
func New(opts Options) (*Parser, error) {
	p := &Parser{opts: opts}
	if len(opts.Formats) == 0 {
		p.mask = 1<<len(Sources) - 1
	}
	for _, f := range opts.Formats {
		bit := sourceBit(f)
		if bit == 0 {
			return nil, fmt.Errorf("unknown source %q", f)
		}
		p.mask |= bit
	}
	p.objects = p.reads(SourceJSON) || p.reads(SourceObject)
	p.text = p.reads(SourceKoa) || p.reads(SourceMorgan) || p.reads(SourceText)
	p.patterns = p.reads(SourcePattern) && len(opts.Patterns) > 0
	return p, nil
}

// reads reports whether the Parser reads the request lines of src.
func (p *Parser) reads(src Source) bool {
	return p.mask&sourceBit(src) != 0
}

// sourceBit is src's bit in Parser.mask: 1<<i for Sources[i].
func sourceBit(src Source) uint8 {
	switch src {
	case SourceNext:
		return 1 << 0
	case SourcePattern:
		return 1 << 1
	case SourceJSON:
		return 1 << 2
	case SourceObject:
		return 1 << 3
	case SourceKoa:
		return 1 << 4
	case SourceMorgan:
		return 1 << 5
	case SourceText:
		return 1 << 6
	}
	return 0
}

// ParseLine reads one line, without its line ending. It returns
// ErrNoMatch for a line that carries no event and a *SyntaxError, without
// position, for a request-like line it cannot read. Events that span
// several lines need a Stream, and so does joining fastify's two lines
// per request: on its own, a "request completed" line counts under
// UnknownRoute.
func (p *Parser) ParseLine(line []byte) (Event, error) {
	var sc scratch
	var ev Event
	err := p.parse(line, &sc, &ev)
	switch {
	case err == errOpen, err == errOpenObject, err == errIncoming:
		err = ErrNoMatch
	case err == nil && ev.Kind == KindRequest && ev.Request.Route == "":
		ev.Request.Path, ev.Request.Route = UnknownRoute, UnknownRoute
	}
	if err != nil {
		return Event{}, err
	}
	if len(ev.Request.Phases) > 0 {
		ev.Request.Phases = append([]Phase(nil), ev.Request.Phases...)
	}
	return ev, nil
}

// Internal outcomes of parse, handled by a Stream.
var (
	// errOpen reports a SLOW REQUEST line that opens an object literal
	// continued on the next lines; the object read so far is in
	// scratch.open.
	errOpen = errors.New("object continues on the next line")
	// errOpenObject reports any other object that continues on the next
	// lines, which may turn out to be a request.
	errOpenObject = errors.New("object continues on the next line")
	// errIncoming reports fastify's "incoming request" line: the method
	// and path of scratch.fields.reqID.
	errIncoming = errors.New("incoming request")
)

// scratch is the memory a Stream reuses from line to line.
type scratch struct {
	clean  []byte
	phases []Phase
	obj    objectScanner
	fields objFields
	fl     fieldList
	msg    []byte // a JSON line's message, read as a line of its own
	inMsg  bool
	open   []byte            // with errOpen: the start of the object
	tag    []byte            // with errOpen: the line's tag
	paths  map[string]string // recent request paths, nil for ParseLine: see intern
}

// maxInterned bounds scratch.paths.
const maxInterned = 1 << 10

// intern returns b as a string, the same string for a path (or compile
// target) seen recently: a log repeats its paths, and a new string per
// request was most of what a read allocated. Paths with ids are new each
// time, and refill the map once it is cleared.
func (sc *scratch) intern(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if sc.paths == nil {
		return string(b)
	}
	if s, ok := sc.paths[string(b)]; ok {
		return s
	}
	if len(sc.paths) >= maxInterned {
		clear(sc.paths)
	}
	s := string(b)
	sc.paths[s] = s
	return s
}

// parse reads line into ev (position fields aside). The order decides
// which parser a line goes to, the first that reads it: user patterns,
// Next's request lines, compile and start lines, the app's store lines,
// objects (JSON and console), koa, morgan, custom text lines. A request
// of a source not in Options.Formats is dropped, so that forcing one
// format never reads another format's line as its own.
func (p *Parser) parse(line []byte, sc *scratch, ev *Event) error {
	err := p.parseAny(line, sc, ev)
	if err == nil && ev.Kind == KindRequest && !p.reads(ev.Request.Source) {
		return ErrNoMatch
	}
	if err == nil && ev.Kind == KindRequest && ev.Request.Duration > MaxDuration {
		r := &ev.Request
		return &SyntaxError{Msg: fmt.Sprintf("request %s %s took %v: over 24h, not a request's time", r.Method, r.Path, r.Duration)}
	}
	return err
}

// MaxDuration is the longest a request line may say a request took: a
// longer one is malformed (what a client sends may be in the line, and
// sums of such durations would overflow).
const MaxDuration = 24 * time.Hour

func (p *Parser) parseAny(line []byte, sc *scratch, ev *Event) error {
	line = trimRight(line)
	h := hints{p: p, line: line}
	if !h.mayMatch() {
		return ErrNoMatch
	}
	if hasANSI(line) {
		sc.clean = stripANSI(sc.clean[:0], line)
		line = trimRight(sc.clean)
	}
	if h.has(hintPattern) {
		for _, pat := range p.opts.Patterns {
			if pat.match(line, &ev.Request) {
				ev.Kind, ev.Time = KindRequest, ev.Request.Time
				if ev.Time.IsZero() { // no time group: a timestamp prefix, if any
					_, pre := stripPrefixes(line)
					ev.Time = pre.time
				}
				return nil
			}
		}
	}
	s, pre := stripPrefixes(line)
	if pre.browser || subLine(s) {
		return ErrNoMatch
	}
	ev.Time = pre.time
	if h.has(hintNext) {
		err := parseNext(s, &ev.Request, sc)
		switch {
		case err == nil:
			ev.Kind = KindRequest
			return nil
		case err != ErrNoMatch:
			return err
		}
	}
	if h.has(hintCompile) && parseCompile(s, &ev.Compile, sc) {
		ev.Kind = KindCompile
		return nil
	}
	if (h.has(hintNext) || h.has(hintOther)) && parseStart(s) {
		ev.Kind = KindStart
		return nil
	}
	if !h.has(hintOther) {
		// no store or slow-request line
	} else if obj, ok := slowObject(s); ok {
		complete, err := parseSlow(obj, &sc.obj, &ev.Slow)
		if !complete {
			sc.open = obj
			sc.tag = pre.tag
			return errOpen
		}
		if err != nil {
			return err
		}
		ev.Kind = KindSlow
		return nil
	}
	if h.has(hintOther) && parseStore(s, pre.tag, ev) {
		return nil
	}
	if !h.has(hintObject) {
		// no object
	} else if i := bytes.IndexByte(s, '{'); i >= 0 {
		if err := p.parseObject(s, i, sc, ev); err != ErrNoMatch {
			return err
		}
	}
	if !p.text || !h.has(hintText) && !h.has(hintNext) {
		return ErrNoMatch
	}
	if parseKoa(s, &sc.fl, &ev.Request) {
		textRequest(ev, s)
		return nil
	}
	method, mi, pi := findMethod(s)
	if mi < 0 {
		if parseStatusFirst(s, &ev.Request) {
			textRequest(ev, s)
			return nil
		}
		if method, mi, pi = findMethodURL(s); mi < 0 {
			return ErrNoMatch
		}
	} else {
		ok, err := parseMorgan(s, method, mi, pi, &sc.fl, &ev.Request)
		if err != nil {
			return err
		}
		if ok {
			textRequest(ev, s)
			return nil
		}
	}
	if p.parseCustom(s, method, mi, pi, sc, &ev.Request) {
		textRequest(ev, s)
		return nil
	}
	return ErrNoMatch
}

// textRequest makes ev the request a text logger's line s was read as, or
// the slow-request warning it is.
func textRequest(ev *Event, s []byte) {
	ev.Kind = KindRequest
	if slowWarning(s) {
		toSlow(ev, s)
		return
	}
	ev.Request.Tag = trailingTag(s)
}

// trailingTag returns the word in brackets that ends s, as a logger that
// times a request in its middleware and again in its handler marks them
// ("… 200 1ms [middleware]", "… 200 477ms [route]"), or "".
func trailingTag(s []byte) string {
	if len(s) < 3 || s[len(s)-1] != ']' {
		return ""
	}
	i := bytes.LastIndexByte(s, '[')
	if i < 0 || i == 0 || s[i-1] != ' ' && s[i-1] != '\t' {
		return ""
	}
	tag := s[i+1 : len(s)-1]
	if !validTag(tag) {
		return ""
	}
	return tagString(tag)
}

// validTag reports whether tag is a short word or two, as stage tags are.
func validTag(tag []byte) bool {
	if len(tag) == 0 || len(tag) > 32 {
		return false
	}
	for _, c := range tag {
		if !('a' <= c|0x20 && c|0x20 <= 'z' || isDigit(c) || c == '-' || c == '_' || c == '.' || c == ' ') {
			return false
		}
	}
	return true
}

// parseObject reads the object at s[i:]. It returns errOpenObject when the
// object goes on past the line and the line may open a multi-line object:
// it ends with the '{' or starts with the object (a JSON line wrapped).
func (p *Parser) parseObject(s []byte, i int, sc *scratch, ev *Event) error {
	obj := s[i:]
	if scanObject(obj, sc) && (i == 0 || s[len(s)-1] == '{') {
		sc.open = obj
		return errOpenObject
	}
	switch classify(objectSource(obj), sc, &ev.Request) {
	case objRequest:
		ev.Kind = KindRequest
		if t := sc.fields.time; !t.IsZero() {
			ev.Time = t
		}
		if slowWarning(sc.fields.msg) {
			toSlow(ev, obj)
		}
		return nil
	case objIncoming:
		return errIncoming
	}
	// next-logger and pino-pretty wrap other output in JSON: read the
	// message as a line of its own, once.
	if i == 0 && len(sc.fields.msg) > 0 && !sc.inMsg {
		t := sc.fields.time
		sc.msg = append(sc.msg[:0], sc.fields.msg...)
		sc.inMsg = true
		err := p.parseAny(sc.msg, sc, ev)
		sc.inMsg = false
		if err == nil && ev.Time.IsZero() {
			ev.Time = t
		}
		if err == errOpen || err == errOpenObject || err == errIncoming {
			err = ErrNoMatch
		}
		return err
	}
	return ErrNoMatch
}

// hasDigit reports whether b holds an ASCII digit.
func hasDigit(b []byte) bool {
	for _, c := range b {
		if isDigit(c) {
			return true
		}
	}
	return false
}
