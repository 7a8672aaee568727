package aggregate

import (
	"time"

	"github.com/reqstats/reqstats/parser"
)

// A request is cold when it waited for a compile. next dev compiles a
// route on its first request, and says so in several ways, which isCold
// reads together:
//
//   - a compile line names the route ("✓ Compiled /api/users/[id] in
//     1.2s"): the route's next request is cold (the pending list);
//   - the request's own line shows a compile phase ("compile: 1.2s",
//     before Next 16.2) of ColdCompile or more;
//   - from Next 16.2 on, the compile is inside the "next.js:" phase: a
//     request whose next.js phase is ColdCompile or more and at least
//     half its time is cold (warm requests spend tens of milliseconds
//     there, most of the time in application-code);
//   - in a dev log (one with compile lines, or requests with phases), the
//     first request of each route after a server start is cold if it took
//     ColdCompile or more: Next compiles routes on demand, and a compile
//     line does not always name them (webpack names the file it built,
//     Turbopack often nothing); a faster first request found the route
//     compiled already. A request line with Next 16's phases is judged by
//     its phases alone: they say where its time went. Routes are the app's own when --app-dir is known,
//     else paths with ids collapsed; a 404 that matches none of the app's
//     routes (all 404s, without --app-dir) is one route, the not-found
//     page;
//   - a request that finishes right after a compile, having taken at
//     least as long as the compile, was in flight while it ran and waited
//     for it: after a "Compiled … in D" line, each request of D or more is
//     cold, until one that took less (it started after the compile).

// maxFirstRoutes bounds the routes whose first request is remembered per
// source; past it, first requests of new routes are not marked cold.
const maxFirstRoutes = 1 << 14

// firstKey is a route in one input.
type firstKey struct {
	file, route string
}

// finishedCompile is the last compile line that gave its duration.
type finishedCompile struct {
	gen  int // counts such lines
	file string
	took time.Duration
}

// compileWindow is where a set stands after the last finished compile:
// whether its requests may still have waited for it.
type compileWindow struct {
	gen  int
	open bool
}

// compilePhase reports whether rec's own phases show a compile.
func (a *Aggregator) compilePhase(rec *parser.Record) bool {
	if len(rec.Phases) == 0 {
		return false
	}
	if d, ok := rec.Phase("compile"); ok && d >= a.opts.ColdCompile {
		return true
	}
	d, ok := rec.Phase("next.js")
	return ok && d >= a.opts.ColdCompile && 2*d >= rec.Duration
}

// devFile reports whether rec's input is a dev log, marking it one when
// rec shows Next's phases.
func (a *Aggregator) devFile(rec *parser.Record) bool {
	if a.devFiles[rec.File] {
		return true
	}
	if len(rec.Phases) > 0 {
		a.devFiles[rec.File] = true
		return true
	}
	return false
}

// firstOfRoute reports whether route has had no request in file since
// the server start numbered start, and remembers that it has now.
func (s *set) firstOfRoute(route, file string, start int) bool {
	k := firstKey{file, route}
	if at, ok := s.firstReqs[k]; ok {
		if at == start {
			return false
		}
	} else if len(s.firstReqs) >= maxFirstRoutes {
		return false
	}
	if s.firstReqs == nil {
		s.firstReqs = make(map[firstKey]int)
	}
	s.firstReqs[k] = start
	return true
}

// waitedForCompile reports whether rec was in flight while the last
// finished compile ran.
func (a *Aggregator) waitedForCompile(s *set, rec *parser.Record) bool {
	c := a.lastCompile
	if c.gen == 0 || c.file != rec.File {
		return false
	}
	w := &s.afterCompile
	if w.gen != c.gen {
		w.gen, w.open = c.gen, true
	}
	if !w.open {
		return false
	}
	if rec.Duration >= c.took {
		return true
	}
	w.open = false
	return false
}
