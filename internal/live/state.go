// Package live is follow mode's engine: it reads growing inputs in blocks
// of lines (internal/follow), keeps what they say in a State shared by the
// reader, the terminal view and the HTTP server, and answers for that
// State: the in-app endpoint's JSON, Prometheus metrics, and a view
// redrawn on each tick. Time comes in through Config, so tests step it.
//
// Run is the whole of follow mode; State, Handler and View are its parts,
// usable on their own.
package live

import (
	"bytes"
	"encoding/json"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/parser"
	"github.com/reqstats/reqstats/report"
)

// State is the state of a followed log, shared by the goroutines that
// read it, the live view and the HTTP server. Its methods are safe for
// concurrent use.
//
// The view and the final summary are built from the State itself, under
// the lock its readers take for each batch of lines (AddLines). The HTTP
// answers are not: they are made of the last snapshot Publish took, so
// that no number of clients can hold up the reading.
type State struct {
	mu  sync.Mutex
	agg *aggregate.Aggregator
	api *aggregate.Aggregator // what the endpoint's object counts; nil for agg
	// recent keeps the last requests of each source, by its name (with
	// --source all, all in one, under aggregate.SourceAll): the answers
	// list the counted source's only.
	recent   map[string]*recentRing
	keepN    int
	mergeAll bool
	// ageing is set with --window: the counts change as time passes, with
	// no new line, so every Publish takes a new snapshot.
	ageing bool
	lines  int
	files  map[string]int // lines read per input
	order  []string       // inputs in order of first line
	// now is when the event being added arrived; lastRequest is when the
	// last counted request did (wall clock).
	now, lastRequest time.Time
	// hooks see each counted request after keep; see NewMetrics.
	hooks []func(aggregate.Request)
	lost  map[string]Lost // data the followers skipped, by reason
	gen   uint64          // bumped by every change, for Publish

	pubMu  sync.Mutex // one Publish at a time
	pubGen uint64     // gen of pub
	pub    atomic.Pointer[published]
}

// Lost counts the data followers had to skip for one reason (see
// follow.Options.OnLost): how many times, and the bytes known to be lost.
type Lost struct {
	Times int   `json:"times"`
	Bytes int64 `json:"bytes"`
}

// NewState returns the state for aggregating opts, keeping the last keep
// requests for ?format=full and the route view. It hooks opts.OnRequest, calling the hook already there too,
// so the requests it keeps are those counted, with the aggregator's own
// route and slow verdict.
func NewState(opts aggregate.Options, keep int) *State {
	l := &State{recent: make(map[string]*recentRing), keepN: keep, mergeAll: opts.Source.String() == aggregate.SourceAll, ageing: opts.Window > 0, files: make(map[string]int)}
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
	l.gen++
	l.mu.Unlock()
}

// AddLines counts n lines read from file, and accounts for the events
// they completed, which arrived at now, all under one lock: the view, the
// final summary and the next Publish see all of them or none.
func (l *State) AddLines(file string, n int, evs []parser.Event, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if n > 0 {
		if _, ok := l.files[file]; !ok {
			l.order = append(l.order, file)
		}
		l.files[file] += n
		l.lines += n
		l.gen++
	}
	for i := range evs {
		l.add(&evs[i], now)
	}
}

// Lost accounts for data a follower skipped, for reason.
func (l *State) Lost(reason string, bytes int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.lost == nil {
		l.lost = make(map[string]Lost)
	}
	n := l.lost[reason]
	n.Times++
	n.Bytes += bytes
	l.lost[reason] = n
	l.gen++
}

// Add accounts for an event that arrived at now.
func (l *State) Add(ev *parser.Event, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.add(ev, now)
}

// add is Add with l.mu held.
func (l *State) add(ev *parser.Event, now time.Time) {
	l.now = now
	l.gen++
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
	m := metric{
		At:       t,
		Method:   r.Record.Method,
		Path:     r.Record.Path,
		Route:    r.Key.Route,
		Source:   r.Source,
		Duration: r.Record.Duration,
		Status:   r.Record.Status,
		Slow:     r.Slow,
	}
	name := m.Source
	if l.mergeAll {
		name = aggregate.SourceAll
	}
	ring := l.recent[name]
	if ring == nil {
		if len(l.recent) >= maxRings { // a log of many tags: the first ones are kept
			ring = &recentRing{}
		} else {
			ring = &recentRing{max: l.keepN}
			l.recent[name] = ring
		}
	}
	ring.add(m)
	for _, h := range l.hooks {
		h(r)
	}
}

