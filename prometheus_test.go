package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRealPrometheus follows a growing log with --serve, has a real
// Prometheus server scrape it every second, and checks what Prometheus
// answers against reqstats' own JSON summary of the same log: the request
// count exactly, the p95 within its histogram bucket, and every query of
// the Grafana dashboard returns data.
func TestRealPrometheus(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: runs a real Prometheus for about 10 s")
	}
	promBin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("prometheus is not installed (Debian: apt-get install prometheus)")
	}
	deadline := time.Now().Add(90 * time.Second)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()

	dir := t.TempDir()
	logPath := filepath.Join(dir, "dev-server.log")
	mixed, err := os.ReadFile("testdata/mixed.log") // Next's lines and the app's
	if err != nil {
		t.Fatal(err)
	}
	dev, err := os.ReadFile("testdata/dev-server.log") // store resets, a 5xx, compiles
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(logPath, mixed, 0o644); err != nil {
		t.Fatal(err)
	}

	// reqstats -f --serve, in process; nearest-rank is the percentile a
	// histogram bucket holds (see the p95 check below).
	opts := followOptionsFor(t, "-f", "-o", "json", "--interval", "1h", "--serve", "127.0.0.1:0",
		"--percentile-method", "nearest-rank", "--app-dir", "none", logPath)
	ready := make(chan string, 1)
	var out, errOut bytes.Buffer
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- runFollow(runCtx, opts, []string{logPath}, strings.NewReader(""), &out, &errOut, followHooks{ready: ready})
	}()
	stopped := false
	stopReqstats := func() {
		if stopped {
			return
		}
		stopped = true
		stop()
		if err := <-done; err != nil {
			t.Errorf("reqstats: %v\n%s", err, errOut.String())
		}
	}
	defer stopReqstats()
	var target string
	select {
	case target = <-ready:
	case <-ctx.Done():
		t.Fatal("reqstats never listened")
	}

	prom := startPrometheus(t, ctx, promBin, dir, target)

	// The log grows in steps, so that counters increase between scrapes
	// and rates have something to show.
	appendLog := func(parts ...[]byte) {
		f, err := os.OpenFile(logPath, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range parts {
			f.Write(p)
		}
		f.Close()
	}
	wantLines := func() float64 {
		b, _ := os.ReadFile(logPath)
		return float64(bytes.Count(b, []byte("\n")))
	}
	prom.await(t, ctx, "reqstats_lines_read_total", wantLines())
	appendLog(dev)
	prom.await(t, ctx, "reqstats_lines_read_total", wantLines())
	appendLog(dev, mixed)
	prom.await(t, ctx, "reqstats_lines_read_total", wantLines())
	// Two more scrapes after the last line, for the rates.
	time.Sleep(2500 * time.Millisecond)
	at := time.Now()

	count := prom.value(t, ctx, "sum(reqstats_requests_total)", at)
	histCount := prom.value(t, ctx, "sum(reqstats_request_duration_seconds_count)", at)
	warmCount := prom.value(t, ctx, `sum(reqstats_request_duration_seconds_count{cold="false"})`, at)
	uncounted := prom.value(t, ctx, "sum(reqstats_uncounted_requests_total)", at)
	p95 := prom.value(t, ctx, "histogram_quantile(0.95, sum by (le) (reqstats_request_duration_seconds_bucket))", at)
	warmP95 := prom.value(t, ctx, `histogram_quantile(0.95, sum by (le) (reqstats_request_duration_seconds_bucket{cold="false"}))`, at)
	resets := prom.value(t, ctx, "sum(reqstats_store_resets_total)", at)
	var les []float64 // the histogram's bucket bounds, as Prometheus stored them
	for _, r := range prom.query(t, ctx, "count by (le) (reqstats_request_duration_seconds_bucket)", at) {
		if le, err := strconv.ParseFloat(r.Metric["le"], 64); err == nil {
			les = append(les, le)
		}
	}
	slices.Sort(les)
	if len(les) < 10 {
		t.Fatalf("buckets %v", les)
	}
	cold := prom.value(t, ctx, "reqstats_cold_requests_total", at)

	// Every query of the dashboard returns data.
	for _, expr := range dashboardQueries(t, "grafana/reqstats.json") {
		q := strings.NewReplacer("$__rate_interval", "1m", "$__range", "5m", "$__interval", "5s").Replace(expr)
		res := prom.query(t, ctx, q, at)
		finite := false
		for _, r := range res {
			if v, err := strconv.ParseFloat(r.Value[1].(string), 64); err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
				finite = true
			}
		}
		if !finite {
			t.Errorf("dashboard query returns no number: %s\n%v", q, res)
		}
	}

	stopReqstats()
	var sum struct {
		Totals, Warm struct {
			Count int
			Cold  int
			P95Ms float64
		}
		OtherSources []struct{ Count int }
		Dev          struct {
			Store []struct{ Resets int }
		}
	}
	dec := json.NewDecoder(&out)
	for {
		err := dec.Decode(&sum)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("reqstats' JSON: %v\n%s", err, out.String())
		}
	}
	others, storeResets := 0, 0
	for _, o := range sum.OtherSources {
		others += o.Count
	}
	for _, s := range sum.Dev.Store {
		storeResets += s.Resets
	}
	if sum.Totals.Count == 0 || others == 0 {
		t.Fatalf("the log has %d requests counted and %d of other sources: nothing to check", sum.Totals.Count, others)
	}
	t.Logf("%-58s %10s %10s", "", "PromQL", "reqstats")
	row := func(what string, got, want float64) {
		t.Logf("%-58s %10g %10g", what, got, want)
		if got != want {
			t.Errorf("%s: Prometheus says %g, reqstats' JSON %g", what, got, want)
		}
	}
	row("sum(reqstats_requests_total) / totals.count", count, float64(sum.Totals.Count))
	row("sum(…_duration_seconds_count) / totals.count", histCount, float64(sum.Totals.Count))
	row(`sum(…_count{cold="false"}) / warm.count`, warmCount, float64(sum.Warm.Count))
	row("reqstats_cold_requests_total / totals.cold", cold, float64(sum.Totals.Cold))
	row("sum(reqstats_uncounted_requests_total) / otherSources", uncounted, float64(others))
	row("sum(reqstats_store_resets_total) / dev.store[].resets", resets, float64(storeResets))
	// histogram_quantile interpolates within the bucket that holds the
	// rank 0.95·n; the nearest-rank p95 is the sample at that rank, so it
	// lies in the same bucket.
	inBucket := func(what string, q, exactMs float64) {
		exact := exactMs / 1000
		lo, hi := bucketOf(les, exact)
		t.Logf("%-58s %10.4g %10.4g  bucket (%g, %g]", what, q, exact, lo, hi)
		if q < lo || q > hi {
			t.Errorf("%s: Prometheus says %gs, outside the bucket (%g, %g] of reqstats' %gs", what, q, lo, hi, exact)
		}
	}
	inBucket("histogram_quantile(0.95, …) / totals.p95Ms (s)", p95, sum.Totals.P95Ms)
	inBucket(`histogram_quantile(0.95, …{cold="false"}) / warm.p95Ms (s)`, warmP95, sum.Warm.P95Ms)
}

