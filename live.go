package main

import (
	"sync"
	"time"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/parser"
)

// live is the state of a followed log, shared by the goroutine that reads
// it, the live view and the HTTP server.
type live struct {
	mu     sync.Mutex
	agg    *aggregate.Aggregator
	api    *aggregate.Aggregator // what --serve answers at the endpoint's path; nil for agg
	recent recentRing
	slow   time.Duration
	lines  int
	files  map[string]int // lines read per input
	order  []string       // inputs in order of first line
	// lastRequest is when the last request line arrived (wall clock).
	lastRequest time.Time
	malformed   int
}

func newLive(opts aggregate.Options, keep int) *live {
	return &live{
		agg:    aggregate.New(opts),
		recent: recentRing{max: keep},
		slow:   opts.Slow,
		files:  make(map[string]int),
	}
}

// line counts a line read from file.
func (l *live) line(file string) {
	l.mu.Lock()
	if _, ok := l.files[file]; !ok {
		l.order = append(l.order, file)
	}
	l.files[file]++
	l.lines++
	l.mu.Unlock()
}

// add accounts for an event that arrived at now.
func (l *live) add(ev *parser.Event, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.agg.Add(ev)
	if l.api != nil {
		l.api.Add(ev)
	}
	switch ev.Kind {
	case parser.KindRequest:
		l.lastRequest = now
		r := ev.Request
		t := r.Time
		if t.IsZero() {
			t = now
		}
		l.recent.add(metric{
			Timestamp: t.UTC().Format(time.RFC3339Nano),
			Method:    r.Method,
			Path:      r.Path,
			Route:     l.agg.GroupRoute(r.Route),
			Duration:  r.Duration,
			Status:    r.Status,
			Slow:      r.Duration > l.slow,
			File:      r.File,
			Line:      r.Line,
		})
	case parser.KindMalformed:
		l.malformed++
	}
}

// summary returns the summary of what was read so far.
func (l *live) summary() *aggregate.Summary {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, f := range l.order {
		l.agg.AddInput(f, l.files[f], 0, nil)
	}
	return l.agg.Summary()
}

// apiSummary returns the summary the endpoint's object is made of.
func (l *live) apiSummary() *aggregate.Summary {
	if l.api == nil {
		return l.summary()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.api.Summary()
}

// snapshot is what the live view shows besides the summary.
type snapshot struct {
	s           *aggregate.Summary
	lines       int
	lastRequest time.Time
	recent      []metric
}

func (l *live) snapshot(recent int) snapshot {
	s := l.summary()
	l.mu.Lock()
	defer l.mu.Unlock()
	return snapshot{s: s, lines: l.lines, lastRequest: l.lastRequest, recent: l.recent.last(recent)}
}

// metric is one request as the app's metrics store keeps it, with where
// it was read.
type metric struct {
	Timestamp string        `json:"timestamp"`
	Method    string        `json:"method"`
	Path      string        `json:"path"`
	Route     string        `json:"-"` // grouped, as the summary counts it
	Duration  time.Duration `json:"-"`
	Status    int           `json:"status"`
	Slow      bool          `json:"slow"`
	File      string        `json:"-"`
	Line      int           `json:"-"`
}

// recentRing keeps the last max requests.
type recentRing struct {
	max  int
	buf  []metric
	next int
}

func (r *recentRing) add(m metric) {
	if r.max <= 0 {
		return
	}
	if len(r.buf) < r.max {
		r.buf = append(r.buf, m)
		return
	}
	r.buf[r.next] = m
	r.next = (r.next + 1) % r.max
}

// last returns up to n of the latest requests, oldest first; n < 0 means
// all that are kept.
func (r *recentRing) last(n int) []metric {
	all := make([]metric, 0, len(r.buf))
	all = append(all, r.buf[r.next:]...)
	all = append(all, r.buf[:r.next]...)
	if n >= 0 && n < len(all) {
		all = all[len(all)-n:]
	}
	return all
}
