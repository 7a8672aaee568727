package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/parser"
)

// htmlFrom reads log as -o html does: a Timeline beside the aggregator.
func htmlFrom(t *testing.T, log string, tlOpts TimelineOptions) (*aggregate.Summary, *Timeline) {
	t.Helper()
	tl := NewTimeline(tlOpts)
	agg := aggregate.New(aggregate.Options{OnRequest: tl.Request})
	p, err := parser.New(parser.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st := p.NewStream("dev.log")
	for _, line := range strings.Split(log, "\n") {
		for _, ev := range st.Push([]byte(line)) {
			tl.Event(&ev)
			agg.Add(&ev)
		}
	}
	for _, ev := range st.Flush() {
		tl.Event(&ev)
		agg.Add(&ev)
	}
	return agg.Summary(), tl
}

const hostileLog = " ✓ Ready in 1318ms\n" +
	" ○ Compiling / ...\n" +
	" GET / 200 in 4213ms\n" +
	"[middleware] ✓ METRIC RECORDED, new size: 1\n" +
	" GET /search/\x1b[31m</script><script>alert(1)</script>\x1b[39m 200 in 12ms\n" +
	"[middleware] ✓ METRIC RECORDED, new size: 2\n" +
	"[middleware] ✓ METRIC RECORDED, new size: 1\n" +
	" GET /api/users/42 200 in 145ms (next.js: 45ms, application-code: 100ms)\n"

var scriptRe = regexp.MustCompile(`(?s)<script>(.*?)</script>`)
var styleRe = regexp.MustCompile(`(?s)<style>(.*?)</style>`)

// TestWriteHTMLSafeAndDeterministic: the same input gives the same
// bytes; a log's markup stays data; the CSP hashes are those of the
// inline script and style as written.
func TestWriteHTMLSafeAndDeterministic(t *testing.T) {
	var pages [2]string
	for i := range pages {
		s, tl := htmlFrom(t, hostileLog, TimelineOptions{})
		var b bytes.Buffer
		if err := WriteHTML(&b, s, Options{Timeline: tl}); err != nil {
			t.Fatal(err)
		}
		pages[i] = b.String()
	}
	page := pages[0]
	if pages[0] != pages[1] {
		t.Fatal("two runs on one log wrote different pages")
	}
	if n := strings.Count(page, "<script"); n != 2 {
		t.Errorf("%d <script tags, want 2 (the data block and the page's script): the log's markup got in", n)
	}
	if strings.Contains(page, "alert(1)</script>") || strings.Contains(page, "\x1b") {
		t.Errorf("the log's path is in the page unescaped")
	}
	js := scriptRe.FindStringSubmatch(page)
	css := styleRe.FindStringSubmatch(page)
	if js == nil || css == nil {
		t.Fatal("no inline script or style")
	}
	hash := func(s string) string {
		h := sha256.Sum256([]byte(s))
		return "'sha256-" + base64.StdEncoding.EncodeToString(h[:]) + "'"
	}
	csp := regexp.MustCompile(`http-equiv="Content-Security-Policy" content="([^"]*)"`).FindStringSubmatch(page)
	if csp == nil {
		t.Fatal("no CSP meta tag")
	}
	policy := strings.ReplaceAll(csp[1], "&#39;", "'")
	policy = strings.ReplaceAll(policy, "&#43;", "+")
	for _, want := range []string{"default-src 'none'", "script-src " + hash(js[1]), "style-src " + hash(css[1]), "connect-src 'none'"} {
		if !strings.Contains(policy, want) {
			t.Errorf("policy %q lacks %q", policy, want)
		}
	}

	// The data block reads back as the page's data, path intact.
	data := regexp.MustCompile(`(?s)<script type="application/json" id="reqstats-data">(.*?)</script>`).FindStringSubmatch(page)
	if data == nil {
		t.Fatal("no data block")
	}
	var d struct {
		Summary  Document
		Timeline struct {
			Axis    string
			Seen    int
			Points  [][4]float64
			Markers [][2]any
			Routes  []struct {
				Phased  int
				Phases  [][2]any
				Slowest []RequestJSON
			}
		}
	}
	if err := json.Unmarshal([]byte(data[1]), &d); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range d.Summary.Routes {
		found = found || r.Route == "/search/</script><script>alert(1)</script>"
	}
	if !found {
		t.Errorf("the hostile route is not in the data as text: %+v", d.Summary.Routes)
	}
	if d.Timeline.Axis != "order" || d.Timeline.Seen != 3 || len(d.Timeline.Points) != 3 {
		t.Errorf("timeline: axis %q, %d seen, %d points; want order, 3, 3", d.Timeline.Axis, d.Timeline.Seen, len(d.Timeline.Points))
	}
	// Ready, Compiling (before request 1), the store reset (after request 2).
	if got := fmt.Sprint(d.Timeline.Markers); got != "[[0 start] [0 compile] [2 reset]]" {
		t.Errorf("markers %s", got)
	}
	phased := 0
	for _, r := range d.Timeline.Routes {
		phased += r.Phased
		if len(r.Slowest) == 0 || r.Slowest[0].File != "dev.log" || r.Slowest[0].Line == 0 {
			t.Errorf("a route's slowest requests lack file:line: %+v", r.Slowest)
		}
	}
	if phased != 1 {
		t.Errorf("%d requests with phases, want 1", phased)
	}
}

func request(n int, d time.Duration, at time.Time) aggregate.Request {
	rec := parser.Record{Time: at, Source: "next", Method: "GET", Path: "/", Route: "/", Status: 200, Duration: d, File: "x.log", Line: n}
	return aggregate.Request{Record: &rec, Key: aggregate.Key{Route: "/"}, Source: "next"}
}

// TestTimelineBounded: a long log keeps at most Max points, an even
// sample (1 in a power of two, from the first), while the histograms
// count every request.
func TestTimelineBounded(t *testing.T) {
	tl := NewTimeline(TimelineOptions{Max: 1000})
	const n = 100_000
	for i := 1; i <= n; i++ {
		tl.Request(request(i, time.Duration(i)*time.Microsecond, time.Time{}))
	}
	tr := tl.tracks[aggregate.SourceAll]
	if len(tr.points) > 1000 || len(tr.points) < 500 {
		t.Errorf("%d points kept, want 500 to 1000", len(tr.points))
	}
	if tr.stride != 128 {
		t.Errorf("stride %d, want 128 (100000/128 = 781 points)", tr.stride)
	}
	for i, p := range tr.points {
		if p.n != 1+i*tr.stride {
			t.Fatalf("point %d is request %d, want %d", i, p.n, 1+i*tr.stride)
		}
	}
	total := 0
	for _, c := range tr.hist[0] {
		total += c
	}
	if total != n {
		t.Errorf("histogram counts %d, want %d", total, n)
	}
	if rt := tr.routes[aggregate.Key{Route: "/"}]; len(rt.slowest) != routeSlowest || rt.slowest[0].Line != n {
		t.Errorf("slowest %v, want the last %d requests, slowest first", rt.slowest, routeSlowest)
	}
}

// TestTimelineRecent: a live window keeps the latest Max points, oldest
// first, on a time axis.
func TestTimelineRecent(t *testing.T) {
	tl := NewTimeline(TimelineOptions{Max: 10, Recent: true})
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for i := 1; i <= 25; i++ {
		tl.Request(request(i, time.Millisecond, start.Add(time.Duration(i)*time.Second)))
	}
	s := &aggregate.Summary{Source: "next", Routes: []aggregate.Route{{Key: aggregate.Key{Route: "/"}}}}
	d := tl.data(s)
	if d.Axis != "time" || d.Seen != 25 || d.Start != start.Add(16*time.Second).UnixMilli() {
		t.Errorf("axis %q, seen %d, start %d", d.Axis, d.Seen, d.Start)
	}
	if got, want := string(d.Points), "[[0,1,0,0]"; !strings.HasPrefix(got, want) || strings.Count(got, "],[") != 9 || !strings.HasSuffix(got, "[9000,1,0,0]]") {
		t.Errorf("points %s", got)
	}
	if d.Sampling != "the last 10 of 25 requests" {
		t.Errorf("sampling %q", d.Sampling)
	}
}

// BenchmarkTimelineRequest is the cost -o html adds to each request.
func BenchmarkTimelineRequest(b *testing.B) {
	tl := NewTimeline(TimelineOptions{})
	keys := make([]aggregate.Key, 200)
	for i := range keys {
		keys[i] = aggregate.Key{Method: "GET", Route: fmt.Sprintf("/api/r%d", i)}
	}
	rec := parser.Record{Source: "next", Method: "GET", Path: "/", Route: "/", Status: 200, File: "x.log"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		rec.Duration = time.Duration(i%5000) * time.Millisecond
		rec.Line = i
		tl.Request(aggregate.Request{Record: &rec, Key: keys[i%len(keys)], Source: "next"})
	}
}
