package live

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/parser"
	"github.com/reqstats/reqstats/report"
)

// TestLoadWhileRotating follows a log written at about 2,000 lines/s and
// renamed every 3 s, while 50 clients ask the server for the endpoint's
// object, ?format=full and /metrics as fast as they can: every line must
// be counted exactly once, and the endpoint and the final summary must
// come to count them all.
// It runs 20 s (3 s with -short).
func TestLoadWhileRotating(t *testing.T) {
	length := 20 * time.Second
	if testing.Short() {
		length = 3 * time.Second
	}
	const (
		clients  = 50
		rotation = 3 * time.Second
		rate     = 2000                 // lines/s
		every    = 5 * time.Millisecond // the writer's pace: 10 lines a tick
		settle   = 30 * time.Second     // bound on the reader catching up
		stopWait = 10 * time.Second     // bound on Run returning
		client   = 10 * time.Second     // bound on one HTTP request
	)
	dir := t.TempDir()
	path := filepath.Join(dir, "dev-server.log")
	log, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { log.Close() }()

	// seen[i] counts the requests counted for line i, whose path is
	// /api/load/i.
	var (
		seenMu  sync.Mutex
		seen    = make(map[int]int)
		counted atomic.Int64
		bad     atomic.Int64
	)
	sum := aggregate.Options{OnRequest: func(r aggregate.Request) {
		i, err := strconv.Atoi(strings.TrimPrefix(r.Record.Path, "/api/load/"))
		if err != nil {
			bad.Add(1)
			return
		}
		seenMu.Lock()
		seen[i]++
		seenMu.Unlock()
		counted.Add(1)
	}}
	p, err := parser.New(parser.Options{})
	if err != nil {
		t.Fatal(err)
	}
	api, err := report.FormatFor("api")
	if err != nil {
		t.Fatal(err)
	}
	var final bytes.Buffer // written by Run once every goroutine of it is done
	var errsMu sync.Mutex
	var errs []string
	ready := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{
			Inputs:   []string{path},
			Parser:   p,
			Summary:  sum,
			API:      aggregate.Options{Grouping: aggregate.GroupNone},
			Keep:     1000,
			Serve:    "127.0.0.1:0",
			Ready:    ready,
			View:     View{Out: &final, Format: api},
			Interval: time.Hour, // no snapshot but the final summary
			Warn:     func(err error) { t.Errorf("malformed: %v", err) },
			Errf: func(err error) {
				errsMu.Lock()
				errs = append(errs, err.Error())
				errsMu.Unlock()
			},
		})
	}()
	stopRun := func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(stopWait):
			t.Errorf("Run did not return %v after its context ended", stopWait)
		}
	}
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("Run returned before serving: %v", err)
	case <-time.After(stopWait):
		cancel()
		t.Fatal("the server did not listen")
	}

	// The clients.
	transport := &http.Transport{MaxIdleConnsPerHost: clients}
	defer transport.CloseIdleConnections()
	hc := &http.Client{Transport: transport, Timeout: client}
	urls := []string{
		"http://" + addr + "/api/performance/metrics",
		"http://" + addr + "/api/performance/metrics?format=full",
		"http://" + addr + "/metrics",
	}
	var served, failed atomic.Int64
	clientsDone := make(chan struct{})
	var cwg sync.WaitGroup
	stopClients := sync.OnceFunc(func() {
		close(clientsDone)
		cwg.Wait()
	})
	defer stopClients()
	for c := range clients {
		cwg.Add(1)
		go func() {
			defer cwg.Done()
			for i := c; ; i++ {
				select {
				case <-clientsDone:
					return
				default:
				}
				resp, err := hc.Get(urls[i%len(urls)])
				if err != nil {
					failed.Add(1)
					continue
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 {
					failed.Add(1)
					continue
				}
				served.Add(1)
			}
		}()
	}

	// The writer, on this goroutine: a line per write, as a dev server
	// writes, and a rename and a new file every 3 s.
	start := time.Now()
	written, rotations := 0, 0
	tick := time.NewTicker(every)
	lastRotation := start
	var buf []byte
	for time.Since(start) < length {
		<-tick.C
		// As many lines as 2,000/s asks for by now, should ticks be late.
		for written < int(time.Since(start).Seconds()*rate) {
			buf = fmt.Appendf(buf[:0], " GET /api/load/%d 200 in %dms\n", written, written%997)
			if _, err := log.Write(buf); err != nil {
				t.Fatal(err)
			}
			written++
		}
		if time.Since(lastRotation) >= rotation {
			lastRotation = time.Now()
			rotations++
			if err := os.Rename(path, path+".1"); err != nil {
				t.Fatal(err)
			}
			next, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			log.Close()
			log = next
		}
	}
	tick.Stop()
	elapsed := time.Since(start)
	atEnd := counted.Load()
	stopClients()

	// The reader catches up (it may lag on a loaded machine, but must
	// lose nothing); then the endpoint's snapshot, within 100 ms of the
	// clock, counts every line too.
	deadline := time.Now().Add(settle)
	for counted.Load() < int64(written) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	caughtUp := time.Since(start) - elapsed
	want := fmt.Sprintf(`"totalRequests": %d,`, written)
	var body string
	for time.Now().Before(deadline) {
		resp, err := hc.Get(urls[0])
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if body = string(b); strings.Contains(body, want) {
				break
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	stopRun()

	t.Logf("%d lines in %v (%.0f lines/s), %d rotations; %d answers to %d clients (%.0f/s), %d failed; %d lines counted when the writer stopped, all %v later",
		written, elapsed.Round(time.Millisecond), float64(written)/elapsed.Seconds(), rotations,
		served.Load(), clients, float64(served.Load())/elapsed.Seconds(), failed.Load(), atEnd, caughtUp.Round(time.Millisecond))
	if n := counted.Load(); n != int64(written) {
		t.Errorf("counted %d requests, wrote %d", n, written)
	}
	if n := bad.Load(); n != 0 {
		t.Errorf("%d requests with a path not written", n)
	}
	// Lines not counted before a line that is were lost; after the
	// last line counted, they may only be late (a reader too slow for
	// the settle bound).
	missing, twice, firstMissing, lastCounted := 0, 0, -1, -1
	for i := range written {
		switch seen[i] {
		case 0:
			missing++
			if firstMissing < 0 {
				firstMissing = i
			}
		case 1:
			lastCounted = i
		default:
			twice++
			lastCounted = i
		}
	}
	if missing > 0 || twice > 0 || len(seen) != written {
		t.Errorf("of %d lines, %d not counted, %d counted more than once, %d counted in all", written, missing, twice, len(seen))
	}
	if missing > 0 {
		if lost := missing - (written - 1 - lastCounted); lost > 0 {
			t.Errorf("%d lines lost: line %d not counted, line %d was", lost, firstMissing, lastCounted)
		} else {
			t.Errorf("lines %d to %d late: not counted %v after the writer stopped", firstMissing, written-1, settle)
		}
	}
	if !strings.Contains(body, want) {
		t.Errorf("the endpoint never counted %d requests; last answer:\n%.300s", written, body)
	}
	if want := fmt.Sprintf(`{"totalRequests":%d,`, written); !strings.HasPrefix(final.String(), want) {
		t.Errorf("final summary %.100q, want it to start with %s", final.String(), want)
	}
	if served.Load() == 0 {
		t.Error("no client got an answer")
	}
	if len(errs) > 0 {
		t.Errorf("follow mode told of errors: %q", errs)
	}
}
