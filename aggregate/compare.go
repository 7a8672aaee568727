package aggregate

import "slices"

// CompareOptions configures Compare.
type CompareOptions struct {
	// Metric is the duration metric whose growth is a regression; the
	// zero value is MetricCount, which Compare takes to mean MetricP95.
	Metric Metric
	// MaxRegression is the largest growth of Metric, in percent, that is
	// not a regression; 0 judges nothing (every Change passes).
	MaxRegression float64
	// MinSamples is the fewest requests, in the baseline and now, that
	// a route needs to be judged.
	MinSamples int
}

// Comparison is a Summary set against a baseline Summary.
type Comparison struct {
	Metric        Metric
	MaxRegression float64 // percent; 0 when regressions are not judged
	MinSamples    int

	Total Change
	// Routes holds the routes found in both, in the current Summary's
	// order.
	Routes []Change
	// New holds the routes only the current Summary has, in its order;
	// Vanished those only the baseline has, in the baseline's order.
	New, Vanished []Route
}

// Change is one set of requests, in the baseline and now.
type Change struct {
	Key
	Base, Cur     Stats
	Count         Delta
	P50, P95, P99 Delta
	// Judged is the change of Comparison.Metric, and Status its
	// verdict: Breach is a regression. Samples is the fewer of the two
	// counts, which MinSamples applies to.
	Judged  Delta
	Samples int
	Status  Status
}

// Delta is the change of one number, in its metric's unit (nanoseconds
// for durations). Rel is the relative change in percent, and RelOK is
// false when the baseline was 0 and there is none.
type Delta struct {
	Base, Cur, Abs, Rel float64
	RelOK               bool
}

func delta(base, cur float64) Delta {
	d := Delta{Base: base, Cur: cur, Abs: cur - base}
	if base != 0 {
		d.Rel, d.RelOK = (cur-base)*100/base, true
	}
	return d
}

// Compare sets cur against base: counts and p50/p95/p99 of the totals and
// of each route found in both, the routes that are new and those that
// vanished, and, when opts.MaxRegression is set, whether opts.Metric grew
// by more than that, in the totals or a route. A set with fewer than
// opts.MinSamples requests, in either Summary, is NotEnoughData.
func Compare(base, cur *Summary, opts CompareOptions) *Comparison {
	if opts.Metric.Unit() != UnitDuration {
		opts.Metric = MetricP95
	}
	c := &Comparison{Metric: opts.Metric, MaxRegression: opts.MaxRegression, MinSamples: opts.MinSamples}
	c.Total = change(Key{}, &base.Total, &cur.Total, opts)
	baseIdx := make(map[Key]int, len(base.Routes))
	for i, r := range base.Routes {
		baseIdx[r.Key] = i
	}
	seen := make([]bool, len(base.Routes))
	for i := range cur.Routes {
		r := &cur.Routes[i]
		j, ok := baseIdx[r.Key]
		if !ok {
			c.New = append(c.New, *r)
			continue
		}
		seen[j] = true
		c.Routes = append(c.Routes, change(r.Key, &base.Routes[j].Stats, &r.Stats, opts))
	}
	for j, r := range base.Routes {
		if !seen[j] {
			c.Vanished = append(c.Vanished, r)
		}
	}
	return c
}

func change(k Key, base, cur *Stats, opts CompareOptions) Change {
	ch := Change{
		Key:   k,
		Base:  *base,
		Cur:   *cur,
		Count: delta(float64(base.Count), float64(cur.Count)),
		P50:   delta(float64(base.P50), float64(cur.P50)),
		P95:   delta(float64(base.P95), float64(cur.P95)),
		P99:   delta(float64(base.P99), float64(cur.P99)),
	}
	ch.Judged = delta(opts.Metric.Value(base), opts.Metric.Value(cur))
	ch.Samples = min(base.Count, cur.Count)
	switch {
	case opts.MaxRegression <= 0:
	case ch.Samples == 0 || ch.Samples < opts.MinSamples:
		ch.Status = NotEnoughData
	case ch.Judged.RelOK && ch.Judged.Rel > opts.MaxRegression:
		ch.Status = Breach
	}
	return ch
}

// Regressions returns the changes that are regressions, the totals first.
func (c *Comparison) Regressions() []Change {
	if c == nil {
		return nil
	}
	var out []Change
	for _, ch := range slices.Concat([]Change{c.Total}, c.Routes) {
		if ch.Status == Breach {
			out = append(out, ch)
		}
	}
	return out
}
