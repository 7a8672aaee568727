package parser

import (
	"bytes"
	"fmt"
)

// Next.js prints one line per finished request in `next dev`:
//
//	 GET /api/users/42 200 in 145ms                                     13.5–15
//	 GET /settings 200 in 1406ms (compile: 719ms, proxy.ts: 427ms, render: 260ms)   16.0–16.1
//	 GET / 200 in 4.1s (next.js: 3.8s, proxy.ts: 137ms, application-code: 212ms)   16.2+
//	-  ┌ GET / 200 in 90ms                                             13.4
//
// and, nested under a request, lines that are not requests:
//
//	 │ GET https://api.example.com/x 200 in 12ms (cache skip)          fetches
//	  └─ ƒ invalidateCacheAction() in 1ms                               server actions
//
// The ASCII core "METHOD /path STATUS in DURATION" is what is matched: the
// glyphs around it come and go between versions and encodings. The path
// may hold spaces (16.x decodes it), so it is read from both ends.

// methodOf returns the canonical HTTP method spelled by b, or "".
func methodOf(b []byte) string {
	switch string(b) {
	case "GET":
		return "GET"
	case "POST":
		return "POST"
	case "PUT":
		return "PUT"
	case "PATCH":
		return "PATCH"
	case "DELETE":
		return "DELETE"
	case "HEAD":
		return "HEAD"
	case "OPTIONS":
		return "OPTIONS"
	case "CONNECT":
		return "CONNECT"
	case "TRACE":
		return "TRACE"
	}
	return ""
}

var spaceSlash = []byte(" /")

// findMethod finds the first "METHOD /" in s that starts a word, and
// returns the method, the index of its first byte and the index of the
// path's '/'. mi is -1 when there is none.
func findMethod(s []byte) (method string, mi, pi int) {
	for i := 0; i < len(s); {
		j := bytes.Index(s[i:], spaceSlash)
		if j < 0 {
			break
		}
		j += i
		e := j // the method ends here; aligned logs pad it: "GET  /x"
		for e > 0 && j-e < 3 && s[e-1] == ' ' {
			e--
		}
		k := e
		for k > 0 && e-k < 7 && 'A' <= s[k-1] && s[k-1] <= 'Z' {
			k--
		}
		if k < e && (k == 0 || !isNameByte(s[k-1])) {
			if m := methodOf(s[k:e]); m != "" {
				return m, k, j + 1
			}
		}
		i = j + 2
	}
	return "", -1, -1
}

// anchored reports whether nothing but decoration stands before index mi
// of s: blanks, the 13.4 "- ┌" tree top, a transcript's "> ", quotes, or a
// glyph in any encoding. Only then is a request-like line that fails to
// parse reported as malformed; a method in the middle of prose is not.
func anchored(s []byte, mi int) bool {
	for _, c := range s[:mi] {
		switch {
		case c == ' ', c == '\t', c == '-', c == '>', c == '"', c == '\'', c == '`', c >= 0x80:
		default:
			return false
		}
	}
	return true
}

// nested reports whether the text before a method holds one of the tree
// glyphs Next draws in front of fetch lines: │ ├ └.
func nested(prefix []byte) bool {
	for i := 0; i+2 < len(prefix); i++ {
		if prefix[i] == 0xe2 && prefix[i+1] == 0x94 {
			switch prefix[i+2] {
			case 0x82, 0x9c, 0x94:
				return true
			}
		}
	}
	return false
}

// subLine reports whether s starts with one of the tree glyphs Next draws
// in front of the lines nested under a request (fetches, their cache
// reasons, server actions): │ ├ └, or their cp1252 ("â”") and cp437 ("Γö")
// mojibake. None of those lines is an event, so they are dropped before
// any reader tries them. The 13.4 tree top ┌ starts a request and is kept.
func subLine(s []byte) bool {
	switch {
	case len(s) >= 3 && s[0] == 0xe2 && s[1] == 0x94:
		return s[2] == 0x82 || s[2] == 0x9c || s[2] == 0x94
	case len(s) >= 5 && s[0] == 0xc3 && s[1] == 0xa2 && s[2] == 0xe2 && s[3] == 0x80 && s[4] == 0x9d: // â”
		return true
	case len(s) >= 4 && s[0] == 0xce && s[1] == 0x93 && s[2] == 0xc3 && s[3] == 0xb6: // Γö
		return true
	}
	return false
}

