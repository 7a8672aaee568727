package main

import (
	"github.com/reqstats/reqstats/parser"
)

// Reading a log is two stages of about equal cost: finding and parsing
// the lines, and counting the events. scanAhead runs the first on its own
// goroutine, so that a batch read uses both cores while events still
// reach the aggregator one by one and in log order: the output is the
// same bytes as reading on one goroutine.

// batchSize is how many events a batch carries.
const batchSize = 1024

// batch is a run of events that owns everything they point to.
type batch struct {
	evs    []parser.Event
	phases []parser.Phase // the events' phases, copied out of the scanner
}

// scanner reads events on a goroutine of its own.
type scanner struct {
	sc    *parser.Scanner
	full  chan *batch
	free  chan *batch
	cur   *batch
	i     int
	lines int
	bytes int64
}

// scanAhead starts reading sc's events on another goroutine. The caller
// must call Scan until it returns false.
func scanAhead(sc *parser.Scanner) *scanner {
	s := &scanner{sc: sc, full: make(chan *batch, 4), free: make(chan *batch, 6)}
	for range cap(s.free) {
		s.free <- &batch{evs: make([]parser.Event, 0, batchSize)}
	}
	go s.run()
	return s
}

func (s *scanner) run() {
	defer close(s.full)
	b := <-s.free
	for s.sc.Scan() {
		ev := *s.sc.Event()
		if n := len(ev.Request.Phases); n > 0 {
			start := len(b.phases)
			b.phases = append(b.phases, ev.Request.Phases...)
			ev.Request.Phases = b.phases[start : start+n : start+n]
		}
		b.evs = append(b.evs, ev)
		if len(b.evs) == batchSize {
			s.full <- b
			b = <-s.free
		}
	}
	s.lines, s.bytes = s.sc.Lines(), s.sc.Bytes()
	s.full <- b
}

// Scan advances to the next event, as parser.Scanner.Scan does.
func (s *scanner) Scan() bool {
	for s.cur == nil || s.i >= len(s.cur.evs) {
		if s.cur != nil {
			s.cur.evs, s.cur.phases = s.cur.evs[:0], s.cur.phases[:0]
			s.free <- s.cur
		}
		b, ok := <-s.full
		if !ok {
			s.cur = nil
			return false
		}
		s.cur, s.i = b, 0
	}
	s.i++
	return true
}

// Event returns the current event, valid until the next call to Scan.
func (s *scanner) Event() *parser.Event { return &s.cur.evs[s.i-1] }

// Err, Lines and Bytes are the scanner's, once Scan has returned false.
func (s *scanner) Err() error   { return s.sc.Err() }
func (s *scanner) Lines() int   { return s.lines }
func (s *scanner) Bytes() int64 { return s.bytes }
