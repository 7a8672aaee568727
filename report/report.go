// Package report renders an aggregate.Summary: a table for people, the
// in-app endpoint's JSON object, and a complete JSON document for
// machines. It computes nothing: every number comes from the Summary, and
// only its presentation (units, rounding, layout) is decided here.
//
// Machine formats print durations as numbers of milliseconds, exact to
// the nanosecond; human formats scale them ("850µs", "145ms", "2.35s").
// The same Summary always gives the same bytes.
package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/reqstats/reqstats/aggregate"
)

// Options configures how a Summary is written.
type Options struct {
	Color bool // ANSI colour and bold, for a terminal
	Width int  // terminal width for the table; default 80
	// Version is reqstats' own version, written into JSON output.
	Version string
	// Baseline names the file Summary.Comparison came from.
	Baseline string
	// Timeline holds the points the html format draws; nil draws none.
	Timeline *Timeline
}

// WriteFunc writes a Summary in one format.
type WriteFunc func(w io.Writer, s *aggregate.Summary, opts Options) error

// Format is one output format, chosen once from its name: how a Summary
// is written, and what a caller must do around it.
type Format struct {
	Name  string
	Write WriteFunc
	// Streams is set for a format written request by request, with
	// WriteRecord, as the log is read; Write then writes nothing.
	Streams bool
	// ShowsBudgets is set when the output lists the budgets' verdicts;
	// for the other formats, callers tell of them elsewhere.
	ShowsBudgets bool
	// JSON is set for a format that writes one JSON document.
	JSON bool
}

// formats are the formats, sorted by name.
var formats = []Format{
	{Name: "api", Write: WriteAPI, JSON: true},
	{Name: "csv", Write: WriteCSV},
	{Name: "html", Write: WriteHTML, ShowsBudgets: true},
	{Name: "json", Write: WriteJSON, ShowsBudgets: true, JSON: true},
	{Name: "junit", Write: WriteJUnit, ShowsBudgets: true},
	{Name: "markdown", Write: WriteMarkdown, ShowsBudgets: true},
	{Name: "ndjson", Write: writeStreamed, Streams: true},
	{Name: "table", Write: WriteTable, ShowsBudgets: true},
	{Name: "tsv", Write: WriteTSV},
}

// Formats returns the names of the formats, sorted.
func Formats() []string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = f.Name
	}
	return names
}

// FormatFor returns the format named name, in any case; "md" names
// markdown.
func FormatFor(name string) (Format, error) {
	want := strings.ToLower(name)
	if want == "md" {
		want = "markdown"
	}
	for _, f := range formats {
		if f.Name == want {
			return f, nil
		}
	}
	return Format{}, fmt.Errorf("unknown format %q (want %s)", name, strings.Join(Formats(), ", "))
}

// Millis formats d as an exact decimal number of milliseconds, the way
// JavaScript prints a number: 145, 1.835, 0.85, 4100.
func Millis(d time.Duration) string {
	neg := d < 0
	if neg {
		d = -d
	}
	whole := int64(d / time.Millisecond)
	frac := int64(d % time.Millisecond)
	s := strconv.FormatInt(whole, 10)
	if frac != 0 {
		f := fmt.Sprintf("%06d", frac)
		s += "." + strings.TrimRight(f, "0")
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Human formats d with three significant digits in the largest unit that
// keeps it at least 1: "850µs", "1.84ms", "145ms", "2.35s", "2m12s",
// "3h05m", "27d10h"; always with a unit, "0ms" too.
func Human(d time.Duration) string {
	switch {
	case d == 0:
		return "0ms"
	case d < time.Microsecond:
		return strconv.FormatInt(int64(d), 10) + "ns"
	case d < time.Millisecond:
		return sig3(float64(d)/1e3) + "µs"
	case d < time.Second:
		return sig3(float64(d)/1e6) + "ms"
	case d < time.Minute:
		return sig3(float64(d)/1e9) + "s"
	}
	switch {
	case d >= 48*time.Hour:
		d = d.Round(time.Hour)
		return fmt.Sprintf("%dd%02dh", d/(24*time.Hour), d%(24*time.Hour)/time.Hour)
	case d >= time.Hour:
		d = d.Round(time.Minute)
		return fmt.Sprintf("%dh%02dm", d/time.Hour, d%time.Hour/time.Minute)
	}
	d = d.Round(time.Second)
	m, s := d/time.Minute, (d%time.Minute)/time.Second
	if s == 0 {
		return fmt.Sprintf("%dm", m)
	}
	return fmt.Sprintf("%dm%02ds", m, s)
}

// sig3 formats v, at least 1, with three significant digits and no
// trailing zeros: 1.84, 12.3, 145, 1000.
func sig3(v float64) string {
	var s string
	switch {
	case v < 10:
		s = strconv.FormatFloat(v, 'f', 2, 64)
	case v < 100:
		s = strconv.FormatFloat(v, 'f', 1, 64)
	default:
		s = strconv.FormatFloat(v, 'f', 0, 64)
	}
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// timeSpan describes when the requests were made, when the log carries
// timestamps: "2026-08-18 15:58:38Z → 16:01:12Z (2m34s, 0.14 req/s)".
func timeSpan(s *aggregate.Summary) (string, bool) {
	if s.First.IsZero() {
		return "", false
	}
	first, last := s.First.UTC(), s.Last.UTC()
	layout := "15:04:05Z"
	if first.YearDay() != last.YearDay() || first.Year() != last.Year() {
		layout = "2006-01-02 15:04:05Z"
	}
	span := last.Sub(first)
	out := first.Format("2006-01-02 15:04:05Z") + " → " + last.Format(layout)
	if span > 0 {
		out += fmt.Sprintf(" (%s, %s req/s)", Human(span), strconv.FormatFloat(round3(s.Rate), 'f', -1, 64))
	}
	return out, true
}

// Percent formats part/whole as a percentage with one decimal, "3.4%".
func Percent(part, whole int) string {
	if whole == 0 {
		return "0%"
	}
	return strconv.FormatFloat(float64(part)*100/float64(whole), 'f', 1, 64) + "%"
}
