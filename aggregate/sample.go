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
//
// The counts are a sorted list of distinct values. New values go to a
// small unsorted buffer first and are merged in when it fills: appending
// is cheaper than a hash-map update for every request, and the list is
// smaller than a map of the same counts.

// sample is a multiset of durations.
type sample struct {
	runs []bin           // distinct values, ascending, with their counts (never 0)
	buf  []time.Duration // added since the last flush, unsorted
	n    int
}

// minFlush is the least a sample's buffer holds before it is merged; a
// larger list waits for a buffer as long as itself.
const minFlush = 64

func (s *sample) add(d time.Duration) {
	s.buf = append(s.buf, d)
	s.n++
	if len(s.buf) >= max(minFlush, len(s.runs)) {
		s.flush()
	}
}

// flush merges the buffer into the sorted list, in place: the list grows
// at its end and is merged from the back, so a flush allocates only when
// the list outgrows its capacity.
func (s *sample) flush() {
	if len(s.buf) == 0 {
		return
	}
	slices.Sort(s.buf)
	// Count the distinct new values, to size the list.
	add := 0
	for i, v := range s.buf {
		if i == 0 || v != s.buf[i-1] {
			add++
		}
	}
	old := len(s.runs)
	s.runs = slices.Grow(s.runs, add)[:old+add]
	// Merge from the back: w is where the next largest value goes.
	w, i, j := old+add-1, old-1, len(s.buf)-1
	for j >= 0 {
		v := s.buf[j]
		n := 0
		for j >= 0 && s.buf[j] == v {
			n++
			j--
		}
		for i >= 0 && s.runs[i].v > v {
			s.runs[w] = s.runs[i]
			w--
			i--
		}
		if i >= 0 && s.runs[i].v == v {
			n += s.runs[i].n
			i--
		}
		s.runs[w] = bin{v, n}
		w--
	}
	// Values already in the list took no new slot: close the gap.
	if gap := w - i; gap > 0 {
		copy(s.runs[i+1:], s.runs[w+1:])
		s.runs = s.runs[:len(s.runs)-gap]
	}
	s.buf = s.buf[:0]
}

// mergeSamples returns the union of samples, sorting once rather than
// merging them pairwise.
func mergeSamples(ss []*sample) sample {
	var m sample
	size := 0
	for _, s := range ss {
		s.flush()
		size += len(s.runs)
		m.n += s.n
	}
	runs := make([]bin, 0, size)
	for _, s := range ss {
		runs = append(runs, s.runs...)
	}
	slices.SortFunc(runs, func(a, b bin) int { return int64cmp(int64(a.v), int64(b.v)) })
	for _, b := range runs {
		if k := len(m.runs) - 1; k >= 0 && m.runs[k].v == b.v {
			m.runs[k].n += b.n
		} else {
			m.runs = append(m.runs, b)
		}
	}
	return m
}

// remove takes out one d that add put in.
func (s *sample) remove(d time.Duration) {
	s.flush()
	i, ok := slices.BinarySearchFunc(s.runs, d, func(b bin, d time.Duration) int { return int64cmp(int64(b.v), int64(d)) })
	if !ok {
		return
	}
	if s.runs[i].n > 1 {
		s.runs[i].n--
	} else {
		s.runs = slices.Delete(s.runs, i, i+1)
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
	s.flush()
	if minus == nil || minus.n == 0 {
		return slices.Clone(s.runs)
	}
	minus.flush()
	bs := make([]bin, 0, len(s.runs))
	j := 0
	for _, b := range s.runs {
		for j < len(minus.runs) && minus.runs[j].v < b.v {
			j++
		}
		if j < len(minus.runs) && minus.runs[j].v == b.v {
			b.n -= minus.runs[j].n
		}
		if b.n > 0 {
			bs = append(bs, b)
		}
	}
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
