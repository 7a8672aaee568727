package main

import (
	"context"
	"io"
	"time"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/internal/input"
	"github.com/reqstats/reqstats/parser"
)

// resolveTimes returns the times --since and --until name. Relative ones
// count back from the last timestamp of the inputs, which takes a first
// pass over them (opened with in, until ctx is done); standard input and
// FIFOs cannot be read twice, so they take absolute times only.
func resolveTimes(ctx context.Context, since, until aggregate.TimeBound, in input.Options, names []string, stdin io.Reader, p *parser.Parser) (from, to time.Time, err error) {
	if !since.Relative() && !until.Relative() {
		return since.Time(), until.Time(), nil
	}
	flag := "--since"
	if !since.Relative() {
		flag = "--until"
	}
	var last time.Time
	var readErr error // of the inputs that could not be read; the real read reports them
	read := 0
	for _, name := range names {
		if name == input.Stdin {
			return from, to, usagef("%s: a duration counts back from the last timestamp, which needs a file, not standard input; give an RFC 3339 time", flag)
		}
		if input.IsFIFO(name) {
			return from, to, usagef("%s: a duration counts back from the last timestamp, which needs a file, not a FIFO (%s); give an RFC 3339 time", flag, name)
		}
		t, err := lastTimestamp(ctx, in, name, stdin, p)
		if err != nil {
			readErr = err
			continue
		}
		read++
		if t.After(last) {
			last = t
		}
	}
	if read == 0 && readErr != nil {
		// Not "no timestamps": the input is not there to have any.
		return from, to, inputError{err: readErr}
	}
	if last.IsZero() {
		return from, to, usagef("%s: the input has no timestamps to count back from", flag)
	}
	return since.Resolve(last), until.Resolve(last), nil
}

// lastTimestamp returns the latest timestamp of any line of the input
// named name, or zero, and the error of a read that could not start or
// end.
func lastTimestamp(ctx context.Context, in input.Options, name string, stdin io.Reader, p *parser.Parser) (time.Time, error) {
	var last time.Time
	_, err := in.ReadContext(ctx, name, stdin, p, func(ev *parser.Event) {
		if ev.Time.After(last) {
			last = ev.Time
		}
	})
	return last, err
}

// checkTimed returns an error when --since or --until were given for
// requests none of which carried a timestamp: they would filter nothing,
// or everything, silently.
func checkTimed(since, until aggregate.TimeBound, requests, timed int) error {
	if (!since.Set() && !until.Set()) || requests == 0 || timed > 0 {
		return nil
	}
	flag := "--since"
	if !since.Set() {
		flag = "--until"
	}
	return usagef("%s: the requests carry no timestamps (reqstats reads them from line prefixes, as GitHub Actions, docker logs -t or ts write them)", flag)
}
