package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/rivo/uniseg"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/parser"
)

// WriteTable writes the Summary for people: the totals, the slowest
// routes, the busiest routes as bars, the slowest requests, and what the
// dev log says beyond requests. It fits opts.Width columns (80 by
// default) and uses colour only when opts.Color is set.
func WriteTable(w io.Writer, s *aggregate.Summary, opts Options) error {
	s = withStrings(s, Terminal)
	opts.Baseline = Terminal(opts.Baseline)
	t := &table{w: bufio.NewWriter(w), color: opts.Color, width: opts.Width}
	if t.width <= 0 {
		t.width = 80
	}
	t.width = max(t.width, 72) // the totals need 70 columns
	t.header(s, opts)
	t.totals(s)
	t.byFile(s)
	if s.Total.Count > 0 {
		t.topRoutes(s)
		t.volume(s)
		t.slowest(s)
	}
	t.others(s)
	t.dev(s)
	t.comparison(s, opts)
	t.budgets(s)
	return t.w.Flush()
}

type table struct {
	w     *bufio.Writer
	color bool
	width int
	noted bool // the "*" of a p95 of few requests was explained
}

const (
	sgrBold  = "\x1b[1m"
	sgrDim   = "\x1b[2m"
	sgrRed   = "\x1b[31m"
	sgrReset = "\x1b[0m"
)

func (t *table) paint(sgr, s string) string {
	if !t.color || s == "" {
		return s
	}
	return sgr + s + sgrReset
}

func (t *table) printf(format string, args ...any) { fmt.Fprintf(t.w, format, args...) }

func (t *table) title(s string) { t.printf("\n%s\n", t.paint(sgrBold, s)) }

func (t *table) header(s *aggregate.Summary, opts Options) {
	in := &s.Input
	names := make([]string, 0, len(in.Files))
	for _, f := range in.Files {
		names = append(names, f.Name)
	}
	what := strings.Join(names, ", ")
	if len(names) > 3 {
		what = fmt.Sprintf("%d inputs", len(names))
	}
	parts := []string{what, plural(in.Lines, "line"), plural(s.Total.Count, "request")}
	if s.Source != "" {
		parts[2] += " (" + s.Source + ")"
	}
	switch {
	case s.LastN > 0 && s.Window > 0:
		parts[2] += fmt.Sprintf(" in the last %s, at most %s", s.Window, group(s.LastN))
	case s.LastN > 0:
		parts[2] += " of the last " + group(s.LastN)
	case s.Window > 0:
		parts[2] += " in the last " + s.Window.String()
	}
	if in.Malformed > 0 {
		parts = append(parts, t.paint(sgrRed, fmt.Sprintf("%d malformed", in.Malformed)))
	}
	if in.Excluded > 0 {
		parts = append(parts, fmt.Sprintf("%d excluded", in.Excluded))
	}
	t.printf("%s\n", t.paint(sgrBold, "reqstats")+" · "+strings.Join(parts, " · "))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return group(n) + " " + word + "s"
}