// bucketOf returns the bounds of the bucket of les that holds d seconds.
func bucketOf(les []float64, d float64) (lo, hi float64) {
	for _, le := range les {
		if d <= le {
			return lo, le
		}
		lo = le
	}
	return lo, math.Inf(1)
}

// dashboardQueries returns every PromQL expression of a Grafana
// dashboard: the "expr" of each target, wherever it is nested.
func dashboardQueries(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var exprs []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if e, ok := v["expr"].(string); ok {
				exprs = append(exprs, e)
			}
			for _, c := range v {
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(doc)
	if len(exprs) < 10 {
		t.Fatalf("%s: only %d queries", path, len(exprs))
	}
	return exprs
}

// promServer is a Prometheus server the test started.
type promServer struct{ base string }

// startPrometheus starts Prometheus on a free loopback port, scraping
// target every second, with its data in dir; it is stopped by its PID
// when the test ends.
func startPrometheus(t *testing.T, ctx context.Context, bin, dir, target string) *promServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	config := filepath.Join(dir, "prometheus.yml")
	err = os.WriteFile(config, fmt.Appendf(nil, `global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: reqstats
    scrape_interval: 1s
    scrape_timeout: 1s
    static_configs:
      - targets: [%q]
`, target), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	cmd := exec.Command(bin, "--config.file="+config, "--storage.tsdb.path="+filepath.Join(dir, "tsdb"),
		"--web.listen-address="+addr, "--log.level=warn")
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		waited := make(chan error, 1)
		go func() { waited <- cmd.Wait() }()
		select {
		case <-waited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-waited
		}
		if t.Failed() {
			t.Logf("prometheus log:\n%s", log.String())
		}
	})
	p := &promServer{base: "http://" + addr}
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		resp, err := client.Get(p.base + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("prometheus never got ready:\n%s", log.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// promSample is one element of an instant vector.
type promSample struct {
	Metric map[string]string
	Value  [2]any // [unix time, "value"]
}

// query runs an instant query at the time given; an error is fatal.
func (p *promServer) query(t *testing.T, ctx context.Context, q string, at time.Time) []promSample {
	t.Helper()
	v := url.Values{"query": {q}, "time": {strconv.FormatFloat(float64(at.UnixMilli())/1000, 'f', 3, 64)}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.base+"/api/v1/query?"+v.Encode(), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer resp.Body.Close()
	var r struct {
		Status, Error string
		Data          struct {
			ResultType string
			Result     json.RawMessage
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if r.Status != "success" {
		t.Fatalf("%s: %s", q, r.Error)
	}
	if r.Data.ResultType == "scalar" {
		var s [2]any
		json.Unmarshal(r.Data.Result, &s)
		return []promSample{{Value: s}}
	}
	var res []promSample
	if err := json.Unmarshal(r.Data.Result, &res); err != nil {
		t.Fatalf("%s: %s: %v", q, r.Data.ResultType, err)
	}
	return res
}

// value runs a query that must return one number.
func (p *promServer) value(t *testing.T, ctx context.Context, q string, at time.Time) float64 {
	t.Helper()
	res := p.query(t, ctx, q, at)
	if len(res) != 1 {
		t.Fatalf("%s: %d results, want 1: %v", q, len(res), res)
	}
	v, err := strconv.ParseFloat(res[0].Value[1].(string), 64)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

// await waits until query q, evaluated now, equals want: until
// Prometheus has scraped what reqstats read. It polls every 200ms until
// ctx's deadline.
func (p *promServer) await(t *testing.T, ctx context.Context, q string, want float64) {
	t.Helper()
	var last []promSample
	for {
		last = p.query(t, ctx, q, time.Now())
		if len(last) == 1 {
			if v, err := strconv.ParseFloat(last[0].Value[1].(string), 64); err == nil && v == want {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s never reached %g: %v", q, want, last)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
