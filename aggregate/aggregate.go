// Package aggregate turns parsed log events into a Summary: totals, slow
// requests, percentiles, per-route statistics, cold and warm requests, and
// what the log says about the app's in-memory metrics store.
//
// It does no I/O and knows nothing of flags or output formats: callers
// fill an Options, Add events in log order, and read a Summary, whose
// slices are in a deterministic order.
package aggregate

import (
	"container/heap"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/reqstats/reqstats/parser"
)

// Options configures an Aggregator. Zero fields take the defaults named.
type Options struct {
	Slow time.Duration // slower than this is slow; default 2s
	// AppSlow judges slow by the app's own threshold, when its slow
	// warnings all state the same one, instead of Slow. The requests are
	// counted as they come, before a warning may state it, so the counts
	// are recomputed from the samples when the summary is made: not with
	// Last or Window, nor for OnRequest's Slow.
	AppSlow  bool
	Top      int      // routes in Summary.Top and requests in Summary.Slowest; default 10
	Order    Order    // what Summary.Top ranks routes by; default OrderMean
	Method   Method   // percentile definition; default Endpoint
	Grouping Grouping // default GroupAuto
	Rules    []Rule   // applied to every path before Grouping
	ByMethod bool     // one route per method and path, not per path alone

	// Include, when not empty, keeps only the paths that match one of its
	// patterns; Exclude leaves out the paths that match one of its
	// patterns, as does DefaultExcludes unless KeepInternal is set.
	Include      []Glob
	Exclude      []Glob
	KeepInternal bool

	// ColdCompile is the compile phase from which a request counts as
	// cold; default 100ms. Warm requests of Next 16 print a compile
	// phase of a few milliseconds.
	ColdCompile time.Duration

	// Since and Until, when not zero, keep only the requests whose
	// timestamp is within [Since, Until]; a request without one is left
	// out. Other events count whatever their time: a compile before
	// Since still makes the next request of its route cold.
	Since, Until time.Time

	// MaxRoutes caps the routes each source keeps; default 1000. Once it
	// is reached, requests of new routes are counted under OtherRoute, so
	// a scanner requesting random paths cannot exhaust memory.
	MaxRoutes int

	// Last keeps only the last Last requests, and Window only those of
	// the last Window, by their timestamp or, lacking one, by Now. Zero
	// keeps every request. Both make Add keep each request counted.
	Last   int
	Window time.Duration
	// Now is the time of a request whose line carries none (follow mode's
	// arrival time), and the end of Window; nil means no clock: such
	// requests never leave the window by age.
	Now func() time.Time

	// OnRequest, when set, is called with every request that is counted
	// (not excluded), in log order, as it is added: a caller can stream
	// requests out without the Aggregator keeping them. With Source naming
	// one source, only that source's requests are passed; otherwise every
	// source's are, since which one is primary is known only at the end.
	OnRequest func(Request)

	// Routes are the app's own route patterns (read from its app/ or
	// pages/ folders): with GroupAuto a path that matches one is grouped
	// under it, the first in Next's order (see SortPatterns), before Rules
	// and id collapsing, which only paths matching no route meet.
	Routes []Pattern

	// Source picks the requests counted when a log holds several
	// sources (one request can be printed by Next and by the app). The
	// sources not counted are summarised in Summary.Others.
	Source Selection
}

// Request is a counted request as the Aggregator saw it: the record, the
// route it was counted under, the name of the source it was counted in,
// whether it waited for a compile, and whether it was slow. Record and its
// Phases are only valid during the OnRequest call.
type Request struct {
	Record *parser.Record
	Key    Key
	Source string // Record.Source.Name(Record.Tag), made once per tag
	Cold   bool
	Slow   bool // slower than Options.Slow
}

// SourceAll is the name of the merged requests of every source, as
// Summary.Source gives it and ParseSelection reads it.
const SourceAll = "all"

// Selection says which source's requests a Summary counts. The zero value
// lets the Aggregator choose: Next's requests when the log has any (the
// app's own lines then most likely time the same requests again); else,
// of each logger's tags (a logger that times a request in its middleware
// and again in its handler tags the lines apart), the one with the
// longest median, which saw the most of each request; and of those, the
// logger with the most requests.
type Selection struct {
	all    bool
	source string // a source's name: "json", "text[route]"
}

// AllSources merges the requests of every source.
func AllSources() Selection { return Selection{all: true} }

