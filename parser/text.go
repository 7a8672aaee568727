package parser

import (
	"bytes"
	"fmt"
	"time"
)

// Text loggers print one line per request, each in its own words:
//
//	--> GET /users?page=2 200 466ms 4.66kb                  koa-logger, hono/logger
//	GET /api/categories 200 3.572 ms - 121                  morgan dev
//	GET /tiny 200 2 - 0.188 ms                              morgan tiny
//	::1 - GET /short HTTP/1.1 200 2 - 0.283 ms              morgan short
//	Slow request: GET /v1/streams/1 took 1250ms             custom middleware
//	[HTTP] GET /api/products — 200 — 8ms
//	[Middleware] GET /user - 200 (172ms)
//	✓ Request: GET /Client/1/Matter completed in 45ms with status 200
//	🐌 SLOW REQUEST: GET /api/v1/sales took 5.23s (status: 200)
//	← POST /auth/signin 200 { duration: '45ms', statusCode: 200 }
//	GET 200 in 250ms: /api/leaderboard
//
// morgan's common and combined formats print no time and are not read.

var koaOut = []byte("-->")

// parseKoa reads a koa-logger or hono/logger response line,
// "--> GET /x 200 466ms 4.66kb". The incoming "<-- GET /x" is not read.
func parseKoa(s []byte, fl *fieldList, rec *Record) bool {
	i := bytes.Index(s, koaOut)
	if i < 0 || !anchored(s, i) {
		return false
	}
	f := fl.split(s[i+3:])
	if len(f) < 4 {
		return false
	}
	method := methodOf(f[0])
	if method == "" || f[1][0] != '/' {
		return false
	}
	st, ok := status(f[2])
	if !ok {
		return false
	}
	d, ok := koaDuration(f[3])
	if !ok {
		return false
	}
	*rec = Record{Source: SourceKoa, Method: method, Path: string(f[1]), Status: st, Duration: d}
	rec.Route = routeOf(rec.Path)
	return true
}

// koaDuration reads koa-logger's time, which humanize-number writes with
// thousands separators past 999: "1,234ms".
func koaDuration(b []byte) (time.Duration, bool) {
	var buf [24]byte
	n := 0
	for _, c := range b {
		if c == ',' {
			continue
		}
		if n == len(buf) {
			return 0, false
		}
		buf[n] = c
		n++
	}
	d, k, ok := scanDuration(buf[:n], false)
	return d, ok && k == n
}

// maxFields bounds the fields fieldList.split returns.
const maxFields = 12

// fieldList is a fixed array of byte slices, so that splitting a line
// does not allocate.
type fieldList struct {
	n int
	f [maxFields][]byte
}

// split splits b at runs of blanks into at most maxFields fields; a line
// with more returns nil.
func (l *fieldList) split(b []byte) [][]byte {
	l.n = 0
	for {
		b = trimLeft(b)
		if len(b) == 0 {
			return l.f[:l.n]
		}
		if l.n == maxFields {
			return nil
		}
		i := bytes.IndexAny(b, " \t")
		if i < 0 {
			i = len(b)
		}
		l.f[l.n] = b[:i]
		l.n++
		b = b[i:]
	}
}

// parseMorgan reads morgan's dev, tiny and short formats, which end the
// line: everything from the method on must fit one of them.
func parseMorgan(s []byte, method string, mi, pi int, fl *fieldList, rec *Record) (bool, error) {
	path := s[pi:]
	if i := bytes.IndexAny(path, " \t"); i >= 0 {
		path = path[:i]
	}
	f := fl.split(s[pi+len(path):])
	var stF, timeF []byte
	switch {
	case len(f) == 5 && string(f[2]) == "ms" && string(f[3]) == "-": // dev: 200 3.572 ms - 121
		stF, timeF = f[0], f[1]
	case len(f) == 5 && string(f[2]) == "-" && string(f[4]) == "ms": // tiny: 200 2 - 0.188 ms
		stF, timeF = f[0], f[3]
	case len(f) == 6 && bytes.HasPrefix(f[0], []byte("HTTP/")) && string(f[3]) == "-" && string(f[5]) == "ms": // short
		stF, timeF = f[1], f[4]
	default:
		return false, nil
	}
	st, ok := status(stF)
	if !ok && string(stF) != "-" {
		return false, nil
	}
	if string(timeF) == "-" {
		if anchored(s, mi) {
			return false, &SyntaxError{Msg: fmt.Sprintf("request %s %s never finished (morgan printed - for its time)", method, path)}
		}
		return false, nil
	}
	d, ok := millis(timeF)
	if !ok {
		return false, nil
	}
	*rec = Record{Source: SourceMorgan, Method: method, Path: string(path), Status: st, Duration: d}
	rec.Route = routeOf(rec.Path)
	return true, nil
}

// Separators between the fields of a custom timing line.
var (
	emDash = []byte("—")
	enDash = []byte("–")
)

