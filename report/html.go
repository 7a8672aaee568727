package report

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"io"
	"strconv"
	"time"

	"github.com/reqstats/reqstats/aggregate"
)

// The page's script and style, inlined into every page: the report must
// open from file:// with no other file. The Content-Security-Policy
// allows exactly these two by their hashes.
var (
	//go:embed html/report.js
	pageJS string
	//go:embed html/report.css
	pageCSS string
	//go:embed html/page.tmpl
	pageTmpl string

	pageTemplate = template.Must(template.New("page").Parse(pageTmpl))
)

func cspHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(h[:]) + "'"
}

// HTMLPage describes an HTML page beyond its Summary.
type HTMLPage struct {
	// Live makes the page fetch DataURL every second and redraw.
	Live    bool
	DataURL string
	// Following names the files followed; Now and LastRequest say how
	// long ago the last request came (live only).
	Following        []string
	Now, LastRequest time.Time
}

// HTMLPolicy returns the Content-Security-Policy of an HTML page: its
// own inline script and style, by hash, and nothing from elsewhere; a
// live page may also fetch from its own origin.
func HTMLPolicy(live bool) string {
	connect := "'none'"
	if live {
		connect = "'self'"
	}
	return "default-src 'none'; script-src " + cspHash(pageJS) + "; style-src " + cspHash(pageCSS) +
		"; img-src data:; connect-src " + connect + "; base-uri 'none'; form-action 'none'"
}

// WriteHTML writes the Summary as one self-contained HTML page: the
// headline, verdicts, a timeline, histograms, the routes table with
// each route's detail, Next 16 phases and the dev-log story. The
// timeline and histograms need opts.Timeline; without it the page has
// the rest.
func WriteHTML(w io.Writer, s *aggregate.Summary, opts Options) error {
	return WriteHTMLPage(w, s, opts, HTMLPage{})
}

