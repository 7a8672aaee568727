package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/parser"
	"github.com/reqstats/reqstats/report"
)

// followConfig is what follow mode needs beyond the batch options.
type followConfig struct {
	fromEnd  bool
	poll     bool
	interval time.Duration
	route    string            // --route: one route in detail
	serve    string            // --serve: listen address, "" for none
	keep     int               // requests kept for ?format=full and --route
	api      aggregate.Options // for --serve's endpoint: -o api's defaults
}

// runFollow follows the inputs, showing the summary every interval, until
// ctx is done; then it writes the final summary and returns 0. Errors
// reading an input are reported and end that input only.
func runFollow(ctx context.Context, o *options, names []string, stdin io.Reader, stdout, stderr io.Writer) int {
	p, err := parser.New(o.parse)
	if err != nil {
		return fail(stderr, err)
	}
	for _, name := range names {
		if err := followable(name); err != nil {
			return fail(stderr, err)
		}
	}
	// Prometheus counters and ndjson lines follow each request as the
	// aggregator counts it.
	var hooks []func(aggregate.Request)
	var prom *promMetrics
	if o.follow.serve != "" {
		prom = newPromMetrics()
		hooks = append(hooks, prom.observe)
	}
	var stream *recordStream
	if report.Streamed(o.format) {
		stream = &recordStream{w: bufio.NewWriter(stdout)}
		hooks = append(hooks, func(r aggregate.Request) {
			stream.write(r)
			stream.w.Flush()
		})
	}
	aggOpts := o.agg
	// A line without a timestamp ages from when it arrived (--window).
	aggOpts.Now = time.Now
	o.follow.api.Now = time.Now
	if len(hooks) > 0 {
		aggOpts.OnRequest = func(r aggregate.Request) {
			for _, h := range hooks {
				h(r)
			}
		}
	}
	l := newLive(aggOpts, o.follow.keep)
	if o.follow.serve != "" {
		l.api = aggregate.New(o.follow.api)
	}
	if prom != nil {
		prom.setLive(l)
	}
	w := &warner{w: stderr}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var wg sync.WaitGroup
	status := 0
	var statusMu sync.Mutex
	failed := func() {
		statusMu.Lock()
		status = 1
		statusMu.Unlock()
	}
	// inputs ends when every input has: pipes close, a file can fail.
	var inputs sync.WaitGroup
	for _, name := range names {
		st := p.NewStream(name)
		wg.Add(1)
		inputs.Add(1)
		go func() {
			defer wg.Done()
			defer inputs.Done()
			var err error
			push := func(line []byte) {
				l.line(name)
				now := time.Now()
				for _, ev := range st.Push(line) {
					if ev.Kind == parser.KindMalformed {
						w.warn(ev.Err)
					}
					l.add(&ev, now)
				}
			}
			if name == "-" {
				err = followReader(ctx, stdin, push)
			} else {
				err = followFile(ctx, name, followOptions{FromEnd: o.follow.fromEnd, Poll: o.follow.poll}, push)
			}
			for _, ev := range st.Flush() {
				l.add(&ev, time.Now())
			}
			if err != nil && ctx.Err() == nil {
				fmt.Fprintf(stderr, "reqstats: %v\n", err)
				failed()
			}
		}()
	}
	inputsDone := make(chan struct{})
	go func() {
		inputs.Wait()
		close(inputsDone)
	}()

	if o.follow.serve != "" {
		addr, err := serveAddr(o.follow.serve)
		if err != nil {
			return fail(stderr, usagef("--serve: %v", err))
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := serve(ctx, addr, newHandler(l, prom.handler(), time.Now), nil); err != nil {
				fmt.Fprintf(stderr, "reqstats: %v\n", err)
				failed()
				cancel()
			}
		}()
	}

	v := &view{out: stdout, live: l, format: o.format, write: o.write, route: o.follow.route,
		names: names, color: colorOn(o.color, stdout), tty: isTerminal(stdout)}
	tick := time.NewTicker(o.follow.interval)
	defer tick.Stop()
	v.start()
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-inputsDone: // every pipe closed, or every file failed
			break loop
		case <-tick.C:
			if stream == nil {
				v.draw(time.Now())
			}
		}
	}
	cancel()
	wg.Wait()
	v.stop()
	w.flush()
	if stream != nil {
		return status
	}
	if err := v.final(l.summary(), termWidthOf(stdout)); err != nil {
		fmt.Fprintf(stderr, "reqstats: write: %v\n", err)
		return 1
	}
	return status
}

