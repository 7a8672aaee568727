package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/reqstats/reqstats/aggregate"
)

// WriteMarkdown writes the Summary as GitHub-flavoured Markdown, for a
// pull-request comment or $GITHUB_STEP_SUMMARY: a summary line, the
// totals, the budgets and the comparison with a baseline when there are
// any, every route, and the slowest requests folded in a <details>
// block. Every string read from the log (routes, paths, methods, file
// names, messages) is a code span that it cannot close, with "|" escaped
// and its control characters made visible by Terminal, so that no path
// can break a table row or make an element.
func WriteMarkdown(w io.Writer, s *aggregate.Summary, opts Options) error {
	s = withStrings(s, Terminal)
	opts.Baseline = Terminal(opts.Baseline)
	m := &markdown{w: bufio.NewWriter(w)}
	m.head(s)
	m.budgets(s)
	m.comparison(s, opts)
	if s.Total.Count > 0 {
		m.totals(s)
		m.byFile(s)
		m.routes(s)
		m.slowest(s)
	} else {
		m.printf("\nNo requests found.\n")
	}
	m.input(s)
	return m.w.Flush()
}

type markdown struct {
	w *bufio.Writer
}

func (m *markdown) printf(format string, args ...any) { fmt.Fprintf(m.w, format, args...) }

// row writes one table row.
func (m *markdown) row(cells ...string) {
	m.printf("| %s |\n", strings.Join(cells, " | "))
}

// header writes a table's header and separator; align holds "l" or "r"
// per column.
func (m *markdown) header(align string, cells ...string) {
	m.row(cells...)
	seps := make([]string, len(cells))
	for i := range cells {
		seps[i] = "---"
		if i < len(align) && align[i] == 'r' {
			seps[i] = "---:"
		}
	}
	m.row(seps...)
}

// code formats s, free of line breaks (Terminal escapes them), as a code
// span that is safe in a table cell: GFM interprets nothing in a code
// span but the backticks that close it, so its fence is one backtick
// longer than the longest run in s, and "|", which ends a table cell even
// there, is escaped. A space pads s when it starts or ends with a
// backtick or with spaces at both ends, which GFM would strip.
func code(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ReplaceAll(s, "|", `\|`)
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if s[0] == '`' || s[len(s)-1] == '`' || (s[0] == ' ' && s[len(s)-1] == ' ') {
		s = " " + s + " "
	}
	return fence + s + fence
}

func (m *markdown) head(s *aggregate.Summary) {
	t := &s.Total
	parts := []string{plural(t.Count, "request")}
	if t.Count > 0 {
		parts = append(parts, "p95 "+Human(t.P95), fmt.Sprintf("%d slow (%s)", t.Slow, Percent(t.Slow, t.Count)))
		if t.Errors > 0 {
			parts = append(parts, fmt.Sprintf("%d 5xx", t.Errors))
		}
	}
	m.printf("### reqstats: %s\n\n", strings.Join(parts, " · "))

	in := &s.Input
	names := make([]string, 0, len(in.Files))
	for _, f := range in.Files {
		names = append(names, code(f.Name))
	}
	what := strings.Join(names, ", ")
	if len(names) > 3 {
		what = fmt.Sprintf("%d inputs", len(names))
	}
	line := []string{what, plural(in.Lines, "line")}
	if in.Malformed > 0 {
		line = append(line, fmt.Sprintf("%d malformed", in.Malformed))
	}
	if in.Excluded > 0 {
		line = append(line, fmt.Sprintf("%d excluded", in.Excluded))
	}
	if span, ok := timeSpan(s); ok {
		line = append(line, span)
	}
	m.printf("%s\n", strings.Join(line, " · "))
}

