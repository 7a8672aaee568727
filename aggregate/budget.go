package aggregate

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// A Budget is a limit on one number of a Summary that fails a build when
// crossed: "p95>800ms" fails when the p95 of all requests is over 800ms.
// Its text form is
//
//	[warm: | route:[METHOD ]ROUTE:]METRIC OP VALUE
//
// where METRIC is one of count, errors (5xx responses), errorRate, slow,
// slowRate, p50, p95, p99, mean, min or max, OP one of > >= < <= == !=,
// and VALUE a duration with its unit (800ms, 2s) for durations, a
// percentage (5%) for rates and a whole number for counts. "warm:" judges
// the totals without cold requests; "route:/api/users/[id]:" judges one
// route, named as reqstats groups it, with or without its method.
type Budget struct {
	Expr      string // as written
	Scope     Scope
	Route     Key // for ScopeRoute; Method empty to judge the route under every method
	Metric    Metric
	Op        Op
	Threshold float64 // in Metric's unit: nanoseconds, a count or a percentage
}

// Scope is the set of requests a Budget judges.
type Scope uint8

// The scopes.
const (
	ScopeTotal Scope = iota // every request
	ScopeWarm               // every request that did not wait for a compile
	ScopeRoute              // the requests of one route
)

func (s Scope) String() string {
	switch s {
	case ScopeWarm:
		return "warm"
	case ScopeRoute:
		return "route"
	}
	return "total"
}

// Metric is the number of a Stats that a Budget limits.
type Metric uint8

// The metrics.
const (
	MetricCount Metric = iota
	MetricErrors
	MetricErrorRate
	MetricSlow
	MetricSlowRate
	MetricP50
	MetricP95
	MetricP99
	MetricMean
	MetricMin
	MetricMax
)

var metricNames = [...]string{
	MetricCount:     "count",
	MetricErrors:    "errors",
	MetricErrorRate: "errorRate",
	MetricSlow:      "slow",
	MetricSlowRate:  "slowRate",
	MetricP50:       "p50",
	MetricP95:       "p95",
	MetricP99:       "p99",
	MetricMean:      "mean",
	MetricMin:       "min",
	MetricMax:       "max",
}

func (m Metric) String() string { return metricNames[m] }

// ParseMetric returns the Metric named s, in any case.
func ParseMetric(s string) (Metric, error) {
	for i, name := range metricNames {
		if strings.EqualFold(s, name) {
			return Metric(i), nil
		}
	}
	return 0, fmt.Errorf("unknown metric %q (want %s)", s, strings.Join(metricNames[:], ", "))
}

// Unit is what a Metric counts.
type Unit uint8

// The units.
const (
	UnitCount    Unit = iota // a number of requests
	UnitPercent              // a percentage of the requests
	UnitDuration             // nanoseconds
)

// Unit returns the unit of m's values.
func (m Metric) Unit() Unit {
	switch m {
	case MetricCount, MetricErrors, MetricSlow:
		return UnitCount
	case MetricErrorRate, MetricSlowRate:
		return UnitPercent
	}
	return UnitDuration
}

// NeedsSamples reports whether m describes a distribution, which a few
// requests cannot tell: percentiles, the mean, extremes and rates. Counts
// are judged on any number of requests: "errors>0" with one 5xx in three
// requests is a breach, and "count<100" with three requests too.
func (m Metric) NeedsSamples() bool { return m.Unit() != UnitCount }

// Value returns m of st, in m's unit.
func (m Metric) Value(st *Stats) float64 {
	switch m {
	case MetricCount:
		return float64(st.Count)
	case MetricErrors:
		return float64(st.Errors)
	case MetricSlow:
		return float64(st.Slow)
	case MetricErrorRate:
		return rate(st.Errors, st.Count)
	case MetricSlowRate:
		return rate(st.Slow, st.Count)
	case MetricP50:
		return float64(st.P50)
	case MetricP95:
		return float64(st.P95)
	case MetricP99:
		return float64(st.P99)
	case MetricMean:
		return float64(st.Mean)
	case MetricMin:
		return float64(st.Min)
	}
	return float64(st.Max)
}

