package parser

import (
	"bytes"
	"fmt"
	"time"
)

// Apps that keep request metrics in an in-memory store print lines such as
//
//	[middleware] ✓ METRIC RECORDED, new size: 13
//	[API route] 📈 GENERATING SUMMARY: { metricsStoreSize: 0, storeReference: [] }
//	[performance-logger] Metrics cleared from memory
//	[performance-logger] 🐌 SLOW REQUEST: { path: '/api/guest/chat', duration: '2345ms', threshold: '2000ms', method: 'POST' }
//
// Only the ASCII words are matched, so "âœ“" or "Γ£ô" in place of "✓"
// changes nothing.

var (
	metricRecorded = []byte("METRIC RECORDED")
	newSize        = []byte("new size:")
	storeSize      = []byte("metricsStoreSize:")
	metricsCleared = []byte("Metrics cleared")
	slowRequest    = []byte("SLOW REQUEST:")
)

// parseStore reads the store lines above, but SLOW REQUEST.
func parseStore(s, tag []byte, ev *Event) bool {
	switch {
	case bytes.Contains(s, metricRecorded):
		i := bytes.Index(s, newSize)
		if i < 0 {
			return false
		}
		n, ok := atoi(trimLeft(s[i+len(newSize):]))
		if !ok {
			return false
		}
		ev.Kind, ev.Store = KindStoreSize, Store{Tag: tagString(tag), Size: n}
		return true
	case bytes.Contains(s, storeSize):
		i := bytes.Index(s, storeSize)
		n, ok := atoi(trimLeft(s[i+len(storeSize):]))
		if !ok {
			return false
		}
		ev.Kind, ev.Store = KindStoreRead, Store{Tag: tagString(tag), Size: n}
		return true
	case bytes.HasPrefix(s, metricsCleared):
		ev.Kind, ev.Store = KindStoreClear, Store{Tag: tagString(tag)}
		return true
	}
	return false
}

// atoi reads the decimal number at the start of b.
func atoi(b []byte) (int, bool) {
	n, i := 0, 0
	for ; i < len(b) && isDigit(b[i]) && i < 12; i++ {
		n = n*10 + int(b[i]-'0')
	}
	return n, i > 0
}

// tagString returns tag as a string, without allocating for the usual tags.
func tagString(tag []byte) string {
	switch string(tag) {
	case "":
		return ""
	case "middleware":
		return "middleware"
	case "performance-logger":
		return "performance-logger"
	case "API route":
		return "API route"
	case "route":
		return "route"
	}
	return string(tag)
}

// slowObject returns the object literal after "SLOW REQUEST:", or ok false
// when the line is not the app's slow-request warning.
func slowObject(s []byte) (obj []byte, ok bool) {
	i := bytes.Index(s, slowRequest)
	if i < 0 {
		return nil, false
	}
	obj = trimLeft(s[i+len(slowRequest):])
	if len(obj) == 0 || obj[0] != '{' {
		return nil, false
	}
	return obj, true
}

// parseSlow reads the fields of a SLOW REQUEST object. complete is false
// when the object is not closed yet (Node spreads larger objects over
// several lines).
func parseSlow(obj []byte, sc *objectScanner, sl *Slow) (complete bool, err error) {
	*sl = Slow{}
	var bad []byte
	_, complete = sc.scan(obj, func(path []byte, kind valueKind, val []byte) bool {
		switch string(path) {
		case "path":
			sl.Path = string(val)
		case "method":
			sl.Method = methodOf(val)
		case "duration":
			if d, ok := objectDuration(kind, val); ok {
				sl.Duration = d
			} else {
				bad = val
			}
		case "threshold":
			sl.Threshold, _ = objectDuration(kind, val)
		}
		return true
	})
	if !complete {
		return false, nil
	}
	switch {
	case bad != nil:
		return true, &SyntaxError{Msg: fmt.Sprintf("SLOW REQUEST with bad duration %q", bad)}
	case sl.Path == "" || sl.Duration == 0:
		return true, &SyntaxError{Msg: "SLOW REQUEST without path or duration"}
	}
	return true, nil
}

// objectDuration reads a duration field: a string with its unit ('2345ms')
// or a bare number of milliseconds.
func objectDuration(kind valueKind, val []byte) (time.Duration, bool) {
	switch kind {
	case kindString:
		v, n, ok := scanDuration(val, true)
		return v, ok && n == len(val)
	case kindNumber:
		return millis(val)
	}
	return 0, false
}

// Apps also warn of slow requests in words, the request's method, path and
// time in the sentence, often with the threshold it broke:
//
//	[performance-logger] ⚠ SLOW REQUEST: GET /api/users/472 took 733ms (threshold 500ms) [route]
//	Slow request: GET /v1/streams/1 took 1250ms
//	🐌 SLOW REQUEST: GET /api/v1/sales took 5.23s (status: 200)
//	{"level":40,"msg":"slow request","method":"GET","url":"/x","responseTime":2301}
//
// Such a line times a request that the app's other lines, or Next's,
// time too: it is a warning, never a request of its own.

var (
	slowWords = []byte("slow request")
	snail     = []byte("🐌")
	threshold = []byte("threshold")
)

// slowWarning reports whether s (a line, or a JSON logger's message) warns
// of a slow request.
func slowWarning(s []byte) bool {
	if bytes.Contains(s, snail) {
		return true
	}
	for i := 0; i+len(slowWords) <= len(s); i++ {
		if s[i]|0x20 == 's' && bytes.EqualFold(s[i:i+len(slowWords)], slowWords) {
			return true
		}
	}
	return false
}

// toSlow turns the request ev was read as into the warning s makes of it,
// with the threshold s names, if any.
func toSlow(ev *Event, s []byte) {
	r := &ev.Request
	ev.Kind = KindSlow
	ev.Slow = Slow{Method: r.Method, Path: r.Path, Duration: r.Duration, Threshold: thresholdIn(s)}
}

// thresholdIn returns the duration after the word "threshold" in s
// ("(threshold 500ms)", "threshold: 500ms", "threshold=500"), or 0.
func thresholdIn(s []byte) time.Duration {
	i := bytes.Index(s, threshold)
	if i < 0 {
		return 0
	}
	b := s[i+len(threshold):]
	for len(b) > 0 && (b[0] == ' ' || b[0] == ':' || b[0] == '=' || b[0] == '"' || b[0] == '\'') {
		b = b[1:]
	}
	if d, _, ok := scanDuration(b, true); ok {
		return d
	}
	if d, ok := millis(digits(b)); ok {
		return d
	}
	return 0
}

// digits returns the run of digits and dots at the start of b.
func digits(b []byte) []byte {
	n := 0
	for n < len(b) && (isDigit(b[n]) || b[n] == '.') {
		n++
	}
	return b[:n]
}
