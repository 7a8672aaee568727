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
//
// Most durations are whole milliseconds below ten seconds, and a busy
// route sees most of those values: once the list holds more of them than
// an array of a count per millisecond would take room for, the sample
// counts them in such an array instead (40 KiB, where the list could grow
// to 80 KiB).

// sample is a multiset of durations.
type sample struct {
	runs []entry               // distinct values, ascending, with their counts
	ms   []uint32              // nil, or the counts of i ms for i < denseMs, which runs then lacks
	big  map[time.Duration]int // values or counts too large for an entry
	buf  []time.Duration       // added since the last flush, unsorted
	rm   []time.Duration       // removed since the last flush, unsorted; see remove
	n    int
	// res is the resolution the values are kept at: 0 while every value
	// is kept exactly. See nextRoom.
	res time.Duration
	// room, when set, counts what all the samples that share it keep.
	room *room
}

// room is what some samples keep together, in list entries and arrays of
// whole milliseconds, and how much they may keep.
type room struct {
	entries, arrays       int
	maxEntries, maxArrays int
}

// The room of an Aggregator's samples: Next's own request lines, printed
// at a fixed resolution, keep their percentiles exact in far longer logs
// than the app loggers' float milliseconds, whose every value is new.
// A 10 GiB generated log's Next lines take 4.6 MB of entries and 63
// arrays (2.5 MB). Past maxEntries the
// largest samples keep their values at a resolution ten times coarser,
// truncating, until all fit: memory stays flat, and the Summary says how
// exact its percentiles are.
var (
	nextRoom  = room{maxEntries: 1 << 20, maxArrays: 128} // 8 MiB and 5 MiB
	otherRoom = room{maxEntries: 1 << 18, maxArrays: 16}  // 2 MiB and 640 KiB
)

// An entry of a sample's list packs a value and its count into 64 bits,
// half the room of a pair of ints: the value in nanoseconds in the high
// 40 bits (up to 18 minutes), the count in the low 24. A longer value, or
// the count past 2^24-1 of one value, is kept in the sample's map, which
// a log rarely needs. Entries sort as their values do.
type entry uint64

const (
	countBits = 24
	maxValue  = 1<<(64-countBits) - 1
)

// maxCount is the largest count an entry holds; a variable for tests.
var maxCount = 1<<countBits - 1

func pack(v time.Duration, n int) entry { return entry(v)<<countBits | entry(n) }

func (e entry) v() time.Duration { return time.Duration(e >> countBits) }
func (e entry) n() int           { return int(e & (1<<countBits - 1)) }

// packable reports whether v fits in an entry.
func packable(v time.Duration) bool { return v >= 0 && v <= maxValue }

// quantize truncates d to the resolution res (0: exact).
func quantize(d, res time.Duration) time.Duration {
	if res <= 1 {
		return d
	}
	return d - d%res
}

// Whole milliseconds below denseMs ms are counted in an array once a
// sample's list holds more than denseAfter of them (an entry takes twice
// the room of an array slot), in as many samples as their room allows.
const (
	denseMs    = 10240
	denseAfter = denseMs / 2
)

// wholeMs reports whether an array of whole milliseconds can count d.
func wholeMs(d time.Duration) bool {
	return d >= 0 && d < denseMs*time.Millisecond && d%time.Millisecond == 0
}

// dense reports whether d, quantized, is counted in s.ms.
func (s *sample) dense(d time.Duration) bool { return s.ms != nil && wholeMs(d) }

// toDense moves the values of the list that the array counts into it.
func (s *sample) toDense() {
	if s.ms == nil {
		s.ms = make([]uint32, denseMs)
		if s.room != nil {
			s.room.arrays++
		}
	}
	was := len(s.runs)
	out := s.runs[:0]
	for _, e := range s.runs {
		if v := e.v(); s.dense(v) {
			s.ms[v/time.Millisecond] += uint32(e.n())
		} else {
			out = append(out, e)
		}
	}
	// The list is shorter now: let go of the room it grew to.
	s.runs = out
	if cap(out) > 2*len(out) {
		s.runs = slices.Clone(out)
	}
	s.count(was)
}

// minFlush is the least a sample's buffer holds before it is merged; a
// longer list waits for a buffer an eighth of its length, up to maxFlush:
// buffers take little room beside the lists, and a merge, which moves the
// list, costs eight entry moves per value added (len/maxFlush past 8192
// entries, which few samples reach).
const (
	minFlush = 64
	maxFlush = 1024
)

