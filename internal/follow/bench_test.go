package follow_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reqstats/reqstats/internal/follow"
	"github.com/reqstats/reqstats/testdata/genlog"
)

// BenchmarkFollowAppend times how fast File catches up on a block of 8 MiB
// of `next dev` log appended at once to the file it follows (with inotify,
// on the real clock, as follow mode runs): each iteration appends the block
// in writes of 1 MiB and waits until the sink has seen all its lines.
func BenchmarkFollowAppend(b *testing.B) {
	var log bytes.Buffer
	st, err := genlog.Generate(&log, genlog.Options{Seed: 1, Size: 8 << 20})
	if err != nil {
		b.Fatal(err)
	}
	data := log.Bytes()
	path := filepath.Join(b.TempDir(), "dev-server.log")
	w, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()

	var seen, want atomic.Int64
	reached := make(chan struct{}, 1)
	sink := func(lines []byte) {
		if seen.Add(int64(bytes.Count(lines, []byte{'\n'}))) >= want.Load() {
			select {
			case reached <- struct{}{}:
			default:
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- follow.File(ctx, path, follow.Options{}, sink) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
	}()

	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		want.Add(st.Lines)
		for rest := data; len(rest) > 0; {
			n := min(len(rest), 1<<20)
			if _, err := w.Write(rest[:n]); err != nil {
				b.Fatal(err)
			}
			rest = rest[n:]
		}
		for seen.Load() < want.Load() {
			select {
			case <-reached:
			case <-time.After(time.Minute):
				b.Fatalf("the sink saw %d lines after a minute, want %d", seen.Load(), want.Load())
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(st.Lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
