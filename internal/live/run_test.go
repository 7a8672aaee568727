package live

import (
	"context"
	"errors"
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
	for range 2 {
		if err := clk.Advance(100 * time.Millisecond); err != nil {
			t.Fatal(err)
		}
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
	if m := body("/metrics"); !strings.Contains(m, `reqstats_lost_bytes_total{reason="truncated"} 10`+"\n") ||
		!strings.Contains(m, `reqstats_lost_total{reason="truncated"} 1`+"\n") {
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
