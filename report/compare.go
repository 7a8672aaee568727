package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/reqstats/reqstats/aggregate"
)

// ReadBaseline reads a document that WriteJSON wrote (-o json) into the
// Summary it describes, as far as a comparison needs: settings, totals
// and routes. name is used in errors. A document of another schema, or
// anything else, is an error that says so.
func ReadBaseline(r io.Reader, name string) (*aggregate.Summary, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", name, err)
	}
	var head struct {
		Schema *string `json:"schema"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("baseline %s: not a reqstats summary (not a JSON object; write one with -o json)", name)
	}
	switch {
	case head.Schema == nil:
		return nil, fmt.Errorf("baseline %s: not a reqstats summary (no schema; write one with -o json)", name)
	case strings.HasPrefix(*head.Schema, "reqstats.summary/") && *head.Schema != Schema:
		return nil, fmt.Errorf("baseline %s: written by an incompatible reqstats (schema %q, this one reads %q)", name, *head.Schema, Schema)
	case *head.Schema != Schema:
		return nil, fmt.Errorf("baseline %s: not a reqstats summary (schema %q)", name, *head.Schema)
	}
	var d Document
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("baseline %s: %w", name, err)
	}
	method, err := aggregate.ParseMethod(d.Settings.PercentileMethod)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", name, err)
	}
	grouping, err := aggregate.ParseGrouping(d.Settings.Grouping)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", name, err)
	}
	s := &aggregate.Summary{
		Slow:     time.Duration(d.Settings.SlowThresholdMs),
		Method:   method,
		Grouping: grouping,
		Rules:    d.Settings.GroupRules,
		Total:    fromStatsJSON(&d.Totals),
		Warm:     fromStatsJSON(&d.Warm),
	}
	for i := range d.Routes {
		r := &d.Routes[i]
		s.Routes = append(s.Routes, aggregate.Route{
			Key:   aggregate.Key{Method: r.Method, Route: r.Route},
			Stats: fromStatsJSON(&r.StatsJSON),
		})
	}
	return s, nil
}

// UnmarshalJSON reads an exact decimal number of milliseconds.
func (d *ms) UnmarshalJSON(b []byte) error {
	s := string(b)
	neg := strings.HasPrefix(s, "-")
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || len(frac) > 6 || strings.ContainsAny(frac, "eE+-") {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil {
			return errors.New("bad number of milliseconds " + s)
		}
		*d = ms(time.Duration(f * float64(time.Millisecond)))
		return nil
	}
	var n int64
	if frac != "" {
		if n, err = strconv.ParseInt(frac+strings.Repeat("0", 6-len(frac)), 10, 64); err != nil {
			return errors.New("bad number of milliseconds " + s)
		}
	}
	v := time.Duration(w)*time.Millisecond + time.Duration(n)
	if neg {
		v = -v
	}
	*d = ms(v)
	return nil
}

func fromStatsJSON(j *StatsJSON) aggregate.Stats {
	return aggregate.Stats{
		Count:  j.Count,
		Slow:   j.Slow,
		Cold:   j.Cold,
		Errors: j.Errors5xx,
		Status: [6]int{j.Status.None, j.Status.S1xx, j.Status.S2xx, j.Status.S3xx, j.Status.S4xx, j.Status.S5xx},
		Sum:    time.Duration(j.SumMs),
		Min:    time.Duration(j.MinMs),
		Max:    time.Duration(j.MaxMs),
		Mean:   time.Duration(j.MeanMs),
		P50:    time.Duration(j.P50Ms),
		P95:    time.Duration(j.P95Ms),
		P99:    time.Duration(j.P99Ms),
	}
}

// signed formats a change of a metric's value: "+1.2s", "-3ms", "+4",
// "±0".
func signed(m aggregate.Metric, v float64) string {
	switch {
	case v > 0:
		return "+" + value(m, v)
	case v < 0:
		return "-" + value(m, -v)
	}
	return "±0"
}

// relative formats a relative change, "+26.1%", or "" when there is none.
func relative(d aggregate.Delta) string {
	if !d.RelOK {
		return ""
	}
	prec := 1
	if d.Rel >= 100 || d.Rel <= -100 {
		prec = 0
	}
	s := strconv.FormatFloat(d.Rel, 'f', prec, 64) + "%"
	if d.Rel >= 0 {
		s = "+" + s
	}
	return s
}

// change formats a change in full: "+1.2s, +26.1%".
func change(m aggregate.Metric, d aggregate.Delta) string {
	s := signed(m, d.Abs)
	if r := relative(d); r != "" && d.Abs != 0 {
		s += ", " + r
	}
	return s
}

// compareRule is "a regression: p95 up by more than 20%, on 20 requests
// or more".
func compareRule(c *aggregate.Comparison) string {
	if c.MaxRegression <= 0 {
		return ""
	}
	rule := fmt.Sprintf("a regression: %s up by more than %s%%", c.Metric, strconv.FormatFloat(c.MaxRegression, 'f', -1, 64))
	if c.MinSamples > 0 {
		rule += fmt.Sprintf(", on %d requests or more", c.MinSamples)
	}
	return rule
}

// RegressionLine describes a regression in one line, for standard error:
// "GET /x: p95 150ms → 300ms (+150ms, +100.0%), over +20%". It passes
// through Terminal.
func RegressionLine(c *aggregate.Comparison, ch *aggregate.Change) string {
	name := "all requests"
	if ch.Key != (aggregate.Key{}) {
		name = routeLabel(ch.Key)
	}
	return Terminal(fmt.Sprintf("%s: %s %s → %s (%s), over +%s%%", name, c.Metric, value(c.Metric, ch.Judged.Base),
		value(c.Metric, ch.Judged.Cur), change(c.Metric, ch.Judged), strconv.FormatFloat(c.MaxRegression, 'f', -1, 64)))
}

func (t *table) comparison(s *aggregate.Summary, opts Options) {
	c := s.Comparison
	if c == nil {
		return
	}
	title := "Against the baseline"
	if opts.Baseline != "" {
		title += " " + opts.Baseline
	}
	t.title(title)
	if rule := compareRule(c); rule != "" {
		t.printf("%s\n", t.paint(sgrDim, rule))
	}
	// As wide as the names, and "  change, too few" under them.
	nameW := len("  change, too few")
	for _, ch := range c.Routes {
		nameW = max(nameW, width(routeLabel(ch.Key)))
	}
	nameW = min(nameW, t.width-10-3*15)
	t.printf("%s\n", t.paint(sgrDim, fmt.Sprintf("%-*s %9s %14s %14s %14s", nameW, "route", "count", "p50", "p95", "p99")))
	row := func(ch *aggregate.Change) {
		name := "all"
		if ch.Key != (aggregate.Key{}) {
			name = routeLabel(ch.Key)
		}
		t.printf("%s %9s %14s %14s %14s\n", padRight(fit(name, nameW), nameW), group(ch.Cur.Count), Human(ch.Cur.P50), Human(ch.Cur.P95), Human(ch.Cur.P99))
		label := "  change"
		switch ch.Status {
		case aggregate.Breach:
			label = t.paint(sgrRed, "  REGRESSED")
		case aggregate.NotEnoughData:
			label = "  change, too few"
		}
		short := func(m aggregate.Metric, d aggregate.Delta) string {
			if d.Abs == 0 {
				return "±0"
			}
			return strings.TrimSpace(signed(m, d.Abs) + " " + relative(d))
		}
		t.printf("%s%s %9s %14s %14s %14s\n", label, strings.Repeat(" ", max(0, nameW-visibleLen(label))),
			short(aggregate.MetricCount, ch.Count), short(aggregate.MetricP50, ch.P50), short(aggregate.MetricP95, ch.P95), short(aggregate.MetricP99, ch.P99))
	}
	row(&c.Total)
	for i := range c.Routes {
		row(&c.Routes[i])
	}
	for _, r := range c.New {
		t.printf("%s\n", wrap(fmt.Sprintf("new          %s (%s, p95 %s)", routeLabel(r.Key), plural(r.Count, "request"), Human(r.P95)), t.width, 13))
	}
	for _, r := range c.Vanished {
		t.printf("%s\n", wrap(fmt.Sprintf("vanished     %s (%s in the baseline)", routeLabel(r.Key), plural(r.Count, "request")), t.width, 13))
	}
	if n := len(c.Regressions()); n > 0 {
		t.printf("%s\n", t.paint(sgrRed, plural(n, "regression")))
	}
}

func (m *markdown) comparison(s *aggregate.Summary, opts Options) {
	c := s.Comparison
	if c == nil {
		return
	}
	title := "Against the baseline"
	if opts.Baseline != "" {
		title += " " + code(opts.Baseline)
	}
	m.printf("\n#### %s\n\n", title)
	if n := len(c.Regressions()); n > 0 {
		m.printf("**❌ %s.** ", plural(n, "regression"))
	}
	if rule := compareRule(c); rule != "" {
		m.printf("%s.\n\n", strings.ToUpper(rule[:1])+rule[1:])
	}
	judged := c.MaxRegression > 0
	cols := []string{"route", "count", "p50", "p95", "p99"}
	align := "lrrrr"
	if judged {
		cols, align = append(cols, " "), align+"l"
	}
	m.header(align, cols...)
	row := func(ch *aggregate.Change) {
		name := "**all**"
		if ch.Key != (aggregate.Key{}) {
			name = code(routeLabel(ch.Key))
		}
		cell := func(metric aggregate.Metric, now float64, d aggregate.Delta) string {
			return value(metric, now) + " (" + change(metric, d) + ")"
		}
		cells := []string{name, cell(aggregate.MetricCount, float64(ch.Cur.Count), ch.Count),
			cell(aggregate.MetricP50, float64(ch.Cur.P50), ch.P50), cell(aggregate.MetricP95, float64(ch.Cur.P95), ch.P95),
			cell(aggregate.MetricP99, float64(ch.Cur.P99), ch.P99)}
		if judged {
			verdict := "✅"
			switch ch.Status {
			case aggregate.Breach:
				verdict = "❌ **regressed**"
			case aggregate.NotEnoughData:
				verdict = "⚪ not enough data"
			}
			cells = append(cells, verdict)
		}
		m.row(cells...)
	}
	row(&c.Total)
	for i := range c.Routes {
		row(&c.Routes[i])
	}
	if len(c.New) > 0 || len(c.Vanished) > 0 {
		m.printf("\n")
	}
	for _, r := range c.New {
		m.printf("- new: %s (%s, p95 %s)\n", code(routeLabel(r.Key)), plural(r.Count, "request"), Human(r.P95))
	}
	for _, r := range c.Vanished {
		m.printf("- vanished: %s (%s in the baseline)\n", code(routeLabel(r.Key)), plural(r.Count, "request"))
	}
}
