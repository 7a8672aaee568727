// Package live is follow mode's engine: it reads growing inputs line by
// line (internal/follow), keeps what they say in a State shared by the
// reader, the terminal view and the HTTP server, and answers for that
// State: the in-app endpoint's JSON, Prometheus metrics, and a view
// redrawn on each tick. Time comes in through Config, so tests step it.
//
// Run is the whole of follow mode; State, Handler and View are its parts,
// usable on their own.
package live

import (
	"sync"
	"time"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/parser"
)

// State is the state of a followed log, shared by the goroutines that
// read it, the live view and the HTTP server. Its methods are safe for
// concurrent use.
type State struct {
	mu     sync.Mutex
	agg    *aggregate.Aggregator
	api    *aggregate.Aggregator // what the endpoint's object counts; nil for agg
	recent recentRing
	lines  int
	files  map[string]int // lines read per input
	order  []string       // inputs in order of first line
	// now is when the event being added arrived; lastRequest is when the
	// last counted request did (wall clock).
	now, lastRequest time.Time
	// hooks see each counted request after keep; see NewMetrics.
	hooks []func(aggregate.Request)
}

// NewState returns the state for aggregating opts, keeping the last keep
// requests for ?format=full and the route view. It hooks opts.OnRequest, calling the hook already there too,
// so the requests it keeps are those counted, with the aggregator's own
// route and slow verdict.
func NewState(opts aggregate.Options, keep int) *State {
	l := &State{recent: recentRing{max: keep}, files: make(map[string]int)}
	next := opts.OnRequest
	opts.OnRequest = func(r aggregate.Request) {
		l.keep(r)
		if next != nil {
			next(r)
		}
	}
	l.agg = aggregate.New(opts)
	return l
}

// WithAPI makes the endpoint's object (APISummary) count with opts of its
// own, as -o api does: raw paths, methods merged. It must be called before
// the first Add.
func (l *State) WithAPI(opts aggregate.Options) *State {
	l.api = aggregate.New(opts)
	return l
}

// Line counts a line read from file.
func (l *State) Line(file string) {
	l.mu.Lock()
	if _, ok := l.files[file]; !ok {
		l.order = append(l.order, file)
	}
	l.files[file]++
	l.lines++
	l.mu.Unlock()
}

// Add accounts for an event that arrived at now.
func (l *State) Add(ev *parser.Event, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.now = now
	l.agg.Add(ev)
	if l.api != nil {
		l.api.Add(ev)
	}
}

// keep remembers a counted request; add holds the lock.
func (l *State) keep(r aggregate.Request) {
	l.lastRequest = l.now
	t := r.Record.Time
	if t.IsZero() {
		t = l.now
	}
	l.recent.add(metric{
		Timestamp: t.UTC().Format(time.RFC3339Nano),
		Method:    r.Record.Method,
		Path:      r.Record.Path,
		Route:     r.Key.Route,
		Source:    r.Record.Source.Name(r.Record.Tag),
		Duration:  r.Record.Duration,
		Status:    r.Record.Status,
		Slow:      r.Slow,
	})
	for _, h := range l.hooks {
		h(r)
	}
}

// Summary returns the summary of what was read so far.
func (l *State) Summary() *aggregate.Summary {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, f := range l.order {
		l.agg.AddInput(f, l.files[f], 0, nil)
	}
	return l.agg.Summary()
}

// APISummary returns the summary the endpoint's object is made of.
func (l *State) APISummary() *aggregate.Summary {
	if l.api == nil {
		return l.Summary()
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

func (l *State) snapshot(recent int) snapshot {
	s := l.Summary()
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
	Source    string        `json:"-"` // the logger that printed it: the view shows the counted one's
	Duration  time.Duration `json:"-"`
	Status    int           `json:"status"`
	Slow      bool          `json:"slow"`
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
