package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"time"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/parser"
)

// Schema names the layout of WriteJSON's document. It changes when a
// field changes meaning or goes away, so that a document written by one
// version can be refused by another instead of misread.
const Schema = "reqstats.summary/v1"

// ms is a duration that marshals as an exact number of milliseconds.
type ms time.Duration

func (d ms) MarshalJSON() ([]byte, error) { return []byte(Millis(time.Duration(d))), nil }

// Document is the JSON document WriteJSON writes. Durations are numbers
// of milliseconds.
type Document struct {
	Schema          string        `json:"schema"`
	Settings        Settings      `json:"settings"`
	Totals          StatsJSON     `json:"totals"`
	Warm            StatsJSON     `json:"warm"`
	Routes          []RouteJSON   `json:"routes"`
	TopSlowRoutes   []RouteJSON   `json:"topSlowRoutes"`
	SlowestRequests []RequestJSON `json:"slowestRequests"`
	OtherSources    []SourceJSON  `json:"otherSources"`
	// Unmatched is what another source logged beyond the counted one
	// (aggregate.Unmatched), or null.
	Unmatched *UnmatchedJSON `json:"unmatched"`
	Dev       DevJSON        `json:"dev"`
	Input     InputJSON      `json:"input"`
	Time      *TimeJSON      `json:"time,omitempty"`
	// Budgets holds the verdicts of --fail-on, when any were set.
	Budgets []BudgetJSON `json:"budgets,omitempty"`
	// ByFile holds a summary per input, with --by-file.
	ByFile []FileSummaryJSON `json:"byFile,omitempty"`
}

// Settings echoes the options that shaped the numbers. Source names the
// requests counted: a source ("next", "json", "morgan", …), with a tag
// ("text[route]"), or "all"; SourceWhy says why.
type Settings struct {
	Source           string `json:"source"`
	SourceWhy        string `json:"sourceWhy"`
	SlowThresholdMs  ms     `json:"slowThresholdMs"`
	SlowFromApp      bool   `json:"slowFromApp"` // the app's own threshold, from its warnings
	PercentileMethod string `json:"percentileMethod"`
	// ResolutionMs is the step durations were truncated to when a source
	// printed too many distinct ones; 0 when they are exact as printed.
	ResolutionMs ms     `json:"resolutionMs"`
	Grouping     string `json:"grouping"`
	GroupRules   int    `json:"groupRules"`
	AppRoutes    int    `json:"appRoutes"`
	MaxRoutes    int    `json:"maxRoutes"`
	// RoutesCapped counts the requests of new routes past MaxRoutes,
	// counted under the route "[other]".
	RoutesCapped int `json:"routesCapped"`
	LastN        int `json:"lastN,omitempty"`
	WindowMs     ms  `json:"windowMs,omitempty"`
}

// SourceJSON summarises the requests of a source not counted in the
// totals (aggregate.SourceSummary).
type SourceJSON struct {
	Source string `json:"source"`
	Routes int    `json:"routes"`
	StatsJSON
}

// StatsJSON is aggregate.Stats in JSON.
type StatsJSON struct {
	Count     int        `json:"count"`
	Slow      int        `json:"slow"`
	SlowRate  float64    `json:"slowRate"` // percent, one decimal
	Cold      int        `json:"cold"`
	Errors5xx int        `json:"errors5xx"`
	Status    StatusJSON `json:"status"`
	SumMs     ms         `json:"sumMs"`
	MinMs     ms         `json:"minMs"`
	MaxMs     ms         `json:"maxMs"`
	MeanMs    ms         `json:"meanMs"`
	P50Ms     ms         `json:"p50Ms"`
	P95Ms     ms         `json:"p95Ms"`
	P99Ms     ms         `json:"p99Ms"`
}

// UnmatchedJSON is aggregate.Unmatched in JSON.
type UnmatchedJSON struct {
	Source string               `json:"source"`
	Count  int                  `json:"count"`
	Routes []UnmatchedRouteJSON `json:"routes"`
}

