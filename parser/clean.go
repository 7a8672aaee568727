package parser

import (
	"bytes"
	"time"
)

// maxPrefixes is how many stacked line prefixes are removed, e.g.
// "[next] @chainglass/web:dev:  GET …" or "web-1  | 2026-…Z  ✓ Ready".
const maxPrefixes = 3

// hasANSI reports whether line may hold an ANSI escape, with or without the
// ESC byte (terminals copied to files often lose it, leaving "[32m200[39m").
func hasANSI(line []byte) bool {
	if bytes.IndexByte(line, 0x1b) >= 0 {
		return true
	}
	for i := 0; ; {
		j := bytes.IndexByte(line[i:], '[')
		if j < 0 {
			return false
		}
		i += j + 1
		if _, ok := bareSGR(line[i:]); ok {
			return true
		}
	}
}

// bareSGR reports whether b (just after a '[') is the rest of an SGR
// sequence, "32m" or "38;2;173;216;230m", and how long it is. Without its
// ESC, "[m" is too likely to be text ("[middleware]") to count.
func bareSGR(b []byte) (int, bool) {
	for i := 0; i < len(b) && i < 24; i++ {
		switch c := b[i]; {
		case c == 'm':
			return i + 1, i > 0
		case isDigit(c) || c == ';':
		default:
			return 0, false
		}
	}
	return 0, false
}

// stripANSI appends line to dst without its ANSI escapes: CSI sequences
// ("\x1b[32m", "\x1b[2K"), OSC sequences ("\x1b]633;C\x07") and SGR
// sequences whose ESC byte was lost ("[32m"). It copies the text between
// escapes a run at a time: a coloured line holds a few escapes in a
// hundred bytes.
func stripANSI(dst, line []byte) []byte {
	for len(line) > 0 {
		i := bytes.IndexByte(line, 0x1b)
		end := i
		if i < 0 {
			end = len(line)
		}
		if j := bytes.IndexByte(line[:end], '['); j >= 0 {
			i = j
		}
		if i < 0 {
			return append(dst, line...)
		}
		dst = append(dst, line[:i]...)
		line = line[i:]
		n := escapeLen(line)
		if n == 0 { // a '[' of the text
			dst = append(dst, '[')
			n = 1
		}
		line = line[min(n, len(line)):]
	}
	return dst
}

// escapeLen returns the length of the escape line starts with (ESC or
// '['), which may run past its end, or 0 for a '[' that starts none.
func escapeLen(line []byte) int {
	if line[0] == '[' {
		if n, ok := bareSGR(line[1:]); ok {
			return 1 + n
		}
		return 0
	}
	switch {
	case len(line) > 1 && line[1] == '[':
		j := 2
		for j < len(line) && (line[j] < 0x40 || line[j] > 0x7e) {
			j++
		}
		return j + 1
	case len(line) > 1 && line[1] == ']':
		j := 2
		for j < len(line) && line[j] != 0x07 && line[j] != 0x1b {
			j++
		}
		if j < len(line) && line[j] == 0x1b { // ST is ESC \
			j++
		}
		return j + 1
	}
	return 1 // a lone ESC
}

// prefixes is what stripPrefixes found in front of a line.
type prefixes struct {
	time    time.Time // from a timestamp prefix, zero if none
	tag     []byte    // the last bracketed tag, "middleware" in "[middleware] …"
	browser bool      // the line is Next's "[browser] …" forwarding of browser logs
}

