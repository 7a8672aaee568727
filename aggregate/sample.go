package aggregate

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// A log prints each duration at a fixed resolution (whole milliseconds up
// to Next 15, at most microseconds in 16), so a long log holds few
// distinct values. A sample keeps a count for each distinct value instead
// of every sample: memory grows with the number of distinct durations, not
// with the number of requests, and every percentile is still exact.

// sample is a multiset of durations.
type sample struct {
	counts map[time.Duration]uint32
	n      int
}

func (s *sample) add(d time.Duration) {
	if s.counts == nil {
		s.counts = make(map[time.Duration]uint32)
	}
	s.counts[d]++
	s.n++
}

// merge adds the values of o.
func (s *sample) merge(o *sample) {
	if o.n == 0 {
		return
	}
	if s.counts == nil {
		s.counts = make(map[time.Duration]uint32, len(o.counts))
	}
	for v, n := range o.counts {
		s.counts[v] += n
	}
	s.n += o.n
}

// remove takes out one d that add put in.
func (s *sample) remove(d time.Duration) {
	if c := s.counts[d]; c > 1 {
		s.counts[d] = c - 1
	} else {
		delete(s.counts, d)
	}
	s.n--
}

// bin is a distinct value and how many times it occurs.
type bin struct {
	v time.Duration
	n int
}

// bins returns the sample's values in ascending order, less the values of
// minus (a subset of the sample), which may be nil.
func (s *sample) bins(minus *sample) []bin {
	bs := make([]bin, 0, len(s.counts))
	for v, n := range s.counts {
		if minus != nil {
			n -= minus.counts[v]
		}
		if n > 0 {
			bs = append(bs, bin{v, int(n)})
		}
	}
	slices.SortFunc(bs, func(a, b bin) int { return int64cmp(int64(a.v), int64(b.v)) })
	return bs
}

func int64cmp(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Method is a definition of the percentile.
type Method int

// The percentile definitions reqstats offers. For a sample sorted in
// ascending order, x[0] … x[n-1], and 0 < p < 1:
const (
	// Endpoint is x[floor(n·p)], computed in float64 as JavaScript does:
	// the definition of the in-app getPerformanceSummary that reqstats
	// stands in for.
	Endpoint Method = iota
	// NearestRank is x[ceil(n·p) - 1], the smallest value with at least
	// p of the sample at or below it.
	NearestRank
	// Linear interpolates between the two closest ranks at (n-1)·p
	// (Hyndman and Fan's type 7, the default of NumPy, R and Excel).
	Linear
)

var methodNames = [...]string{Endpoint: "endpoint", NearestRank: "nearest-rank", Linear: "linear"}

func (m Method) String() string {
	if m >= 0 && int(m) < len(methodNames) {
		return methodNames[m]
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// ParseMethod returns the Method named s: "endpoint", "nearest-rank" or
// "linear".
func ParseMethod(s string) (Method, error) {
	for m, name := range methodNames {
		if s == name {
			return Method(m), nil
		}
	}
	return 0, fmt.Errorf("unknown percentile method %q (want endpoint, nearest-rank or linear)", s)
}

// percentile returns the p-th percentile of the sorted bins by method m;
// p is in (0, 1) with at most four decimals (0.5, 0.95, 0.99, 0.999).
// It is 0 for an empty sample.
func percentile(bs []bin, n int, p float64, m Method) time.Duration {
	if n == 0 {
		return 0
	}
	switch m {
	case NearestRank:
		q := int64(math.Round(p * 1e4))
		rank := (int64(n)*q + 1e4 - 1) / 1e4 // ceil(n·p), exactly
		return at(bs, max(int(rank)-1, 0))
	case Linear:
		q := int64(math.Round(p * 1e4))
		num := int64(n-1) * q
		k, r := num/1e4, num%1e4
		lo := at(bs, int(k))
		if r == 0 || int(k)+1 >= n {
			return lo
		}
		hi := at(bs, int(k)+1)
		if diff := int64(hi - lo); diff < math.MaxInt64/10000 {
			return lo + time.Duration(diff*r/1e4)
		}
		return lo + time.Duration(float64(hi-lo)*float64(r)/1e4)
	default:
		i := int(math.Floor(float64(n) * p))
		return at(bs, min(i, n-1))
	}
}

// at returns the value at 0-based index i of the sorted sample.
func at(bs []bin, i int) time.Duration {
	for _, b := range bs {
		if i < b.n {
			return b.v
		}
		i -= b.n
	}
	return bs[len(bs)-1].v
}