// lastIn returns the index of the last " in " in s, or -1. (bytes.LastIndex
// hashes its way back, which is slower for a needle this short.)
func lastIn(s []byte) int {
	for end := len(s); ; {
		i := bytes.LastIndexByte(s[:end], 'i')
		if i < 0 {
			return -1
		}
		if i > 0 && i+2 < len(s) && s[i-1] == ' ' && s[i+1] == 'n' && s[i+2] == ' ' {
			return i - 1
		}
		end = i
	}
}

// status reads a three-digit HTTP status.
func status(b []byte) (int, bool) {
	if len(b) != 3 || !isDigit(b[0]) || !isDigit(b[1]) || !isDigit(b[2]) {
		return 0, false
	}
	v := int(b[0]-'0')*100 + int(b[1]-'0')*10 + int(b[2]-'0')
	return v, 100 <= v && v <= 599
}

var spaceIn = []byte(" in ")

// parseNext reads a Next.js request line. s has had ANSI escapes and line
// prefixes removed. It returns ErrNoMatch for lines that are not requests
// and a *SyntaxError (without position) for request lines it cannot read.
func parseNext(s []byte, rec *Record, sc *scratch) error {
	method, mi, pi := findMethod(s)
	if mi < 0 || nested(s[:mi]) {
		return ErrNoMatch
	}
	for end := len(s); end > pi; {
		k := lastIn(s[pi:end])
		if k < 0 {
			break
		}
		k += pi
		end = k
		st, ok := 0, false
		if k-4 >= pi && s[k-4] == ' ' {
			st, ok = status(s[k-3 : k])
		}
		if !ok {
			continue
		}
		d, n, ok := scanDuration(s[k+4:], false)
		if !ok {
			if anchored(s, mi) {
				return &SyntaxError{Msg: fmt.Sprintf("bad duration %q", token(s[k+4:]))}
			}
			return ErrNoMatch
		}
		rest := trimLeft(s[k+4+n:])
		if isFetchSuffix(rest) {
			return ErrNoMatch
		}
		path := bytes.TrimRight(s[pi:k-4], " ")
		*rec = Record{
			Source:   SourceNext,
			Method:   method,
			Path:     sc.intern(path),
			Status:   st,
			Duration: d,
		}
		rec.Route = routeOf(rec.Path)
		sc.phases = parsePhases(rest, sc.phases[:0])
		rec.Phases = sc.phases
		return nil
	}
	if !anchored(s, mi) {
		return ErrNoMatch
	}
	// A request line that lost a part: report it rather than drop it.
	tok := token(s[pi:])
	after := s[pi+len(tok):]
	switch {
	case bytes.HasPrefix(after, spaceIn):
		if _, _, ok := scanDuration(after[4:], false); ok {
			return &SyntaxError{Msg: fmt.Sprintf("request %s %s has no status code", method, tok)}
		}
	case len(after) == 4 && after[0] == ' ':
		if _, ok := status(after[1:]); ok {
			return &SyntaxError{Msg: fmt.Sprintf("request %s %s%s has no duration", method, tok, after)}
		}
	}
	return ErrNoMatch
}

// token returns b up to its first blank, at most 32 bytes of it.
func token(b []byte) []byte {
	i := bytes.IndexAny(b, " \t")
	if i < 0 {
		i = len(b)
	}
	if i > 32 {
		i = 32
	}
	return b[:i]
}

// isFetchSuffix reports whether what follows a duration marks a fetch
// line: "(cache: HIT)" (13.4–14), "(cache skip)", "(HMR cache)" (15+).
func isFetchSuffix(rest []byte) bool {
	return bytes.HasPrefix(rest, []byte("(cache")) || bytes.HasPrefix(rest, []byte("(HMR cache"))
}

