package aggregate

import (
	"strings"
)

// A pendingList holds the compiled routes whose first request is still to
// come, in the order their compiles were added, at most
// maxPendingCompiles of them; a route compiled again in the same input is
// held once.
//
// Every request of a set with pending compiles asks whether one of them
// matches its path, and a long dev log has dozens pending most of the
// time, so the list is indexed by shape. A route without a catch-all
// matches only paths of its own number of segments, and among those only
// the paths whose segments equal its static ones: its shape is that
// number, the set of its dynamic positions (a bit mask) and a hash of its
// static segments. A path computes, for each mask in use at its length,
// the hash of its segments outside the mask, and finds the routes of that
// shape in a map; Pattern.Match confirms each. Routes with a catch-all,
// or with more segments than a mask holds, are tried one by one, those
// whose first segment is the path's or dynamic.
type pendingList struct {
	first, last *pendEntry              // in the order added
	n           int                     // entries held
	byText      map[pendText]*pendEntry // for the check that a route is held once
	shapes      map[pendShape][]*pendEntry
	masks       [maxShapeSegs + 1][]maskUse // the masks in use, by number of segments
	// The others, by their first segment when it is static ("" when not):
	// a path can only match those of its own first segment, and those
	// of "".
	loose map[string][]*pendEntry
	free  *pendEntry // entries let go of, linked by next, for add to reuse
}

// pendRoute is a compiled route and its shape, shared by the entries of
// every list that holds it.
type pendRoute struct {
	Pattern
	shape pendShape
	loose bool   // it has no shape: a catch-all, or too many segments
	first string // with loose, its first segment if static, else ""
}

func newPendRoute(target string) *pendRoute {
	r := &pendRoute{Pattern: ParsePattern(target)}
	r.shape, r.loose = patternShape(r.Pattern)
	if r.loose && r.segs[0][0] != '[' {
		r.first = r.segs[0]
	}
	return r
}

// pendEntry is one compiled route of a pendingList.
type pendEntry struct {
	*pendRoute
	file       string
	gen        uint64 // the Aggregator's pendGen once it was added
	prev, next *pendEntry
}

// pendText identifies a compiled route: its text and its input.
type pendText struct{ text, file string }

// pendShape is the shape of a route without a catch-all (see pendingList).
type pendShape struct {
	n    int
	mask uint64
	hash uint64
}

// maskUse counts the routes of one mask at one length.
type maskUse struct {
	mask uint64
	n    int
}

// maxShapeSegs is the most segments a shape describes.
const maxShapeSegs = 64

// Len returns the number of compiled routes held.
func (l *pendingList) Len() int { return l.n }

// add holds route, compiled in file as the Aggregator's compile number
// gen, unless a route of the same text and input is held already; the
// oldest route makes room when the list is full.
func (l *pendingList) add(route *pendRoute, file string, gen uint64) {
	k := pendText{route.String(), file}
	if _, ok := l.byText[k]; ok {
		return
	}
	if l.n == maxPendingCompiles {
		l.remove(l.first)
	}
	e := l.free
	if e != nil {
		l.free = e.next
		*e = pendEntry{pendRoute: route, file: file, gen: gen, prev: l.last}
	} else {
		e = &pendEntry{pendRoute: route, file: file, gen: gen, prev: l.last}
	}
	if l.byText == nil {
		l.byText = make(map[pendText]*pendEntry)
		l.shapes = make(map[pendShape][]*pendEntry)
		l.loose = make(map[string][]*pendEntry)
	}
	l.byText[k] = e
	if l.last != nil {
		l.last.next = e
	} else {
		l.first = e
	}
	l.last = e
	l.n++
	if e.loose {
		l.loose[e.first] = append(l.loose[e.first], e)
		return
	}
	l.shapes[e.shape] = append(l.shapes[e.shape], e)
	uses := l.masks[e.shape.n]
	for i := range uses {
		if uses[i].mask == e.shape.mask {
			uses[i].n++
			return
		}
	}
	l.masks[e.shape.n] = append(uses, maskUse{mask: e.shape.mask, n: 1})
}

// clone returns a copy of l that shares no state with it.
func (l *pendingList) clone() pendingList {
	var c pendingList
	for e := l.first; e != nil; e = e.next {
		c.add(e.pendRoute, e.file, e.gen)
	}
	return c
}

