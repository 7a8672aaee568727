package live

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/parser"
)

// dashboardData is the part of /dashboard.json these tests read.
type dashboardData struct {
	Live        bool
	DataURL     string
	Following   []string
	Now         int64
	LastRequest int64
	Summary     struct {
		Totals struct{ Count int }
	}
	Timeline struct {
		Axis    string
		Seen    int
		Points  [][4]float64
		Markers [][2]any
	}
}

func dashboardJSON(t *testing.T, body string) dashboardData {
	t.Helper()
	var d dashboardData
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return d
}

// TestDashboardServes: the page and its data, with the headers that keep
// the page to its own script, style and origin.
func TestDashboardServes(t *testing.T) {
	l, prom := liveFrom(t, aggregate.Options{Slow: 2 * time.Second}, serveLog)
	now := time.Date(2026, 11, 28, 10, 0, 3, 0, time.UTC)
	h := NewHandler(l, prom.Handler(), func() time.Time { return now })

	code, body, hdr := get(t, h, "/")
	if code != 200 || hdr.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("/: %d %q", code, hdr.Get("Content-Type"))
	}
	csp := hdr.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'sha256-", "style-src 'sha256-", "connect-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("CSP %q allows unsafe sources", csp)
	}
	if !strings.Contains(body, `"dataURL":"/dashboard.json"`) {
		t.Errorf("the page does not name its data URL")
	}

	code, body, hdr = get(t, h, "/dashboard.json")
	if code != 200 || hdr.Get("Content-Type") != "application/json" || hdr.Get("Cache-Control") != "no-store" {
		t.Fatalf("/dashboard.json: %d %q %q", code, hdr.Get("Content-Type"), hdr.Get("Cache-Control"))
	}
	d := dashboardJSON(t, body)
	if !d.Live || d.Summary.Totals.Count != 3 || d.Timeline.Seen != 3 || len(d.Timeline.Points) != 3 {
		t.Errorf("live %v, %d requests, timeline %d seen %d points; want true, 3, 3, 3", d.Live, d.Summary.Totals.Count, d.Timeline.Seen, len(d.Timeline.Points))
	}
	if fmt.Sprint(d.Following) != "[dev-server.log]" || d.Now != now.UnixMilli() || d.LastRequest != time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC).UnixMilli() {
		t.Errorf("following %v, now %d, last request %d", d.Following, d.Now, d.LastRequest)
	}
}

// TestDashboardBounded: a long session keeps a window of the latest
// requests, and a poll that sees a new compile marks it.
func TestDashboardBounded(t *testing.T) {
	l := NewState(aggregate.Options{}, 100)
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	h := NewHandler(l, nil, func() time.Time { return now })
	p, _ := parser.New(parser.Options{})
	st := p.NewStream("dev-server.log")
	push := func(line string) {
		l.Line("dev-server.log")
		for _, ev := range st.Push([]byte(line)) {
			l.Add(&ev, now)
		}
	}
	for i := range 2*dashboardPoints + 10 {
		now = now.Add(time.Second)
		push(fmt.Sprintf(" GET /api/users/%d 200 in %dms", i, 1+i%50))
	}
	_, body, _ := get(t, h, "/dashboard.json")
	d := dashboardJSON(t, body)
	if d.Timeline.Seen != 2*dashboardPoints+10 || len(d.Timeline.Points) != dashboardPoints {
		t.Errorf("%d seen, %d points; want %d, %d", d.Timeline.Seen, len(d.Timeline.Points), 2*dashboardPoints+10, dashboardPoints)
	}
	if d.Timeline.Axis != "time" || d.Timeline.Points[len(d.Timeline.Points)-1][0] != float64((dashboardPoints-1)*1000) {
		t.Errorf("axis %q, last point at %v ms", d.Timeline.Axis, d.Timeline.Points[len(d.Timeline.Points)-1][0])
	}
	if len(d.Timeline.Markers) != 0 {
		t.Errorf("markers %v before any compile", d.Timeline.Markers)
	}
	push(" ✓ Compiled /api/users/[id] in 300ms")
	now = now.Add(time.Second)
	push(" GET /api/users/1 200 in 400ms")
	l.Publish() // as Run does every 100 ms: the page reads the last snapshot
	_, body, _ = get(t, h, "/dashboard.json")
	d = dashboardJSON(t, body)
	if len(d.Timeline.Markers) != 1 || d.Timeline.Markers[0][1] != "compile" {
		t.Errorf("markers %v, want one compile", d.Timeline.Markers)
	}
}
