package parser

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Pattern is a user's regular expression for request lines (--pattern),
// with named groups:
//
//	path      the request path (required)
//	duration  a number, or a number with its unit ("12.5", "12.5ms") (required)
//	unit      the unit of a bare duration: µs, us, ms, s, min (default ms)
//	method    the HTTP method
//	status    the HTTP status
//	time      an ISO-8601 timestamp, or epoch milliseconds or seconds
//
// A Pattern sees the line with its ANSI escapes removed but its prefixes
// kept, and is tried on every line that holds a digit.
type Pattern struct {
	re                                   *regexp.Regexp
	path, dur, unit, method, status, tim int // submatch indexes, 0 when absent
}

// CompilePattern compiles a user pattern and checks its groups.
func CompilePattern(expr string) (*Pattern, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("pattern %q: %v", expr, err)
	}
	p := &Pattern{re: re}
	for i, name := range re.SubexpNames() {
		switch name {
		case "path":
			p.path = i
		case "duration":
			p.dur = i
		case "unit":
			p.unit = i
		case "method":
			p.method = i
		case "status":
			p.status = i
		case "time":
			p.tim = i
		}
	}
	var missing []string
	if p.path == 0 {
		missing = append(missing, "(?P<path>…)")
	}
	if p.dur == 0 {
		missing = append(missing, "(?P<duration>…)")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("pattern %q has no %s group", expr, strings.Join(missing, " or "))
	}
	return p, nil
}

func (p *Pattern) String() string { return p.re.String() }

// match reads line into rec, and reports whether it matched with a path
// and a duration it can read.
func (p *Pattern) match(line []byte, rec *Record) bool {
	m := p.re.FindSubmatchIndex(line)
	if m == nil {
		return false
	}
	group := func(i int) []byte {
		if i == 0 || m[2*i] < 0 {
			return nil
		}
		return line[m[2*i]:m[2*i+1]]
	}
	path := stripOrigin(group(p.path))
	if len(path) == 0 || path[0] != '/' {
		return false
	}
	var d time.Duration
	ok := false
	if unit := group(p.unit); len(unit) > 0 {
		u, n := scanUnit(unit)
		if n != len(unit) {
			return false
		}
		whole, frac, scale, k, dok := scanDecimal(group(p.dur))
		if !dok || k != len(group(p.dur)) {
			return false
		}
		d, ok = toDuration(whole, frac, scale, u)
	} else {
		d, ok = fieldDuration(kindString, group(p.dur))
	}
	if !ok {
		return false
	}
	*rec = Record{Source: SourcePattern, Path: string(path), Duration: d}
	rec.Route = routeOf(rec.Path)
	rec.Method = methodOf(group(p.method))
	if v, ok := status(group(p.status)); ok {
		rec.Status = v
	}
	if t := group(p.tim); len(t) > 0 {
		if allDigits(t) || hasDot(t) && !hasDash(t) {
			rec.Time = fieldTime(kindNumber, t)
		} else {
			rec.Time = fieldTime(kindString, t)
		}
	}
	return true
}

func hasDot(b []byte) bool {
	return strings.IndexByte(string(b), '.') >= 0
}

func hasDash(b []byte) bool {
	return strings.IndexByte(string(b), '-') >= 0
}
