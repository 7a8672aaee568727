package live

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/parser"
)

// scrape returns what /metrics serves for m.
func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	_, body, _ := get(t, m.Handler(), "/metrics")
	return body
}

// sample returns the value of the one line of body that starts with
// series followed by a space, or fails.
func sample(t *testing.T, body, series string) string {
	t.Helper()
	for line := range strings.Lines(body) {
		if v, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), series+" "); ok {
			return v
		}
	}
	t.Fatalf("no %s in\n%s", series, body)
	return ""
}

func readLog(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../../testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The requests of a log with Next's lines and the app's are counted once:
// Next's, as the summary counts them; the app's only as uncounted.
func TestMetricsCountTheCountedSource(t *testing.T) {
	log := readLog(t, "mixed.log")
	l, m := liveFrom(t, aggregate.Options{Slow: 2 * time.Second}, log)
	s := l.Summary()
	if s.Source != "next" || s.Total.Count != 6 {
		t.Fatalf("summary counts %d of %q, want 6 of next", s.Total.Count, s.Source)
	}
	body := scrape(t, m)
	sum, requests := 0, 0
	for line := range strings.Lines(body) {
		if strings.HasPrefix(line, "reqstats_requests_total{") {
			requests++
			var n int
			fmt.Sscan(line[strings.LastIndexByte(line, ' ')+1:], &n)
			sum += n
		}
	}
	if sum != s.Total.Count {
		t.Errorf("sum(reqstats_requests_total) = %d, the summary counts %d", sum, s.Total.Count)
	}
	if requests != 5 { // GET [id] 2xx, GET [not found] 4xx, POST /api/orders, GET /api/report, GET /api/orders
		t.Errorf("%d request series, want 5", requests)
	}
	for series, want := range map[string]string{
		`reqstats_requests_total{method="GET",route="/api/users/[id]",status_class="2xx"}`:                                         "2",
		`reqstats_requests_total{method="GET",route="[not found]",status_class="4xx"}`:                                             "1",
		`reqstats_request_duration_seconds_count{cold="true",method="GET",route="/api/users/[id]",status_class="2xx"}`:             "1",
		`reqstats_request_duration_seconds_sum{cold="true",method="GET",route="/api/users/[id]",status_class="2xx"}`:               "0.905",
		`reqstats_request_duration_seconds_bucket{cold="true",method="GET",route="/api/users/[id]",status_class="2xx",le="0.5"}`:   "0",
		`reqstats_request_duration_seconds_bucket{cold="true",method="GET",route="/api/users/[id]",status_class="2xx",le="1"}`:     "1",
		`reqstats_request_duration_seconds_bucket{cold="false",method="GET",route="/api/users/[id]",status_class="2xx",le="0.05"}`: "1",
		`reqstats_request_duration_seconds_bucket{cold="true",method="GET",route="/api/report",status_class="2xx",le="2"}`:         "0",
		`reqstats_request_duration_seconds_bucket{cold="true",method="GET",route="/api/report",status_class="2xx",le="5"}`:         "1",
		`reqstats_request_duration_seconds_bucket{cold="true",method="GET",route="/api/report",status_class="2xx",le="+Inf"}`:      "1",
		`reqstats_uncounted_requests_total{source="text"}`:                                                                         "4",
		`reqstats_uncounted_requests_total{source="json"}`:                                                                         "2",
		`reqstats_slow_requests_total`:         "1",
		`reqstats_cold_requests_total`:         "3", // the first requests of three routes in a dev log
		`reqstats_compiles_total`:              "2",
		`reqstats_server_starts_total`:         "1",
		`reqstats_lines_read_total`:            "22",
		`reqstats_last_line_timestamp_seconds`: "1.79586e+09",
	} {
		if got := sample(t, body, series); got != want {
			t.Errorf("%s = %s, want %s", series, got, want)
		}
	}
	if !strings.Contains(body, `reqstats_build_info{goversion="go1.`) {
		t.Errorf("no reqstats_build_info with the Go version in\n%s", body)
	}
}

// With --source all every source is counted, and none is left over.
func TestMetricsAllSources(t *testing.T) {
	l, m := liveFrom(t, aggregate.Options{Source: aggregate.AllSources()}, readLog(t, "mixed.log"))
	if n := l.Summary().Total.Count; n != 12 {
		t.Fatalf("summary counts %d, want 12", n)
	}
	body := scrape(t, m)
	if got := sample(t, body, `reqstats_requests_total{method="GET",route="/api/users/[id]",status_class="2xx"}`); got != "4" {
		t.Errorf("GET [id] 2xx of every source: %s, want 4", got)
	}
	if strings.Contains(body, "reqstats_uncounted_requests_total{") {
		t.Errorf("uncounted requests with --source all:\n%s", body)
	}
}

// Routes stay capped at MaxRoutes, and a route that is not UTF-8 (any
// client picks the URL) is exposed, not a panic.
func TestMetricsRoutesCappedAndValid(t *testing.T) {
	var log strings.Builder
	for i := range 50 {
		fmt.Fprintf(&log, " GET /page-%d 200 in %dms\n", i, i+1)
	}
	log.WriteString(" GET /caf\xe9\xff 200 in 3ms\n")
	_, m := liveFrom(t, aggregate.Options{MaxRoutes: 3, Grouping: aggregate.GroupNone}, log.String())
	body := scrape(t, m)
	routes := make(map[string]bool)
	for line := range strings.Lines(body) {
		if strings.HasPrefix(line, "reqstats_requests_total{") {
			_, r, _ := strings.Cut(line, `route="`)
			r, _, _ = strings.Cut(r, `"`)
			routes[r] = true
		}
	}
	if len(routes) != 4 || !routes[aggregate.OtherRoute] {
		t.Errorf("routes %v, want 3 and %s", routes, aggregate.OtherRoute)
	}
	if got := sample(t, body, `reqstats_requests_total{method="GET",route="[other]",status_class="2xx"}`); got != "48" {
		t.Errorf("[other] counts %s, want 48", got)
	}

	_, m = liveFrom(t, aggregate.Options{Grouping: aggregate.GroupNone}, " GET /caf\xe9\xff 200 in 3ms\n")
	if got := sample(t, scrape(t, m), "reqstats_requests_total{method=\"GET\",route=\"/caf\uFFFD\",status_class=\"2xx\"}"); got != "1" {
		t.Errorf("the invalid route counts %s", got)
	}
}

// The exposition passes promtool's lint, on a log with every kind of
// line.
func TestMetricsPromtoolCheck(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool is not installed (Debian: apt-get install prometheus)")
	}
	_, m := liveFrom(t, aggregate.Options{Slow: 2 * time.Second}, readLog(t, "dev-server.log")+readLog(t, "mixed.log"))
	body := scrape(t, m)
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(body)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil || out.Len() > 0 {
		t.Errorf("promtool check metrics: %v\n%s", err, out.String())
	}
	// Without these the check would be of nothing.
	for _, want := range []string{"reqstats_request_duration_seconds_bucket", "reqstats_store_resets_total", "reqstats_uncounted_requests_total"} {
		if !strings.Contains(body, want) {
			t.Errorf("no %s", want)
		}
	}
}

// A request counted is visible at the next scrape, without a new Summary
// in between.
func TestMetricsGrow(t *testing.T) {
	l, m := liveFrom(t, aggregate.Options{}, " GET / 200 in 5ms\n")
	p, _ := parser.New(parser.Options{})
	st := p.NewStream("dev-server.log")
	at := time.Date(2026, 11, 28, 10, 0, 7, 0, time.UTC)
	for _, ev := range st.Push([]byte(" GET / 500 in 70ms")) {
		l.Add(&ev, at)
	}
	body := scrape(t, m)
	if got := sample(t, body, `reqstats_requests_total{method="GET",route="/",status_class="5xx"}`); got != "1" {
		t.Errorf("5xx: %s", got)
	}
	if got := sample(t, body, `reqstats_last_line_timestamp_seconds`); got != "1.795860007e+09" {
		t.Errorf("last line at %s, want 10:00:07", got)
	}
}