// UnmatchedRouteJSON is one route of UnmatchedJSON.
type UnmatchedRouteJSON struct {
	Method string     `json:"method"`
	Route  string     `json:"route"`
	Count  int        `json:"count"`
	Status StatusJSON `json:"status"`
}

// statusJSON counts by class, as Stats.Status.
func statusJSON(c [6]int) StatusJSON {
	return StatusJSON{S1xx: c[1], S2xx: c[2], S3xx: c[3], S4xx: c[4], S5xx: c[5], None: c[0]}
}

// StatusJSON counts responses by status class.
type StatusJSON struct {
	S1xx int `json:"1xx"`
	S2xx int `json:"2xx"`
	S3xx int `json:"3xx"`
	S4xx int `json:"4xx"`
	S5xx int `json:"5xx"`
	None int `json:"none"`
}

// RouteJSON is one route's statistics.
type RouteJSON struct {
	Method string `json:"method,omitempty"`
	Route  string `json:"route"`
	StatsJSON
}

// RequestJSON is one request.
type RequestJSON struct {
	Time       *time.Time `json:"time,omitempty"`
	Method     string     `json:"method"`
	Path       string     `json:"path"`
	Source     string     `json:"source"`
	Status     int        `json:"status"`
	DurationMs ms         `json:"durationMs"`
	Phases     []Phase    `json:"phases,omitempty"`
	File       string     `json:"file"`
	Line       int        `json:"line"`
}

// Phase is one part of a request's duration.
type Phase struct {
	Label      string `json:"label"`
	DurationMs ms     `json:"durationMs"`
}

// DevJSON is aggregate.Dev in JSON.
type DevJSON struct {
	Compiles           int            `json:"compiles"`
	ServerStarts       int            `json:"serverStarts"`
	AppSlowRequests    int            `json:"appSlowRequests"`
	AppSlowThresholdMs ms             `json:"appSlowThresholdMs"`
	Store              []StoreTagJSON `json:"store"`
}

// StoreTagJSON is aggregate.StoreTag in JSON.
type StoreTagJSON struct {
	Tag      string `json:"tag"`
	Records  int    `json:"records"`
	Stores   int    `json:"stores"`
	AtOnce   int    `json:"atOnce"`
	Resets   int    `json:"resets"`
	MaxSize  int    `json:"maxSize"`
	LastSize int    `json:"lastSize"`
	Clears   int    `json:"clears"`
	Reads    int    `json:"reads"`
	LastRead int    `json:"lastReadSize"`
}

// InputJSON is aggregate.Input in JSON.
type InputJSON struct {
	Lines          int             `json:"lines"`
	Bytes          int64           `json:"bytes"`
	Requests       int             `json:"requests"`
	Malformed      int             `json:"malformed"`
	Excluded       int             `json:"excluded"`
	ExcludedBy     []ExclusionJSON `json:"excludedBy"`
	Files          []FileJSON      `json:"files"`
	MalformedLines []MalformedJSON `json:"malformedLines"`
}

// ExclusionJSON counts what one pattern left out.
type ExclusionJSON struct {
	Pattern string `json:"pattern"`
	Count   int    `json:"count"`
}

// FileJSON is one input.
type FileJSON struct {
	Name      string `json:"name"`
	Lines     int    `json:"lines"`
	Bytes     int64  `json:"bytes"`
	Requests  int    `json:"requests"`
	Malformed int    `json:"malformed"`
	Excluded  int    `json:"excluded"`
	Error     string `json:"error,omitempty"`
}

// MalformedJSON is a line that could not be read.
type MalformedJSON struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// TimeJSON is the span of the request timestamps.
type TimeJSON struct {
	First          time.Time `json:"first"`
	Last           time.Time `json:"last"`
	DurationMs     ms        `json:"durationMs"`
	RequestsPerSec float64   `json:"requestsPerSecond"`
}

