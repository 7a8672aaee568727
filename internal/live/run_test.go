package live

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/internal/clock"
	"github.com/reqstats/reqstats/internal/follow"
	"github.com/reqstats/reqstats/parser"
	"github.com/reqstats/reqstats/testdata/genlog"
)

// TestRunTellsOfLostData truncates a followed file under an unterminated
// line the follower has read: Run tells so through Errf, /metrics and
// ?format=full count it once published, and Run fails at the end.
func TestRunTellsOfLostData(t *testing.T) {
	const bound = 10 * time.Second
	path := filepath.Join(t.TempDir(), "dev-server.log")
	half := " GET /half"
	if err := os.WriteFile(path, []byte(" GET /a 200 in 1ms\n GET /b 200 in 2ms\n GET /c 200 in 3ms\n"+half), 0o644); err != nil {
		t.Fatal(err)
	}
	var counted atomic.Int64
	sum := aggregate.Options{OnRequest: func(aggregate.Request) { counted.Add(1) }}
	p, err := parser.New(parser.Options{})
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC))
	var mu sync.Mutex
	var told []string
	ready := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{
			Inputs: []string{path}, Parser: p, Follow: follow.Options{Poll: true},
			Summary: sum, Keep: 10, Serve: "127.0.0.1:0", Ready: ready,
			Quiet: true, Interval: 2 * time.Second, Clock: clk,
			Warn: func(err error) { t.Errorf("malformed: %v", err) },
			Errf: func(err error) {
				mu.Lock()
				told = append(told, err.Error())
				mu.Unlock()
			},
		})
	}()
	addr := <-ready
	// The view's, the publisher's and the follower's tickers: the
	// follower makes its own once its first check has read the file.
	if err := clk.BlockUntil(3); err != nil {
		t.Fatal(err)
	}
	if n := counted.Load(); n != 3 {
		t.Fatalf("%d requests counted, want 3", n)
	}
	if err := os.WriteFile(path, []byte(" GET /d 200 in 4ms\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Each Advance returns once its tick is taken, so the second one
	// once the follower's check (then a publication) of the first is done.
	for _, d := range []time.Duration{250 * time.Millisecond, 250 * time.Millisecond} {
		if err := clk.Advance(d); err != nil {
			t.Fatal(err)
		}
	}
	if n := counted.Load(); n != 4 {
		t.Fatalf("%d requests counted after the truncation, want 4", n)
	}
	body := func(target string) string {
		resp, err := http.Get("http://" + addr + target)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	hasLoss := func(m string) bool {
		return strings.Contains(m, `reqstats_lost_bytes_total{reason="truncated"} 10`+"\n") &&
			strings.Contains(m, `reqstats_lost_total{reason="truncated"} 1`+"\n")
	}
	// The publisher backs off by ten times what its clock says a snapshot
	// took, and this test steps that clock while a snapshot may be under
	// way: step it, a publication at a time (an Advance returns once the
	// publisher took the tick, so once the last one is done), until the
	// loss is served, for at most 20 s of the clock.
	var m string
	for i := 0; i < 200; i++ {
		if err := clk.Advance(100 * time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			continue
		}
		if m = body("/metrics"); hasLoss(m) {
			break
		}
	}
	if !hasLoss(m) {
		t.Errorf("/metrics lacks the loss:\n%s", m)
	}
	if full := body("/api/performance/metrics?format=full"); !strings.Contains(full, `"truncated": {
      "times": 1,
      "bytes": 10
    }`) {
		t.Errorf("format=full lacks the loss:\n%s", full)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, ErrFailed) {
			t.Errorf("Run returned %v, want ErrFailed", err)
		}
	case <-time.After(bound):
		t.Fatal("Run did not return")
	}
	want := "follow " + path + ": lost 10 unread bytes when the file was truncated"
	if len(told) != 1 || told[0] != want {
		t.Errorf("told %q, want %q", told, want)
	}
}

// TestRunPublishesAfterBulk appends more than a MiB of request lines to a
// followed file: once the follower has caught up, the endpoint serves all
// of them, although the publisher's clock never ticks.
func TestRunPublishesAfterBulk(t *testing.T) {
	const bound = 10 * time.Second
	path := filepath.Join(t.TempDir(), "dev-server.log")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := parser.New(parser.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var counted atomic.Int64
	clk := clock.NewFake(time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC))
	ready := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{
			Inputs: []string{path}, Parser: p,
			Summary: aggregate.Options{OnRequest: func(aggregate.Request) { counted.Add(1) }},
			Keep:    10, Serve: "127.0.0.1:0", Ready: ready,
			Quiet: true, Interval: 2 * time.Second, Clock: clk,
			Errf: func(err error) { t.Errorf("Errf: %v", err) },
		})
	}()
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(bound):
			t.Error("Run did not return")
		}
	}()
	addr := <-ready
	var bulk strings.Builder
	n := 0
	for bulk.Len() < 3<<19 {
		fmt.Fprintf(&bulk, " GET /api/items/%d 200 in %dms\n", n, n%500+1)
		n++
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(bulk.String()); err != nil {
		t.Fatal(err)
	}
	f.Close()
	served := func() int {
		resp, err := http.Get("http://" + addr + "/api/performance/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct {
			TotalRequests int `json:"totalRequests"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
		return body.TotalRequests
	}
	deadline := time.Now().Add(bound)
	got := served()
	for i := 0; got != n && i < 2000 && time.Now().Before(deadline); i++ {
		time.Sleep(5 * time.Millisecond) // the follower reads in real time
		got = served()
	}
	if got != n {
		t.Fatalf("the endpoint serves %d requests, want the %d appended (%d counted)", got, n, counted.Load())
	}
}

// BenchmarkRunAppend times follow mode's whole path as `reqstats -f
// --serve` runs it (the endpoint's own counts, its metrics and live page
// hooks, a snapshot every 100 ms): Run follows a file to which each
// iteration appends 8 MiB of `next dev` log in writes of 1 MiB, and the
// iteration ends once every request in it was counted.
func BenchmarkRunAppend(b *testing.B) {
	var log bytes.Buffer
	gen, err := genlog.Generate(&log, genlog.Options{Seed: 1, Size: 8 << 20})
	if err != nil {
		b.Fatal(err)
	}
	data := log.Bytes()
	p, err := parser.New(parser.Options{})
	if err != nil {
		b.Fatal(err)
	}
	opts := aggregate.Options{Slow: 2 * time.Second, Top: 10, MaxRoutes: 1000, ColdCompile: 100 * time.Millisecond, ByMethod: true}
	api := opts
	api.Grouping, api.ByMethod, api.Order = aggregate.GroupNone, false, aggregate.OrderMean
	first, each := countedPerCopy(b, p, opts, data)

	var counted, want atomic.Int64
	reached := make(chan struct{}, 1)
	sum := opts
	sum.OnRequest = func(aggregate.Request) {
		if counted.Add(1) >= want.Load() {
			select {
			case reached <- struct{}{}:
			default:
			}
		}
	}
	path := filepath.Join(b.TempDir(), "dev-server.log")
	w, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	ready := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{
			Inputs: []string{path}, Parser: p, Summary: sum, API: api, Keep: 1000,
			Serve: "127.0.0.1:0", Ready: ready, Quiet: true, Interval: time.Hour,
			Errf: func(err error) { b.Error(err) },
		})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
	}()
	select {
	case <-ready:
	case err := <-done:
		b.Fatalf("Run returned before serving: %v", err)
	}

	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := range b.N {
		want.Store(first + int64(i)*each)
		for rest := data; len(rest) > 0; {
			n := min(len(rest), 1<<20)
			if _, err := w.Write(rest[:n]); err != nil {
				b.Fatal(err)
			}
			rest = rest[n:]
		}
		for counted.Load() < want.Load() {
			select {
			case <-reached:
			case <-time.After(time.Minute):
				b.Fatalf("%d requests counted after a minute, want %d", counted.Load(), want.Load())
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(gen.Lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	if got := counted.Load(); got != want.Load() {
		b.Errorf("%d requests counted, want %d", got, want.Load())
	}
}

// countedPerCopy returns how many requests an aggregator with opts counts
// in data, and how many more in each further copy of it (a multi-line
// object or a request split across a copy's end counts in the next).
func countedPerCopy(b *testing.B, p *parser.Parser, opts aggregate.Options, data []byte) (first, each int64) {
	var n int64
	opts.OnRequest = func(aggregate.Request) { n++ }
	agg := aggregate.New(opts)
	st := p.NewStream("dev-server.log")
	var counts []int64
	for range 3 {
		for line := range follow.Lines(data) {
			for _, ev := range st.Push(line) {
				agg.Add(&ev)
			}
		}
		counts = append(counts, n)
	}
	if counts[2]-counts[1] != counts[1]-counts[0] {
		b.Fatalf("requests counted in 1, 2 and 3 copies: %v, not in steps of one size", counts)
	}
	return counts[0], counts[1] - counts[0]
}
