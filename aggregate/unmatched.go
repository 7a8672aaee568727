package aggregate

import (
	"slices"
	"strings"
)

// Unmatched is what another source logged that the counted one did not:
// requests on a route beyond the counted source's count there. When Next
// is counted and the app's middleware logs too, these are most likely the
// requests the middleware answered itself (a 403, a redirect), for which
// Next prints no line. They have no end-to-end time, and stay out of the
// statistics.
type Unmatched struct {
	Source string // the source whose lines show them
	Count  int
	Routes []UnmatchedRoute // most first, ties by route and method
}

// UnmatchedRoute is the requests of one route in Unmatched.
type UnmatchedRoute struct {
	Key
	Count int
	// Status is by class, as Stats.Status; all zero when the statuses of
	// the two sources do not tell which requests these are.
	Status [6]int
}

// unmatched returns what the other source with the most such requests
// logged beyond p, or nil. Every stage of an app logger that times a
// request twice shows the same surplus, the earliest stage the most.
func (a *Aggregator) unmatched(p *set) *Unmatched {
	if a.opts.Source.all {
		return nil
	}
	var best *Unmatched
	for _, o := range a.setOrder {
		if o == p {
			continue
		}
		u := &Unmatched{Source: o.source}
		// A 404 counts under NotFoundRoute; the same request logged
		// without a status (as a middleware that passes it on does)
		// keeps its path. The counted source's surplus of 404s takes up
		// as many status-less requests of the other, method by method.
		notFound := map[string]int{}
		for _, r := range p.order {
			if r.key.Route == NotFoundRoute {
				notFound[r.key.Method] += r.c.count
			}
		}
		for _, r := range o.order {
			if r.key.Route == NotFoundRoute {
				notFound[r.key.Method] -= r.c.count
			}
		}
		for _, r := range o.order {
			n := r.c.count
			var pc *counts
			if q := p.routes[r.key]; q != nil {
				pc = &q.c
				n -= pc.count
			}
			if n <= 0 {
				continue
			}
			ur := UnmatchedRoute{Key: r.key, Count: n}
			for i, v := range r.c.status {
				if pc != nil {
					v -= pc.status[i]
				}
				ur.Status[i] = max(v, 0)
			}
			if take := min(ur.Status[0], notFound[r.key.Method]); take > 0 {
				ur.Status[0] -= take
				ur.Count -= take
				n -= take
				notFound[r.key.Method] -= take
			}
			if n <= 0 {
				continue
			}
			// The statuses tell which requests were not seen only when
			// their surplus adds up to n; a middleware that logs 200 for
			// what the handler answered 500 does not.
			sum := 0
			for _, v := range ur.Status {
				sum += v
			}
			if sum != n {
				ur.Status = [6]int{}
			}
			u.Count += n
			u.Routes = append(u.Routes, ur)
		}
		if u.Count > 0 && (best == nil || u.Count > best.Count || u.Count == best.Count && u.Source < best.Source) {
			best = u
		}
	}
	if best != nil {
		slices.SortFunc(best.Routes, func(x, y UnmatchedRoute) int {
			if x.Count != y.Count {
				return y.Count - x.Count
			}
			if c := strings.Compare(x.Route, y.Route); c != 0 {
				return c
			}
			return strings.Compare(x.Method, y.Method)
		})
	}
	return best
}