// parsePhases reads Next 16's breakdown, "(compile: 719ms, render: 260ms)",
// appending to phases. A breakdown cut short keeps the parts read so far.
func parsePhases(b []byte, phases []Phase) []Phase {
	if len(b) == 0 || b[0] != '(' {
		return phases
	}
	b = b[1:]
	for len(b) > 0 {
		colon := bytes.IndexByte(b, ':')
		if colon <= 0 || colon > 32 {
			return phases
		}
		label := phaseLabel(b[:colon])
		b = trimLeft(b[colon+1:])
		d, n, ok := scanDuration(b, false)
		if !ok {
			return phases
		}
		phases = append(phases, Phase{Label: label, Duration: d})
		b = b[n:]
		if len(b) > 0 && b[0] == ',' {
			b = trimLeft(b[1:])
			continue
		}
		return phases
	}
	return phases
}

// phaseLabel returns the label as a string, without allocating for the
// labels Next prints.
func phaseLabel(b []byte) string {
	switch string(b) {
	case "compile":
		return "compile"
	case "render":
		return "render"
	case "proxy.ts":
		return "proxy.ts"
	case "next.js":
		return "next.js"
	case "application-code":
		return "application-code"
	case "generate-params":
		return "generate-params"
	case "middleware.ts":
		return "middleware.ts"
	}
	return string(b)
}

// routeOf returns path without its query string or fragment.
func routeOf(path string) string {
	for i := 0; i < len(path); i++ {
		if path[i] == '?' || path[i] == '#' {
			return path[:i]
		}
	}
	return path
}

// parseCompile reads a compile line in any version's words:
//
//	 ○ Compiling /dashboard ...               13.5+
//	 ✓ Compiled /api/slow in 527ms (1234 modules)
//	 ✓ Compiled in 143ms
//	- wait compiling /page (client and server)...   13.4
//	event - compiled client and server successfully in 684 ms (1063 modules)   ≤13.3
func parseCompile(s []byte, c *Compile, sc *scratch) bool {
	i := bytes.Index(s, []byte("ompil"))
	if i < 1 || i > 24 || (s[i-1] != 'C' && s[i-1] != 'c') {
		return false
	}
	// Only decoration may come first: a glyph, "wait  - ", "- event ", "DONE  ".
	for _, ch := range s[:i-1] {
		if isDigit(ch) {
			return false
		}
	}
	rest := s[i+5:]
	switch {
	case bytes.HasPrefix(rest, []byte("ing")):
		*c = Compile{Target: sc.intern(compileTarget(trimLeft(rest[3:])))}
		return true
	case bytes.HasPrefix(rest, []byte("ed")):
		rest = trimLeft(rest[2:])
		*c = Compile{Done: true, Target: sc.intern(compileTarget(rest))}
		if k := bytes.Index(rest, spaceIn); k >= 0 {
			c.Duration, _, _ = scanDuration(rest[k+4:], true)
		} else if bytes.HasPrefix(rest, []byte("in ")) {
			c.Duration, _, _ = scanDuration(rest[3:], true)
		}
		return true
	}
	return false
}

// compileTarget reads the route pattern a compile line names, if any,
// without the "/page" or "/route" suffix older versions printed.
func compileTarget(b []byte) []byte {
	if len(b) == 0 || b[0] != '/' {
		return nil
	}
	end := bytes.IndexAny(b, " \t")
	if end < 0 {
		end = len(b)
	}
	t := b[:end]
	t = bytes.TrimSuffix(t, []byte("..."))
	for _, suffix := range [...]string{"/page", "/route"} {
		if len(t) > len(suffix) && string(t[len(t)-len(suffix):]) == suffix {
			t = t[:len(t)-len(suffix)]
		}
	}
	return t
}

// parseStart reads the line a dev server prints once it listens:
// " ✓ Ready in 2.4s" (13.5+), "- ready started server on …" (13.4),
// "ready - started server on …" (≤13.3).
func parseStart(s []byte) bool {
	if i := bytes.Index(s, []byte("Ready in ")); i >= 0 && i <= 8 {
		for _, c := range s[:i] {
			if c < 0x80 && c != ' ' {
				return false
			}
		}
		return true
	}
	if i := bytes.Index(s, []byte("started server on")); i >= 0 && i <= 12 {
		return bytes.HasPrefix(s, []byte("- ready ")) || bytes.HasPrefix(s, []byte("ready - "))
	}
	return false
}
