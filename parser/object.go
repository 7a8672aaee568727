package parser

// This file holds a lenient, zero-allocation scanner for the object literals
// found in log lines: strict JSON (pino, winston, bunyan, ...) as well as the
// JavaScript object syntax printed by Node's util.inspect and console.log.

import (
	"bytes"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// valueKind says how a scanned value was written.
type valueKind uint8

const (
	kindString valueKind = iota + 1 // quoted string; the value passed is unescaped
	kindNumber                      // a number as written, e.g. 4051.0434999987483 or -1e3
	kindBool                        // true or false
	kindNull                        // null or undefined
	kindBare                        // anything else written without quotes, e.g. [Object]
)

const (
	// objMaxDepth is the deepest nesting of objects and arrays (the outer
	// object included) that scan descends into; deeper input stops the scan
	// with complete=false.
	objMaxDepth = 32
	// objMaxPath is the longest dotted key path, in bytes, that scan builds;
	// a longer path stops the scan with complete=false.
	objMaxPath = 1024
)

// objFrame is one open object or array on the scanner's explicit stack.
type objFrame struct {
	base  int  // length of the key path naming this container
	index int  // index of the next element (arrays only)
	array bool // true for '[', false for '{'
}

// objectScanner walks object literals. Its buffers are reused between calls, so a
// scanner is not safe for concurrent use, and the slices it passes to visit are
// valid only during that call.
//
// The zero value is ready to use.
type objectScanner struct {
	path  []byte                // dotted key path of the current value
	buf   []byte                // unescaped string values
	stack [objMaxDepth]objFrame // open containers; the scan is iterative
}

// Byte classes used by the scanner's lookup table.
const (
	objClsSpace   = 1 << iota // whitespace, skipped between tokens
	objClsDelim               // ends a number or literal: whitespace , } ]
	objClsKeyStop             // ends an unquoted key
)

// objClass classifies every byte value for the hot loops.
var objClass = func() (t [256]uint8) {
	for _, c := range []byte(" \t\n\r\v\f") {
		t[c] |= objClsSpace | objClsDelim | objClsKeyStop
	}
	for _, c := range []byte(",}]") {
		t[c] |= objClsDelim
	}
	for _, c := range []byte(":,{}[]()\"'`") {
		t[c] |= objClsKeyStop
	}
	return t
}()

// scan walks the object literal at the start of b (leading whitespace allowed) and
// calls visit for every leaf value (string, number, bool, null, bare) with its
// dotted key path (e.g. "req.method", "res.statusCode", "metadata.durationMs").
// Array elements use their index as the key segment ("statuses.0"); empty objects
// and arrays produce no leaf. visit may return false to stop early.
// scan returns the number of bytes consumed (up to and including the closing '}'),
// and complete=false when the input ended or was malformed before the object closed
// (everything visited up to that point stays valid). It never panics on any input.
//
// When complete is false, n is where scanning stopped: len(b) if the input
// ended inside the object, the offset of the offending byte if it was
// malformed or too deep (objMaxDepth) or its key path too long (objMaxPath),
// and the offset just past the value visited last if visit returned false.
// If b does not start with '{' after whitespace, scan returns 0, false.
//
// A value is visited only once it is known to be whole: a quoted string at its
// closing quote, anything else once a following whitespace, ',', '}' or ']' is
// seen, so a value cut off by the end of b is never visited.
func (s *objectScanner) scan(b []byte, visit func(path []byte, kind valueKind, val []byte) bool) (n int, complete bool) {
	i := objSkipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return 0, false
	}
	i++
	s.path = s.path[:0]
	s.stack[0] = objFrame{}
	depth := 1
	wantElem := true // expecting an element (or the closer), not a ','
	for {
		i = objSkipSpace(b, i)
		if i >= len(b) {
			return len(b), false
		}
		f := &s.stack[depth-1]
		c := b[i]
		if c == '}' || c == ']' {
			if (c == ']') != f.array {
				return i, false
			}
			i++
			depth--
			if depth == 0 {
				return i, true
			}
			wantElem = false
			continue
		}
		if !wantElem {
			if c != ',' {
				return i, false
			}
			i++
			wantElem = true
			continue
		}
		if c == ',' {
			// Lenient: an empty element, as in "[1,,2]" or "{,a:1}".
			i++
			continue
		}

		// Name the element: the container's path plus a key or index.
		s.path = s.path[:f.base]
		if depth > 1 {
			s.path = append(s.path, '.')
		}
		if f.array {
			s.path = strconv.AppendInt(s.path, int64(f.index), 10)
			f.index++
			if len(s.path) > objMaxPath {
				return i, false
			}
		} else {
			var ok bool
			if i, ok = s.key(b, i); !ok {
				return i, false
			}
			i = objSkipSpace(b, i)
			if i >= len(b) {
				return len(b), false
			}
			if b[i] != ':' {
				return i, false
			}
			i = objSkipSpace(b, i+1)
			if i >= len(b) {
				return len(b), false
			}
			c = b[i]
		}

		// Read the value.
		var (
			kind valueKind
			val  []byte
		)
		switch {
		case c == '{' || c == '[' && !objBareBracket(b, i):
			if depth == objMaxDepth {
				return i, false
			}
			s.stack[depth] = objFrame{base: len(s.path), array: c == '['}
			depth++
			i++
			continue // wantElem stays true
		case c == '"' || c == '\'' || c == '`':
			end, esc, ok := objStringEnd(b, i+1, c)
			if !ok {
				return len(b), false
			}
			val = b[i+1 : end]
			if esc {
				s.buf = objAppendUnescaped(s.buf[:0], val)
				val = s.buf
			}
			kind = kindString
			i = end + 1
		default:
			var end int
			kind, end = objLiteral(b, i)
			if kind == 0 || end >= len(b) || objClass[b[end]]&objClsDelim == 0 {
				// Not a number or keyword followed by a delimiter: read it
				// as a bare token up to the next ',' '}' or ']' at this level.
				var ok bool
				if end, ok = objBareEnd(b, i); !ok {
					return len(b), false
				}
				if end == i {
					return i, false // a missing value, as in "{a:}"
				}
				kind = kindBare
				e := end
				for objClass[b[e-1]]&objClsSpace != 0 {
					e--
				}
				val = b[i:e]
			} else {
				val = b[i:end]
			}
			i = end
		}
		if !visit(s.path, kind, val) {
			return i, false
		}
		wantElem = false
	}
}

