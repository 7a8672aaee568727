package aggregate

import (
	"fmt"
	"regexp"
	"strings"
)

// Grouping says how request paths become routes.
type Grouping int

// The groupings.
const (
	// GroupAuto collapses id-like path segments (numbers, UUIDs, long hex
	// and other long random tokens) to "[id]": /api/users/42 and
	// /api/users/7 are both /api/users/[id]. A 404 response is counted
	// under NotFoundRoute, unless its path is one of the app's routes.
	GroupAuto Grouping = iota
	// GroupNone keeps each pathname as it is, as the in-app store does.
	GroupNone
)

// ParseGrouping returns the Grouping named s: "auto" or "none".
func ParseGrouping(s string) (Grouping, error) {
	switch s {
	case "auto":
		return GroupAuto, nil
	case "none":
		return GroupNone, nil
	}
	return 0, fmt.Errorf("unknown grouping %q (want auto or none)", s)
}

func (g Grouping) String() string {
	if g == GroupNone {
		return "none"
	}
	return "auto"
}

// Rule rewrites request paths that match Pattern, as
// regexp.ReplaceAllString does with Replacement. Rules apply in order,
// before GroupAuto collapses the ids that remain.
type Rule struct {
	Pattern     *regexp.Regexp
	Replacement string
}

// ParseRule reads a rule written "REGEX=REPLACEMENT", split at the last
// "=": `^/blog/[^/]+$=/blog/[slug]`.
func ParseRule(s string) (Rule, error) {
	i := strings.LastIndexByte(s, '=')
	if i <= 0 {
		return Rule{}, fmt.Errorf("group rule %q: want REGEX=REPLACEMENT", s)
	}
	re, err := regexp.Compile(s[:i])
	if err != nil {
		return Rule{}, fmt.Errorf("group rule %q: %v", s, err)
	}
	return Rule{Pattern: re, Replacement: s[i+1:]}, nil
}

// NotFoundRoute is the route that counts, with GroupAuto, the requests
// answered 404 whose path is none of the app's routes: one-off pages that
// do not exist ("/no-such-page", a scanner's "/wp-login.php") would
// otherwise each be a route.
const NotFoundRoute = "[not found]"

// IDSegment is what GroupAuto puts in place of an id-like segment.
const IDSegment = "[id]"

// isID reports whether a path segment looks like an identifier rather than
// a word of the route: a decimal number, a UUID, a hex string of 16 or more
// digits (MongoDB ids, hashes), 0x and 8 or more hex digits (addresses), or
// a token of 20 or more letters, digits, '-' and '_' with both letters and
// digits in it (ULIDs, nanoids, base64 ids).
func isID(seg string) bool {
	if seg == "" {
		return false
	}
	var counts [5]int // by byteClass
	for i := 0; i < len(seg); i++ {
		c := byteClass[seg[i]]
		if c == classNone {
			return false
		}
		counts[c]++
	}
	digits, hexLetters, letters := counts[classDigit], counts[classHex], counts[classHex]+counts[classLetter]
	n := len(seg)
	switch {
	case digits == n:
		return true
	case n == 36 && isUUID(seg):
		return true
	case n >= 10 && (seg[:2] == "0x" || seg[:2] == "0X") && digits+hexLetters == n-1:
		return true
	case n >= 16 && digits > 0 && digits+hexLetters == n:
		return true
	case n >= 20 && digits > 0 && letters > 0:
		return true
	}
	return false
}

// The classes of the bytes of a path segment, for isID.
const (
	classNone   = iota // a byte no id has
	classDigit         // 0-9
	classHex           // a-f, A-F
	classLetter        // the other letters
	classMark          // '-', '_'
)

var byteClass = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = classDigit
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = classLetter, classLetter
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c], t[c-'a'+'A'] = classHex, classHex
	}
	t['-'], t['_'] = classMark, classMark
	return t
}()

// isUUID reports whether s, 36 bytes long, is a UUID.
func isUUID(s string) bool {
	for i := 0; i < 36; i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
			continue
		}
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// appendCollapsed appends route to b with each id-like segment replaced
// by IDSegment, and reports whether it had one; if not, it appends
// nothing.
func appendCollapsed(b []byte, route string) ([]byte, bool) {
	start, found := len(b), false
	for rest := route; ; {
		seg, after, more := strings.Cut(rest, "/")
		if isID(seg) {
			if !found {
				found = true
				b = append(b, route[:len(route)-len(rest)]...)
			}
			b = append(b, IDSegment...)
		} else if found {
			b = append(b, seg...)
		}
		if !more {
			break
		}
		if found {
			b = append(b, '/')
		}
		rest = after
	}
	if !found {
		return b[:start], false
	}
	return b, true
}

// grouper maps request routes to grouped routes, remembering recent
// answers: a log repeats the same paths over and over.
type grouper struct {
	grouping Grouping
	routes   []Pattern // the app's routes, in SortPatterns order
	rules    []Rule
	cache    map[string]string
	// collapsed holds the routes collapse made, so that a path with a
	// new id gives the string of its route made before.
	collapsed map[string]string
	buf       []byte
}

const grouperCacheSize = 1 << 12

func (g *grouper) group(route string) string {
	if g.grouping == GroupNone && len(g.rules) == 0 {
		return route
	}
	if r, ok := g.cache[route]; ok {
		return r
	}
	r, ok := g.appRoute(route)
	if !ok {
		for _, rule := range g.rules {
			r = rule.Pattern.ReplaceAllString(r, rule.Replacement)
		}
		if g.grouping == GroupAuto {
			r = g.collapse(r)
		}
	}
	if g.cache == nil {
		g.cache = make(map[string]string)
	}
	if len(g.cache) < grouperCacheSize {
		g.cache[route] = r
	}
	return r
}

// collapse returns route with each id-like segment replaced by
// IDSegment, giving the same string for a route it made before.
func (g *grouper) collapse(route string) string {
	b, ok := appendCollapsed(g.buf[:0], route)
	g.buf = b
	if !ok {
		return route
	}
	if r, ok := g.collapsed[string(b)]; ok {
		return r
	}
	r := string(b)
	if g.collapsed == nil {
		g.collapsed = make(map[string]string)
	}
	if len(g.collapsed) < grouperCacheSize {
		g.collapsed[r] = r
	}
	return r
}

// appRoute returns the app's route that path belongs to, the first that
// matches in Next's order. Only GroupAuto uses the app's routes: GroupNone
// keeps raw paths, as the in-app endpoint does.
func (g *grouper) appRoute(path string) (string, bool) {
	if g.grouping != GroupAuto || len(path) == 0 || path[0] != '/' {
		return path, false
	}
	if r, ok := matchRoute(g.routes, path); ok {
		return r, true
	}
	return path, false
}

// matchRoute returns the first of routes, in Next's order, that path
// matches.
func matchRoute(routes []Pattern, path string) (string, bool) {
	for _, p := range routes {
		if p.Match(path) {
			return p.String(), true
		}
	}
	return "", false
}