// OneSource counts the requests of src alone.
func OneSource(src parser.Source) Selection { return Selection{source: string(src)} }

// ParseSelection reads a selection by name: "" chooses, SourceAll merges,
// and a source's name (see parser.Sources), with a tag or not ("text",
// "text[route]"), counts that source.
func ParseSelection(s string) (Selection, error) {
	switch s {
	case "":
		return Selection{}, nil
	case SourceAll:
		return AllSources(), nil
	}
	base, tag, tagged := strings.Cut(s, "[")
	if tagged && (!strings.HasSuffix(tag, "]") || len(tag) < 2) {
		return Selection{}, fmt.Errorf("bad source %q (want a name such as text, or a name and tag such as text[route])", s)
	}
	if _, err := parser.ParseSource(base); err != nil {
		return Selection{}, err
	}
	return Selection{source: s}, nil
}

// String returns the selection's name, as ParseSelection reads it.
func (sel Selection) String() string {
	if sel.all {
		return SourceAll
	}
	return sel.source
}

// counts reports whether the requests of the source named name are
// counted: always, unless the selection names another source.
func (sel Selection) counts(name string) bool {
	return sel.source == "" || sel.source == name
}

// sourceName returns the name rec's source and tag are counted under,
// without allocating for a tag seen before.
func (a *Aggregator) sourceName(rec *parser.Record) string {
	if rec.Tag == "" {
		return string(rec.Source)
	}
	k := tagKey{rec.Source, rec.Tag}
	name, ok := a.tagNames[k]
	if !ok {
		name = rec.Source.Name(rec.Tag)
		a.tagNames[k] = name
	}
	return name
}

type tagKey struct {
	src parser.Source
	tag string
}

// maxMalformedLines is how many malformed lines a Summary lists.
const maxMalformedLines = 20

// maxPendingCompiles bounds the compiled routes waiting for their first
// request.
const maxPendingCompiles = 64

// Aggregator accumulates events. It is not safe for concurrent use.
type Aggregator struct {
	opts     Options
	rules    *rules   // how requests are grouped and left out
	own      *deriver // derives what the Scanner did not (see derive.go)
	excluded []int    // per rules.excludes entry; the last counts include misses

	// One set of statistics per source, in order of first appearance.
	sets     map[string]*set
	setOrder []*set
	seq      int64

	// compiled is the recent compiled routes, copied into a set when it
	// starts: its first request of a route compiled before waited too.
	compiled   pendingList
	pendRoutes map[string]*pendRoute // parsed compile targets
	// pendGen counts the compiles added to the sets' pending lists.
	pendGen uint64

	// What the samples of Next's sets and of the others keep: see
	// nextRoom.
	nextRoom, otherRoom room

	dev      Dev
	storeIdx map[string]int
	stores   map[string]*storeTracker // by tag
	// slowAt is the threshold the summary being made judges by (see
	// Options.AppSlow); appSlowMixed is set once warnings stated two.
	slowAt       time.Duration
	appSlowMixed bool
	// What the cold rules need (see cold.go): the server starts seen, the
	// inputs that are dev logs, and the last compile that finished.
	starts      int
	devFiles    map[string]bool
	lastCompile finishedCompile
	tagNames    map[tagKey]string // see sourceName

	input   Input
	fileIdx map[string]int

	// The last input and source a request came from: the next one most
	// likely comes from them too.
	lastFile struct {
		name string
		i    int
		ok   bool
	}
	lastSet struct {
		src parser.Source
		tag string
		s   *set
	}

	before, after, untimed int // requests left out by Since and Until

	window window // the requests kept, with Last or Window
}

// set is the statistics of the requests of one source.
type set struct {
	firstReqs    map[firstKey]int // a route's first request: the start it came in
	afterCompile compileWindow
	source       string
	routes       map[Key]*route
	order        []*route // in order of first appearance
	total        counts
	warm         counts

	// hot maps a request's grouped route (and method) to what counting
	// its requests found last time: its route, and whether the first
	// request was seen.
	hot  map[Key]*hot
	seen map[Key]*seen // by path

	slowest    slowHeap   // without a window
	windowSlow slowWindow // with a window

	pending pendingList // compiled routes whose first request is still to come

	first, last time.Time
	timed       int // requests counted with a timestamp

	capped int // requests counted under OtherRoute
	gone   int // routes in order that are gone
}