// key reads the key starting at b[i] (quoted with " ' or `, bracketed as in
// util.inspect's [Symbol(a)], or bare) and appends it, unescaped, to s.path.
// It returns the offset just past the key, or ok=false with the offset to
// report when the key is cut off, missing or would make the path too long.
func (s *objectScanner) key(b []byte, i int) (next int, ok bool) {
	var (
		raw []byte
		esc bool
	)
	switch c := b[i]; c {
	case '"', '\'', '`':
		end, e, ok := objStringEnd(b, i+1, c)
		if !ok {
			return len(b), false
		}
		raw, esc, next = b[i+1:end], e, end+1
	case '[':
		k := bytes.IndexByte(b[i:], ']')
		if k < 0 {
			return len(b), false
		}
		raw, next = b[i:i+k+1], i+k+1
	default:
		j := i
		for j < len(b) && objClass[b[j]]&objClsKeyStop == 0 {
			j++
		}
		if j == i {
			return i, false
		}
		raw, next = b[i:j], j
	}
	// Unescaping never lengthens a string, so this bounds the result.
	if len(s.path)+len(raw) > objMaxPath {
		return i, false
	}
	if esc {
		s.path = objAppendUnescaped(s.path, raw)
	} else {
		s.path = append(s.path, raw...)
	}
	return next, true
}

// objSkipSpace returns the offset of the first non-whitespace byte of b at or
// after i, or len(b).
func objSkipSpace(b []byte, i int) int {
	for i < len(b) && objClass[b[i]]&objClsSpace != 0 {
		i++
	}
	return i
}

// objHasPrefix reports whether b begins with s, without allocating.
func objHasPrefix(b []byte, s string) bool {
	return len(b) >= len(s) && string(b[:len(s)]) == s
}

// objStringEnd finds the closing quote q of the string whose contents start at
// b[i]. It returns the closing quote's offset and whether the contents hold a
// backslash escape, or ok=false if the string is unterminated.
func objStringEnd(b []byte, i int, q byte) (end int, esc bool, ok bool) {
	j := i
	for {
		k := bytes.IndexByte(b[j:], q)
		if k < 0 {
			return len(b), false, false
		}
		end = j + k
		p := end
		for p > i && b[p-1] == '\\' {
			p--
		}
		if (end-p)%2 == 0 {
			return end, p < end || bytes.IndexByte(b[i:p], '\\') >= 0, true
		}
		j = end + 1
	}
}

// objLiteral recognises a number or keyword starting at b[i] and returns its
// kind and end offset; kind is 0 if b[i:] starts with neither. The caller
// still has to check that a delimiter follows (so that 10n, 2026-02-09T... or
// nullable read as bare tokens). NaN and (-)Infinity count as numbers.
func objLiteral(b []byte, i int) (valueKind, int) {
	rest := b[i:]
	switch rest[0] {
	case 't':
		if objHasPrefix(rest, "true") {
			return kindBool, i + 4
		}
	case 'f':
		if objHasPrefix(rest, "false") {
			return kindBool, i + 5
		}
	case 'n':
		if objHasPrefix(rest, "null") {
			return kindNull, i + 4
		}
	case 'u':
		if objHasPrefix(rest, "undefined") {
			return kindNull, i + 9
		}
	case 'N':
		if objHasPrefix(rest, "NaN") {
			return kindNumber, i + 3
		}
	case '-', 'I', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		if end := objNumberEnd(b, i); end > i {
			return kindNumber, end
		}
	}
	return 0, i
}

