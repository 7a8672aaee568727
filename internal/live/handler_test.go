package live

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/internal/follow"
	"github.com/reqstats/reqstats/parser"
	"github.com/reqstats/reqstats/report"
)

// liveFrom feeds a log to a fresh live state, as follow mode does.
func liveFrom(t *testing.T, opts aggregate.Options, log string) (*State, *Metrics) {
	t.Helper()
	l := NewState(opts, 1000)
	prom := NewMetrics(l)
	p, _ := parser.New(parser.Options{})
	st := p.NewStream("dev-server.log")
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	for _, line := range strings.Split(strings.TrimSuffix(log, "\n"), "\n") {
		l.Line("dev-server.log")
		for _, ev := range st.Push([]byte(line)) {
			l.Add(&ev, now)
		}
	}
	return l, prom
}

func get(t *testing.T, h http.Handler, target string) (int, string, http.Header) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec.Code, rec.Body.String(), rec.Header()
}

const serveLog = ` GET /api/users/42 200 in 145ms
 GET /api/users/7 500 in 2500ms
[middleware] ✓ METRIC RECORDED, new size: 2
[middleware] ✓ METRIC RECORDED, new size: 1
 POST /api/guest/chat 201 in 1.835ms
`

func TestServeEndpointMatchesBatch(t *testing.T) {
	opts := aggregate.Options{Slow: 2 * time.Second, Grouping: aggregate.GroupNone}
	l, prom := liveFrom(t, opts, serveLog)
	h := NewHandler(l, prom.Handler(), func() time.Time { return time.Date(2026, 11, 28, 10, 0, 5, 0, time.UTC) })

	code, body, hdr := get(t, h, "/api/performance/metrics")
	if code != 200 || hdr.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, content type %q", code, hdr.Get("Content-Type"))
	}
	// The served object is what -o api prints for the same log.
	want := batchAPI(t, opts, serveLog)
	if body != want {
		t.Errorf("served:\n%s\nreqstats -o api:\n%s", body, want)
	}

	code, body, _ = get(t, h, "/api/performance/metrics?format=full")
	var full struct {
		ExportedAt    string
		Summary       struct{ TotalRequests int }
		RecentMetrics []map[string]any
		AllMetrics    []map[string]any
	}
	if err := json.Unmarshal([]byte(body), &full); err != nil || code != 200 {
		t.Fatalf("format=full: %d %v\n%s", code, err, body)
	}
	if full.ExportedAt != "2026-11-28T10:00:05Z" || full.Summary.TotalRequests != 3 || len(full.AllMetrics) != 3 || len(full.RecentMetrics) != 3 {
		t.Errorf("format=full: %+v", full)
	}
	m := full.AllMetrics[2]
	if m["method"] != "POST" || m["path"] != "/api/guest/chat" || m["duration"] != 1.835 || m["status"] != 201.0 || m["slow"] != false {
		t.Errorf("last metric %v", m)
	}
	if full.AllMetrics[1]["slow"] != true {
		t.Errorf("2.5s request not slow: %v", full.AllMetrics[1])
	}
}