// hot is what a set learned about the requests of one Key.
type hot struct {
	r *route // nil until a request of it is counted
	// judgedStart, judgedFile and judgedFirst are the last server start,
	// input and route that set.firstOfRoute was asked about for the
	// Key: asked again, it would say false.
	judgedStart int
	judgedFile  string
	judgedFirst string
}

// seen is the server start and input in which a request of one path (its
// Key before grouping) was last seen: a route's first request is judged
// on the first request of each path after a start (see isCold).
type seen struct {
	start int
	file  string
}

// maxHot bounds a set's hot and seen maps. Once full, routes and paths
// met for the first time are resolved without being remembered.
const maxHot = 1 << 12

// keptOr returns m's value for k, or a new one it keeps in m, or, once m
// holds maxHot values, spare: what is met for the first time then is
// resolved without being remembered.
func keptOr[V any](m map[Key]*V, k Key, spare *V) *V {
	if v := m[k]; v != nil {
		return v
	}
	if len(m) >= maxHot {
		return spare
	}
	v := new(V)
	m[k] = v
	return v
}

// route is the running state of one route.
type route struct {
	key Key
	set *set
	id  uint32 // with a window: how its kept requests name it
	c   counts
	all sample
	// cold is nil until the route's first cold request: few routes have
	// one, and a million routes would otherwise hold a million empty
	// samples.
	cold *sample
	gone bool // every request left the window; dropped from set.order
}

// counts are the running totals of a set of requests.
type counts struct {
	count, slow, cold, errors int
	status                    [6]int
	sum                       time.Duration
}

func (c *counts) add(d time.Duration, status int, slow, cold bool) {
	c.count++
	c.sum += d
	if slow {
		c.slow++
	}
	if cold {
		c.cold++
	}
	class := StatusClass(status)
	c.status[class]++
	if class == 5 {
		c.errors++
	}
}

// StatusClass returns the class of an HTTP status, 2 for 2xx, or 0 when
// there is none (a logger that printed no status).
func StatusClass(status int) int {
	if class := status / 100; class >= 1 && class <= 5 {
		return class
	}
	return 0
}

// New returns an Aggregator for opts.
func New(opts Options) *Aggregator {
	if opts.Slow == 0 {
		opts.Slow = 2 * time.Second
	}
	if opts.Top == 0 {
		opts.Top = 10
	}
	if opts.MaxRoutes == 0 {
		opts.MaxRoutes = 1000
	}
	if opts.ColdCompile == 0 {
		opts.ColdCompile = 100 * time.Millisecond
	}
	a := &Aggregator{
		opts:     opts,
		sets:     make(map[string]*set),
		storeIdx: make(map[string]int),
		stores:   make(map[string]*storeTracker),
		devFiles: make(map[string]bool),
		tagNames: make(map[tagKey]string),
		fileIdx:  make(map[string]int),

		nextRoom:  nextRoom,
		otherRoom: otherRoom,
	}
	r := &rules{grouping: opts.Grouping, routes: slices.Clone(opts.Routes), rewrites: opts.Rules, include: opts.Include}
	SortPatterns(r.routes)
	r.excludes = append(r.excludes, opts.Exclude...)
	if !opts.KeepInternal {
		r.excludes = append(r.excludes, DefaultExcludes...)
	}
	a.rules, a.own = r, newDeriver(r)
	a.excluded = make([]int, len(r.excludes)+1)
	return a
}

// Add accounts for one event. Events must come in log order.
func (a *Aggregator) Add(ev *parser.Event) {
	switch ev.Kind {
	case parser.KindRequest:
		a.addRequest(&ev.Request)
	case parser.KindCompile:
		a.dev.Compiles++
		a.devFiles[ev.File] = true
		a.addCompile(ev.Compile.Target, ev.File)
		if c := &ev.Compile; c.Done && c.Duration >= a.opts.ColdCompile {
			a.lastCompile = finishedCompile{gen: a.lastCompile.gen + 1, file: ev.File, took: c.Duration}
		}
	case parser.KindStart:
		a.dev.Starts++
		a.starts++
	case parser.KindStoreSize:
		t := a.storeTag(ev.Store.Tag)
		a.stores[t.Tag].record(ev.Store.Size)
		t.Records++
		t.Last = ev.Store.Size
		t.Max = max(t.Max, ev.Store.Size)
	case parser.KindStoreRead:
		t := a.storeTag(ev.Store.Tag)
		t.Reads++
		t.LastRead = ev.Store.Size
	case parser.KindStoreClear:
		t := a.storeTag(ev.Store.Tag)
		a.stores[t.Tag].clear()
		t.Clears++
		t.Last = 0
	case parser.KindSlow:
		a.dev.AppSlow++
		if t := ev.Slow.Threshold; t > 0 {
			if a.dev.AppSlowThreshold > 0 && t != a.dev.AppSlowThreshold {
				a.appSlowMixed = true
			}
			a.dev.AppSlowThreshold = t
		}
	case parser.KindMalformed:
		a.file(ev.File).Malformed++
		a.input.Malformed++
		if len(a.input.MalformedLines) < maxMalformedLines {
			a.input.MalformedLines = append(a.input.MalformedLines, *ev.Err)
		}
	}
}

