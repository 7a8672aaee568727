package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/internal/clock"
	"github.com/reqstats/reqstats/internal/follow"
	"github.com/reqstats/reqstats/internal/input"
	"github.com/reqstats/reqstats/internal/live"
	"github.com/reqstats/reqstats/parser"
	"github.com/reqstats/reqstats/report"
)

// followOptions are the flags of follow mode beyond the batch options.
type followOptions struct {
	fromEnd  bool
	poll     bool
	interval time.Duration
	route    string            // --route: one route in detail
	serve    string            // --serve: listen address, "" for none
	cors     []string          // --cors: origins whose pages may read the server
	keep     int               // requests kept for ?format=full and --route
	api      aggregate.Options // for --serve's endpoint: -o api's defaults
}

// followHooks let a test drive follow mode: a clock it steps (nil for
// the real one), and a channel told the server's address once it listens.
type followHooks struct {
	clock clock.Clock
	ready chan<- string
}

// runFollow wires follow mode: the inputs, the live state, the view on
// stdout and the server, until ctx is done or every input has ended.
func runFollow(ctx context.Context, o *options, names []string, stdin io.Reader, stdout, stderr io.Writer, hooks followHooks) error {
	p, err := parser.New(o.parse)
	if err != nil {
		return usageError{err}
	}
	for _, name := range names {
		if err := input.Followable(name); err != nil {
			return err
		}
		if _, err := os.Stat(name); name != input.Stdin && errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(stderr, "reqstats: waiting for %s to appear\n", name)
		}
	}
	sum := o.agg
	if o.format.Streams {
		stream := report.NewRecordWriter(stdout)
		sum.OnRequest = func(r aggregate.Request) {
			stream.Write(r)
			stream.Flush()
		}
	}
	w := &report.Warnings{W: stderr, Max: maxWarnings}
	defer w.Flush()
	err = live.Run(ctx, live.Config{
		Inputs:  names,
		Stdin:   stdin,
		Parser:  p,
		Follow:  follow.Options{FromEnd: o.follow.fromEnd, Poll: o.follow.poll},
		Summary: sum,
		API:     o.follow.api,
		Keep:    o.follow.keep,
		Serve:   o.follow.serve,
		CORS:    o.follow.cors,
		Ready:   hooks.ready,
		View: live.View{
			Out: stdout, Format: o.format, Route: o.follow.route, Names: names,
			Color: o.colorOut, TTY: o.tty, Size: terminalSize(stdout, o.width), Version: version(),
		},
		Quiet:    o.format.Streams,
		Interval: o.follow.interval,
		Clock:    hooks.clock,
		Warn:     w.Malformed,
		Errf:     func(err error) { fmt.Fprintf(stderr, "reqstats: %v\n", err) },
	})
	if errors.Is(err, live.ErrFailed) {
		return errReported
	}
	return err
}

// terminalSize returns the size of the terminal out writes to; where it
// is none, the width is $COLUMNS (or unknown) and the height unknown.
func terminalSize(out io.Writer, columns int) func() (int, int, error) {
	return func() (int, int, error) {
		if f, ok := out.(*os.File); ok {
			if w, h, err := term.GetSize(int(f.Fd())); err == nil {
				return w, h, nil
			}
		}
		if columns > 0 {
			return columns, 0, nil
		}
		return 0, 0, errors.New("not a terminal")
	}
}
