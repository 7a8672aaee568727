package aggregate

import (
	"slices"
	"strings"

	"github.com/reqstats/reqstats/parser"
)

// What an Aggregator works out from a request's route and status alone,
// before it counts it, needs nothing of what it counted before: the
// grouped route, the route its first request is judged by (see cold.go),
// whether it is a 404 of no route of the app's, and the path pattern that
// leaves it out. That is most of the work per request on a log whose
// paths carry ids, so a parallel Scanner does it on its parse workers
// (Aggregator.Deriver, parser.Scanner.SetDerive) and hands the result
// over in parser.Record.Derived:
//
//	Route  the grouped route
//	First  the route the request may be the first of
//	Index  the index+1 of the pattern that leaves it out, or 0
//	Flag   a 404 counted under NotFoundRoute
//
// The Aggregator uses the result only when Derived.By is its own rules;
// it works out the others itself.

// rules are how an Aggregator groups and leaves out requests: fixed
// once it is made, and shared by its derivers.
type rules struct {
	grouping Grouping
	routes   []Pattern // the app's routes, in SortPatterns order
	rewrites []Rule
	excludes []Glob
	include  []Glob
}

// deriver works out the Derived of records on one goroutine.
type deriver struct {
	r *rules
	g grouper // with a cache of its own
}

func newDeriver(r *rules) *deriver {
	return &deriver{r: r, g: grouper{grouping: r.grouping, routes: r.routes, rules: r.rewrites}}
}

// Deriver returns a func that fills in the Derived of a record as the
// Aggregator would, to be called on another goroutine: each call of
// Deriver gives a func for one goroutine. Pass it to
// parser.Scanner.SetDerive.
func (a *Aggregator) Deriver() func(*parser.Record) {
	d := newDeriver(a.rules)
	return func(rec *parser.Record) { rec.Derived = d.derive(rec) }
}

// derive works out rec's Derived.
func (d *deriver) derive(rec *parser.Record) parser.Derived {
	r := d.r
	out := parser.Derived{By: r, Route: d.g.group(rec.Route), Index: int32(r.excludedBy(rec.Route))}
	auto := r.grouping == GroupAuto
	if auto && len(r.rewrites) == 0 && rec.Status != 404 {
		out.First = out.Route // the same, remembered for the route key
		return out
	}
	// The first request is judged by the app's route the path matches,
	// else, for a 404, by the not-found page, else by the path with ids
	// collapsed; a 404 of no app route counts under NotFoundRoute.
	app, ok := matchRoute(r.routes, rec.Route)
	switch {
	case ok:
		out.First = app
	case rec.Status == 404:
		out.First = NotFoundRoute
	default:
		out.First = d.g.collapse(rec.Route)
	}
	out.Flag = rec.Status == 404 && auto && !(ok && strings.HasPrefix(rec.Route, "/"))
	return out
}

// excludedBy returns the index+1 of the pattern that leaves path out (the
// last index+1 for an --include miss), or 0.
func (r *rules) excludedBy(path string) int {
	if len(r.include) > 0 && !slices.ContainsFunc(r.include, func(g Glob) bool { return g.Match(path) }) {
		return len(r.excludes) + 1
	}
	for i, g := range r.excludes {
		if g.Match(path) {
			return i + 1
		}
	}
	return 0
}