// AddInput records how much of the input named file was read, and the
// error that stopped it, if any. Call it once per input, in input order,
// after its events (or instead of them, for an input that failed to
// open).
func (a *Aggregator) AddInput(file string, lines int, bytes int64, err error) {
	f := a.file(file)
	f.Lines, f.Bytes = lines, bytes
	if err != nil {
		f.Err = err.Error()
	}
}

func (a *Aggregator) file(name string) *File {
	if a.lastFile.name == name && a.lastFile.ok {
		return &a.input.Files[a.lastFile.i]
	}
	i, ok := a.fileIdx[name]
	if !ok {
		i = len(a.input.Files)
		a.fileIdx[name] = i
		a.input.Files = append(a.input.Files, File{Name: name})
	}
	a.lastFile.name, a.lastFile.i, a.lastFile.ok = name, i, true
	return &a.input.Files[i]
}

func (a *Aggregator) storeTag(tag string) *StoreTag {
	i, ok := a.storeIdx[tag]
	if !ok {
		i = len(a.dev.Store)
		a.storeIdx[tag] = i
		a.dev.Store = append(a.dev.Store, StoreTag{Tag: tag})
		a.stores[tag] = &storeTracker{}
	}
	return &a.dev.Store[i]
}

// addCompile remembers a compiled route: its next request in file waited
// for the compile (another input is another server run: its requests did
// not wait for this compile). Next's own entries (middleware,
// /_not-found, /_error) are not routes anyone requests.
func (a *Aggregator) addCompile(target, file string) {
	if target == "" || strings.HasPrefix(target, "/_") || target == "/middleware" || target == "/proxy" || target == "/instrumentation" {
		return
	}
	a.pendGen++
	r := a.pendRoutes[target]
	if r == nil {
		r = newPendRoute(target)
		if a.pendRoutes == nil {
			a.pendRoutes = make(map[string]*pendRoute)
		}
		if len(a.pendRoutes) < maxPendRoutes {
			a.pendRoutes[target] = r
		}
	}
	a.compiled.add(r, file, a.pendGen)
	for _, s := range a.setOrder {
		s.pending.add(r, file, a.pendGen)
	}
}

// maxPendRoutes bounds the compiled routes an Aggregator keeps parsed: an
// app has a few hundred at most.
const maxPendRoutes = 1 << 12

// isCold reports whether rec waited for a compile: its line shows a
// compile phase of ColdCompile or more, it is the first request of its
// route since the server started (see cold.go), or it is the set's first
// request of a route since a compile line named it.
func (a *Aggregator) isCold(s *set, h *hot, sn *seen, rec *parser.Record, first string) bool {
	cold := a.compilePhase(rec)
	if (sn.start != a.starts || sn.file != rec.File) && a.devFile(rec) {
		sn.start, sn.file = a.starts, rec.File
		if h.judgedStart != a.starts || h.judgedFile != rec.File || h.judgedFirst != first {
			h.judgedStart, h.judgedFile, h.judgedFirst = a.starts, rec.File, first
			// Next 16's phases say where the time went: they decide alone.
			if s.firstOfRoute(first, rec.File, a.starts) && rec.Duration >= a.opts.ColdCompile && len(rec.Phases) == 0 {
				cold = true
			}
		}
	}
	if a.waitedForCompile(s, rec) {
		cold = true
	}
	if s.pending.take(rec.Route, rec.File) {
		return true
	}
	return cold
}