// group writes n with thousands separators: 12,345.
func group(n int) string {
	s := strconv.Itoa(n)
	if n < 0 || len(s) <= 3 {
		return s
	}
	var b strings.Builder
	lead := len(s) % 3
	if lead > 0 {
		b.WriteString(s[:lead])
	}
	for i := lead; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

func (t *table) totals(s *aggregate.Summary) {
	t.printf("\n")
	if s.Total.Count == 0 {
		t.printf("No requests found.\n")
		return
	}
	row := func(label string, st *aggregate.Stats, slow bool) {
		slowCol := ""
		if slow {
			slowCol = fmt.Sprintf("%d (%s)", st.Slow, Percent(st.Slow, st.Count))
			if st.Slow > 0 {
				slowCol = t.paint(sgrRed, slowCol)
			}
		}
		t.printf("%-6s %8s  %s %7s %s %7s %7s %7s\n", label, group(st.Count), padRight(slowCol, 13),
			Human(st.P50), t.p95(s, st), Human(st.P99), Human(st.Max), Human(st.Mean))
	}
	t.printf("%s\n", t.paint(sgrDim, fmt.Sprintf("%-6s %8s  %-13s %7s %s %7s %7s %7s", "", "requests", "slow >"+Human(s.Slow), "p50", p95Head(s), "p99", "max", "mean")))
	row("all", &s.Total, true)
	if s.Total.Cold > 0 && s.Warm.Count > 0 {
		row("warm", &s.Warm, true)
		t.printf("%-6s %8s  %s\n", "cold", group(s.Total.Cold), t.paint(sgrDim, "waited for a compile; left out of warm"))
	}
	st := &s.Total
	var classes []string
	for c := 1; c <= 5; c++ {
		if st.Status[c] > 0 {
			label := fmt.Sprintf("%dxx %s", c, group(st.Status[c]))
			if c == 5 {
				label = t.paint(sgrRed, label)
			}
			classes = append(classes, label)
		}
	}
	if st.Status[0] > 0 {
		classes = append(classes, "none "+group(st.Status[0]))
	}
	t.printf("%-6s %s\n", "status", strings.Join(classes, " · "))
	if span, ok := timeSpan(s); ok {
		t.printf("%-6s %s\n", "time", span)
	}
	note := fmt.Sprintf("percentiles: %s · min %s", methodNote(s.Method), Human(st.Min))
	if s.Resolution > 1 {
		note += " · durations kept to " + Human(s.Resolution) + " (too many distinct ones to keep each)"
	}
	if s.AppRoutes > 0 {
		note += fmt.Sprintf(" · %s from the app", plural(s.AppRoutes, "route"))
	}
	t.printf("%s\n", t.paint(sgrDim, note))
	t.smallNote(s, &s.Total, &s.Warm)
}

func methodNote(m aggregate.Method) string {
	switch m {
	case aggregate.NearestRank:
		return "nearest rank, x[ceil(n·p)-1]"
	case aggregate.Linear:
		return "linear interpolation (type 7)"
	}
	return "as the in-app endpoint, x[floor(n·p)]"
}

// visibleLen is the width of s on a terminal, in cells, less its colour
// escapes: a wide character (CJK, most emoji) takes two cells, a
// combining mark none (see width).
func visibleLen(s string) int {
	n := 0
	for s != "" {
		i := strings.IndexByte(s, 0x1b)
		if i < 0 {
			return n + width(s)
		}
		n += width(s[:i])
		j := strings.IndexByte(s[i:], 'm')
		if j < 0 {
			return n
		}
		s = s[i+j+1:]
	}
	return n
}

// width is the number of cells s takes on a terminal, as the terminal
// draws it: measured by grapheme cluster with github.com/rivo/uniseg, so
// that "日本" is 4, "é" written with a combining accent 1, and an emoji
// sequence joined by ZWJ 2.
func width(s string) int { return uniseg.StringWidth(s) }

// Fit cuts s to n columns, marking the cut with "…".
func Fit(s string, n int) string { return fit(s, n) }

// FitLine cuts a line of the table, which may hold its colour escapes,
// to n cells, marking the cut with "…"; it gives "" for n < 1.
func FitLine(s string, n int) string {
	if visibleLen(s) <= n {
		return s
	}
	if n < 1 {
		return ""
	}
	var b strings.Builder
	w, painted := 0, false
	for s != "" {
		if s[0] == 0x1b {
			j := strings.IndexByte(s, 'm')
			if j < 0 {
				break
			}
			b.WriteString(s[:j+1])
			painted = s[:j+1] != sgrReset
			s = s[j+1:]
			continue
		}
		cluster, rest, cw, _ := uniseg.FirstGraphemeClusterInString(s, -1)
		if w+cw > n-1 {
			break
		}
		b.WriteString(cluster)
		w += cw
		s = rest
	}
	b.WriteString("…")
	if painted {
		b.WriteString(sgrReset)
	}
	return b.String()
}

// Thousands writes n with thousands separators: 12,345.
func Thousands(n int) string { return group(n) }

// fit cuts s to n cells, marking the cut with "…"; it never splits a
// character, and gives "" for n < 1.
func fit(s string, n int) string {
	if n < 1 {
		return ""
	}
	if width(s) <= n {
		return s
	}
	cut, w := 0, 0
	state := -1
	for rest := s; rest != ""; {
		cluster, next, cw, st := uniseg.FirstGraphemeClusterInString(rest, state)
		if w+cw > n-1 {
			break
		}
		w += cw
		cut += len(cluster)
		rest, state = next, st
	}
	return s[:cut] + "…"
}

// routeLabel is "GET /x", or "/x" when routes are not split by method.
func routeLabel(k aggregate.Key) string {
	if k.Method == "" {
		return k.Route
	}
	return k.Method + " " + k.Route
}

// orderTitle names the list of routes ranked by o.
func orderTitle(o aggregate.Order) string {
	switch o {
	case aggregate.OrderCount:
		return "Busiest routes (by count)"
	case aggregate.OrderSlow:
		return "Routes with the most slow requests"
	case aggregate.OrderErrors:
		return "Routes with the most 5xx responses"
	case aggregate.OrderP95, aggregate.OrderP99, aggregate.OrderMax:
		return "Slowest routes (by " + o.String() + ")"
	}
	return "Slowest routes (by mean)"
}

// padRight pads s with spaces to n cells; padLeft puts them first.
func padRight(s string, n int) string { return s + strings.Repeat(" ", max(0, n-visibleLen(s))) }
func padLeft(s string, n int) string  { return strings.Repeat(" ", max(0, n-visibleLen(s))) + s }

// small reports whether st counts too few requests for its p95 to be
// read as a percentile: fewer than Summary.MinSamples.
func small(s *aggregate.Summary, st *aggregate.Stats) bool {
	return st.Count > 0 && st.Count < s.MinSamples
}

// p95 is the p95 cell: the duration in 7 columns, then, when routes
// can have too few requests (Summary.MinSamples is set), "*" and the cell
// dimmed for those that do (see small and smallNote), else a space.
func (t *table) p95(s *aggregate.Summary, st *aggregate.Stats) string {
	v := padLeft(Human(st.P95), 7)
	switch {
	case small(s, st):
		return t.paint(sgrDim, v+"*")
	case s.MinSamples > 0:
		return v + " "
	}
	return v
}

// p95Head is the p95 column's header, as wide as its cells.
func p95Head(s *aggregate.Summary) string {
	if s.MinSamples > 0 {
		return "    p95 "
	}
	return "    p95"
}

// smallNote explains the "*" of p95 under the first rows that have one.
func (t *table) smallNote(s *aggregate.Summary, rows ...*aggregate.Stats) {
	for _, st := range rows {
		if small(s, st) && !t.noted {
			t.noted = true
			t.printf("%s\n", t.paint(sgrDim, wrap(fmt.Sprintf("* fewer than %d requests (--min-samples): the p95 of so few is at or near the slowest of them, so it can exceed the p95 of all", s.MinSamples), t.width, 2)))
			return
		}
	}
}

func (t *table) topRoutes(s *aggregate.Summary) {
	t.title(orderTitle(s.Order))
	// The column of the order, when the others do not show it.
	extra, extraCell := "", func(*aggregate.Route) string { return "" }
	switch s.Order {
	case aggregate.OrderP99:
		extra, extraCell = "p99", func(r *aggregate.Route) string { return Human(r.P99) }
	case aggregate.OrderErrors:
		extra, extraCell = "5xx", func(r *aggregate.Route) string { return group(r.Errors) }
	}
	// count mean p95* max slow, with a space before each: 6+7+8+7+6 + 5.
	fixed := 39
	if extra != "" {
		fixed += 8
	}
	nameW := width("route")
	for _, r := range s.Top {
		nameW = max(nameW, width(routeLabel(r.Key)))
	}
	nameW = min(nameW, t.width-fixed)
	head := padRight("route", nameW) + fmt.Sprintf(" %6s %7s %s %7s %6s", "count", "mean", p95Head(s), "max", "slow")
	if extra != "" {
		head += fmt.Sprintf(" %7s", extra)
	}
	t.printf("%s\n", t.paint(sgrDim, head))
	var rows []*aggregate.Stats
	for i := range s.Top {
		r := &s.Top[i]
		rows = append(rows, &r.Stats)
		slow := padLeft(Percent(r.Slow, r.Count), 6)
		if r.Slow > 0 {
			slow = t.paint(sgrRed, slow)
		}
		line := padRight(fit(routeLabel(r.Key), nameW), nameW) + fmt.Sprintf(" %6s %7s %s %7s %s",
			group(r.Count), Human(r.Mean), t.p95(s, &r.Stats), Human(r.Max), slow)
		if extra != "" {
			line += fmt.Sprintf(" %7s", extraCell(r))
		}
		t.printf("%s\n", line)
	}
	if n := len(s.Routes) - len(s.Top); n > 0 {
		t.printf("%s\n", t.paint(sgrDim, fmt.Sprintf("… and %s (-o json lists every route)", plural(n, "more route"))))
	}
	t.smallNote(s, rows...)
}

// minBar and maxBar bound the room for the bars of the busiest routes,
// in cells: the names take the rest, as much as they need.
const minBar, maxBar = 20, 50

func (t *table) volume(s *aggregate.Summary) {
	t.title("Busiest routes")
	n := min(len(s.Routes), max(len(s.Top), 10)) // --top more, if asked
	nameW := 0
	for _, r := range s.Routes[:n] {
		nameW = max(nameW, width(routeLabel(r.Key)))
	}
	countW := len(group(s.Routes[0].Count))
	nameW = min(nameW, t.width-countW-3-minBar)
	barW := min(t.width-nameW-countW-3, maxBar)
	top := s.Routes[0].Count
	for _, r := range s.Routes[:n] {
		bar := max(1, r.Count*barW/top)
		t.printf("%s %s %*s\n", padRight(fit(routeLabel(r.Key), nameW), nameW), strings.Repeat("█", bar)+strings.Repeat(" ", barW-bar), countW, group(r.Count))
	}
}

// where names the line a request was read from as shortly as it can be
// told apart: ":65" with one input, "server.log:65" when the inputs'
// base names differ, the name as given otherwise.
func where(s *aggregate.Summary, r *parser.Record) string {
	if len(s.Input.Files) == 1 && s.Input.Files[0].Name == r.File {
		return ":" + strconv.Itoa(r.Line)
	}
	seen := map[string]bool{}
	for _, f := range s.Input.Files {
		b := baseName(f.Name)
		if seen[b] {
			return r.File + ":" + strconv.Itoa(r.Line)
		}
		seen[b] = true
	}
	return baseName(r.File) + ":" + strconv.Itoa(r.Line)
}

// baseName is the last element of a path, with / or \ between them.
func baseName(name string) string {
	return name[strings.LastIndexAny(name, `/\`)+1:]
}

func (t *table) slowest(s *aggregate.Summary) {
	t.title("Slowest requests")
	methodW, pathW, whereW := 0, 0, 0
	for i := range s.Slowest {
		r := &s.Slowest[i]
		methodW = max(methodW, width(r.Method))
		pathW = max(pathW, width(r.Path))
		whereW = max(whereW, width(where(s, r)))
	}
	methodW = min(methodW, 7)
	// duration, method, path, status, file:line, with a space between each.
	pathW = max(min(pathW, t.width-7-methodW-3-whereW-4), 12)
	for i := range s.Slowest {
		r := &s.Slowest[i]
		status := "  –"
		if r.Status > 0 {
			status = strconv.Itoa(r.Status)
		}
		t.printf("%7s %s %s %s %s\n", Human(r.Duration), padRight(fit(r.Method, methodW), methodW),
			padRight(fit(r.Path, pathW), pathW), status, t.paint(sgrDim, where(s, r)))
	}
}

// others summarises the sources not counted: the app's own lines for
// requests Next also printed, most often.
func (t *table) others(s *aggregate.Summary) {
	if len(s.Others) == 0 {
		return
	}
	t.title("Other sources (not counted above)")
	w := 8
	for _, o := range s.Others {
		w = max(w, len(o.Source))
	}
	t.printf("%s\n", t.paint(sgrDim, fmt.Sprintf("%-*s %8s %7s %7s %7s %7s %7s", w, "source", "requests", "routes", "p50", "p95", "max", "mean")))
	for _, o := range s.Others {
		t.printf("%-*s %8s %7s %7s %7s %7s %7s\n", w, o.Source, group(o.Count), group(o.Routes), Human(o.P50), Human(o.P95), Human(o.Max), Human(o.Mean))
	}
	if s.SourceWhy != "" {
		t.printf("%s\n", t.paint(sgrDim, wrap("counted: "+s.Source+", "+s.SourceWhy, t.width, 2)))
	}
	if u := s.Unmatched; u != nil {
		var routes []string
		for i, r := range u.Routes {
			if i == 3 {
				routes = append(routes, fmt.Sprintf("%d more routes", len(u.Routes)-3))
				break
			}
			routes = append(routes, fmt.Sprintf("%s %s %s", r.Method, r.Route, statusTally(r.Status, r.Count)))
		}
		have := "have"
		if u.Count == 1 {
			have = "has"
		}
		t.printf("%s\n", wrap(fmt.Sprintf("not in %s: %s logged by %s %s no line of %s on the same route (%s): most likely answered before it, by the middleware (a redirect, a 403), or logged by the app alone; no end-to-end time, left out above",
			s.Source, plural(u.Count, "request"), u.Source, have, s.Source, strings.Join(routes, ", ")), t.width, 2))
	}
	t.printf("%s\n", t.paint(sgrDim, "one request may be logged by several sources; --source NAME counts one, --source all merges them"))
}

func (t *table) dev(s *aggregate.Summary) {
	d := &s.Dev
	in := &s.Input
	var lines []string
	if d.Compiles > 0 || d.Starts > 0 {
		l := fmt.Sprintf("compiles     %s (Compiling and Compiled lines) · server starts %s", group(d.Compiles), group(d.Starts))
		if d.Starts > 1 {
			l += fmt.Sprintf(" (%s)", plural(d.Starts-1, "restart"))
		}
		lines = append(lines, l)
	}
	if d.Starts > 0 && !hasNextRequests(s) {
		l := "requests     a Next server started, but the log holds none of Next's request lines: next start prints none, nor does next dev in Next 13.5 (14.2 and later do)"
		if in.Requests == 0 {
			l += ". To time requests there, log them from the app (a JSON or text logger) or read your own lines with --pattern"
		}
		lines = append(lines, l)
	}
	for _, st := range d.Store {
		lines = append(lines, "store        "+storeSentence(st, s.Total.Count))
	}
	if d.AppSlow > 0 {
		l := fmt.Sprintf("app slow     the app warned of %s", plural(d.AppSlow, "slow request"))
		if d.AppSlowThreshold > 0 {
			l += " (over " + Human(d.AppSlowThreshold) + ")"
			switch {
			case s.SlowFromApp:
				l += "; slow above is judged by that threshold (--slow sets another)"
			case d.AppSlowThreshold != s.Slow:
				l += fmt.Sprintf("; slow above is over %s: --slow %s judges as the app does", Human(s.Slow), Human(d.AppSlowThreshold))
			}
		}
		lines = append(lines, l)
	}
	if in.Excluded > 0 {
		var by []string
		for _, e := range in.ExcludedBy {
			by = append(by, fmt.Sprintf("%s %s", e.Pattern, group(e.Count)))
		}
		lines = append(lines, fmt.Sprintf("excluded     %s: %s", plural(in.Excluded, "request"), strings.Join(by, ", ")))
	}
	if s.Capped > 0 {
		lines = append(lines, fmt.Sprintf("routes       capped at %s (--max-routes): %s of new routes counted as %s",
			group(s.MaxRoutes), plural(s.Capped, "request"), aggregate.OtherRoute))
	}
	if in.Malformed > 0 {
		lines = append(lines, t.paint(sgrRed, fmt.Sprintf("malformed    %s could not be read:", plural(in.Malformed, "request line"))))
		for _, m := range in.MalformedLines {
			lines = append(lines, "  "+fit(m.Error(), t.width-2))
		}
		if more := in.Malformed - len(in.MalformedLines); more > 0 {
			lines = append(lines, fmt.Sprintf("  … and %d more", more))
		}
	}
	for _, f := range in.Files {
		if f.Err != "" {
			lines = append(lines, t.paint(sgrRed, "unreadable   "+f.Name+": "+f.Err))
		}
	}
	if len(lines) == 0 {
		return
	}
	t.title("Dev log")
	for _, l := range lines {
		t.printf("%s\n", wrap(l, t.width, 13))
	}
}

// wrap breaks s at spaces so that no line is wider than width, indenting
// the lines after the first by indent columns.
func wrap(s string, width, indent int) string {
	if visibleLen(s) <= width {
		return s
	}
	var b strings.Builder
	col := 0
	for i, word := range strings.Split(s, " ") {
		n := visibleLen(word)
		if i > 0 {
			if col+1+n > width && col > indent {
				b.WriteString("\n" + strings.Repeat(" ", indent))
				col = indent
			} else {
				b.WriteByte(' ')
				col++
			}
		}
		b.WriteString(word)
		col += n
	}
	return b.String()
}

// storeSentence explains in one sentence what a tag said about the app's
// in-memory metrics store.
func storeSentence(st aggregate.StoreTag, requests int) string {
	tag := "[" + st.Tag + "]"
	if st.Tag == "" {
		tag = "(untagged)"
	}
	var parts []string
	if st.Records > 0 {
		parts = append(parts, fmt.Sprintf("%s %s, largest size %d, last %d", tag, plural(st.Records, "METRIC RECORDED line"), st.Max, st.Last))
		if st.AtOnce > 1 {
			parts = append(parts, fmt.Sprintf("%s wrote, up to %d at once (their sizes interleave: separate module instances, such as the middleware's and a route's)", plural(st.Stores, "store"), st.AtOnce))
		}
		if st.Resets > 0 {
			parts = append(parts, fmt.Sprintf("%s started empty after another had stopped (a new module instance: hot reload or a restart)", plural(st.Resets, "store")))
		}
		if st.Stores > 1 && st.Max < requests {
			parts = append(parts, fmt.Sprintf("none held more than %d entries, so an endpoint reading one of these stores saw at most %d of the %d requests here", st.Max, st.Max, requests))
		}
	}
	if st.Reads > 0 {
		read := fmt.Sprintf("summed up the store %s, last seeing %d entries", plural(st.Reads, "time"), st.LastRead)
		if st.Records == 0 {
			read = tag + " " + read
		}
		if st.LastRead < requests {
			read += fmt.Sprintf(" while the log holds %d requests", requests)
		}
		parts = append(parts, read)
	}
	if st.Clears > 0 {
		parts = append(parts, "cleared "+plural(st.Clears, "time"))
	}
	return strings.Join(parts, "; ")
}

func (t *table) budgets(s *aggregate.Summary) {
	if len(s.Verdicts) == 0 {
		return
	}
	t.title("Budgets")
	nameW := 0
	for i := range s.Verdicts {
		nameW = max(nameW, width(budgetName(&s.Verdicts[i])))
	}
	nameW = min(nameW, t.width-32) // the verdict text takes up to 23 columns
	for i := range s.Verdicts {
		v := &s.Verdicts[i]
		status := "pass   "
		switch v.Status {
		case aggregate.Breach:
			status = t.paint(sgrRed, "BREACH ")
		case aggregate.NotEnoughData:
			status = t.paint(sgrDim, "no data")
		}
		t.printf("%s %s %s\n", status, padRight(fit(budgetName(v), nameW), nameW), verdictText(v, s.MinSamples))
	}
	line := budgetTally(s)
	if s.Breaches() > 0 {
		line = t.paint(sgrRed, line)
	}
	t.printf("%s\n", line)
}

// Recent is one of a route's latest requests, for WriteRoute.
type Recent struct {
	Time     string // as the log or the clock gave it, short: "10:00:01.250Z"
	Method   string
	Path     string
	Status   int // 0 when the log printed none
	Duration time.Duration
}

// WriteRoute writes one route in detail, as follow mode's --route shows
// it: the route's statistics, then its latest requests, newest first.
// Every line fits opts.Width columns (80 by default) from 60 up: the
// statistics wrap between their items, and the path takes the room the
// other columns leave.
func WriteRoute(w io.Writer, s *aggregate.Summary, route string, recent []Recent, opts Options) error {
	s = withStrings(s, Terminal)
	route = Terminal(route)
	safe := make([]Recent, len(recent))
	for i, r := range recent {
		safe[i] = Recent{Time: Terminal(r.Time), Method: Terminal(r.Method), Path: Terminal(r.Path), Status: r.Status, Duration: r.Duration}
	}
	recent = safe
	t := &table{w: bufio.NewWriter(w), color: opts.Color, width: opts.Width}
	if t.width <= 0 {
		t.width = 80
	}
	t.printf("%s\n", t.paint(sgrBold, fit("route "+route, t.width)))
	found := false
	for _, r := range s.Routes {
		if r.Route != route {
			continue
		}
		found = true
		t.printf("\n%s\n", fit(routeLabel(r.Key), t.width))
		t.items(plural(r.Count, "request"), fmt.Sprintf("%s slow", group(r.Slow)), fmt.Sprintf("%s 5xx", group(r.Errors)), fmt.Sprintf("%s cold", group(r.Cold)))
		t.items("p50 "+Human(r.P50), "p95 "+Human(r.P95), "p99 "+Human(r.P99), "min "+Human(r.Min), "max "+Human(r.Max), "mean "+Human(r.Mean))
	}
	if !found {
		t.printf("\n%s\n", fit("no requests for "+route+" yet", t.width))
	}
	t.title("Latest requests")
	// time, duration (7), method, path, status (3), a space between each.
	timeW, methodW, pathW := 0, 0, 0
	for _, r := range recent {
		timeW = max(timeW, width(r.Time))
		methodW = max(methodW, width(r.Method))
		pathW = max(pathW, width(r.Path))
	}
	timeW, methodW = min(timeW, 24), min(methodW, 7)
	pathW = max(min(pathW, t.width-timeW-7-methodW-3-4), 1)
	for i := len(recent) - 1; i >= 0; i-- {
		r := recent[i]
		status := "  –"
		if r.Status > 0 {
			status = fmt.Sprintf("%3d", r.Status)
		}
		t.printf("%s %7s %s %s %s\n", padRight(fit(r.Time, timeW), timeW), Human(r.Duration),
			padRight(fit(r.Method, methodW), methodW), padRight(fit(r.Path, pathW), pathW), status)
	}
	return t.w.Flush()
}

// hasNextRequests reports whether s counted or saw Next's request lines,
// or cannot tell (all sources merged).
func hasNextRequests(s *aggregate.Summary) bool {
	if s.Source == string(parser.SourceNext) && s.Total.Count > 0 || s.Source == aggregate.SourceAll {
		return true
	}
	for _, o := range s.Others {
		if o.Source == string(parser.SourceNext) {
			return true
		}
	}
	return false
}

// statusTally is "307 ×2" for one status class of n requests, or
// "2xx 1, 4xx 2".
func statusTally(status [6]int, n int) string {
	var parts []string
	for class := 1; class <= 5; class++ {
		if status[class] > 0 {
			parts = append(parts, fmt.Sprintf("%dxx %d", class, status[class]))
		}
	}
	if status[0] > 0 {
		parts = append(parts, fmt.Sprintf("no status %d", status[0]))
	}
	if len(parts) == 0 {
		return fmt.Sprintf("×%d", n)
	}
	return strings.Join(parts, ", ")
}

// items writes items indented by two columns and joined by " · ", as many
// on a line as fit the width.
func (t *table) items(items ...string) {
	line := " "
	for _, it := range items {
		it = fit(it, t.width-2)
		sep := " · "
		if line == " " {
			sep = " "
		}
		if line != " " && visibleLen(line+sep+it) > t.width {
			t.printf("%s\n", line)
			line, sep = " ", " "
		}
		line += sep + it
	}
	t.printf("%s\n", line)
}