// parseCustom reads the request lines custom middleware prints: the
// method and path, then, in any order and with any separators, a status
// and a duration, with only the words "took", "in", "completed", "with",
// "status" and an HTTP version between them. Lines whose fields are set
// off by dashes ("— user-uuid-1 — 201 — 245ms") may hold other words.
// Whatever follows the duration is ignored, but a status named there
// ("(status: 200)", "with status 200").
func (p *Parser) parseCustom(s []byte, method string, mi, pi int, sc *scratch, rec *Record) bool {
	if nested(s[:mi]) {
		return false
	}
	path := s[pi:]
	if i := bytes.IndexAny(path, " \t"); i >= 0 {
		path = path[:i]
	}
	path = bytes.TrimRight(path, ":,")
	if len(path) == 0 {
		return false
	}
	dashed := bytes.Contains(s, emDash) || bytes.Contains(s, enDash)
	rest := s[pi+len(path):]
	st, d, found := 0, time.Duration(0), false
	var after []byte    // what follows the duration
	prevStatus := false // the word before was "status"
	for k := 0; k < 16; k++ {
		rest = skipSeparators(rest)
		if len(rest) == 0 {
			break
		}
		if rest[0] == '{' {
			if found {
				break
			}
			scanObject(rest, sc)
			f := &sc.fields
			if !f.hasDur {
				return false
			}
			d, found = f.dur, true
			if st == 0 {
				st = f.status
			}
			break
		}
		tok := rest
		if i := bytes.IndexAny(tok, " \t(),|"); i >= 0 {
			tok = tok[:i]
		}
		if i := bytes.IndexByte(tok, ':'); i > 0 && i == len(tok)-1 {
			tok = tok[:i]
		}
		if len(tok) == 0 {
			tok = rest[:1]
		}
		switch {
		case !found && isDigit(tok[0]):
			if v, n, ok := scanDuration(rest, true); ok {
				d, found = v, true
				rest = rest[n:]
				after = rest
				continue
			}
			if v, ok := status(tok); ok && st == 0 {
				st = v
			} else if !allDigits(tok) && !dashed {
				return false
			}
		case found:
			if v, ok := status(tok); ok && prevStatus && st == 0 {
				st = v
			}
		case isFillWord(tok), dashed:
		default:
			return false
		}
		prevStatus = string(tok) == "status"
		rest = rest[len(tok):]
	}
	if !found || isFetchSuffix(trimLeft(after)) {
		return false
	}
	*rec = Record{Source: SourceText, Method: method, Path: string(stripOrigin(path)), Status: st, Duration: d}
	rec.Route = routeOf(rec.Path)
	return rec.Route != "" && rec.Route[0] == '/'
}

// skipSeparators skips blanks, dashes, bars, brackets, commas, colons and
// arrows.
func skipSeparators(b []byte) []byte {
	for len(b) > 0 {
		switch {
		case b[0] == ' ' || b[0] == '\t' || b[0] == '-' || b[0] == '|' || b[0] == '(' || b[0] == ')' || b[0] == ',' || b[0] == ':':
			b = b[1:]
		case bytes.HasPrefix(b, emDash) || bytes.HasPrefix(b, enDash):
			b = b[len(emDash):]
		default:
			return b
		}
	}
	return b
}

// isFillWord reports whether a word may stand between a path and its
// duration in a custom timing line.
func isFillWord(w []byte) bool {
	switch string(w) {
	case "took", "in", "completed", "with", "status":
		return true
	}
	return bytes.HasPrefix(w, []byte("HTTP/"))
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return len(b) > 0
}

// parseStatusFirst reads "GET 200 in 250ms: /api/leaderboard", where the
// path comes last.
func parseStatusFirst(s []byte, rec *Record) bool {
	for off := 0; ; {
		k := bytes.Index(s[off:], spaceIn)
		if k < 0 {
			return false
		}
		k += off
		off = k + 4
		if k < 5 || s[k-4] != ' ' {
			continue
		}
		st, ok := status(s[k-3 : k])
		if !ok {
			continue
		}
		j := k - 4
		m := j
		for m > 0 && j-m < 7 && 'A' <= s[m-1] && s[m-1] <= 'Z' {
			m--
		}
		method := methodOf(s[m:j])
		if method == "" || (m > 0 && isNameByte(s[m-1])) {
			continue
		}
		d, n, ok := scanDuration(s[k+4:], false)
		rest := s[k+4+n:]
		if !ok || len(rest) < 3 || rest[0] != ':' || rest[1] != ' ' || rest[2] != '/' {
			continue
		}
		path := rest[2:]
		if i := bytes.IndexAny(path, " \t"); i >= 0 {
			path = path[:i]
		}
		*rec = Record{Source: SourceText, Method: method, Path: string(path), Status: st, Duration: d}
		rec.Route = routeOf(rec.Path)
		return true
	}
}

// findMethodURL finds the first "METHOD http://" or "METHOD https://" in
// s, as findMethod does for "METHOD /".
func findMethodURL(s []byte) (method string, mi, pi int) {
	for i := 0; i < len(s); {
		j := bytes.Index(s[i:], spaceHTTP)
		if j < 0 {
			break
		}
		j += i
		rest := s[j+1:]
		if bytes.HasPrefix(rest, []byte("http://")) || bytes.HasPrefix(rest, []byte("https://")) {
			k := j
			for k > 0 && j-k < 7 && 'A' <= s[k-1] && s[k-1] <= 'Z' {
				k--
			}
			if k < j && (k == 0 || !isNameByte(s[k-1])) {
				if m := methodOf(s[k:j]); m != "" {
					return m, k, j + 1
				}
			}
		}
		i = j + 5
	}
	return "", -1, -1
}

var spaceHTTP = []byte(" http")