func rate(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return float64(part) * 100 / float64(whole)
}

// Op compares a value with a Budget's threshold.
type Op uint8

// The comparisons, longest spelling first for parsing.
const (
	OpGE Op = iota // >=
	OpLE           // <=
	OpEQ           // ==
	OpNE           // !=
	OpGT           // >
	OpLT           // <
)

var opNames = [...]string{OpGE: ">=", OpLE: "<=", OpEQ: "==", OpNE: "!=", OpGT: ">", OpLT: "<"}

func (o Op) String() string { return opNames[o] }

// Holds reports whether "v o threshold" is true.
func (o Op) Holds(v, threshold float64) bool {
	switch o {
	case OpGE:
		return v >= threshold
	case OpLE:
		return v <= threshold
	case OpEQ:
		return v == threshold
	case OpNE:
		return v != threshold
	case OpGT:
		return v > threshold
	}
	return v < threshold
}

// BudgetError is a budget expression that cannot be read; Column, counted
// in characters from 1, points at the offending token.
type BudgetError struct {
	Expr   string
	Column int
	Msg    string
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("%q: %s at column %d", e.Expr, e.Msg, e.Column)
}

// ParseBudget reads a budget expression (see Budget).
func ParseBudget(expr string) (Budget, error) {
	b := Budget{Expr: expr}
	fail := func(at int, format string, args ...any) (Budget, error) {
		return Budget{}, &BudgetError{Expr: expr, Column: utf8.RuneCountInString(expr[:at]) + 1, Msg: fmt.Sprintf(format, args...)}
	}
	i := 0
	switch {
	case strings.HasPrefix(expr, "warm:route:"):
		return fail(0, "warm: judges the totals only, not a route")
	case strings.HasPrefix(expr, "warm:"):
		b.Scope = ScopeWarm
		i = len("warm:")
	case strings.HasPrefix(expr, "route:"):
		b.Scope = ScopeRoute
		i = len("route:")
		end := strings.LastIndexByte(expr, ':')
		if end < i {
			return fail(len(expr), `route: needs a route and a metric, as in "route:/api/users/[id]:p95>300ms"`)
		}
		name := strings.TrimSpace(expr[i:end])
		if method, path, ok := strings.Cut(name, " "); ok && isMethod(method) {
			b.Route = Key{Method: method, Route: strings.TrimSpace(path)}
		} else {
			b.Route = Key{Route: name}
		}
		if !strings.HasPrefix(b.Route.Route, "/") {
			return fail(i, "a route starts with /, not %q", b.Route.Route)
		}
		i = end + 1
	}

	i = skipSpace(expr, i)
	start := i
	for i < len(expr) && (isLetter(expr[i]) || '0' <= expr[i] && expr[i] <= '9' || expr[i] == '_') {
		i++
	}
	if i == start {
		if i == len(expr) {
			return fail(i, "missing metric")
		}
		return fail(i, "unexpected %q, want a metric", next(expr[i:]))
	}
	if i < len(expr) && expr[i] == ':' {
		return fail(start, "unknown scope %q (want warm: or route:ROUTE:)", expr[start:i+1])
	}
	m, err := ParseMetric(expr[start:i])
	if err != nil {
		return fail(start, "%v", err)
	}
	b.Metric = m

	i = skipSpace(expr, i)
	opAt := i
	found := false
	for o, name := range opNames {
		if strings.HasPrefix(expr[i:], name) {
			b.Op, found = Op(o), true
			i += len(name)
			break
		}
	}
	if !found {
		if i == len(expr) {
			return fail(i, "missing comparison (>, >=, <, <=, ==, !=)")
		}
		if expr[i] == '=' { // a lone "=": say what was meant
			return fail(opAt, `unexpected "=", want ==`)
		}
		return fail(i, "unexpected %q, want a comparison (>, >=, <, <=, ==, !=)", next(expr[i:]))
	}

	i = skipSpace(expr, i)
	val := strings.TrimSpace(expr[i:])
	if val == "" {
		return fail(i, "missing value")
	}
	if strings.ContainsAny(val[:1], "<>=!") {
		return fail(i, "unexpected %q", val[:1])
	}
	switch m.Unit() {
	case UnitDuration:
		d, err := time.ParseDuration(val)
		if err != nil || d < 0 {
			return fail(i, "bad duration %q (want a duration with its unit, as 800ms or 2s)", val)
		}
		b.Threshold = float64(d)
	case UnitPercent:
		num, ok := strings.CutSuffix(val, "%")
		v, err := strconv.ParseFloat(num, 64)
		if !ok || err != nil || v < 0 || v > 100 {
			return fail(i, "bad percentage %q (want a percentage, as 5%%)", val)
		}
		b.Threshold = v
	case UnitCount:
		n, err := strconv.Atoi(val)
		if err != nil || n < 0 {
			return fail(i, "bad count %q (want a whole number, as 100)", val)
		}
		b.Threshold = float64(n)
	}
	return b, nil
}