// take returns the first route held, in the order added, that a request
// of path in file matched, and lets go of it; or false when none did.
func (l *pendingList) take(path, file string) bool {
	if l.n == 0 {
		return false
	}
	var best *pendEntry
	better := func(e *pendEntry) {
		if e.file == file && (best == nil || e.gen < best.gen) && e.Match(path) {
			best = e
		}
	}
	if len(l.loose) > 0 {
		for _, e := range l.loose[firstSeg(path)] {
			better(e)
		}
		for _, e := range l.loose[""] {
			better(e)
		}
	}
	if n := pathSegs(path); n <= maxShapeSegs && len(l.masks[n]) > 0 {
		var hs [maxShapeSegs]uint64
		segHashes(path, &hs)
		for _, u := range l.masks[n] {
			for _, e := range l.shapes[pendShape{n, u.mask, combine(hs[:n], u.mask)}] {
				better(e)
			}
		}
	}
	if best == nil {
		return false
	}
	l.remove(best)
	return true
}

// remove lets go of e.
func (l *pendingList) remove(e *pendEntry) {
	delete(l.byText, pendText{e.String(), e.file})
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		l.first = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		l.last = e.prev
	}
	l.n--
	if e.loose {
		if rest := deleteEntry(l.loose[e.first], e); len(rest) > 0 {
			l.loose[e.first] = rest
		} else {
			delete(l.loose, e.first)
		}
		l.release(e)
		return
	}
	if rest := deleteEntry(l.shapes[e.shape], e); len(rest) > 0 {
		l.shapes[e.shape] = rest
	} else {
		delete(l.shapes, e.shape)
	}
	uses := l.masks[e.shape.n]
	for i := range uses {
		if uses[i].mask == e.shape.mask {
			if uses[i].n--; uses[i].n == 0 {
				l.masks[e.shape.n] = append(uses[:i], uses[i+1:]...)
			}
			break
		}
	}
	l.release(e)
}

// release keeps e, let go of, for the next add: a long dev log compiles
// and lets go of a route every few lines.
func (l *pendingList) release(e *pendEntry) {
	*e = pendEntry{next: l.free}
	l.free = e
}

// deleteEntry returns list without e, keeping the order of the others.
func deleteEntry(list []*pendEntry, e *pendEntry) []*pendEntry {
	for i, x := range list {
		if x == e {
			copy(list[i:], list[i+1:])
			list[len(list)-1] = nil
			return list[:len(list)-1]
		}
	}
	return list
}

// patternShape returns p's shape, or loose when p has a catch-all or
// more segments than a shape describes.
func patternShape(p Pattern) (s pendShape, loose bool) {
	if len(p.segs) > maxShapeSegs {
		return s, true
	}
	var hs [maxShapeSegs]uint64
	for i, seg := range p.segs {
		if strings.HasPrefix(seg, "[...") || strings.HasPrefix(seg, "[[...") {
			return s, true
		}
		if seg[0] == '[' {
			s.mask |= 1 << i
		} else {
			hs[i] = hashSeg(seg)
		}
	}
	s.n = len(p.segs)
	s.hash = combine(hs[:s.n], s.mask)
	return s, false
}

// firstSeg returns the first segment Pattern.Match sees in path.
func firstSeg(path string) string {
	rest := strings.Trim(path, "/")
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return rest[:i]
	}
	return rest
}

// pathSegs returns the number of segments Pattern.Match sees in path.
func pathSegs(path string) int {
	rest := strings.Trim(path, "/")
	if rest == "" {
		return 0
	}
	return strings.Count(rest, "/") + 1
}

// segHashes hashes the segments Pattern.Match sees in path, which the
// caller has counted to be at most maxShapeSegs.
func segHashes(path string, hs *[maxShapeSegs]uint64) int {
	rest := strings.Trim(path, "/")
	if rest == "" {
		return 0
	}
	n := 0
	for n < maxShapeSegs {
		i := strings.IndexByte(rest, '/')
		if i < 0 {
			hs[n] = hashSeg(rest)
			return n + 1
		}
		hs[n] = hashSeg(rest[:i])
		rest = rest[i+1:]
		n++
	}
	return n
}

// FNV-1a, 64 bits.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func hashSeg(s string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// combine hashes the segment hashes outside mask, with their positions.
func combine(hs []uint64, mask uint64) uint64 {
	h := uint64(fnvOffset)
	for i, x := range hs {
		if mask&(1<<i) != 0 {
			continue
		}
		h ^= x + uint64(i)*0x9e3779b97f4a7c15
		h *= fnvPrime
		h ^= h >> 29
	}
	return h
}
