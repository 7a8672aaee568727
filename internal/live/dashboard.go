package live

import (
	"bytes"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/parser"
	"github.com/reqstats/reqstats/report"
)

// dashboardPoints is how many of the latest requests the live timeline
// keeps, on the server and so in the browser, whatever the session's
// length.
const dashboardPoints = 2000

// dashboardPath is where the live page fetches its data, every second.
const dashboardPath = "/dashboard.json"

// registerDashboard serves the HTML report of l, live, on mux:
//
//	GET /                 the page (-o html's), redrawn from dashboardPath
//	GET /dashboard.json   what the page draws: -o json's document and the timeline
func registerDashboard(mux *http.ServeMux, l *State, now func() time.Time) {
	d := newDashboard(l, now)
	mux.HandleFunc("GET /{$}", d.page)
	mux.HandleFunc("GET "+dashboardPath, d.data)
}

// dashboard keeps the live page's timeline: a window of the latest
// requests, fed by a hook on l, and markers placed when a poll sees the
// summary's compiles, starts or store resets grow (hooks see requests
// only).
type dashboard struct {
	l   *State
	now func() time.Time
	tl  *report.Timeline

	mu   sync.Mutex
	seen devCounts
}

type devCounts struct{ compiles, starts, resets int }

func countDev(s *aggregate.Summary) devCounts {
	c := devCounts{compiles: s.Dev.Compiles, starts: s.Dev.Starts}
	for _, t := range s.Dev.Store {
		c.resets += t.Resets
	}
	return c
}

func newDashboard(l *State, now func() time.Time) *dashboard {
	d := &dashboard{l: l, now: now}
	// Now is read by the hook, which runs with l.mu held: l.now is the
	// arrival time of the line being added.
	d.tl = report.NewTimeline(report.TimelineOptions{Max: dashboardPoints, Recent: true, Now: func() time.Time { return l.now }})
	s := l.Summary()
	d.seen = countDev(s)
	byMethod := len(s.Routes) > 0 && s.Routes[0].Method != ""

	l.mu.Lock()
	defer l.mu.Unlock()
	// The requests read before the server started, as far as the ring
	// kept them: whether they were cold is not known.
	for _, m := range l.recentOf(s.Source, dashboardPoints) {
		src, tag, _ := strings.Cut(m.Source, "[")
		rec := parser.Record{Time: m.At, Source: parser.Source(src), Tag: strings.TrimSuffix(tag, "]"), Method: m.Method, Path: m.Path, Route: m.Route, Status: m.Status, Duration: m.Duration}
		key := aggregate.Key{Route: m.Route}
		if byMethod {
			key.Method = m.Method
		}
		d.tl.Request(aggregate.Request{Record: &rec, Key: key, Source: m.Source, Slow: m.Slow})
	}
	l.hooks = append(l.hooks, d.tl.Request)
	return d
}

// snapshot returns the summary and the page's live status, after
// marking what the log said since the last snapshot.
func (d *dashboard) snapshot() (*aggregate.Summary, report.HTMLPage) {
	// As of the State's last Publish: serving never takes the readers' lock.
	p := d.l.current()
	s := p.summary
	now := d.now()
	d.mu.Lock()
	c := countDev(s)
	if c.compiles > d.seen.compiles {
		d.tl.Mark(report.MarkCompile, now)
	}
	if c.starts > d.seen.starts {
		d.tl.Mark(report.MarkStart, now)
	}
	if c.resets > d.seen.resets {
		d.tl.Mark(report.MarkReset, now)
	}
	d.seen = c
	d.mu.Unlock()

	page := report.HTMLPage{Live: true, DataURL: dashboardPath, Now: now, LastRequest: p.lastRequest}
	for _, f := range p.inputs {
		page.Following = append(page.Following, filepath.Base(f))
	}
	return s, page
}

func (d *dashboard) page(w http.ResponseWriter, r *http.Request) {
	s, page := d.snapshot()
	var buf bytes.Buffer
	if err := report.WriteHTMLPage(&buf, s, report.Options{Timeline: d.tl}, page); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", report.HTMLPolicy(true)+"; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

func (d *dashboard) data(w http.ResponseWriter, r *http.Request) {
	s, page := d.snapshot()
	b, err := report.HTMLData(s, report.Options{Timeline: d.tl}, page)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.Write(b)
}