func (s *sample) add(d time.Duration) {
	d = quantize(d, s.res)
	s.n++
	switch {
	case s.dense(d) && s.ms[d/time.Millisecond] < math.MaxUint32:
		s.ms[d/time.Millisecond]++
		return
	case !packable(d) || s.dense(d): // or its array slot is full
		s.addBig(d, 1)
		return
	}
	s.buf = append(s.buf, d)
	s.flushIfFull()
}

// flushIfFull flushes the buffers once they hold enough to be worth a
// pass over the list.
func (s *sample) flushIfFull() {
	if len(s.buf)+len(s.rm) >= max(minFlush, min(len(s.runs)/8, maxFlush)) {
		s.flush()
	}
}

func (s *sample) addBig(d time.Duration, n int) {
	if s.big == nil {
		s.big = make(map[time.Duration]int)
	}
	s.big[d] += n
}

// flush merges the buffer into the sorted list, in place: the list grows
// at its end and is merged from the back, so a flush allocates only when
// the list outgrows its capacity.
func (s *sample) flush() {
	if len(s.buf) > 0 {
		s.merge()
	}
	if len(s.rm) > 0 {
		s.subtract()
	}
	if s.ms == nil && len(s.runs) > denseAfter && (s.room == nil || s.room.arrays < s.room.maxArrays) {
		k := 0
		for _, e := range s.runs {
			if wholeMs(e.v()) {
				k++
			}
		}
		if k > denseAfter {
			s.toDense()
		}
	}
}

// merge merges the buffer of added values into the list.
func (s *sample) merge() {
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
		for i >= 0 && s.runs[i].v() > v {
			s.runs[w] = s.runs[i]
			w--
			i--
		}
		if i >= 0 && s.runs[i].v() == v {
			n += s.runs[i].n()
			i--
		}
		if n > maxCount {
			s.addBig(v, n-maxCount)
			n = maxCount
		}
		s.runs[w] = pack(v, n)
		w--
	}
	// Values already in the list took no new slot: close the gap.
	if gap := w - i; gap > 0 {
		copy(s.runs[i+1:], s.runs[w+1:])
		s.runs = s.runs[:len(s.runs)-gap]
	}
	s.buf = s.buf[:0]
	s.count(old)
}

// subtract takes the buffer of removed values out of the list, in one
// pass from the first value it touches, and out of the map for what the
// list lacks (values whose count overflowed an entry).
func (s *sample) subtract() {
	slices.Sort(s.rm)
	was := len(s.runs)
	start, _ := slices.BinarySearchFunc(s.runs, s.rm[0], func(e entry, d time.Duration) int { return int64cmp(int64(e.v()), int64(d)) })
	out := s.runs[:start]
	j := 0
	for _, e := range s.runs[start:] {
		v, n := e.v(), e.n()
		for ; j < len(s.rm) && s.rm[j] < v; j++ {
			s.removeBig(s.rm[j], 1)
		}
		for ; j < len(s.rm) && s.rm[j] == v; j++ {
			n--
		}
		if n < 0 {
			s.removeBig(v, -n)
		}
		if n > 0 {
			out = append(out, pack(v, n))
		}
	}
	for ; j < len(s.rm); j++ {
		s.removeBig(s.rm[j], 1)
	}
	clear(s.runs[len(out):])
	s.runs = out
	s.rm = s.rm[:0]
	s.count(was)
}

// removeBig takes n of d out of the map.
func (s *sample) removeBig(d time.Duration, n int) {
	if k := s.big[d] - n; k > 0 {
		s.big[d] = k
	} else {
		delete(s.big, d)
	}
}

// count adds to room how the length of the list changed from was.
func (s *sample) count(was int) {
	if s.room != nil {
		s.room.entries += len(s.runs) - was
	}
}

// coarser keeps the sample's values at a resolution ten times coarser,
// and gives back the memory the longer list held: otherwise every sample
// that was once the largest would keep its peak size.
func (s *sample) coarser() {
	all := s.sorted()
	was := len(s.runs)
	s.res = max(s.res*10, 10)
	s.set(coarsen(all, s.res))
	s.count(was)
}

// set makes the sorted, distinct values of all the sample's only values,
// in a list just long enough.
func (s *sample) set(all []bin) {
	if s.ms != nil {
		clear(s.ms)
	}
	s.big, s.buf, s.rm = nil, nil, nil
	runs := 0
	for _, b := range all {
		if !s.dense(b.v) && packable(b.v) {
			runs++
		}
	}
	s.runs = make([]entry, 0, runs)
	for _, b := range all {
		switch {
		case s.dense(b.v) && b.n <= math.MaxUint32:
			s.ms[b.v/time.Millisecond] = uint32(b.n)
		case !packable(b.v) || b.n > maxCount || s.dense(b.v):
			s.addBig(b.v, b.n)
		default:
			s.runs = append(s.runs, pack(b.v, b.n))
		}
	}
}