func TestServeMetricsAndHealth(t *testing.T) {
	l, prom := liveFrom(t, aggregate.Options{Slow: 2 * time.Second}, serveLog)
	h := NewHandler(l, prom.Handler(), time.Now)
	code, body, _ := get(t, h, "/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	hasLines(t, "/metrics", body,
		`reqstats_requests_total{method="GET",route="/api/users/[id]",status_class="2xx"} 1`,
		`reqstats_requests_total{method="GET",route="/api/users/[id]",status_class="5xx"} 1`,
		`reqstats_requests_total{method="POST",route="/api/guest/chat",status_class="2xx"} 1`,
		`reqstats_request_duration_seconds_count{cold="false",method="GET",route="/api/users/[id]",status_class="2xx"} 1`,
		`reqstats_request_duration_seconds_bucket{cold="false",method="GET",route="/api/users/[id]",status_class="2xx",le="0.25"} 1`,
		"reqstats_slow_requests_total 1",
		"reqstats_cold_requests_total 0",
		"reqstats_lines_read_total 5",
		"reqstats_malformed_lines_total 0",
		`reqstats_store_resets_total{tag="middleware"} 1`,
	)
	if code, body, _ := get(t, h, "/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	for _, path := range []string{"/api", "/api/performance/metrics/x", "/debug/pprof/"} {
		if code, _, _ := get(t, h, path); code != 404 {
			t.Errorf("%s: %d, want 404", path, code)
		}
	}
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodOptions} {
		for _, path := range []string{"/api/performance/metrics", "/nope"} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(m, path, strings.NewReader("{}")))
			if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
				t.Errorf("%s %s: %d, Allow %q; want 405, GET, HEAD", m, path, rec.Code, rec.Header().Get("Allow"))
			}
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, "/healthz", nil))
	if rec.Code != 200 {
		t.Errorf("HEAD /healthz: %d", rec.Code)
	}
}

func TestServeCORS(t *testing.T) {
	l, prom := liveFrom(t, aggregate.Options{Slow: 2 * time.Second}, serveLog)
	base := NewHandler(l, prom.Handler(), time.Now)
	do := func(h http.Handler, method, origin string, hdr map[string]string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, "/api/performance/metrics", nil)
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		for k, v := range hdr {
			r.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec
	}
	preflight := map[string]string{"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "x-dashboard"}

	if WithCORS(base, nil) == nil {
		t.Fatal("WithCORS(nil origins) = nil")
	}
	if rec := do(WithCORS(base, nil), http.MethodGet, "http://localhost:3000", nil); rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("no --cors: allowed %q", rec.Header().Get("Access-Control-Allow-Origin"))
	}
	if rec := do(WithCORS(base, nil), http.MethodOptions, "http://localhost:3000", preflight); rec.Code != 405 {
		t.Errorf("no --cors: preflight %d, want 405", rec.Code)
	}

	one := WithCORS(base, []string{"http://localhost:3000"})
	rec := do(one, http.MethodGet, "http://localhost:3000", nil)
	if rec.Code != 200 || rec.Header().Get("Access-Control-Allow-Origin") != "http://localhost:3000" || rec.Header().Get("Vary") != "Origin" {
		t.Errorf("allowed origin: %d %v", rec.Code, rec.Header())
	}
	rec = do(one, http.MethodGet, "http://evil.example", nil)
	if rec.Code != 200 || rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("other origin: %d %v", rec.Code, rec.Header())
	}
	rec = do(one, http.MethodOptions, "http://localhost:3000", preflight)
	if rec.Code != 204 || rec.Header().Get("Access-Control-Allow-Methods") != "GET, HEAD" ||
		rec.Header().Get("Access-Control-Allow-Headers") != "x-dashboard" || rec.Header().Get("Access-Control-Allow-Origin") != "http://localhost:3000" {
		t.Errorf("preflight: %d %v", rec.Code, rec.Header())
	}
	rec = do(one, http.MethodOptions, "http://evil.example", preflight)
	if rec.Code != 204 || rec.Header().Get("Access-Control-Allow-Origin") != "" || rec.Header().Get("Access-Control-Allow-Methods") != "" {
		t.Errorf("preflight from another origin: %d %v", rec.Code, rec.Header())
	}
	if rec := do(one, http.MethodPost, "http://localhost:3000", nil); rec.Code != 405 {
		t.Errorf("POST with CORS: %d, want 405", rec.Code)
	}

	star := WithCORS(base, []string{"*"})
	rec = do(star, http.MethodGet, "http://anything.example", nil)
	if rec.Header().Get("Access-Control-Allow-Origin") != "*" || rec.Header().Get("Vary") != "" {
		t.Errorf("*: %v", rec.Header())
	}
}

