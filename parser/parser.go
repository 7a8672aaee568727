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
)

// Options configures a Parser. The zero value reads Next.js dev logs.
type Options struct{}

// Parser reads log lines. It holds only configuration, so one Parser may
// serve many Streams, in any number of goroutines.
type Parser struct {
	opts Options
}

// New returns a Parser for opts.
func New(opts Options) (*Parser, error) {
	return &Parser{opts: opts}, nil
}

// ParseLine reads one line, without its line ending. It returns
// ErrNoMatch for a line that carries no event and a *SyntaxError, without
// position, for a request-like line it cannot read. Events that span
// several lines need a Stream.
func (p *Parser) ParseLine(line []byte) (Event, error) {
	var sc scratch
	var ev Event
	err := p.parse(line, &sc, &ev)
	if errors.Is(err, errOpen) {
		err = ErrNoMatch
	}
	if err != nil {
		return Event{}, err
	}
	if len(ev.Request.Phases) > 0 {
		ev.Request.Phases = append([]Phase(nil), ev.Request.Phases...)
	}
	return ev, nil
}

// errOpen reports a line that opens an object literal continued on the
// next lines; the object read so far is in scratch.open.
var errOpen = errors.New("object continues on the next line")

// scratch is the memory a Stream reuses from line to line.
type scratch struct {
	clean  []byte
	phases []Phase
	obj    objectScanner
	open   []byte // with errOpen: the start of the object
	tag    []byte // with errOpen: the line's tag
}

// Needles: every event's line holds one of these byte strings.
var (
	needleCompile = []byte("ompil")
	needleServer  = []byte("started server")
	needleMetric  = []byte("RECORDED")
	needleSlow    = []byte("SLOW REQUEST")
	needleStore   = []byte("etrics") // metricsStoreSize, Metrics cleared
)

// mayMatch is the cheap test every line meets before it is read.
func mayMatch(line []byte) bool {
	return bytes.Contains(line, spaceIn) || endsWithStatus(line) ||
		bytes.Contains(line, needleCompile) ||
		bytes.Contains(line, needleMetric) ||
		bytes.Contains(line, needleSlow) ||
		bytes.Contains(line, needleStore) ||
		bytes.Contains(line, needleServer)
}

// endsWithStatus reports whether line ends in " 503": a request line
// that lost its timing.
func endsWithStatus(line []byte) bool {
	n := len(line)
	return n >= 4 && line[n-4] == ' ' && isDigit(line[n-3]) && isDigit(line[n-2]) && isDigit(line[n-1])
}

// parse reads line into ev (position fields aside).
func (p *Parser) parse(line []byte, sc *scratch, ev *Event) error {
	line = trimRight(line)
	if !mayMatch(line) {
		return ErrNoMatch
	}
	if hasANSI(line) {
		sc.clean = stripANSI(sc.clean[:0], line)
		line = trimRight(sc.clean)
	}
	s, pre := stripPrefixes(line)
	if pre.browser {
		return ErrNoMatch
	}
	ev.Time = pre.time
	if bytes.Contains(s, spaceIn) || endsWithStatus(s) {
		phases, err := parseNext(s, &ev.Request, sc.phases)
		sc.phases = phases
		switch {
		case err == nil:
			ev.Kind = KindRequest
			return nil
		case err != ErrNoMatch:
			return err
		}
	}
	if parseCompile(s, &ev.Compile) {
		ev.Kind = KindCompile
		return nil
	}
	if parseStart(s) {
		ev.Kind = KindStart
		return nil
	}
	if obj, ok := slowObject(s); ok {
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
	if parseStore(s, pre.tag, ev) {
		return nil
	}
	return ErrNoMatch
}