// set returns the set that counts the requests of source.
func (a *Aggregator) set(source string) *set {
	if a.opts.Source.all {
		source = SourceAll
	}
	s := a.sets[source]
	if s == nil {
		s = &set{source: source, routes: make(map[Key]*route), pending: a.compiled.clone(), hot: make(map[Key]*hot), seen: make(map[Key]*seen)}
		a.sets[source] = s
		a.setOrder = append(a.setOrder, s)
	}
	return s
}

// outside reports whether rec is outside [Since, Until], and counts it.
func (a *Aggregator) outside(rec *parser.Record) bool {
	if a.opts.Since.IsZero() && a.opts.Until.IsZero() {
		return false
	}
	switch t := rec.Time; {
	case t.IsZero():
		a.untimed++
	case !a.opts.Since.IsZero() && t.Before(a.opts.Since):
		a.before++
	case !a.opts.Until.IsZero() && t.After(a.opts.Until):
		a.after++
	default:
		return false
	}
	return true
}

func (a *Aggregator) addRequest(rec *parser.Record) {
	f := a.file(rec.File)
	if !rec.Time.IsZero() {
		a.input.Timed++
	}
	s := a.lastSet.s
	if s == nil || a.lastSet.src != rec.Source || a.lastSet.tag != rec.Tag {
		s = a.set(a.sourceName(rec))
		a.lastSet.src, a.lastSet.tag, a.lastSet.s = rec.Source, rec.Tag, s
	}
	d := rec.Derived
	if d.By != a.rules {
		d = a.own.derive(rec)
	}
	k, path := Key{Route: d.Route}, Key{Route: rec.Route}
	if a.opts.ByMethod {
		k.Method, path.Method = rec.Method, rec.Method
	}
	var notHot hot   // on the stack
	var notKept seen // on the stack
	h := keptOr(s.hot, k, &notHot)
	sn := keptOr(s.seen, path, &notKept)
	// A request left out still took the compile it waited for.
	cold := a.isCold(s, h, sn, rec, d.First)
	if a.outside(rec) {
		f.Excluded++
		a.input.Excluded++
		return
	}
	if d.Index > 0 {
		a.excluded[d.Index-1]++
		f.Excluded++
		a.input.Excluded++
		return
	}
	f.Requests++
	a.input.Requests++

	var r *route
	if d.Flag {
		r = a.routeFor(s, Key{Method: k.Method, Route: NotFoundRoute})
	} else {
		if h.r == nil || h.r.gone {
			h.r = a.routeFor(s, k)
		}
		r = h.r
	}
	slow := rec.Duration > a.opts.Slow
	key := r.key
	if key.Route == OtherRoute {
		s.capped++
	}
	r.c.add(rec.Duration, rec.Status, slow, cold)
	r.all.add(rec.Duration)
	s.total.add(rec.Duration, rec.Status, slow, cold)
	if cold {
		if r.cold == nil {
			r.cold = &sample{room: r.all.room}
		}
		r.cold.add(rec.Duration)
	} else {
		s.warm.add(rec.Duration, rec.Status, slow, cold)
	}
	if a.nextRoom.entries > a.nextRoom.maxEntries {
		a.shrink(&a.nextRoom, true)
	}
	if a.otherRoom.entries > a.otherRoom.maxEntries {
		a.shrink(&a.otherRoom, false)
	}

	a.seq++
	if a.windowed() {
		a.keep(s, r, rec, slow, cold)
	} else {
		s.slowest.offer(rec, a.seq, a.opts.Top)
	}
	if a.opts.OnRequest != nil {
		if name := a.sourceName(rec); a.opts.Source.counts(name) {
			a.opts.OnRequest(Request{Record: rec, Key: key, Source: name, Cold: cold, Slow: slow})
		}
	}

	if t := rec.Time; !t.IsZero() {
		s.timed++
		if s.first.IsZero() || t.Before(s.first) {
			s.first = t
		}
		if t.After(s.last) {
			s.last = t
		}
	}
}

// samples returns the durations of all the set's requests, and of its
// cold ones: the routes' samples merged. Keeping them per route only
// saves two list updates per request.
func (s *set) samples() (all, cold sample) {
	var alls, colds []*sample
	for _, r := range s.order {
		if !r.gone {
			alls = append(alls, &r.all)
			if r.cold != nil {
				colds = append(colds, r.cold)
			}
		}
	}
	return mergeSamples(alls), mergeSamples(colds)
}