// followable reports an input that follow mode would misread: gzip and
// UTF-16 are decoded for a batch read, but a growing file is read as it
// is.
func followable(name string) error {
	if name == "-" {
		return nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil // not there yet: it is waited for
	}
	defer f.Close()
	var head [2]byte
	if n, _ := io.ReadFull(f, head[:]); n < 2 {
		return nil
	}
	switch {
	case head[0] == 0x1f && head[1] == 0x8b:
		return fmt.Errorf("%s is gzip-compressed: it cannot be followed; read it without -f", name)
	case head == [2]byte{0xff, 0xfe} || head == [2]byte{0xfe, 0xff}:
		return fmt.Errorf("%s is UTF-16 text: it cannot be followed; read it without -f", name)
	}
	return nil
}

// view draws the live summary: redrawn in place on a terminal, one
// snapshot per interval otherwise.
type view struct {
	out    io.Writer
	live   *live
	format string
	write  report.WriteFunc
	route  string
	names  []string
	color  bool
	tty    bool
}

const (
	hideCursor = "\x1b[?25l"
	showCursor = "\x1b[?25h"
	home       = "\x1b[H"
	clearLine  = "\x1b[K"
	clearBelow = "\x1b[J"
)

func (v *view) start() {
	if v.tty {
		io.WriteString(v.out, hideCursor+"\x1b[2J")
	}
}

func (v *view) stop() {
	if v.tty {
		io.WriteString(v.out, home+clearBelow+showCursor)
	}
}

// draw shows one frame.
func (v *view) draw(now time.Time) {
	if !v.tty {
		v.snapshotLine(v.live.summary())
		return
	}
	width, height := 80, 40
	if f, ok := v.out.(*os.File); ok {
		if w, h, err := term.GetSize(int(f.Fd())); err == nil {
			width, height = w, h
		}
	}
	v.frame(now, width, height)
}

// frame draws one frame of width × height in place on the terminal.
func (v *view) frame(now time.Time, width, height int) {
	snap := v.live.snapshot(-1)
	var frame bytes.Buffer
	status := fmt.Sprintf("following %s · %s lines", strings.Join(v.names, ", "), report.Thousands(snap.lines))
	if !snap.lastRequest.IsZero() {
		status += fmt.Sprintf(" · last request %s ago", now.Sub(snap.lastRequest).Round(time.Second))
	}
	status += " · Ctrl-C for the final summary"
	var body bytes.Buffer
	if v.route != "" {
		var recent []report.Recent
		for _, m := range snap.recent {
			if m.Route == v.route {
				recent = append(recent, report.Recent{Time: m.Timestamp, Method: m.Method, Path: m.Path, Status: m.Status, Duration: m.Duration})
			}
		}
		report.WriteRoute(&body, snap.s, v.route, recent[max(0, len(recent)-20):], report.Options{Color: v.color, Width: width})
	} else {
		report.WriteTable(&body, snap.s, report.Options{Color: v.color, Width: width})
	}
	lines := strings.Split(strings.TrimRight(body.String(), "\n"), "\n")
	if n := max(height-2, 1); len(lines) > n {
		lines = lines[:n]
	}
	frame.WriteString(home)
	frame.WriteString(report.Fit(status, width) + clearLine + "\n")
	for _, line := range lines {
		frame.WriteString(line + clearLine + "\n")
	}
	frame.WriteString(clearBelow)
	v.out.Write(frame.Bytes())
}

// snapshotLine writes one snapshot for a reader that is not a terminal:
// JSON compacted to one object per line, other formats as they are.
func (v *view) snapshotLine(s *aggregate.Summary) error {
	var b bytes.Buffer
	if err := v.write(&b, s, report.Options{Version: version()}); err != nil {
		return err
	}
	if v.format == "json" || v.format == "api" {
		var c bytes.Buffer
		if json.Compact(&c, b.Bytes()) == nil {
			b = c
			b.WriteByte('\n')
		}
	}
	_, err := v.out.Write(b.Bytes())
	return err
}

// final writes the final summary: on a terminal as a batch run would,
// otherwise like the snapshots before it.
func (v *view) final(s *aggregate.Summary, width int) error {
	if !v.tty {
		return v.snapshotLine(s)
	}
	return v.write(v.out, s, report.Options{Color: v.color, Width: width, Version: version()})
}

// termWidthOf returns the width of the terminal w writes to, or 0.
func termWidthOf(w io.Writer) int {
	if f, ok := w.(*os.File); ok {
		if width, _, err := term.GetSize(int(f.Fd())); err == nil {
			return width
		}
	}
	return termWidth()
}