// stripPrefixes removes up to maxPrefixes stacked line prefixes that CI
// runners, process managers and monorepo tools put in front of a dev
// server's output, and returns the rest of the line with leading blanks
// trimmed:
//
//	2025-11-06T10:00:00.1234567Z   GitHub Actions, Render, docker logs -t
//	job<TAB>step<TAB>2025-…Z       gh run view --log
//	2026-05-11 21:41:31:           pm2 log_date_format
//	[2025-03-06T06:31:39.244Z]     app loggers
//	web-1  |   web_1  |   0|app  | docker compose v2/v1, pm2
//	web:dev:   @scope/web:dev:     turborepo
//	[next]   [WebServer]           concurrently, Playwright
//	DEBUG (nextjs):                pino-pretty
func stripPrefixes(line []byte) ([]byte, prefixes) {
	var p prefixes
	line = trimLeft(line)
	tab := bytes.IndexByte(line, '\t') >= 0 // a tabPrefix needs one
	for k := 0; k < maxPrefixes; k++ {
		if t, n := scanTimestamp(line); n > 0 {
			p.time = t
			line = trimLeft(line[n:])
			continue
		}
		if tab {
			if n := tabPrefix(line); n > 0 {
				line = line[n:]
				continue
			}
		}
		if n := pipePrefix(line); n > 0 {
			line = trimLeft(line[n:])
			continue
		}
		if n := turboPrefix(line); n > 0 {
			line = trimLeft(line[n:])
			continue
		}
		if tag, n := bracketPrefix(line); n > 0 {
			if t, tn := scanTimestamp(tag); tn == len(tag) {
				p.time = t
			} else if string(tag) == "browser" {
				p.browser = true
			} else {
				p.tag = tag
			}
			line = trimLeft(line[n:])
			continue
		}
		if n := levelPrefix(line); n > 0 {
			line = trimLeft(line[n:])
			continue
		}
		break
	}
	return line, p
}