// routeFor returns the route of key, making it if needed, or OtherRoute
// once MaxRoutes routes exist.
func (a *Aggregator) routeFor(s *set, key Key) *route {
	r := s.routes[key]
	if r == nil && (len(s.routes) >= a.opts.MaxRoutes || a.windowed() && a.window.full()) {
		key.Route = OtherRoute
		r = s.routes[key]
	}
	if r == nil {
		r = &route{key: key, set: s}
		if a.windowed() {
			a.window.newID(r)
		}
		rm := &a.otherRoom
		if s.source == string(parser.SourceNext) {
			rm = &a.nextRoom
		}
		r.all.room = rm
		s.routes[key] = r
		s.order = append(s.order, r)
	}
	return r
}

// shrink coarsens the largest samples that share rm, Next's or the
// others', until their entries are well under its bound.
func (a *Aggregator) shrink(rm *room, next bool) {
	for rm.entries > rm.maxEntries*3/4 {
		big := a.largest(next)
		if big == nil {
			// Only small samples, too many of them: let them be, rather
			// than look again at every request.
			rm.maxEntries = 2 * rm.entries
			return
		}
		big.coarser()
	}
}

// largest returns the sample with the most distinct values, of Next's
// sets or of the others, or nil when none has more than a few.
func (a *Aggregator) largest(next bool) *sample {
	var big *sample
	for _, s := range a.setOrder {
		if (s.source == string(parser.SourceNext)) != next {
			continue
		}
		for _, r := range s.order {
			for _, x := range [...]*sample{&r.all, r.cold} {
				if x == nil {
					continue
				}
				x.flush()
				if len(x.runs) > 16 && (big == nil || len(x.runs) > len(big.runs)) {
					big = x
				}
			}
		}
	}
	return big
}

// GroupRoute returns the route a request path is counted under.
func (a *Aggregator) GroupRoute(path string) string { return a.own.g.group(path) }

// primary returns the set counted in the Summary and its name: the one
// Options.Source names, else Next's requests when there are any (the
// app's own lines then most likely time the same requests again), else
// the source with the most requests, ties broken by name.
func (a *Aggregator) primary() (p *set, name, why string) {
	switch sel := a.opts.Source; {
	case sel.all:
		if s := a.sets[SourceAll]; s != nil {
			return s, SourceAll, "every source merged, as asked"
		}
		return &set{}, SourceAll, "every source merged, as asked"
	case sel.source != "":
		why := "as asked"
		if sel.source == string(parser.SourcePattern) {
			why = "your --pattern"
		}
		s := a.sets[sel.source]
		if s == nil || s.total.count == 0 {
			why += ", with no request counted"
		}
		if s != nil {
			return s, s.source, why
		}
		return &set{}, sel.source, why
	}
	if s := a.sets[string(parser.SourceNext)]; s != nil {
		return s, s.source, "Next's own request lines"
	}
	// Of each logger's tags, the longest median; then the busiest logger.
	type pick struct {
		s      *set
		median time.Duration
	}
	byLogger := map[string]pick{}
	var loggers []string
	for _, s := range a.setOrder {
		logger, _, _ := strings.Cut(s.source, "[")
		all, _ := s.samples()
		m := a.stats(&s.total, &all, nil).P50
		p, ok := byLogger[logger]
		if !ok {
			loggers = append(loggers, logger)
		}
		if !ok || m > p.median || m == p.median && (s.total.count > p.s.total.count ||
			s.total.count == p.s.total.count && s.source < p.s.source) {
			byLogger[logger] = pick{s, m}
		}
	}
	var best *set
	for _, l := range loggers {
		s := byLogger[l].s
		if best == nil || s.total.count > best.total.count ||
			s.total.count == best.total.count && s.source < best.source {
			best = s
		}
	}
	if best == nil {
		return &set{}, string(parser.SourceNext), ""
	}
	why = "no Next request lines; the app logger with the most requests"
	if strings.HasSuffix(best.source, "]") {
		why = "no Next request lines; of its logger's tags, the one with the longest median (it times the most of each request)"
	}
	return best, best.source, why
}