// WriteJSON writes the whole Summary as one JSON document (see Document).
// Strings keep their exact value; the characters that would act on a
// terminal are \u escapes (safeJSON).
func WriteJSON(w io.Writer, s *aggregate.Summary, opts Options) error {
	// The routes are written one at a time: with --max-routes raised, a
	// million of them would otherwise be the whole document in memory,
	// twice over. The bytes are those of encoding the document at once.
	d := NewDocument(s, opts)
	routes := d.Routes
	d.Routes = []RouteJSON{}
	var head bytes.Buffer
	if err := encodeJSON(&head, d, ""); err != nil {
		return err
	}
	const key = "\n  \"routes\": []"
	i := bytes.Index(head.Bytes(), []byte(key))
	if i < 0 {
		return errors.New("json: no routes member") // cannot happen: Document has one
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(safeJSON(head.Bytes()[:i+len(key)-1]))
	if len(routes) > 0 {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetIndent("    ", "  ")
		enc.SetEscapeHTML(false)
		for j := range routes {
			b.Reset()
			b.WriteString("\n    ")
			if err := enc.Encode(&routes[j]); err != nil {
				return err
			}
			b.Truncate(b.Len() - 1) // the encoder's newline
			if j < len(routes)-1 {
				b.WriteByte(',')
			}
			bw.Write(safeJSON(b.Bytes()))
		}
		bw.WriteString("\n  ")
	}
	bw.Write(safeJSON(head.Bytes()[i+len(key)-1:]))
	return bw.Flush()
}

// encodeJSON writes v as WriteJSON writes it: indented by two spaces under
// prefix, with no HTML escaping, and a newline.
func encodeJSON(w io.Writer, v any, prefix string) error {
	enc := json.NewEncoder(w)
	enc.SetIndent(prefix, "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// NewDocument returns the JSON form of s.
func NewDocument(s *aggregate.Summary, opts Options) *Document {
	d := &Document{
		Schema: Schema,
		Settings: Settings{
			Source:           s.Source,
			SourceWhy:        s.SourceWhy,
			SlowThresholdMs:  ms(s.Slow),
			SlowFromApp:      s.SlowFromApp,
			PercentileMethod: s.Method.String(),
			ResolutionMs:     ms(s.Resolution),
			Grouping:         s.Grouping.String(),
			GroupRules:       s.Rules,
			AppRoutes:        s.AppRoutes,
			MaxRoutes:        s.MaxRoutes,
			RoutesCapped:     s.Capped,
			LastN:            s.LastN,
			WindowMs:         ms(s.Window),
		},
		Totals:          statsJSON(&s.Total),
		Warm:            statsJSON(&s.Warm),
		Routes:          routesJSON(s.Routes),
		TopSlowRoutes:   routesJSON(s.Top),
		SlowestRequests: make([]RequestJSON, 0, len(s.Slowest)),
		OtherSources:    make([]SourceJSON, 0, len(s.Others)),
		Dev: DevJSON{
			Compiles:           s.Dev.Compiles,
			ServerStarts:       s.Dev.Starts,
			AppSlowRequests:    s.Dev.AppSlow,
			AppSlowThresholdMs: ms(s.Dev.AppSlowThreshold),
			Store:              make([]StoreTagJSON, 0, len(s.Dev.Store)),
		},
		Input: InputJSON{
			Lines:          s.Input.Lines,
			Bytes:          s.Input.Bytes,
			Requests:       s.Input.Requests,
			Malformed:      s.Input.Malformed,
			Excluded:       s.Input.Excluded,
			ExcludedBy:     make([]ExclusionJSON, 0, len(s.Input.ExcludedBy)),
			Files:          make([]FileJSON, 0, len(s.Input.Files)),
			MalformedLines: make([]MalformedJSON, 0, len(s.Input.MalformedLines)),
		},
	}
	for i := range s.Others {
		o := &s.Others[i]
		d.OtherSources = append(d.OtherSources, SourceJSON{Source: o.Source, Routes: o.Routes, StatsJSON: statsJSON(&o.Stats)})
	}
	for i := range s.Slowest {
		d.SlowestRequests = append(d.SlowestRequests, requestJSON(&s.Slowest[i]))
	}
	if u := s.Unmatched; u != nil {
		d.Unmatched = &UnmatchedJSON{Source: u.Source, Count: u.Count, Routes: make([]UnmatchedRouteJSON, 0, len(u.Routes))}
		for _, r := range u.Routes {
			d.Unmatched.Routes = append(d.Unmatched.Routes, UnmatchedRouteJSON{Method: r.Method, Route: r.Route, Count: r.Count, Status: statusJSON(r.Status)})
		}
	}
	for _, t := range s.Dev.Store {
		d.Dev.Store = append(d.Dev.Store, StoreTagJSON{
			Tag: t.Tag, Records: t.Records, Stores: t.Stores, AtOnce: t.AtOnce, Resets: t.Resets, MaxSize: t.Max, LastSize: t.Last,
			Clears: t.Clears, Reads: t.Reads, LastRead: t.LastRead,
		})
	}
	for _, e := range s.Input.ExcludedBy {
		d.Input.ExcludedBy = append(d.Input.ExcludedBy, ExclusionJSON{Pattern: e.Pattern, Count: e.Count})
	}
	for _, f := range s.Input.Files {
		d.Input.Files = append(d.Input.Files, FileJSON{
			Name: f.Name, Lines: f.Lines, Bytes: f.Bytes, Requests: f.Requests,
			Malformed: f.Malformed, Excluded: f.Excluded, Error: f.Err,
		})
	}
	for _, m := range s.Input.MalformedLines {
		d.Input.MalformedLines = append(d.Input.MalformedLines, MalformedJSON{File: m.File, Line: m.Line, Message: m.Msg})
	}
	d.Budgets = budgetsJSON(s.Verdicts)
	d.ByFile = byFileJSON(s)
	if !s.First.IsZero() {
		span := s.Last.Sub(s.First)
		t := &TimeJSON{First: s.First.UTC(), Last: s.Last.UTC(), DurationMs: ms(span)}
		if span > 0 {
			t.RequestsPerSec = round3(s.Rate)
		}
		d.Time = t
	}
	return d
}

func statsJSON(st *aggregate.Stats) StatsJSON {
	j := StatsJSON{
		Count:     st.Count,
		Slow:      st.Slow,
		Cold:      st.Cold,
		Errors5xx: st.Errors,
		Status:    statusJSON(st.Status),
		SumMs:     ms(st.Sum),
		MinMs:     ms(st.Min),
		MaxMs:     ms(st.Max),
		MeanMs:    ms(st.Mean),
		P50Ms:     ms(st.P50),
		P95Ms:     ms(st.P95),
		P99Ms:     ms(st.P99),
	}
	if st.Count > 0 {
		j.SlowRate = round1(float64(st.Slow) * 100 / float64(st.Count))
	}
	return j
}

func routesJSON(rs []aggregate.Route) []RouteJSON {
	out := make([]RouteJSON, len(rs))
	for i := range rs {
		out[i] = RouteJSON{Method: rs[i].Method, Route: rs[i].Route, StatsJSON: statsJSON(&rs[i].Stats)}
	}
	return out
}

func requestJSON(r *parser.Record) RequestJSON { return requestJSONAs(r, r.Source.Name(r.Tag)) }

// requestJSONAs is requestJSON with the name of r's source already made
// (aggregate.Request.Source), which spares a tagged record a new string.
func requestJSONAs(r *parser.Record, source string) RequestJSON {
	j := RequestJSON{
		Method:     r.Method,
		Path:       r.Path,
		Source:     source,
		Status:     r.Status,
		DurationMs: ms(r.Duration),
		File:       r.File,
		Line:       r.Line,
	}
	if !r.Time.IsZero() {
		t := r.Time.UTC()
		j.Time = &t
	}
	for _, p := range r.Phases {
		j.Phases = append(j.Phases, Phase{Label: p.Label, DurationMs: ms(p.Duration)})
	}
	return j
}

func round1(v float64) float64 { return float64(int64(v*10+0.5)) / 10 }
func round3(v float64) float64 { return float64(int64(v*1000+0.5)) / 1000 }
