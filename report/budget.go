package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/reqstats/reqstats/aggregate"
)

// value formats a budget metric's value for people: "5.81s", "7.1%", "3".
func value(m aggregate.Metric, v float64) string {
	switch m.Unit() {
	case aggregate.UnitDuration:
		return Human(time.Duration(v))
	case aggregate.UnitPercent:
		return strconv.FormatFloat(v, 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// number formats a budget metric's value for machines: durations in
// milliseconds, rates in percent, counts as they are.
func number(m aggregate.Metric, v float64) json.Number {
	if m.Unit() == aggregate.UnitDuration {
		return json.Number(Millis(time.Duration(v)))
	}
	return json.Number(strconv.FormatFloat(v, 'f', -1, 64))
}

// budgetName is the budget as written, with the route it judged when it
// named no method and the routes are split by method.
func budgetName(v *aggregate.Verdict) string {
	name := v.Budget.Expr
	if v.Budget.Scope == aggregate.ScopeRoute && v.Budget.Route.Method == "" && v.Route.Method != "" {
		name += " (" + v.Route.Method + ")"
	}
	return name
}

// verdictText explains a verdict: "5.81s (21 requests)", "3 requests (20
// needed)".
func verdictText(v *aggregate.Verdict, minSamples int) string {
	if v.Status == aggregate.NotEnoughData {
		if v.Samples == 0 {
			return "no requests"
		}
		return fmt.Sprintf("%s (%d needed)", plural(v.Samples, "request"), minSamples)
	}
	return fmt.Sprintf("%s (%s)", value(v.Budget.Metric, v.Actual), plural(v.Samples, "request"))
}

// VerdictLine describes a verdict in one line, for standard error:
// "p95>800ms: 5.81s (21 requests)", "p95>800ms: not enough data, 3
// requests (20 needed)". It passes through Terminal.
func VerdictLine(v *aggregate.Verdict, minSamples int) string {
	if v.Status == aggregate.NotEnoughData {
		return Terminal(budgetName(v) + ": not enough data, " + verdictText(v, minSamples))
	}
	return Terminal(budgetName(v) + ": " + verdictText(v, minSamples))
}

// budgetTally is "1 of 3 budgets breached · 1 not enough data".
func budgetTally(s *aggregate.Summary) string {
	breach, nodata := 0, 0
	for _, v := range s.Verdicts {
		switch v.Status {
		case aggregate.Breach:
			breach++
		case aggregate.NotEnoughData:
			nodata++
		}
	}
	out := fmt.Sprintf("%d of %s breached", breach, plural(len(s.Verdicts), "budget"))
	if breach == 0 {
		out = fmt.Sprintf("%s within budget", plural(len(s.Verdicts)-nodata, "budget"))
	}
	if nodata > 0 {
		out += fmt.Sprintf(" · %d not enough data", nodata)
	}
	return out
}

// BudgetJSON is a verdict in JSON. Threshold and Actual are milliseconds
// for durations, percentages for rates.
type BudgetJSON struct {
	Budget    string      `json:"budget"`
	Scope     string      `json:"scope"`
	Method    string      `json:"method,omitempty"`
	Route     string      `json:"route,omitempty"`
	Metric    string      `json:"metric"`
	Op        string      `json:"op"`
	Threshold json.Number `json:"threshold"`
	Actual    json.Number `json:"actual"`
	Samples   int         `json:"samples"`
	Status    string      `json:"status"` // pass, breach, not enough data
}

func budgetsJSON(vs []aggregate.Verdict) []BudgetJSON {
	var out []BudgetJSON
	for _, v := range vs {
		b := &v.Budget
		out = append(out, BudgetJSON{
			Budget: b.Expr, Scope: b.Scope.String(), Method: v.Route.Method, Route: v.Route.Route,
			Metric: b.Metric.String(), Op: b.Op.String(),
			Threshold: number(b.Metric, b.Threshold), Actual: number(b.Metric, v.Actual),
			Samples: v.Samples, Status: v.Status.String(),
		})
	}
	return out
}

// WriteJUnit writes the budgets as a JUnit XML report, one test case per
// verdict, so that CI dashboards (Jenkins, GitLab) list them: a breach is
// a failure, not enough data a skipped test. With a baseline and a
// maximum regression, the totals and each route found in both are test
// cases too.
func WriteJUnit(w io.Writer, s *aggregate.Summary, _ Options) error {
	type result struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr,omitempty"`
	}
	type testcase struct {
		Name      string  `xml:"name,attr"`
		Classname string  `xml:"classname,attr"`
		Failure   *result `xml:"failure,omitempty"`
		Skipped   *result `xml:"skipped,omitempty"`
		SystemOut string  `xml:"system-out,omitempty"`
	}
	type testsuite struct {
		XMLName  xml.Name   `xml:"testsuite"`
		Name     string     `xml:"name,attr"`
		Tests    int        `xml:"tests,attr"`
		Failures int        `xml:"failures,attr"`
		Errors   int        `xml:"errors,attr"`
		Skipped  int        `xml:"skipped,attr"`
		Cases    []testcase `xml:"testcase"`
	}
	ts := testsuite{Name: "reqstats", Tests: len(s.Verdicts)}
	for i := range s.Verdicts {
		v := &s.Verdicts[i]
		tc := testcase{Name: budgetName(v), Classname: "reqstats." + v.Budget.Scope.String()}
		text := verdictText(v, s.MinSamples)
		switch v.Status {
		case aggregate.Breach:
			ts.Failures++
			tc.Failure = &result{Message: v.Budget.Metric.String() + " " + text + ", over the budget " + v.Budget.Expr, Type: "breach"}
		case aggregate.NotEnoughData:
			ts.Skipped++
			tc.Skipped = &result{Message: "not enough data: " + text}
		default:
			tc.SystemOut = v.Budget.Metric.String() + " " + text
		}
		ts.Cases = append(ts.Cases, tc)
	}
	if c := s.Comparison; c != nil && c.MaxRegression > 0 {
		for _, ch := range append([]aggregate.Change{c.Total}, c.Routes...) {
			name := "all requests"
			if ch.Key != (aggregate.Key{}) {
				name = routeLabel(ch.Key)
			}
			tc := testcase{Name: fmt.Sprintf("%s: %s up by at most %s%%", name, c.Metric, strconv.FormatFloat(c.MaxRegression, 'f', -1, 64)), Classname: "reqstats.regression"}
			text := fmt.Sprintf("%s %s → %s (%s)", c.Metric, value(c.Metric, ch.Judged.Base), value(c.Metric, ch.Judged.Cur), change(c.Metric, ch.Judged))
			switch ch.Status {
			case aggregate.Breach:
				ts.Failures++
				tc.Failure = &result{Message: text, Type: "regression"}
			case aggregate.NotEnoughData:
				ts.Skipped++
				tc.Skipped = &result{Message: fmt.Sprintf("not enough data: %s (%d needed)", plural(ch.Samples, "request"), c.MinSamples)}
			default:
				tc.SystemOut = text
			}
			ts.Tests++
			ts.Cases = append(ts.Cases, tc)
		}
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(ts); err != nil {
		return err
	}
	b.WriteString("\n")
	_, err := w.Write(safeXML(b.Bytes()))
	return err
}