// Summary returns what the Aggregator has seen so far. It may be called
// again after more events.
func (a *Aggregator) Summary() *Summary {
	if a.windowed() && a.opts.Now != nil {
		a.expire(a.opts.Now())
	}
	a.slowAt = a.opts.Slow
	if t := a.dev.AppSlowThreshold; a.opts.AppSlow && t > 0 && !a.appSlowMixed && !a.windowed() {
		a.slowAt = t
	}
	p, name, why := a.primary()
	all, cold := p.samples()
	s := &Summary{
		Source:      name,
		SourceWhy:   why,
		Slow:        a.slowAt,
		SlowFromApp: a.slowAt != a.opts.Slow,
		Method:      a.opts.Method,
		Grouping:    a.opts.Grouping,
		Order:       a.opts.Order,
		Rules:       len(a.opts.Rules),
		AppRoutes:   len(a.rules.routes),
		Total:       a.stats(&p.total, &all, nil),
		Resolution:  max(all.res, cold.res), // warm is all less cold
		Dev:         a.dev,
		Input:       a.input,
		First:       p.first,
		Last:        p.last,
	}
	for _, o := range a.setOrder {
		if o != p {
			oall, _ := o.samples()
			s.Others = append(s.Others, SourceSummary{Source: o.source, Stats: a.stats(&o.total, &oall, nil), Routes: len(o.order) - o.gone})
		}
	}
	// Busiest first, ties by name.
	slices.SortStableFunc(s.Others, func(x, y SourceSummary) int {
		if x.Count != y.Count {
			return y.Count - x.Count
		}
		return strings.Compare(x.Source, y.Source)
	})
	s.Unmatched = a.unmatched(p)
	s.Dev.Store = slices.Clone(a.dev.Store)
	for i := range s.Dev.Store {
		t := &s.Dev.Store[i]
		tr := a.stores[t.Tag]
		t.Stores, t.AtOnce = tr.stores, tr.atOnce()
		t.Resets = max(min(tr.stores, maxStores)-t.AtOnce, 0)
	}
	s.Input.Files = slices.Clone(a.input.Files)
	s.Input.MalformedLines = slices.Clone(a.input.MalformedLines)
	for _, f := range a.input.Files {
		s.Input.Lines += f.Lines
		s.Input.Bytes += f.Bytes
	}
	for i, g := range a.rules.excludes {
		if a.excluded[i] > 0 {
			s.Input.ExcludedBy = append(s.Input.ExcludedBy, Exclusion{Pattern: g.String(), Count: a.excluded[i]})
		}
	}
	if n := a.excluded[len(a.rules.excludes)]; n > 0 {
		s.Input.ExcludedBy = append(s.Input.ExcludedBy, Exclusion{Pattern: "(not included)", Count: n})
	}
	for _, e := range []Exclusion{
		{"(before " + a.opts.Since.UTC().Format(time.RFC3339Nano) + ")", a.before},
		{"(after " + a.opts.Until.UTC().Format(time.RFC3339Nano) + ")", a.after},
		{"(no timestamp)", a.untimed},
	} {
		if e.Count > 0 {
			s.Input.ExcludedBy = append(s.Input.ExcludedBy, e)
		}
	}

	s.Warm = a.stats(&p.warm, &all, &cold)

	routes := make([]Route, 0, len(p.order))
	// rank is the order in which the routes first appeared: in the log,
	// or with a window, in the window.
	var rank []int64
	var firsts []int64
	if a.windowed() {
		firsts = a.windowFirsts()
	}
	for _, r := range p.order {
		if !r.gone {
			routes = append(routes, Route{Key: r.key, Stats: a.stats(&r.c, &r.all, nil)})
			if firsts != nil {
				rank = append(rank, firsts[r.id])
			} else {
				rank = append(rank, int64(len(rank)))
			}
		}
	}
	s.MaxRoutes, s.Capped = a.opts.MaxRoutes, p.capped
	// The routes are sorted by index, with a tie-breaker that makes each
	// order total: a stable sort of the Route values themselves moves
	// them O(n log² n) times, which a million routes feel.
	idx := make([]int32, len(routes))
	for i := range idx {
		idx[i] = int32(i)
	}
	// Top: by Order, the largest first (the slowest mean, rounded to the
	// millisecond as the in-app endpoint rounds it, by default); ties keep
	// first-appearance order.
	slices.SortFunc(idx, func(i, j int32) int {
		if c := int64cmp(a.opts.Order.key(&routes[j]), a.opts.Order.key(&routes[i])); c != 0 {
			return c
		}
		return int64cmp(rank[i], rank[j])
	})
	s.Top = make([]Route, 0, min(len(routes), a.opts.Top))
	for _, i := range idx[:min(len(idx), a.opts.Top)] {
		s.Top = append(s.Top, routes[i])
	}
	// Routes: busiest first, ties by route, then method; keys are unique.
	slices.SortFunc(idx, func(i, j int32) int {
		x, y := &routes[i], &routes[j]
		if x.Count != y.Count {
			return y.Count - x.Count
		}
		if c := strings.Compare(x.Route, y.Route); c != 0 {
			return c
		}
		return strings.Compare(x.Method, y.Method)
	})
	permute(routes, idx)
	s.Routes = routes
	if a.windowed() {
		s.Slowest, s.First, s.Last = a.windowSlowest(p)
		s.LastN, s.Window = a.opts.Last, a.opts.Window
	} else {
		s.Slowest = p.slowest.sorted()
	}
	if span := s.Last.Sub(s.First); span > 0 {
		s.Rate = float64(p.timed) / span.Seconds()
	}
	return s
}