// Summary returns the summary of what was read so far.
func (l *State) Summary() *aggregate.Summary {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.summary()
}

// summary is Summary with l.mu held.
func (l *State) summary() *aggregate.Summary {
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

// published is what the HTTP answers are made of: an immutable copy of
// what the State held at a Publish. Nothing in it changes once it is
// stored, so requests read it without a lock.
type published struct {
	api  []byte // the endpoint's object, as -o api prints it
	full []byte // ?format=full's object after its first member, exportedAt

	summary          *aggregate.Summary // what the view counts, for /metrics and the dashboard
	last             time.Time          // when the last event arrived
	lastRequest      time.Time          // when the last counted request arrived
	inputs           []string           // the inputs, in order of first line
	lines, malformed int
	resets           []aggregate.StoreTag
	lost             map[string]Lost
}

// Publish takes a snapshot of l for the HTTP answers, unless nothing
// changed since the last one. It holds l's lock while it builds the
// summaries and copies the kept requests; their JSON is written after.
// Follow mode calls it at most every 100 ms (see Run), so the readers wait
// for it at most that often, however many clients ask.
func (l *State) Publish() {
	l.pubMu.Lock()
	defer l.pubMu.Unlock()
	l.mu.Lock()
	if l.pub.Load() != nil && l.gen == l.pubGen && !l.ageing {
		l.mu.Unlock()
		return
	}
	gen := l.gen
	s := l.summary()
	apiSum := s
	if l.api != nil {
		apiSum = l.api.Summary()
	}
	var api bytes.Buffer
	report.WriteAPI(&api, apiSum, report.Options{})
	p := &published{
		api:         api.Bytes(),
		summary:     s,
		last:        l.now,
		lastRequest: l.lastRequest,
		inputs:      slices.Clone(l.order),
		lines:       l.lines,
		malformed:   s.Input.Malformed,
		resets:      append([]aggregate.StoreTag(nil), s.Dev.Store...),
		lost:        make(map[string]Lost, len(l.lost)),
	}
	for r, n := range l.lost {
		p.lost[r] = n
	}
	all := l.recentOf(s.Source, -1)
	l.mu.Unlock()

	p.full = fullAfterExportedAt(p.api, all, p.lost)
	l.pub.Store(p)
	l.pubGen = gen
}

// current returns the last snapshot Publish took, taking the first one if
// there is none yet.
func (l *State) current() *published {
	if p := l.pub.Load(); p != nil {
		return p
	}
	l.Publish()
	return l.pub.Load()
}

// fullAfterExportedAt renders ?format=full's object for api (the
// endpoint's object), the requests kept (oldest first) and the data lost,
// without its first member, exportedAt, which each request writes: what
// follows `{"exportedAt": "…",`, indented by two spaces.
func fullAfterExportedAt(api []byte, all []metric, lost map[string]Lost) []byte {
	recent := all
	if len(recent) > 100 {
		recent = recent[len(recent)-100:]
	}
	full := struct {
		Summary       json.RawMessage `json:"summary"`
		RecentMetrics []fullMetric    `json:"recentMetrics"`
		AllMetrics    []fullMetric    `json:"allMetrics"`
		Lost          map[string]Lost `json:"lost"`
	}{api, fullMetrics(recent), fullMetrics(all), lost}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.Encode(full)
	return bytes.TrimPrefix(b.Bytes(), []byte("{\n"))
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
	return snapshot{s: s, lines: l.lines, lastRequest: l.lastRequest, recent: l.recentOf(s.Source, recent)}
}

// metric is one request as the app's metrics store keeps it, with where
// it was read.
// Its time is formatted only when it is served: most kept requests never
// are.
type metric struct {
	At       time.Time
	Method   string
	Path     string
	Route    string // grouped, as the summary counts it
	Source   string // the logger that printed it: the view shows the counted one's
	Duration time.Duration
	Status   int
	Slow     bool
}

// maxRings bounds the sources whose last requests are kept.
const maxRings = 16

// recentOf returns up to n of the latest requests of the source named
// name, oldest first (n < 0: all that are kept); l.mu is held.
func (l *State) recentOf(name string, n int) []metric {
	if ring := l.recent[name]; ring != nil {
		return ring.last(n)
	}
	return nil
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