// WriteHTMLPage writes the HTML page of s, as page says.
func WriteHTMLPage(w io.Writer, s *aggregate.Summary, opts Options, page HTMLPage) error {
	data, err := HTMLData(s, opts, page)
	if err != nil {
		return err
	}
	title := "reqstats"
	if len(s.Input.Files) == 1 {
		title += " · " + s.Input.Files[0].Name
	}
	var buf bytes.Buffer
	err = pageTemplate.Execute(&buf, struct {
		Title, CSP string
		CSS        template.CSS
		JS         template.JS
		Data       json.RawMessage
	}{title, HTMLPolicy(page.Live), template.CSS(pageCSS), template.JS(pageJS), data})
	if err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// htmlData is what the page's script draws.
type htmlData struct {
	Live        bool            `json:"live"`
	DataURL     string          `json:"dataURL,omitempty"`
	Following   []string        `json:"following,omitempty"`
	Now         int64           `json:"now,omitempty"`         // unix ms
	LastRequest int64           `json:"lastRequest,omitempty"` // unix ms
	Summary     json.RawMessage `json:"summary"`               // -o json's document
	Verdicts    []htmlVerdict   `json:"verdicts"`
	Baseline    *htmlBaseline   `json:"baseline"`
	Timeline    *htmlTimeline   `json:"timeline"`
}

type htmlVerdict struct {
	Status string `json:"status"`
	Text   string `json:"text"`
}

type htmlBaseline struct {
	Name    string        `json:"name"`
	Changes []htmlVerdict `json:"changes"`
	New     int           `json:"new"`
	Gone    int           `json:"vanished"`
}

type htmlTimeline struct {
	Axis     string          `json:"axis"`  // "time" or "order"
	Start    int64           `json:"start"` // unix ms of x = 0 on a time axis
	Seen     int             `json:"seen"`
	Stride   int             `json:"stride"`
	Recent   bool            `json:"recent"`
	Points   json.RawMessage `json:"points"`  // [[x, ms, flags, route], …]: flags 1 cold, 2 slow; route indexes summary.routes, -1 none
	Markers  json.RawMessage `json:"markers"` // [[x, kind], …]
	Edges    json.RawMessage `json:"edges"`   // bucket upper bounds, ms
	Hist     [3][]int        `json:"hist"`    // all, warm, cold
	Routes   []htmlRoute     `json:"routes"`  // in summary.routes order
	Sampling string          `json:"sampling"`
}

type htmlRoute struct {
	Hist    [][2]int        `json:"hist"` // [[bucket, count], …]
	Slowest []RequestJSON   `json:"slowest"`
	Colds   []bool          `json:"colds"`
	Phased  int             `json:"phased"`
	Phases  json.RawMessage `json:"phases"` // [[label, sum ms], …]
}

// HTMLData returns the JSON the page draws: -o json's document, the
// verdicts, and what opts.Timeline recorded.
func HTMLData(s *aggregate.Summary, opts Options, page HTMLPage) ([]byte, error) {
	var doc bytes.Buffer
	if err := WriteJSON(&doc, s, opts); err != nil {
		return nil, err
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, doc.Bytes()); err != nil {
		return nil, err
	}
	d := htmlData{Live: page.Live, DataURL: page.DataURL, Following: page.Following, Summary: compact.Bytes(), Verdicts: []htmlVerdict{}}
	if !page.Now.IsZero() {
		d.Now = page.Now.UnixMilli()
	}
	if !page.LastRequest.IsZero() {
		d.LastRequest = page.LastRequest.UnixMilli()
	}
	for i := range s.Verdicts {
		v := &s.Verdicts[i]
		d.Verdicts = append(d.Verdicts, htmlVerdict{v.Status.String(), VerdictLine(v, s.MinSamples)})
	}
	if c := s.Comparison; c != nil {
		b := &htmlBaseline{Name: opts.Baseline, New: len(c.New), Gone: len(c.Vanished)}
		b.Changes = append(b.Changes, htmlVerdict{c.Total.Status.String(), RegressionLine(c, &c.Total)})
		for i := range c.Routes {
			b.Changes = append(b.Changes, htmlVerdict{c.Routes[i].Status.String(), RegressionLine(c, &c.Routes[i])})
		}
		d.Baseline = b
	}
	if opts.Timeline != nil {
		d.Timeline = opts.Timeline.data(s)
	}
	b, err := json.Marshal(d)
	return safeJSON(b), err
}

// data is the timeline of s's source.
func (tl *Timeline) data(s *aggregate.Summary) *htmlTimeline {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	t := tl.tracks[s.Source]
	if t == nil {
		t = newTrack(tl.opts.Max)
	}
	out := &htmlTimeline{Axis: "order", Seen: t.n, Stride: t.stride, Recent: tl.opts.Recent}
	points := t.points
	if tl.opts.Recent {
		points = append(append([]point(nil), t.points[t.next:]...), t.points[:t.next]...)
	}
	if t.untimed == 0 && t.n > 0 {
		out.Axis = "time"
		start := int64(0)
		for i, p := range points {
			if i == 0 || p.t < start {
				start = p.t
			}
		}
		for _, m := range t.markers {
			if m.t != 0 && m.t < start && (!tl.opts.Recent || len(points) == 0) {
				start = m.t
			}
		}
		out.Start = start / 1e6
	}
	x := func(n int, ns int64) string {
		if out.Axis == "time" {
			return Millis(time.Duration(ns - out.Start*1e6))
		}
		return strconv.Itoa(n)
	}
	index := make(map[aggregate.Key]int, len(s.Routes))
	for i, r := range s.Routes {
		index[r.Key] = i
	}
	var b bytes.Buffer
	b.WriteByte('[')
	for i, p := range points {
		if i > 0 {
			b.WriteByte(',')
		}
		flags := 0
		if p.cold {
			flags |= 1
		}
		if p.slow {
			flags |= 2
		}
		r, ok := index[p.route]
		if !ok {
			r = -1
		}
		b.WriteString("[" + x(p.n, p.t) + "," + Millis(p.d) + "," + strconv.Itoa(flags) + "," + strconv.Itoa(r) + "]")
	}
	b.WriteByte(']')
	out.Points = append([]byte(nil), b.Bytes()...)

	b.Reset()
	b.WriteByte('[')
	first := true
	for _, m := range t.markers {
		if out.Axis == "time" && (m.t == 0 || m.t/1e6 < out.Start) {
			continue // before the window, or before any timed request
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.WriteString("[" + x(m.n, m.t) + `,"` + m.kind + `"]`)
	}
	b.WriteByte(']')
	out.Markers = append([]byte(nil), b.Bytes()...)

	b.Reset()
	b.WriteByte('[')
	for i, e := range bucketEdges {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(Millis(e))
	}
	b.WriteByte(']')
	out.Edges = append([]byte(nil), b.Bytes()...)
	for i := range out.Hist {
		out.Hist[i] = append([]int(nil), t.hist[i]...)
	}

	for _, r := range s.Routes {
		hr := htmlRoute{Hist: [][2]int{}, Slowest: []RequestJSON{}, Colds: []bool{}, Phases: json.RawMessage("[]")}
		if rt := t.routes[r.Key]; rt != nil {
			for i, c := range rt.hist {
				if c > 0 {
					hr.Hist = append(hr.Hist, [2]int{i, c})
				}
			}
			for i := range rt.slowest {
				hr.Slowest = append(hr.Slowest, requestJSON(&rt.slowest[i]))
			}
			hr.Colds = append(hr.Colds, rt.colds...)
			hr.Phased = rt.phased
			var pb bytes.Buffer
			pb.WriteByte('[')
			for i, ph := range rt.phases {
				if i > 0 {
					pb.WriteByte(',')
				}
				label, _ := json.Marshal(ph.label)
				pb.WriteString("[" + string(label) + "," + Millis(ph.sum) + "]")
			}
			pb.WriteByte(']')
			hr.Phases = pb.Bytes()
		}
		out.Routes = append(out.Routes, hr)
	}
	switch {
	case tl.opts.Recent && t.n > len(points):
		out.Sampling = "the last " + strconv.Itoa(len(points)) + " of " + strconv.Itoa(t.n) + " requests"
	case t.stride > 1:
		out.Sampling = "1 request in " + strconv.Itoa(t.stride) + " of " + strconv.Itoa(t.n)
	}
	return out
}