func TestServeRealListener(t *testing.T) {
	l, prom := liveFrom(t, aggregate.Options{}, serveLog)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, "127.0.0.1:0", NewHandler(l, prom.Handler(), time.Now), ready) }()
	addr := <-ready
	resp, err := http.Get("http://" + addr + "/api/performance/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"totalRequests": 3`) {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve returned %v after cancel", err)
	}
}

func TestListenAddr(t *testing.T) {
	tests := []struct{ in, want string }{
		{"9464", "127.0.0.1:9464"},
		{":9464", "127.0.0.1:9464"},
		{"0.0.0.0:9464", "0.0.0.0:9464"},
		{"[::1]:80", "[::1]:80"},
		{"localhost:9464", "localhost:9464"},
	}
	for _, tt := range tests {
		if got, err := ListenAddr(tt.in); err != nil || got != tt.want {
			t.Errorf("ListenAddr(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "x", "99999", "host:port"} {
		if _, err := ListenAddr(bad); err == nil {
			t.Errorf("ListenAddr(%q) accepted", bad)
		}
	}
}

// batchAPI is what reqstats -o api prints for log: the whole log read at
// once, as a batch run reads it.
func batchAPI(t *testing.T, opts aggregate.Options, log string) string {
	t.Helper()
	p, err := parser.New(parser.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := aggregate.New(opts)
	sc := parser.NewScanner(strings.NewReader(log), "dev-server.log", p)
	for sc.Scan() {
		a.Add(sc.Event())
	}
	var b strings.Builder
	if err := report.WriteAPI(&b, a.Summary(), report.Options{}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestServeNeverTakesTheReadersLock holds the lock the reader takes for
// each line while clients ask for every answer: they must all come, from
// the last snapshot, and a line read meanwhile shows only once published.
func TestServeNeverTakesTheReadersLock(t *testing.T) {
	l, prom := liveFrom(t, aggregate.Options{}, serveLog)
	l.Publish()
	h := NewHandler(l, prom.Handler(), time.Now)
	l.mu.Lock()
	answered := make(chan string, 3)
	for _, target := range []string{"/api/performance/metrics", "/api/performance/metrics?format=full", "/metrics"} {
		go func() {
			_, body, _ := get(t, h, target)
			answered <- body
		}()
	}
	for range 3 {
		select {
		case body := <-answered:
			if !strings.Contains(body, `"totalRequests": 3`) && !strings.Contains(body, "reqstats_lines_read_total 5\n") {
				t.Errorf("answer not of the snapshot:\n%.400s", body)
			}
		case <-time.After(10 * time.Second):
			l.mu.Unlock()
			t.Fatal("a request waited for the reader's lock")
		}
	}
	l.mu.Unlock()

	p, _ := parser.New(parser.Options{})
	for _, ev := range p.NewStream("dev-server.log").Push([]byte(" GET /api/late 200 in 3ms")) {
		l.Line("dev-server.log")
		l.Add(&ev, time.Now())
	}
	if _, body, _ := get(t, h, "/api/performance/metrics"); !strings.Contains(body, `"totalRequests": 3,`) {
		t.Errorf("served before Publish:\n%.200s", body)
	}
	l.Publish()
	if _, body, _ := get(t, h, "/api/performance/metrics"); !strings.Contains(body, `"totalRequests": 4,`) {
		t.Errorf("served after Publish:\n%.200s", body)
	}
}

// TestServeLost checks that data the followers lost shows in ?format=full
// and in /metrics, every reason there with 0 until it happens.
func TestServeLost(t *testing.T) {
	l, prom := liveFrom(t, aggregate.Options{}, serveLog)
	h := NewHandler(l, prom.Handler(), time.Now)
	_, body, _ := get(t, h, "/metrics")
	hasLines(t, "/metrics", body,
		`reqstats_lost_total{reason="rotated"} 0`,
		`reqstats_lost_total{reason="truncated"} 0`,
		`reqstats_lost_total{reason="unreadable"} 0`,
		`reqstats_lost_bytes_total{reason="rotated"} 0`,
	)
	l.Lost(follow.LostRotated, 120)
	l.Lost(follow.LostRotated, 30)
	l.Lost(follow.LostUnreadable, 0)
	l.Publish()
	_, body, _ = get(t, h, "/metrics")
	hasLines(t, "/metrics", body,
		`reqstats_lost_total{reason="rotated"} 2`,
		`reqstats_lost_bytes_total{reason="rotated"} 150`,
		`reqstats_lost_total{reason="truncated"} 0`,
		`reqstats_lost_total{reason="unreadable"} 1`,
	)
	_, body, _ = get(t, h, "/api/performance/metrics?format=full")
	var full struct {
		ExportedAt string
		Summary    struct{ TotalRequests int }
		Lost       map[string]Lost
	}
	if err := json.Unmarshal([]byte(body), &full); err != nil {
		t.Fatalf("format=full: %v\n%s", err, body)
	}
	want := map[string]Lost{"rotated": {Times: 2, Bytes: 150}, "unreadable": {Times: 1}}
	if full.ExportedAt == "" || full.Summary.TotalRequests != 3 || len(full.Lost) != 2 ||
		full.Lost["rotated"] != want["rotated"] || full.Lost["unreadable"] != want["unreadable"] {
		t.Errorf("format=full: %+v, want lost %+v", full, want)
	}
}

// TestFullListsTheCountedSource: a request Next and the app both logged
// is one request; ?format=full and the live page list the counted
// source's copies only.
func TestFullListsTheCountedSource(t *testing.T) {
	log := " GET /api/users/42 200 in 905ms\n[perf] GET /api/users/42 200 903.12ms\n GET /api/users/7 200 in 43ms\n[perf] GET /api/users/7 200 41.5ms\n"
	l, prom := liveFrom(t, aggregate.Options{}, log)
	h := NewHandler(l, prom.Handler(), time.Now)
	_, body, _ := get(t, h, "/api/performance/metrics?format=full")
	var full struct {
		Summary    struct{ TotalRequests int }
		AllMetrics []struct{ Duration float64 }
	}
	if err := json.Unmarshal([]byte(body), &full); err != nil {
		t.Fatal(err)
	}
	if full.Summary.TotalRequests != 2 || len(full.AllMetrics) != 2 || full.AllMetrics[0].Duration != 905 || full.AllMetrics[1].Duration != 43 {
		t.Errorf("total %d, metrics %+v; want Next's two", full.Summary.TotalRequests, full.AllMetrics)
	}
	_, body, _ = get(t, h, "/dashboard.json")
	if !strings.Contains(body, `"seen":2`) {
		t.Errorf("the live page's timeline does not hold Next's two requests:\n%.300s", body)
	}
}

// TestWindowAgesServedAnswers: with --window, the answers change as time
// passes with no new line, and a Publish takes them anew.
func TestWindowAgesServedAnswers(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	l := NewState(aggregate.Options{Window: 2 * time.Second, Now: func() time.Time { return now }}, 10)
	p, _ := parser.New(parser.Options{})
	st := p.NewStream("dev-server.log")
	for _, ev := range st.Push([]byte(" GET /a 200 in 5ms")) {
		l.Add(&ev, now)
	}
	h := NewHandler(l, nil, func() time.Time { return now })
	l.Publish()
	if _, body, _ := get(t, h, "/api/performance/metrics"); !strings.Contains(body, `"totalRequests": 1`) {
		t.Fatalf("before the window passed:\n%s", body)
	}
	now = now.Add(5 * time.Second)
	l.Publish()
	if _, body, _ := get(t, h, "/api/performance/metrics"); !strings.Contains(body, `"totalRequests": 0`) {
		t.Errorf("the request left the window, the endpoint still counts it:\n%s", body)
	}
}

// hasLines reports each of want that is not a whole line of body, the
// answer at path.
func hasLines(t *testing.T, path, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w+"\n") {
			t.Errorf("%s lacks %q", path, w)
		}
	}
}
