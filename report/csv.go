package report

import (
	"bufio"
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"

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
//
// Values are kept as read and quoted as RFC 4180 says, a newline
// included; only the characters that would act on the terminal the file
// is shown on (see Terminal), never in a real path, are written as
// visible escapes (csvValue).
func WriteCSV(w io.Writer, s *aggregate.Summary, opts Options) error {
	cw := csv.NewWriter(w)
	eachRow(s, func(row []string) error {
		for i, v := range row {
			row[i] = csvValue(v)
		}
		return cw.Write(row)
	})
	cw.Flush()
	return cw.Error()
}

// WriteTSV is WriteCSV with tabs between the fields, never quoted: a
// backslash in a value is written "\\", a tab "\t", a newline "\n" and a
// carriage return "\r" (the "linear TSV" of PostgreSQL's COPY), so that
// every line is a row and every tab a separator for cut, awk and
// `IFS=$'\t' read` (tsvValue).
func WriteTSV(w io.Writer, s *aggregate.Summary, opts Options) error {
	bw := bufio.NewWriter(w)
	err := eachRow(s, func(row []string) error {
		for i, v := range row {
			row[i] = tsvValue(v)
		}
		_, err := bw.WriteString(strings.Join(row, "\t") + "\n")
		return err
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// eachRow calls write with the header row, then with each route's row.
func eachRow(s *aggregate.Summary, write func([]string) error) error {
	if len(s.ByFile) == 0 {
		if err := write(slices.Clone(csvHeader)); err != nil {
			return err
		}
		for i := range s.Routes {
			if err := write(csvRow(&s.Routes[i])); err != nil {
				return err
			}
		}
		return nil
	}
	if err := write(append([]string{"file"}, csvHeader...)); err != nil {
		return err
	}
	for _, f := range append([]*aggregate.Summary{s}, s.ByFile...) {
		name := ""
		if f != s {
			name = fileName(f)
		}
		for i := range f.Routes {
			if err := write(append([]string{name}, csvRow(&f.Routes[i])...)); err != nil {
				return err
			}
		}
	}
	return nil
}

func csvRow(r *aggregate.Route) []string {
	j := statsJSON(&r.Stats)
	return []string{
		r.Method, r.Route, strconv.Itoa(r.Count), strconv.Itoa(r.Slow),
		strconv.FormatFloat(j.SlowRate, 'f', -1, 64), strconv.Itoa(r.Cold), strconv.Itoa(r.Errors),
		Millis(r.Min), Millis(r.Mean), Millis(r.P50), Millis(r.P95), Millis(r.P99), Millis(r.Max), Millis(r.Sum),
	}
}
