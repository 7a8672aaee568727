package parser

import (
	"math/bits"
	"time"
)

// scanDuration reads a printed duration at the start of b: "145ms",
// "1.835ms", "4.1s", "2.2min", "1835µs" (also the mojibake "Âµs" and
// "┬╡s"), with an optional single space before the unit when space is true
// ("684 ms", as old webpack printed compile times). The value is exact: the
// decimal digits are converted in integer nanoseconds, so "4.1s" is
// 4100ms and never 4099.999…ms.
//
// It returns the duration and the number of bytes read, or ok false when b
// does not start with a duration followed by a word boundary.
func scanDuration(b []byte, space bool) (d time.Duration, n int, ok bool) {
	whole, frac, scale, i, ok := scanDecimal(b)
	if !ok {
		return 0, 0, false
	}
	if space && i < len(b) && b[i] == ' ' {
		i++
	}
	unit, un := scanUnit(b[i:])
	if un == 0 {
		return 0, 0, false
	}
	i += un
	if i < len(b) && !isBoundary(b[i]) {
		return 0, 0, false
	}
	d, ok = toDuration(whole, frac, scale, unit)
	return d, i, ok
}

// millis reads a bare decimal number of milliseconds, as JSON loggers
// write them: "12", "4051.0434999987483".
func millis(b []byte) (time.Duration, bool) {
	whole, frac, scale, n, ok := scanDecimal(b)
	if !ok || n != len(b) {
		return 0, false
	}
	return toDuration(whole, frac, scale, uint64(time.Millisecond))
}

// scanDecimal reads an unsigned decimal number at the start of b as its
// whole part and its fraction frac/scale, keeping at most nine fraction
// digits.
func scanDecimal(b []byte) (whole, frac, scale uint64, n int, ok bool) {
	i := 0
	for i < len(b) && isDigit(b[i]) {
		if i >= 15 { // longer than any duration worth reading
			return 0, 0, 0, 0, false
		}
		whole = whole*10 + uint64(b[i]-'0')
		i++
	}
	if i == 0 {
		return 0, 0, 0, 0, false
	}
	scale = 1
	if i+1 < len(b) && b[i] == '.' && isDigit(b[i+1]) {
		i++
		for i < len(b) && isDigit(b[i]) {
			if scale < 1e9 { // finer than a nanosecond is dropped
				frac = frac*10 + uint64(b[i]-'0')
				scale *= 10
			}
			i++
		}
	}
	return whole, frac, scale, i, true
}

// toDuration returns (whole + frac/scale) units, truncated to the
// nanosecond, or ok false when it does not fit in a time.Duration.
func toDuration(whole, frac, scale, unit uint64) (time.Duration, bool) {
	hi, lo := bits.Mul64(whole, unit)
	if hi != 0 || lo > 1<<63-1 {
		return 0, false
	}
	fhi, flo := bits.Mul64(frac, unit)
	fq, _ := bits.Div64(fhi, flo, scale) // frac*unit < scale*unit, so no overflow
	total := lo + fq
	if total > 1<<63-1 {
		return 0, false
	}
	return time.Duration(total), true
}

// scanUnit reads a duration unit and returns its size in nanoseconds and
// the number of bytes it spans.
func scanUnit(b []byte) (unit uint64, n int) {
	if len(b) == 0 {
		return 0, 0
	}
	switch b[0] {
	case 'm':
		if len(b) >= 3 && b[1] == 'i' && b[2] == 'n' {
			return uint64(time.Minute), 3
		}
		if len(b) >= 2 && b[1] == 's' {
			return uint64(time.Millisecond), 2
		}
	case 's':
		return uint64(time.Second), 1
	case 'u':
		if len(b) >= 2 && b[1] == 's' {
			return uint64(time.Microsecond), 2
		}
	default:
		// "µs" in UTF-8 (c2 b5), "μs" (ce bc), or one of their mojibake
		// forms ("Âµs", "┬╡s"): a short run of non-ASCII bytes, then "s".
		j := 0
		for j < len(b) && j < 8 && b[j] >= 0x80 {
			j++
		}
		if j >= 2 && j < len(b) && b[j] == 's' && isMicro(b[:j]) {
			return uint64(time.Microsecond), j + 1
		}
	}
	return 0, 0
}

// isMicro reports whether b, a run of non-ASCII bytes, ends in a micro
// sign: "µ" (c2 b5) or "μ" (ce bc), whatever mojibake stands before it, or
// is cp437's "┬╡" (e2 94 ac e2 95 a1).
func isMicro(b []byte) bool {
	n := len(b)
	switch {
	case b[n-2] == 0xc2 && b[n-1] == 0xb5, b[n-2] == 0xce && b[n-1] == 0xbc:
		return true
	case n >= 3 && b[n-3] == 0xe2 && b[n-2] == 0x95 && b[n-1] == 0xa1:
		return true
	}
	return false
}

// isBoundary reports whether c may follow a duration.
func isBoundary(c byte) bool {
	switch c {
	case ' ', '\t', ')', '(', ',', ';', ':', '.', '"', '\'', ']', '}', '|', '\x1b', '[':
		return true
	}
	return c >= 0x80 // an emoji or glyph pasted right after the number
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
