package aggregate

import (
	"fmt"
	"slices"
	"strings"
)

// Glob is a path pattern for --include and --exclude: '*' matches any run
// of characters but '/', "**" any run including '/', '?' one character
// but '/'. "/_next/**" matches everything under /_next/.
type Glob struct {
	pattern string
	// The common shapes, "/prefix/**" and "**suffix", are a prefix or a
	// suffix test: the default exclusions meet every request.
	prefix, suffix string
	fixed          bool // prefix or suffix says it all
}

// ParseGlob returns the Glob for pattern.
func ParseGlob(pattern string) (Glob, error) {
	if pattern == "" {
		return Glob{}, fmt.Errorf("empty path pattern")
	}
	return newGlob(pattern), nil
}

func newGlob(pattern string) Glob {
	g := Glob{pattern: pattern}
	if rest, ok := strings.CutSuffix(pattern, "**"); ok && !strings.ContainsAny(rest, "*?") {
		g.prefix, g.fixed = rest, true
	} else if rest, ok := strings.CutPrefix(pattern, "**"); ok && !strings.ContainsAny(rest, "*?") {
		g.suffix, g.fixed = rest, true
	}
	return g
}

func (g Glob) String() string { return g.pattern }

// Match reports whether path matches the whole pattern.
func (g Glob) Match(path string) bool {
	if g.fixed {
		return strings.HasPrefix(path, g.prefix) && strings.HasSuffix(path, g.suffix)
	}
	return globMatch(g.pattern, path)
}

func globMatch(pat, s string) bool {
	for len(pat) > 0 {
		switch pat[0] {
		case '*':
			if strings.HasPrefix(pat, "**") {
				rest := strings.TrimLeft(pat, "*")
				for i := 0; i <= len(s); i++ {
					if globMatch(rest, s[i:]) {
						return true
					}
				}
				return false
			}
			rest := pat[1:]
			for i := 0; i <= len(s); i++ {
				if globMatch(rest, s[i:]) {
					return true
				}
				if i < len(s) && s[i] == '/' {
					break
				}
			}
			return false
		case '?':
			if len(s) == 0 || s[0] == '/' {
				return false
			}
		default:
			if len(s) == 0 || s[0] != pat[0] {
				return false
			}
		}
		pat, s = pat[1:], s[1:]
	}
	return len(s) == 0
}

// DefaultExcludes are Next.js's own requests, left out unless asked for:
// static chunks and HMR updates, the dev overlay's stack-frame lookups.
var DefaultExcludes = []Glob{
	newGlob("/_next/**"),
	newGlob("/__nextjs**"),
	newGlob("**.hot-update.json"),
}

// Pattern is a Next.js route pattern such as "/api/users/[id]",
// "/docs/[...slug]", "/shop/[[...slug]]", matched against request paths.
// Route groups "(group)" and parallel-route slots "@slot" are not part of
// the URL and match nothing.
type Pattern struct {
	text string
	segs []string
}

// ParsePattern returns the Pattern for a route such as "/blog/[slug]".
func ParsePattern(route string) Pattern {
	p := Pattern{text: route}
	for seg := range strings.SplitSeq(strings.Trim(route, "/"), "/") {
		if seg == "" || seg[0] == '(' && seg[len(seg)-1] == ')' || seg[0] == '@' {
			continue
		}
		p.segs = append(p.segs, seg)
	}
	return p
}

func (p Pattern) String() string { return p.text }

// Match reports whether the request path (no query string) matches p.
// It walks the path's segments in place, without allocating: it runs for
// every request while a compiled route waits for its first one.
func (p Pattern) Match(path string) bool {
	rest := strings.Trim(path, "/")
	for _, ps := range p.segs {
		switch {
		case strings.HasPrefix(ps, "[[..."): // optional catch-all: zero or more
			return true
		case strings.HasPrefix(ps, "[..."): // catch-all: one or more
			return rest != ""
		}
		if rest == "" {
			return false
		}
		seg := rest
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			seg, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		if ps[0] != '[' && seg != ps {
			return false
		}
	}
	return rest == ""
}

// Dynamic reports whether p has a dynamic segment.
func (p Pattern) Dynamic() bool {
	for _, s := range p.segs {
		if strings.HasPrefix(s, "[") {
			return true
		}
	}
	return false
}

// segRank orders a route segment as Next's router does when several
// routes match a path: static segments first, then [param], then
// [...catchAll], then [[...optionalCatchAll]].
func segRank(seg string) int {
	switch {
	case strings.HasPrefix(seg, "[[..."):
		return 3
	case strings.HasPrefix(seg, "[..."):
		return 2
	case strings.HasPrefix(seg, "["):
		return 1
	}
	return 0
}

// SortPatterns sorts routes in the order Next's router tries them,
// segment by segment: a static segment before a dynamic one, a dynamic
// one before a catch-all, a catch-all before an optional catch-all, and a
// route that has ended before one that goes on ("/docs" before
// "/docs/[[...slug]]"). Static segments tie by name, for a stable order.
func SortPatterns(ps []Pattern) {
	slices.SortStableFunc(ps, comparePatterns)
}

func comparePatterns(a, b Pattern) int {
	for i := 0; ; i++ {
		switch {
		case i == len(a.segs) && i == len(b.segs):
			return strings.Compare(a.text, b.text)
		case i == len(a.segs):
			return -1
		case i == len(b.segs):
			return 1
		}
		ra, rb := segRank(a.segs[i]), segRank(b.segs[i])
		if ra != rb {
			return ra - rb
		}
		if ra == 0 && a.segs[i] != b.segs[i] {
			return strings.Compare(a.segs[i], b.segs[i])
		}
	}
}
