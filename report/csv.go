package report

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/reqstats/reqstats/aggregate"
)

// csvHeader names the columns of WriteCSV and WriteTSV. Durations are
// milliseconds, rates percentages, both plain numbers.
var csvHeader = []string{
	"method", "route", "count", "slow", "slow_pct", "cold", "errors_5xx",
	"min_ms", "mean_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms", "sum_ms",
}

// WriteCSV writes one comma-separated row per route, busiest first, after
// a header row (see csvHeader): a spreadsheet's or a script's view of
// Summary.Routes. Durations are exact numbers of milliseconds. With
// Summary.ByFile, a first column names the file, empty for the rows of
// all files merged, which come first.
func WriteCSV(w io.Writer, s *aggregate.Summary, opts Options) error {
	return writeDelimited(w, s, ',')
}

// WriteTSV is WriteCSV with tabs between the fields.
func WriteTSV(w io.Writer, s *aggregate.Summary, opts Options) error {
	return writeDelimited(w, s, '\t')
}

func writeDelimited(w io.Writer, s *aggregate.Summary, comma rune) error {
	cw := csv.NewWriter(w)
	cw.Comma = comma
	if len(s.ByFile) == 0 {
		cw.Write(csvHeader)
		for i := range s.Routes {
			cw.Write(csvRow(&s.Routes[i]))
		}
	} else {
		cw.Write(append([]string{"file"}, csvHeader...))
		for _, f := range append([]*aggregate.Summary{s}, s.ByFile...) {
			name := ""
			if f != s {
				name = fileName(f)
			}
			for i := range f.Routes {
				cw.Write(append([]string{name}, csvRow(&f.Routes[i])...))
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvRow(r *aggregate.Route) []string {
	j := statsJSON(&r.Stats)
	return []string{
		r.Method, r.Route, strconv.Itoa(r.Count), strconv.Itoa(r.Slow),
		strconv.FormatFloat(j.SlowRate, 'f', -1, 64), strconv.Itoa(r.Cold), strconv.Itoa(r.Errors),
		Millis(r.Min), Millis(r.Mean), Millis(r.P50), Millis(r.P95), Millis(r.P99), Millis(r.Max), Millis(r.Sum),
	}
}
