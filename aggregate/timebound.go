package aggregate

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// TimeBound is one end of a time window as a user writes it: an RFC 3339
// time, or a duration before the last timestamp of the log, which only
// Resolve, given that timestamp, turns into a time. The zero TimeBound is
// unset: no bound.
type TimeBound struct {
	at  time.Time     // absolute
	ago time.Duration // relative, when at is zero and set
	set bool
}

// ParseTimeBound reads a bound: "" is unset, "2026-11-28T04:10:00Z" a
// time, "5m" the last five minutes' start.
func ParseTimeBound(s string) (TimeBound, error) {
	if s == "" {
		return TimeBound{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return TimeBound{at: t, set: true}, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return TimeBound{}, fmt.Errorf("%q is neither an RFC 3339 time (2026-11-28T04:10:00Z) nor a duration before the last timestamp (5m)", s)
	}
	return TimeBound{ago: d, set: true}, nil
}

// Set reports whether b bounds anything.
func (b TimeBound) Set() bool { return b.set }

// Relative reports whether b counts back from the last timestamp.
func (b TimeBound) Relative() bool { return b.set && b.at.IsZero() }

// Time returns the time an absolute bound names, or zero.
func (b TimeBound) Time() time.Time { return b.at }

// Resolve returns the time b names, given the last timestamp of the log;
// zero when b is unset.
func (b TimeBound) Resolve(last time.Time) time.Time {
	if b.Relative() {
		return last.Add(-b.ago)
	}
	return b.at
}

// ParseDuration reads a threshold as a user writes it: "2s", "500ms",
// "1.5s", or a bare number of milliseconds, as an app writes its own
// threshold ("2000").
func ParseDuration(s string) (time.Duration, error) {
	if ms, err := strconv.ParseFloat(s, 64); err == nil {
		switch {
		case ms < 0:
			return 0, fmt.Errorf("negative duration %q", s)
		case math.IsNaN(ms) || ms*float64(time.Millisecond) >= math.MaxInt64:
			return 0, fmt.Errorf("bad duration %q (want e.g. 2s, 500ms or 2000)", s)
		}
		return time.Duration(ms * float64(time.Millisecond)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("bad duration %q (want e.g. 2s, 500ms or 2000)", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("negative duration %q", s)
	}
	return d, nil
}