// sorted returns the sample's distinct values, ascending, with their
// counts: the list, the array and the map merged, in a new slice.
func (s *sample) sorted() []bin {
	s.flush()
	size := len(s.runs) + len(s.big)
	if s.ms != nil {
		size += 64
	}
	out := make([]bin, 0, size)
	j := 0
	for i, n := range s.ms {
		if n == 0 {
			continue
		}
		v := time.Duration(i) * time.Millisecond
		for j < len(s.runs) && s.runs[j].v() < v {
			out = append(out, bin{s.runs[j].v(), s.runs[j].n()})
			j++
		}
		out = append(out, bin{v, int(n)})
	}
	for _, e := range s.runs[j:] {
		out = append(out, bin{e.v(), e.n()})
	}
	if len(s.big) == 0 {
		return out
	}
	for v, n := range s.big {
		out = append(out, bin{v, n})
	}
	return compact(out, 0)
}

// compact sorts bs and adds up the counts of equal values, at the
// resolution res.
func compact(bs []bin, res time.Duration) []bin {
	slices.SortFunc(bs, func(a, b bin) int { return int64cmp(int64(a.v), int64(b.v)) })
	return coarsen(bs, res)
}

// coarsen truncates the sorted values of runs to res, in place, adding up
// the counts of values that become equal (or are equal already).
func coarsen(runs []bin, res time.Duration) []bin {
	out := runs[:0]
	for _, b := range runs {
		b.v = quantize(b.v, res)
		if k := len(out) - 1; k >= 0 && out[k].v == b.v {
			out[k].n += b.n
		} else {
			out = append(out, b)
		}
	}
	return out
}

// mergeSamples returns the union of samples. It gathers their values and
// sorts them once, compacting on the way whenever the gathered list has
// doubled, so that it never holds much more than the distinct values.
func mergeSamples(ss []*sample) sample {
	var m sample
	for _, s := range ss {
		s.flush()
		m.n += s.n
		m.res = max(m.res, s.res)
	}
	var runs []bin
	done := 0
	for _, s := range ss {
		runs = append(runs, s.sorted()...)
		if len(runs) > 2*done+4096 {
			runs = compact(runs, m.res)
			done = len(runs)
		}
	}
	m.set(compact(runs, m.res))
	return m
}

// remove takes out one d that add put in. A value of the list is not
// taken out at once, which would move the rest of the list each time: it
// waits in a buffer, as added values do, and flush takes all those out
// in one pass.
func (s *sample) remove(d time.Duration) {
	d = quantize(d, s.res)
	s.n--
	switch {
	case s.dense(d) && s.ms[d/time.Millisecond] > 0:
		s.ms[d/time.Millisecond]--
	case !packable(d) || s.dense(d): // or its array slot was full
		s.removeBig(d, 1)
	default:
		s.rm = append(s.rm, d)
		s.flushIfFull()
	}
}

// bin is a distinct value and how many times it occurs.
type bin struct {
	v time.Duration
	n int
}

// bins returns the sample's values in ascending order, less the values of
// minus (a subset of the sample), which may be nil. When the two keep
// their values at different resolutions, both are counted at the coarser
// one: see resolution.
func (s *sample) bins(minus *sample) []bin {
	all := s.sorted()
	if minus == nil || minus.n == 0 {
		return all
	}
	sub := minus.sorted()
	res := max(s.res, minus.res)
	if s.res < res {
		all = coarsen(all, res)
	}
	if minus.res < res {
		sub = coarsen(sub, res)
	}
	bs := all[:0]
	j := 0
	for _, b := range all {
		for j < len(sub) && sub[j].v < b.v {
			j++
		}
		if j < len(sub) && sub[j].v == b.v {
			b.n -= sub[j].n
		}
		if b.n > 0 {
			bs = append(bs, b)
		}
	}
	return bs
}

// release gives back what a sample that holds nothing more keeps, its
// array's slot in the room too.
func (s *sample) release() {
	if s.ms != nil && s.room != nil {
		s.room.arrays--
	}
	was := len(s.runs)
	s.runs, s.ms, s.big, s.buf, s.rm = nil, nil, nil, nil, nil
	s.count(was)
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
