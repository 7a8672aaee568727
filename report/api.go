package report

import (
	"bufio"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/reqstats/reqstats/aggregate"
)

// WriteAPI writes the object the in-app GET /api/performance/metrics
// endpoint returns from getPerformanceSummary(), key for key and in the
// same string formats, so whatever read the endpoint can read reqstats:
//
//	{
//	  "totalRequests": 42,
//	  "slowRequests": 3,
//	  "slowRequestRate": "7.1%",
//	  "percentiles": { "p50": "145ms", "p95": "523ms", "p99": "891ms" },
//	  "topSlowRoutes": [ { "path": "/api/x", "count": 3, "totalDuration": 900,
//	    "avgDuration": 300, "minDuration": 100, "maxDuration": 500, "slowCount": 0 } ]
//	}
//
// Durations are milliseconds written as JavaScript writes numbers;
// avgDuration is rounded as Math.round rounds.
func WriteAPI(w io.Writer, s *aggregate.Summary, _ Options) error {
	bw := bufio.NewWriter(w)
	t := &s.Total
	bw.WriteString("{\n")
	bw.WriteString(`  "totalRequests": ` + strconv.Itoa(t.Count) + ",\n")
	bw.WriteString(`  "slowRequests": ` + strconv.Itoa(t.Slow) + ",\n")
	bw.WriteString(`  "slowRequestRate": "` + slowRate(t.Slow, t.Count) + "\",\n")
	bw.WriteString("  \"percentiles\": {\n")
	bw.WriteString(`    "p50": "` + Millis(t.P50) + "ms\",\n")
	bw.WriteString(`    "p95": "` + Millis(t.P95) + "ms\",\n")
	bw.WriteString(`    "p99": "` + Millis(t.P99) + "ms\"\n")
	bw.WriteString("  },\n")
	if len(s.Top) == 0 {
		bw.WriteString("  \"topSlowRoutes\": []\n}\n")
		return bw.Flush()
	}
	bw.WriteString("  \"topSlowRoutes\": [\n")
	for i, r := range s.Top {
		path, _ := json.Marshal(r.Route)
		bw.WriteString("    {\n")
		bw.WriteString(`      "path": `)
		bw.Write(safeJSON(path))
		bw.WriteString(",\n")
		bw.WriteString(`      "count": ` + strconv.Itoa(r.Count) + ",\n")
		bw.WriteString(`      "totalDuration": ` + Millis(r.Sum) + ",\n")
		bw.WriteString(`      "avgDuration": ` + strconv.FormatInt(mathRound(r.Sum, r.Count), 10) + ",\n")
		bw.WriteString(`      "minDuration": ` + Millis(r.Min) + ",\n")
		bw.WriteString(`      "maxDuration": ` + Millis(r.Max) + ",\n")
		bw.WriteString(`      "slowCount": ` + strconv.Itoa(r.Slow) + "\n")
		if i < len(s.Top)-1 {
			bw.WriteString("    },\n")
		} else {
			bw.WriteString("    }\n")
		}
	}
	bw.WriteString("  ]\n}\n")
	return bw.Flush()
}

// slowRate is the endpoint's `(slow / total * 100).toFixed(1) + "%"`, or
// "0%" when there are no requests.
func slowRate(slow, total int) string {
	if total == 0 {
		return "0%"
	}
	return toFixed1(float64(slow)/float64(total)*100) + "%"
}

// toFixed1 formats v, not negative, as JavaScript's v.toFixed(1) does: it
// rounds the exact binary value, and a value exactly halfway rounds up
// (Go's strconv rounds such a value to even).
func toFixed1(v float64) string {
	// The exact expansion of the double: no double lies within 1e-60 of a
	// halfway point without being on it, so 60 digits decide the rounding.
	exact := strconv.FormatFloat(v, 'f', 60, 64)
	dot := strings.IndexByte(exact, '.')
	n, _ := strconv.ParseInt(exact[:dot], 10, 64)
	tenths := n*10 + int64(exact[dot+1]-'0')
	if exact[dot+2] >= '5' { // past halfway, or exactly halfway: JavaScript rounds up
		tenths++
	}
	return strconv.FormatInt(tenths/10, 10) + "." + strconv.FormatInt(tenths%10, 10)
}

// mathRound is Math.round(sum / count) in milliseconds: halves round up.
func mathRound(sum time.Duration, count int) int64 {
	if count == 0 {
		return 0
	}
	// sum/count ms, rounded half up, in exact integer arithmetic.
	num := int64(sum)*2 + int64(count)*int64(time.Millisecond)
	den := int64(count) * 2 * int64(time.Millisecond)
	return num / den
}
