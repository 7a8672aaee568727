package main

import (
	"fmt"
	"io"
	"time"

	"github.com/reqstats/reqstats/parser"
)

// timeBound is a --since or --until value: an RFC 3339 time, or a
// duration before the last timestamp of the inputs.
type timeBound struct {
	flag string
	at   time.Time     // absolute
	ago  time.Duration // relative, when at is zero and set
	set  bool
}

func parseTimeBound(flag, s string) (timeBound, error) {
	b := timeBound{flag: flag}
	if s == "" {
		return b, nil
	}
	b.set = true
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		b.at = t
		return b, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return b, usagef("%s: %q is neither an RFC 3339 time (2026-11-28T04:10:00Z) nor a duration before the last timestamp (5m)", flag, s)
	}
	b.ago = d
	return b, nil
}

func (b timeBound) relative() bool { return b.set && b.at.IsZero() }

// resolve returns the time b names, given the last timestamp.
func (b timeBound) resolve(last time.Time) time.Time {
	if !b.set {
		return time.Time{}
	}
	if b.relative() {
		return last.Add(-b.ago)
	}
	return b.at
}

// resolveTimes turns relative --since/--until into times: they count back
// from the last timestamp of the inputs, which takes a first pass over
// them. Standard input cannot be read twice, so it takes absolute times
// only.
func resolveTimes(o *options, names []string, stdin io.Reader, p *parser.Parser) error {
	if !o.since.relative() && !o.until.relative() {
		o.agg.Since, o.agg.Until = o.since.at, o.until.at
		return nil
	}
	flag := o.since.flag
	if !o.since.relative() {
		flag = o.until.flag
	}
	var last time.Time
	for _, name := range names {
		if name == "-" {
			return usagef("%s: a duration counts back from the last timestamp, which needs a file, not standard input; give an RFC 3339 time", flag)
		}
		if t := lastTimestamp(name, stdin, p); t.After(last) {
			last = t
		}
	}
	if last.IsZero() {
		return usagef("%s: the input has no timestamps to count back from", flag)
	}
	o.agg.Since, o.agg.Until = o.since.resolve(last), o.until.resolve(last)
	return nil
}

// lastTimestamp returns the latest timestamp of any line of the input
// named name, or zero; errors are left to the real read.
func lastTimestamp(name string, stdin io.Reader, p *parser.Parser) time.Time {
	in, err := open(name, stdin)
	if err != nil {
		return time.Time{}
	}
	defer in.Close()
	var last time.Time
	sc := parser.NewScanner(in.r, name, p)
	sc.SetWorkers(parseWorkers())
	for sc.Scan() {
		if t := sc.Event().Time; t.After(last) {
			last = t
		}
	}
	return last
}

// checkTimed returns an error when --since or --until were given for
// requests none of which carried a timestamp: they would filter nothing,
// or everything, silently.
func checkTimed(o *options, requests, timed int) error {
	if (!o.since.set && !o.until.set) || requests == 0 || timed > 0 {
		return nil
	}
	flag := o.since.flag
	if !o.since.set {
		flag = o.until.flag
	}
	return usageError{fmt.Errorf("%s: the requests carry no timestamps (reqstats reads them from line prefixes, as GitHub Actions, docker logs -t or ts write them)", flag)}
}