func skipSpace(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// isMethod reports whether s looks like an HTTP method: upper-case letters.
func isMethod(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// next returns the first character of s.
func next(s string) string {
	_, n := utf8.DecodeRuneInString(s)
	return s[:n]
}

// Status is the outcome of a Budget.
type Status uint8

// The outcomes.
const (
	Pass          Status = iota // within the budget
	Breach                      // over the budget: the build fails
	NotEnoughData               // too few requests to judge
)

func (s Status) String() string {
	switch s {
	case Breach:
		return "breach"
	case NotEnoughData:
		return "not enough data"
	}
	return "pass"
}

// Verdict is a Budget judged against one set of requests.
type Verdict struct {
	Budget Budget
	// Route is the route judged, for a route budget; its Method is set
	// when routes are split by method.
	Route   Key
	Actual  float64 // the metric's value, in its unit; 0 when not judged
	Samples int     // the requests judged
	Status  Status
}

// Evaluate judges each budget against s, in order. A route budget gives
// one Verdict per route it names: one per method when s splits routes by
// method and the budget names none, and a NotEnoughData verdict with no
// samples when the route had no requests (a count budget judges that as
// 0). A distribution metric (see Metric.NeedsSamples) over fewer than
// minSamples requests is NotEnoughData, never a pass.
func Evaluate(s *Summary, budgets []Budget, minSamples int) []Verdict {
	var out []Verdict
	for _, b := range budgets {
		switch b.Scope {
		case ScopeTotal:
			out = append(out, judge(b, Key{}, &s.Total, minSamples))
		case ScopeWarm:
			out = append(out, judge(b, Key{}, &s.Warm, minSamples))
		case ScopeRoute:
			n := 0
			for i := range s.Routes {
				r := &s.Routes[i]
				if r.Route == b.Route.Route && (b.Route.Method == "" || r.Method == b.Route.Method) {
					out = append(out, judge(b, r.Key, &r.Stats, minSamples))
					n++
				}
			}
			if n == 0 {
				out = append(out, judge(b, b.Route, &Stats{}, minSamples))
			}
		}
	}
	return out
}

func judge(b Budget, k Key, st *Stats, minSamples int) Verdict {
	v := Verdict{Budget: b, Route: k, Samples: st.Count}
	if b.Metric.NeedsSamples() && (st.Count == 0 || st.Count < minSamples) {
		v.Status = NotEnoughData
		return v
	}
	v.Actual = b.Metric.Value(st)
	if b.Op.Holds(v.Actual, b.Threshold) {
		v.Status = Breach
	}
	return v
}