// permute puts xs in the order idx gives, in place: xs[k] becomes the
// old xs[idx[k]]. It follows each cycle of the permutation once, marking
// idx as it goes, so it moves each element once and allocates nothing.
func permute[T any](xs []T, idx []int32) {
	for start := range idx {
		if idx[start] < 0 || int(idx[start]) == start {
			continue
		}
		tmp := xs[start]
		k := start
		for {
			next := int(idx[k])
			idx[k] = -1
			if next == start {
				xs[k] = tmp
				break
			}
			xs[k] = xs[next]
			k = next
		}
	}
}

// roundMillis rounds d to whole milliseconds, halves up, as JavaScript's
// Math.round does.
func roundMillis(d time.Duration) int64 {
	return (int64(d) + int64(time.Millisecond)/2) / int64(time.Millisecond)
}

// stats computes the Stats of c, whose durations are all less minus.
func (a *Aggregator) stats(c *counts, all, minus *sample) Stats {
	st := Stats{
		Count:  c.count,
		Slow:   c.slow,
		Cold:   c.cold,
		Errors: c.errors,
		Status: c.status,
		Sum:    c.sum,
	}
	if c.count == 0 {
		return st
	}
	bs := all.bins(minus)
	n := 0
	for _, b := range bs {
		n += b.n
	}
	if n == 0 {
		return st
	}
	if a.slowAt != a.opts.Slow {
		// The app's threshold, known only now: count from the samples.
		st.Slow = 0
		for _, b := range bs {
			if b.v > a.slowAt {
				st.Slow += b.n
			}
		}
	}
	st.Mean = c.sum / time.Duration(c.count)
	st.Min = bs[0].v
	st.Max = bs[len(bs)-1].v
	st.P50 = percentile(bs, n, 0.50, a.opts.Method)
	st.P95 = percentile(bs, n, 0.95, a.opts.Method)
	st.P99 = percentile(bs, n, 0.99, a.opts.Method)
	return st
}

// slowHeap keeps the slowest requests: a min-heap whose root is the first
// to give way, the fastest (of equals, the latest).
type slowHeap []slowItem

type slowItem struct {
	rec parser.Record
	seq int64
}

func (h slowHeap) Len() int { return len(h) }
func (h slowHeap) Less(i, j int) bool {
	if h[i].rec.Duration != h[j].rec.Duration {
		return h[i].rec.Duration < h[j].rec.Duration
	}
	return h[i].seq > h[j].seq
}
func (h slowHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *slowHeap) Push(x any)   { *h = append(*h, x.(slowItem)) }
func (h *slowHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// offer keeps rec if it is among the k slowest so far.
func (h *slowHeap) offer(rec *parser.Record, seq int64, k int) {
	if len(*h) == k && rec.Duration <= (*h)[0].rec.Duration {
		return
	}
	item := slowItem{rec: *rec, seq: seq}
	item.rec.Phases = slices.Clone(rec.Phases)
	item.rec.Derived = parser.Derived{} // what the Aggregator derived is its own
	if len(*h) < k {
		heap.Push(h, item)
		return
	}
	(*h)[0] = item
	heap.Fix(h, 0)
}

// sorted returns the kept requests, slowest first, ties earliest first.
func (h slowHeap) sorted() []parser.Record {
	items := slices.Clone(h)
	slices.SortFunc(items, func(x, y slowItem) int {
		if x.rec.Duration != y.rec.Duration {
			return int64cmp(int64(y.rec.Duration), int64(x.rec.Duration))
		}
		return int64cmp(x.seq, y.seq)
	})
	recs := make([]parser.Record, len(items))
	for i, it := range items {
		recs[i] = it.rec
	}
	return recs
}
