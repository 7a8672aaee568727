package parser

// Every event's line holds one of a few byte strings, the needles. A line
// meets one pass that looks for all of them before anything else: most of
// a log holds none and costs no more than that pass. Only the readers
// whose needles the line holds then try it.

// Hints: the needles a line holds.
const (
	hintNext    = 1 << iota // " in ", or a status at the end: Next's request and start lines
	hintObject              // '{': JSON and console objects
	hintText                // a number then "ms", "took " or "-->": text loggers
	hintCompile             // "ompil"
	hintOther               // "started server", "RECORDED", "SLOW REQUEST", "StoreSize:", "Metrics cleared"
	hintPattern             // a digit, with user patterns
	hintAll     = hintPattern<<1 - 1
)

// hints are a line's needles, found when first asked for.
type hints struct {
	p    *Parser
	line []byte
	set  uint8
	done bool
}

// has reports whether the line holds a needle of hint (or of any of
// several hints or'ed together).
func (h *hints) has(hint uint8) bool {
	if !h.done {
		h.done = true
		h.set = h.p.scanHints(h.line)
	}
	return h.set&hint != 0
}

// mayMatch reports whether any reader may read the line.
func (h *hints) mayMatch() bool { return h.has(hintAll) }

// anchor gives each needle's anchor byte a small number, the case of
// scanHints that checks the bytes around it. An anchor is the needle's
// rarest byte in log text, so that the pass stops at few bytes.
var anchor = [256]uint8{
	'i': 1,  // " in "
	'{': 2,  // an object
	'm': 3,  // "ms" after a number
	'k': 4,  // "took "
	'>': 5,  // "-->"
	'p': 6,  // "ompil"
	'R': 7,  // "RECORDED"
	'S': 8,  // "SLOW REQUEST", "StoreSize:"
	'M': 9,  // "Metrics cleared"
	'v': 10, // "started server"
}

// scanHints returns the hints of line, in one pass over it.
func (p *Parser) scanHints(line []byte) uint8 {
	var set uint8
	n := len(line)
	for i := 0; i < n; i++ {
		a := anchor[line[i]]
		if a == 0 {
			continue
		}
		switch a {
		case 1:
			if i > 0 && i+2 < n && line[i-1] == ' ' && line[i+1] == 'n' && line[i+2] == ' ' {
				set |= hintNext
			}
		case 2:
			set |= hintObject
		case 3:
			if i+1 < n && line[i+1] == 's' && i > 0 &&
				(isDigit(line[i-1]) || line[i-1] == ' ' && i > 1 && (isDigit(line[i-2]) || line[i-2] == '-')) {
				set |= hintText
			}
		case 4:
			if i >= 3 && hasAt(line, i-3, "took ") {
				set |= hintText
			}
		case 5:
			if i >= 2 && line[i-1] == '-' && line[i-2] == '-' {
				set |= hintText
			}
		case 6:
			if i >= 2 && hasAt(line, i-2, "ompil") {
				set |= hintCompile
			}
		case 7:
			if hasAt(line, i, "RECORDED") {
				set |= hintOther
			}
		case 8:
			if hasAt(line, i, "SLOW REQUEST") || hasAt(line, i, "StoreSize:") {
				set |= hintOther
			}
		case 9:
			if hasAt(line, i, "Metrics cleared") {
				set |= hintOther
			}
		case 10:
			if i >= 11 && hasAt(line, i-11, "started server") {
				set |= hintOther
			}
		}
	}
	if endsWithStatus(line) {
		set |= hintNext
	}
	if !p.objects {
		set &^= hintObject
	}
	if !p.text {
		set &^= hintText
	}
	if p.patterns && hasDigit(line) {
		set |= hintPattern
	}
	return set
}

// hasAt reports whether line holds needle at index i.
func hasAt(line []byte, i int, needle string) bool {
	return i+len(needle) <= len(line) && string(line[i:i+len(needle)]) == needle
}

// endsWithStatus reports whether line ends in " 503": a request line
// that lost its timing.
func endsWithStatus(line []byte) bool {
	n := len(line)
	return n >= 4 && line[n-4] == ' ' && isDigit(line[n-3]) && isDigit(line[n-2]) && isDigit(line[n-1])
}