func (m *markdown) budgets(s *aggregate.Summary) {
	if len(s.Verdicts) == 0 {
		return
	}
	mark := "✅"
	if s.Breaches() > 0 {
		mark = "❌"
	}
	m.printf("\n**%s %s**\n\n", mark, budgetTally(s))
	m.header("lllrr", " ", "budget", "route", "actual", "requests")
	for i := range s.Verdicts {
		v := &s.Verdicts[i]
		status, actual := "✅ pass", value(v.Budget.Metric, v.Actual)
		switch v.Status {
		case aggregate.Breach:
			status = "❌ **breach**"
		case aggregate.NotEnoughData:
			status, actual = "⚪ not enough data", "–"
		}
		route := ""
		if v.Route != (aggregate.Key{}) {
			route = code(routeLabel(v.Route))
		}
		m.row(status, code(v.Budget.Expr), route, actual, group(v.Samples))
	}
	if s.MinSamples > 0 {
		m.printf("\nPercentiles, means and rates need %s to be judged.\n", plural(s.MinSamples, "request"))
	}
}

func (m *markdown) totals(s *aggregate.Summary) {
	m.printf("\n")
	m.header("lrrrrrrr", " ", "requests", "slow >"+Human(s.Slow), "p50", "p95", "p99", "max", "mean")
	row := func(label string, st *aggregate.Stats) {
		m.row(label, group(st.Count), fmt.Sprintf("%d (%s)", st.Slow, Percent(st.Slow, st.Count)),
			Human(st.P50), Human(st.P95), Human(st.P99), Human(st.Max), Human(st.Mean))
	}
	row("**all**", &s.Total)
	if s.Total.Cold > 0 && s.Warm.Count > 0 {
		row("**warm**", &s.Warm)
	}
	st := &s.Total
	var classes []string
	for c := 1; c <= 5; c++ {
		if st.Status[c] > 0 {
			classes = append(classes, fmt.Sprintf("%dxx %s", c, group(st.Status[c])))
		}
	}
	if st.Status[0] > 0 {
		classes = append(classes, "none "+group(st.Status[0]))
	}
	m.printf("\nStatus %s", strings.Join(classes, " · "))
	if st.Cold > 0 {
		m.printf(" · %d cold (waited for a compile; left out of warm)", st.Cold)
	}
	m.printf(" · percentiles %s · min %s\n", methodNote(s.Method), Human(st.Min))
}

func (m *markdown) routes(s *aggregate.Summary) {
	m.printf("\n#### Routes\n\n")
	m.header("lrrrrrrrr", "route", "count", "p50", "p95", "p99", "max", "mean", "slow", "5xx")
	for _, r := range s.Routes {
		m.row(code(routeLabel(r.Key)), group(r.Count), Human(r.P50), Human(r.P95), Human(r.P99),
			Human(r.Max), Human(r.Mean), Percent(r.Slow, r.Count), strconv.Itoa(r.Errors))
	}
}

func (m *markdown) slowest(s *aggregate.Summary) {
	m.printf("\n<details>\n<summary>Slowest requests (%d)</summary>\n\n", len(s.Slowest))
	m.header("rllrl", "duration", "method", "path", "status", "where")
	for _, r := range s.Slowest {
		status := ""
		if r.Status > 0 {
			status = strconv.Itoa(r.Status)
		}
		m.row(Human(r.Duration), code(r.Method), code(r.Path), status, code(fmt.Sprintf("%s:%d", r.File, r.Line)))
	}
	m.printf("\n</details>\n")
}

func (m *markdown) input(s *aggregate.Summary) {
	in := &s.Input
	var notes []string
	if in.Malformed > 0 {
		for _, e := range in.MalformedLines {
			notes = append(notes, "malformed: "+code(e.Error()))
		}
		if more := in.Malformed - len(in.MalformedLines); more > 0 {
			notes = append(notes, fmt.Sprintf("… and %d more malformed lines", more))
		}
	}
	for _, f := range in.Files {
		if f.Err != "" {
			notes = append(notes, "unreadable: "+code(f.Name+": "+f.Err))
		}
	}
	if len(notes) == 0 {
		return
	}
	m.printf("\n")
	for _, n := range notes {
		m.printf("- %s\n", n)
	}
}
