package parser

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrNoMatch is returned by [Parser.ParseLine] for a line that carries nothing
// reqstats reads: most of a dev log (stack traces, app chatter, banners).
var ErrNoMatch = errors.New("no match")

// Kind says what an [Event] describes.
type Kind uint8

// The kinds of event.
const (
	KindRequest    Kind = iota + 1 // a finished request: Event.Request
	KindCompile                    // Compiling / Compiled: Event.Compile
	KindStart                      // the dev server is ready (a start or restart)
	KindStoreSize                  // "METRIC RECORDED, new size: N": Event.Store
	KindStoreRead                  // "GENERATING SUMMARY: { metricsStoreSize: N }": Event.Store
	KindStoreClear                 // "Metrics cleared from memory": Event.Store (Size 0)
	KindSlow                       // the app's "SLOW REQUEST: {…}" warning: Event.Slow
	KindMalformed                  // a request-like line that could not be read: Event.Err

	// kindIncoming is fastify's "incoming request" line, the method and
	// path of Event.reqID, from a Stream that defers joins. It is never
	// returned outside the package.
	kindIncoming Kind = 255
)

var kindNames = [...]string{
	KindRequest:    "request",
	KindCompile:    "compile",
	KindStart:      "start",
	KindStoreSize:  "store-size",
	KindStoreRead:  "store-read",
	KindStoreClear: "store-clear",
	KindSlow:       "slow",
	KindMalformed:  "malformed",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Source names the logger that printed a request record. One request can
// be printed by several loggers (Next's line and the app's own), so
// records are kept apart by source and one source is counted.
type Source string

// The sources reqstats reads.
const (
	SourceNext    Source = "next"    // Next.js's own request lines: " GET /x 200 in 145ms"
	SourceJSON    Source = "json"    // JSON loggers: pino, pino-http, fastify, winston, bunyan, custom
	SourceObject  Source = "object"  // console.log / util.inspect objects: { method: 'GET', url: '/x', duration: '12ms' }
	SourceMorgan  Source = "morgan"  // morgan dev, tiny and short: "GET /x 200 3.572 ms - 121"
	SourceKoa     Source = "koa"     // koa-logger and hono/logger: "--> GET /x 200 466ms 4.66kb"
	SourceText    Source = "text"    // custom middleware lines: "Slow request: GET /x took 1250ms", "[PERF] GET /x — 200 — 12ms"
	SourcePattern Source = "pattern" // lines matched by a user --pattern
)

// Sources lists every source, in the order a line is tried.
var Sources = []Source{SourceNext, SourcePattern, SourceJSON, SourceObject, SourceKoa, SourceMorgan, SourceText}

// ParseSource returns the Source named s.
func ParseSource(s string) (Source, error) {
	for _, src := range Sources {
		if string(src) == s {
			return src, nil
		}
	}
	names := make([]string, len(Sources))
	for i, src := range Sources {
		names[i] = string(src)
	}
	return "", fmt.Errorf("unknown source %q (want %s)", s, strings.Join(names, ", "))
}

// Name returns the name the records of src with tag are counted under:
// "text", or "text[route]" with a tag.
func (src Source) Name(tag string) string {
	if tag == "" {
		return string(src)
	}
	return string(src) + "[" + tag + "]"
}

// UnknownRoute is the route of a request whose path the log does not
// hold: a fastify "request completed" line whose "incoming request" line,
// the only one naming the method and URL, was not seen.
const UnknownRoute = "[unknown]"

// Event is one thing a log says. Only the field that matches Kind is set;
// Time, File and Line are set for every kind (Time is zero when the line
// carries no timestamp).
type Event struct {
	Kind Kind
	Time time.Time
	File string
	Line int

	Request Record
	Compile Compile
	Store   Store
	Slow    Slow
	Err     *SyntaxError

	reqID string // with kindIncoming, or a request to join: see Stream.deferJoins
}

// Record is one finished request.
type Record struct {
	Time   time.Time // zero when the line carries no timestamp
	File   string    // the input it was read from, "-" for standard input
	Line   int       // 1-based line number in File
	Source Source    // the logger that printed it
	// Tag is the stage a logger that times a request at several points
	// put on the line ("route" of a trailing "[route]"), or "": the
	// records of one source are kept apart by tag.
	Tag string

	Method   string        // "GET", "POST", …
	Path     string        // as printed, query string included
	Route    string        // Path without its query string or fragment, or UnknownRoute
	Status   int           // HTTP status; 0 when the logger printed none (never for Next)
	Duration time.Duration // exactly as printed: "1.835ms" is 1835µs
	// Phases is Next 16's breakdown, in printed order: compile, render,
	// proxy.ts, next.js, application-code, generate-params… Its backing
	// array is reused by the next line; copy it to keep it.
	Phases []Phase

	// Derived is left to the reader of the records: see Derived.
	Derived Derived
}

// Derived is what a reader of records works out from each one's route and
// status before counting it, such as the route it is grouped under. A
// Scanner works it out on its parse workers, when given a derive func
// (see Scanner.SetDerive), so that a reader counting the records in log
// order on one goroutine has less to do. The parser never reads it, and
// leaves it zero without a derive func.
type Derived struct {
	// By is whoever filled in the rest (an identity the reader chose),
	// or nil: a reader trusts only what it derived itself.
	By any

	Route, First string
	Index        int32
	Flag         bool
}

// Phase is one labelled part of a request's duration.
type Phase struct {
	Label    string
	Duration time.Duration
}

// Phase returns the duration of the phase with the given label.
func (r *Record) Phase(label string) (time.Duration, bool) {
	for _, p := range r.Phases {
		if p.Label == label {
			return p.Duration, true
		}
	}
	return 0, false
}

// Compile is a "Compiling /x ..." (Done false) or "Compiled /x in 527ms"
// (Done true) line. Target is the route pattern Next compiled ("/[locale]",
// "/api/users/[id]"), empty when the line names none.
type Compile struct {
	Target   string
	Done     bool
	Duration time.Duration
}

// Store is what the app printed about its in-memory metrics store: the
// logging tag ("middleware", "performance-logger", "API route") and the
// store's size.
type Store struct {
	Tag  string
	Size int
}

// Slow is the app's own slow-request warning:
//
//	[performance-logger] 🐌 SLOW REQUEST: { path: '/x', duration: '2345ms', threshold: '2000ms', method: 'POST' }
type Slow struct {
	Method    string
	Path      string
	Duration  time.Duration
	Threshold time.Duration
}

// SyntaxError reports a line that looks like a request but cannot be read.
type SyntaxError struct {
	File string
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string {
	if e.File == "" && e.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}
