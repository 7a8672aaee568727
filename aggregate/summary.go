package aggregate

import (
	"time"

	"github.com/reqstats/reqstats/parser"
)

// Key identifies a route: its method and its grouped path. Method is empty
// when routes are not split by method.
type Key struct {
	Method string
	Route  string
}

// Stats describes a set of requests.
type Stats struct {
	Count  int
	Slow   int    // requests slower than the threshold
	Cold   int    // requests that waited for a compile
	Errors int    // 5xx responses
	Status [6]int // by class: Status[2] counts 2xx; Status[0] counts requests without a status
	Sum    time.Duration
	Min    time.Duration
	Max    time.Duration
	Mean   time.Duration
	P50    time.Duration
	P95    time.Duration
	P99    time.Duration
}

// Route is the Stats of one route.
type Route struct {
	Key
	Stats
}

// Summary is everything an Aggregator learned, in a deterministic order.
// Its statistics count the requests of one source, Source; the other
// sources are summarised in Others.
type Summary struct {
	// Source names the requests counted: a parser.Source ("next",
	// "json", …), with a tag ("text[route]"), or SourceAll. SourceWhy
	// says why they are the ones counted.
	Source    string
	SourceWhy string
	// Others summarises the sources not counted, busiest first (ties by
	// name): when Next and the app both log each request, the app's lines.
	Others []SourceSummary
	// Unmatched is what another source logged beyond the counted one,
	// or nil: see Unmatched.
	Unmatched *Unmatched

	Slow time.Duration // the slow threshold: slower than this is slow
	// SlowFromApp is set when Slow is the app's own threshold, stated in
	// its slow warnings (Options.AppSlow), not the flag's.
	SlowFromApp bool
	// Resolution is how exact the durations behind the percentiles are: 0
	// when every duration was kept as printed, else the step they were
	// truncated to because a source printed too many distinct ones (see
	// maxDistinct in sample.go).
	Resolution time.Duration
	Method     Method // the percentile definition
	Grouping   Grouping
	Rules      int // how many --group-rule rules applied
	AppRoutes  int // how many of the app's own routes grouped paths

	Total Stats
	Warm  Stats // Total without its cold requests

	// Routes holds every route, busiest first (ties by route, then method).
	Routes []Route
	// Top holds the first routes by Order (the slowest by mean, by
	// default), the largest first; ties keep the order in which routes
	// first appeared (with Last or Window, in the window), as the in-app
	// endpoint does.
	Top   []Route
	Order Order
	// MaxRoutes is the cap on routes; Capped counts the requests of new
	// routes past it, counted under OtherRoute.
	MaxRoutes, Capped int

	// LastN and Window say which requests the numbers cover when not all:
	// the last LastN, or those of the last Window.
	LastN  int
	Window time.Duration

	// Slowest holds the slowest single requests, slowest first (ties:
	// earliest first).
	Slowest []parser.Record

	Dev   Dev
	Input Input

	// First and Last are the earliest and latest request times, zero
	// when the log carries no timestamps; Rate is the requests that carry
	// one per second between them (0 when they are the same instant).
	First, Last time.Time
	Rate        float64

	// Verdicts judges the budgets the caller set (see Evaluate).
	Verdicts []Verdict
	// MinSamples is the fewest requests a verdict needed.
	MinSamples int
	// ByFile holds one Summary per input, in input order, when the caller
	// summarised each input on its own as well.
	ByFile []*Summary
	// Comparison sets the Summary against a baseline (see Compare); nil
	// when there is none.
	Comparison *Comparison
}

// Breaches returns how many verdicts are breaches.
func (s *Summary) Breaches() int {
	n := 0
	for _, v := range s.Verdicts {
		if v.Status == Breach {
			n++
		}
	}
	return n
}

// Failed reports whether the Summary should fail a build: a budget was
// breached, or a route regressed against the baseline.
func (s *Summary) Failed() bool {
	return s.Breaches() > 0 || len(s.Comparison.Regressions()) > 0
}

// SourceSummary is the Stats of the requests of one source not counted
// in the Summary.
type SourceSummary struct {
	Source string
	Routes int // distinct routes
	Stats
}

// Dev is what a dev log says beyond requests.
type Dev struct {
	Compiles int // compile lines ("Compiled …", "Compiling …")
	Starts   int // server starts ("Ready in …"); more than one means restarts
	// Store describes the app's in-memory metrics store, per logging tag,
	// in order of first appearance.
	Store []StoreTag
	// AppSlow counts the app's own "SLOW REQUEST" warnings, with the last
	// threshold they named.
	AppSlow          int
	AppSlowThreshold time.Duration
}

// StoreTag is what one tag ("middleware", "performance-logger") said about
// the in-memory store.
type StoreTag struct {
	Tag     string
	Records int // "METRIC RECORDED, new size: N" lines
	// Stores counts the stores that wrote under the tag, each a counter
	// the sizes follow (see storeTracker); AtOnce is the most of them
	// that were alive at the same time (their counters interleave), and
	// Resets the stores that took the place of one that had stopped: a
	// new module instance (hot reload, a restart) starting empty.
	Stores   int
	AtOnce   int
	Resets   int
	Max      int // the largest size seen
	Last     int // the last size seen
	Clears   int // "Metrics cleared" lines
	Reads    int // "GENERATING SUMMARY: { metricsStoreSize: N }" lines
	LastRead int // the store size the last summary saw
}

// Input accounts for what was read.
type Input struct {
	Lines     int
	Bytes     int64
	Requests  int // request records read, of every source
	Malformed int // request-like lines that could not be read
	Excluded  int // requests left out by --include, --exclude, DefaultExcludes, Since and Until
	Timed     int // requests that carried a timestamp, left out or not
	// ExcludedBy counts the excluded requests by the pattern that left
	// them out, in pattern order; "(not included)" for --include misses.
	ExcludedBy []Exclusion
	Files      []File
	// MalformedLines lists the first malformed lines.
	MalformedLines []parser.SyntaxError
}

// Exclusion counts the requests a pattern left out.
type Exclusion struct {
	Pattern string
	Count   int
}

// File accounts for one input.
type File struct {
	Name      string
	Lines     int
	Bytes     int64
	Requests  int
	Malformed int
	Excluded  int
	Err       string // why the input could not be read (in full)
}