// objNumberEnd returns the end of the number -?digits(.digits)?([eE][+-]?digits)?
// or -?Infinity starting at b[i], or i if there is none.
func objNumberEnd(b []byte, i int) int {
	j := i
	if b[j] == '-' {
		j++
	}
	if objHasPrefix(b[j:], "Infinity") {
		return j + len("Infinity")
	}
	start := j
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		j++
	}
	if j == start {
		return i
	}
	if j < len(b) && b[j] == '.' {
		j++
		start = j
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if j == start {
			return i
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		start = j
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if j == start {
			return i
		}
	}
	return j
}

// objBareBracket reports whether the '[' at b[i] starts a bracketed token that
// util.inspect prints, such as [Object], [Array], [Function: foo], [Error: boom]
// or [Circular *1], rather than an array. Such tokens begin with a letter right
// after the '[', which neither JSON arrays nor util.inspect's arrays ("[ 1, 2 ]")
// do, except for keywords such as [true] or [null].
func objBareBracket(b []byte, i int) bool {
	if i+1 >= len(b) {
		return false
	}
	rest := b[i+1:]
	if c := rest[0] | 0x20; c < 'a' || c > 'z' {
		return false
	}
	if kind, end := objLiteral(rest, 0); kind != 0 {
		if end == len(rest) || !objIsIdentByte(rest[end]) {
			return false
		}
	}
	return true
}

// objIsIdentByte reports whether c can continue a JavaScript identifier
// (ASCII letters, digits, '_' and '$', or any non-ASCII byte).
func objIsIdentByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '$' || c >= 0x80
}

// objBareEnd returns the offset of the ',' '}' or ']' that ends the bare token
// starting at b[i], skipping over anything nested in (), [] or {}, or
// ok=false if the input ends first.
func objBareEnd(b []byte, i int) (end int, ok bool) {
	nest := 0
	for j := i; j < len(b); j++ {
		switch b[j] {
		case '(', '[', '{':
			nest++
		case ')':
			if nest > 0 {
				nest--
			}
		case ']', '}':
			if nest == 0 {
				return j, true
			}
			nest--
		case ',':
			if nest == 0 {
				return j, true
			}
		}
	}
	return len(b), false
}

// objAppendUnescaped appends raw to dst with JavaScript and JSON string
// escapes resolved: \" \' \` \\ \/ \b \f \n \r \t \v \0, \xHH, \uXXXX (with
// surrogate pairs combined and lone surrogates replaced by U+FFFD, as
// encoding/json does) and \u{X...}. A backslash before a line break is a line
// continuation and vanishes; any other escaped byte stands for itself. A
// malformed \x or \u escape is kept as written. Bytes that are not valid
// UTF-8 are copied unchanged. The result is never longer than raw.
func objAppendUnescaped(dst, raw []byte) []byte {
	for {
		k := bytes.IndexByte(raw, '\\')
		if k < 0 {
			return append(dst, raw...)
		}
		dst = append(dst, raw[:k]...)
		if k+1 >= len(raw) {
			return append(dst, '\\')
		}
		c := raw[k+1]
		raw = raw[k+2:]
		switch c {
		case 'n':
			dst = append(dst, '\n')
		case 't':
			dst = append(dst, '\t')
		case 'r':
			dst = append(dst, '\r')
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'v':
			dst = append(dst, '\v')
		case '0':
			dst = append(dst, 0)
		case '\n':
		case '\r':
			if len(raw) > 0 && raw[0] == '\n' {
				raw = raw[1:]
			}
		case 'x':
			h, ok := objHex(raw, 2)
			if !ok {
				dst = append(dst, '\\', 'x')
				continue
			}
			raw = raw[2:]
			dst = utf8.AppendRune(dst, rune(h))
		case 'u':
			r, n := objUnicodeEscape(raw)
			if n == 0 {
				dst = append(dst, '\\', 'u')
				continue
			}
			raw = raw[n:]
			if utf16.IsSurrogate(r) {
				pair := utf8.RuneError
				if r < 0xdc00 && len(raw) >= 6 && raw[0] == '\\' && raw[1] == 'u' {
					if lo, ok := objHex(raw[2:], 4); ok && lo >= 0xdc00 && lo < 0xe000 {
						pair = utf16.DecodeRune(r, rune(lo))
						raw = raw[6:]
					}
				}
				r = pair
			}
			dst = utf8.AppendRune(dst, r)
		default:
			dst = append(dst, c)
		}
	}
}

// objUnicodeEscape decodes the XXXX or {X...} following a \u at the start of
// b, returning the code point and the number of bytes used (0 if malformed).
func objUnicodeEscape(b []byte) (rune, int) {
	if len(b) > 0 && b[0] == '{' {
		end := bytes.IndexByte(b[:min(len(b), 8)], '}')
		if end < 2 {
			return 0, 0
		}
		h, ok := objHex(b[1:], end-1)
		if !ok || h > utf8.MaxRune {
			return 0, 0
		}
		return rune(h), end + 1
	}
	h, ok := objHex(b, 4)
	if !ok {
		return 0, 0
	}
	return rune(h), 4
}

// objHex parses the first n bytes of b as hexadecimal digits.
func objHex(b []byte, n int) (uint32, bool) {
	if len(b) < n {
		return 0, false
	}
	var v uint32
	for _, c := range b[:n] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		v = v<<4 | uint32(c)
	}
	return v, true
}