func trimLeft(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

func trimRight(b []byte) []byte {
	for len(b) > 0 {
		switch b[len(b)-1] {
		case ' ', '\t', '\r', '\n', 0:
			b = b[:len(b)-1]
			continue
		}
		break
	}
	return b
}

// scanTimestamp reads an ISO-8601 timestamp at the start of b, with its
// separator: "2025-11-06T10:00:00.1234567Z ", "2026-05-11 21:41:31: ",
// "2026-08-18T15:58:38.950229875+02:00\t". A timestamp without a zone is
// taken as UTC. n is 0 when b does not start with one.
func scanTimestamp(b []byte) (t time.Time, n int) {
	// YYYY-MM-DD?HH:MM:SS is 19 bytes.
	if len(b) < 19 || !isDigit(b[0]) || b[4] != '-' || b[7] != '-' ||
		(b[10] != 'T' && b[10] != ' ') || b[13] != ':' || b[16] != ':' {
		return time.Time{}, 0
	}
	num := func(i, w int) (int, bool) {
		v := 0
		for _, c := range b[i : i+w] {
			if !isDigit(c) {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	year, ok1 := num(0, 4)
	month, ok2 := num(5, 2)
	day, ok3 := num(8, 2)
	hour, ok4 := num(11, 2)
	minute, ok5 := num(14, 2)
	sec, ok6 := num(17, 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 60 {
		return time.Time{}, 0
	}
	i := 19
	nsec := 0
	if i < len(b) && (b[i] == '.' || b[i] == ',') {
		i++
		digits := 0
		for i < len(b) && isDigit(b[i]) {
			if digits < 9 {
				nsec = nsec*10 + int(b[i]-'0')
				digits++
			}
			i++
		}
		if digits == 0 {
			return time.Time{}, 0
		}
		for ; digits < 9; digits++ {
			nsec *= 10
		}
	}
	loc := time.UTC
	offset := 0
	switch {
	case i < len(b) && b[i] == 'Z':
		i++
	case i+2 < len(b) && (b[i] == '+' || b[i] == '-') && isDigit(b[i+1]) && isDigit(b[i+2]):
		h := int(b[i+1]-'0')*10 + int(b[i+2]-'0')
		j := i + 3
		if j < len(b) && b[j] == ':' {
			j++
		}
		if j+2 > len(b) || !isDigit(b[j]) || !isDigit(b[j+1]) {
			return time.Time{}, 0
		}
		m := int(b[j]-'0')*10 + int(b[j+1]-'0')
		offset = (h*60 + m) * 60
		if b[i] == '-' {
			offset = -offset
		}
		i = j + 2
	}
	t = time.Date(year, time.Month(month), day, hour, minute, sec, nsec, loc).Add(-time.Duration(offset) * time.Second)
	// The separator: end of line, blanks, or pm2's ": ".
	switch {
	case i == len(b):
	case b[i] == ':' && (i+1 == len(b) || b[i+1] == ' '):
		i++
	case b[i] == ' ' || b[i] == '\t' || b[i] == ']':
	default:
		return time.Time{}, 0
	}
	return t, i
}

// tabPrefix matches gh run view's "job<TAB>step<TAB>" in front of a
// timestamp.
func tabPrefix(b []byte) int {
	i := bytes.IndexByte(b, '\t')
	if i < 0 {
		return 0
	}
	j := bytes.IndexByte(b[i+1:], '\t')
	if j < 0 {
		return 0
	}
	n := i + 1 + j + 1
	if n+4 > len(b) || !isDigit(b[n]) {
		return 0
	}
	return n
}

func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c) || c == '_' || c == '-' || c == '.'
}

// pipePrefix matches docker compose's "web-1  | ", "web_1  | ",
// "tts-frontend    | " and pm2's "0|app  | ".
func pipePrefix(b []byte) int {
	i := 0
	// pm2: digits then '|'.
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	if i > 0 && i < len(b) && b[i] == '|' {
		i++
	} else {
		i = 0
	}
	start := i
	for i < len(b) && i < 64 && (isNameByte(b[i]) || b[i] == '@' || b[i] == '/') {
		i++
	}
	if i == start {
		return 0
	}
	for i < len(b) && b[i] == ' ' {
		i++
	}
	if i >= len(b) || b[i] != '|' {
		return 0
	}
	i++
	if i < len(b) && b[i] == ' ' {
		i++
	}
	return i
}

// turboPrefix matches turborepo's "web:dev: " and "@scope/web:dev: ".
func turboPrefix(b []byte) int {
	i := 0
	if i < len(b) && b[i] == '@' {
		i++
		for i < len(b) && isNameByte(b[i]) {
			i++
		}
		if i >= len(b) || b[i] != '/' {
			return 0
		}
		i++
	}
	parts := 0
	for {
		start := i
		for i < len(b) && i < 96 && isNameByte(b[i]) {
			i++
		}
		if i == start || i >= len(b) || b[i] != ':' {
			return 0
		}
		parts++
		i++
		if i == len(b) || b[i] == ' ' {
			if parts < 2 {
				return 0
			}
			return i
		}
	}
}

// bracketPrefix matches a bracketed tag, "[next] ", "[middleware] ",
// "[Next.js Server] ", "[2025-03-06T06:31:39.244Z] ", and returns the tag.
func bracketPrefix(b []byte) (tag []byte, n int) {
	if len(b) < 3 || b[0] != '[' {
		return nil, 0
	}
	for i := 1; i < len(b) && i < 48; i++ {
		c := b[i]
		switch {
		case c == ']':
			if i == 1 || (i+1 < len(b) && b[i+1] != ' ') {
				return nil, 0
			}
			return b[1:i], i + 1
		case isNameByte(c) || c == ' ' || c == ':' || c == '/':
		default:
			return nil, 0
		}
	}
	return nil, 0
}

// levelPrefix matches a log level word such as pino-pretty's
// "DEBUG (nextjs): " or "INFO: ".
func levelPrefix(b []byte) int {
	if len(b) == 0 || b[0] != 'T' && b[0] != 'D' && b[0] != 'I' && b[0] != 'W' && b[0] != 'E' {
		return 0
	}
	var n int
	for _, lvl := range [...]string{"TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR"} {
		if len(b) > len(lvl) && string(b[:len(lvl)]) == lvl && (b[len(lvl)] == ' ' || b[len(lvl)] == ':') {
			n = len(lvl)
		}
	}
	if n == 0 {
		return 0
	}
	i := n
	for i < len(b) && b[i] == ' ' {
		i++
	}
	if i < len(b) && b[i] == '(' {
		j := bytes.IndexByte(b[i:], ')')
		if j < 0 {
			return 0
		}
		i += j + 1
	}
	if i < len(b) && b[i] == ':' {
		i++
	} else if i == n {
		return 0
	}
	return i
}
