package aggregate

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/reqstats/reqstats/parser"
)

func TestParseBudget(t *testing.T) {
	d := func(d time.Duration) float64 { return float64(d) }
	tests := []struct {
		expr string
		want Budget
	}{
		{"p95>800ms", Budget{Metric: MetricP95, Op: OpGT, Threshold: d(800 * ms)}},
		{"p99>=2s", Budget{Metric: MetricP99, Op: OpGE, Threshold: d(2 * time.Second)}},
		{"slowRate>5%", Budget{Metric: MetricSlowRate, Op: OpGT, Threshold: 5}},
		{"errorRate >= 0.5%", Budget{Metric: MetricErrorRate, Op: OpGE, Threshold: 0.5}},
		{"errors>0", Budget{Metric: MetricErrors, Op: OpGT, Threshold: 0}},
		{"count<100", Budget{Metric: MetricCount, Op: OpLT, Threshold: 100}},
		{"slow!=0", Budget{Metric: MetricSlow, Op: OpNE}},
		{"mean<=1.5s", Budget{Metric: MetricMean, Op: OpLE, Threshold: d(1500 * ms)}},
		{"max==0s", Budget{Metric: MetricMax, Op: OpEQ}},
		{"P50 > 250us", Budget{Metric: MetricP50, Op: OpGT, Threshold: d(250 * time.Microsecond)}},
		{"warm:p95>800ms", Budget{Scope: ScopeWarm, Metric: MetricP95, Op: OpGT, Threshold: d(800 * ms)}},
		{"route:/api/users/[id]:p95>300ms", Budget{Scope: ScopeRoute, Route: Key{Route: "/api/users/[id]"}, Metric: MetricP95, Op: OpGT, Threshold: d(300 * ms)}},
		{"route:GET /api/users/[id]:count<1", Budget{Scope: ScopeRoute, Route: Key{Method: "GET", Route: "/api/users/[id]"}, Metric: MetricCount, Op: OpLT, Threshold: 1}},
		{"route:/a:b:p50>1ms", Budget{Scope: ScopeRoute, Route: Key{Route: "/a:b"}, Metric: MetricP50, Op: OpGT, Threshold: d(ms)}},
	}
	for _, tt := range tests {
		got, err := ParseBudget(tt.expr)
		tt.want.Expr = tt.expr
		if err != nil {
			t.Errorf("ParseBudget(%q): %v", tt.expr, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseBudget(%q) = %+v, want %+v", tt.expr, got, tt.want)
		}
	}
}

func TestParseBudgetErrors(t *testing.T) {
	tests := []struct{ expr, want string }{
		{"p95>>800ms", `"p95>>800ms": unexpected ">" at column 5`},
		{"p95=800ms", `"p95=800ms": unexpected "=", want == at column 4`},
		{"p95 800ms", `"p95 800ms": unexpected "8", want a comparison (>, >=, <, <=, ==, !=) at column 5`},
		{"p95", `"p95": missing comparison (>, >=, <, <=, ==, !=) at column 4`},
		{"p95>", `"p95>": missing value at column 5`},
		{"", `"": missing metric at column 1`},
		{">1s", `">1s": unexpected ">", want a metric at column 1`},
		{"p96>1s", `"p96>1s": unknown metric "p96" (want count, errors, errorRate, slow, slowRate, p50, p95, p99, mean, min, max) at column 1`},
		{"p95>800", `"p95>800": bad duration "800" (want a duration with its unit, as 800ms or 2s) at column 5`},
		{"p95>-1s", `"p95>-1s": bad duration "-1s" (want a duration with its unit, as 800ms or 2s) at column 5`},
		{"slowRate>5", `"slowRate>5": bad percentage "5" (want a percentage, as 5%) at column 10`},
		{"slowRate>500%", `"slowRate>500%": bad percentage "500%" (want a percentage, as 5%) at column 10`},
		{"errors>0.5", `"errors>0.5": bad count "0.5" (want a whole number, as 100) at column 8`},
		{"count<1ms", `"count<1ms": bad count "1ms" (want a whole number, as 100) at column 7`},
		{"cold:p95>1s", `"cold:p95>1s": unknown scope "cold:" (want warm: or route:ROUTE:) at column 1`},
		{"route:p95>1s", `"route:p95>1s": route: needs a route and a metric, as in "route:/api/users/[id]:p95>300ms" at column 13`},
		{"route:api/x:p95>1s", `"route:api/x:p95>1s": a route starts with /, not "api/x" at column 7`},
		{"warm:route:/x:p95>1s", `"warm:route:/x:p95>1s": warm: judges the totals only, not a route at column 1`},
		{"µs>1s", `"µs>1s": unexpected "µ", want a metric at column 1`},
		{"route:/é:p95>>1s", `"route:/é:p95>>1s": unexpected ">" at column 14`},
	}
	for _, tt := range tests {
		_, err := ParseBudget(tt.expr)
		if err == nil {
			t.Errorf("ParseBudget(%q) succeeded, want %s", tt.expr, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("ParseBudget(%q):\n got %s\nwant %s", tt.expr, err, tt.want)
		}
	}
}

func TestEvaluate(t *testing.T) {
	a := New(Options{ByMethod: true})
	feed(t, a, ` GET /api/users/1 200 in 100ms
 GET /api/users/2 200 in 200ms
 POST /api/users/3 500 in 300ms
 GET /slow 200 in 3s
`)
	s := a.Summary()
	tests := []struct {
		expr       string
		minSamples int
		want       []string // route, status, actual, samples per verdict
	}{
		{"p95>800ms", 0, []string{" breach 3e+09 4"}},
		{"p95>3s", 0, []string{" pass 3e+09 4"}},
		{"p95>=3s", 0, []string{" breach 3e+09 4"}},
		{"p95>800ms", 5, []string{" not enough data 0 4"}},
		{"p95>800ms", 4, []string{" breach 3e+09 4"}},
		{"count<5", 20, []string{" breach 4 4"}}, // counts need no samples
		{"errors>0", 20, []string{" breach 1 4"}},
		{"errorRate>25%", 0, []string{" pass 25 4"}},
		{"slowRate>=25%", 0, []string{" breach 25 4"}},
		{"warm:max>1s", 0, []string{" breach 3e+09 4"}},
		{"route:/api/users/[id]:max>250ms", 0, []string{"GET /api/users/[id] pass 2e+08 2", "POST /api/users/[id] breach 3e+08 1"}},
		{"route:POST /api/users/[id]:max>250ms", 0, []string{"POST /api/users/[id] breach 3e+08 1"}},
		{"route:/api/users/[id]:max>250ms", 2, []string{"GET /api/users/[id] pass 2e+08 2", "POST /api/users/[id] not enough data 0 1"}},
		{"route:/nope:p50>1ms", 0, []string{" /nope not enough data 0 0"}},
		{"route:/nope:count<1", 0, []string{" /nope breach 0 0"}},
	}
	for _, tt := range tests {
		b, err := ParseBudget(tt.expr)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, v := range Evaluate(s, []Budget{b}, tt.minSamples) {
			route := v.Route.Method + " " + v.Route.Route
			if v.Route == (Key{}) {
				route = ""
			}
			got = append(got, fmt.Sprintf("%s %s %g %d", route, v.Status, v.Actual, v.Samples))
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s (min %d):\n got %q\nwant %q", tt.expr, tt.minSamples, got, tt.want)
		}
	}
}

func TestCompare(t *testing.T) {
	base := &Summary{
		Total: Stats{Count: 10, P50: 100 * ms, P95: 200 * ms, P99: 300 * ms},
		Routes: []Route{
			{Key: Key{Route: "/a"}, Stats: Stats{Count: 5, P95: 100 * ms}},
			{Key: Key{Route: "/gone"}, Stats: Stats{Count: 5, P95: 100 * ms}},
			{Key: Key{Route: "/few"}, Stats: Stats{Count: 1, P95: 100 * ms}},
			{Key: Key{Route: "/zero"}, Stats: Stats{Count: 5}},
		},
	}
	cur := &Summary{
		Total: Stats{Count: 12, P50: 100 * ms, P95: 240 * ms, P99: 330 * ms},
		Routes: []Route{
			{Key: Key{Route: "/new"}, Stats: Stats{Count: 7, P95: 1000 * ms}},
			{Key: Key{Route: "/a"}, Stats: Stats{Count: 5, P95: 121 * ms}},
			{Key: Key{Route: "/few"}, Stats: Stats{Count: 5, P95: 900 * ms}},
			{Key: Key{Route: "/zero"}, Stats: Stats{Count: 5, P95: 5 * ms}},
		},
	}
	c := Compare(base, cur, CompareOptions{MaxRegression: 20, MinSamples: 2})
	if c.Metric != MetricP95 {
		t.Errorf("metric %v, want p95 by default", c.Metric)
	}
	if got := c.Total.P95; got.Abs != float64(40*ms) || !got.RelOK || got.Rel != 20 {
		t.Errorf("total p95 delta %+v, want +40ms, +20%%", got)
	}
	if c.Total.Status != Pass { // exactly 20% is not more than 20%
		t.Errorf("total: %v, want pass", c.Total.Status)
	}
	var got []string
	for _, ch := range c.Routes {
		got = append(got, fmt.Sprintf("%s %v %d", ch.Route, ch.Status, ch.Samples))
	}
	want := []string{"/a breach 5", "/few not enough data 1", "/zero pass 5"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("routes %q, want %q", got, want)
	}
	if len(c.New) != 1 || c.New[0].Route != "/new" || len(c.Vanished) != 1 || c.Vanished[0].Route != "/gone" {
		t.Errorf("new %v, vanished %v", c.New, c.Vanished)
	}
	if r := c.Regressions(); len(r) != 1 || r[0].Route != "/a" {
		t.Errorf("regressions %v", r)
	}
	if c := Compare(base, cur, CompareOptions{}); len(c.Regressions()) != 0 || c.Routes[0].Status != Pass {
		t.Errorf("without MaxRegression nothing is judged: %+v", c.Routes[0])
	}
	if (*Comparison)(nil).Regressions() != nil {
		t.Error("a nil Comparison has regressions")
	}
}

func ExampleEvaluate() {
	a := New(Options{ByMethod: true})
	p, _ := parser.New(parser.Options{})
	sc := parser.NewScanner(strings.NewReader(` GET /api/users/42 200 in 145ms
 GET /api/users/7 200 in 160ms
 POST /api/report 500 in 2.4s
`), "dev-server.log", p)
	for sc.Scan() {
		a.Add(sc.Event())
	}
	var budgets []Budget
	for _, expr := range []string{"p95>800ms", "errors>0", "route:/api/users/[id]:p95>300ms", "p95>>1s"} {
		b, err := ParseBudget(expr)
		if err != nil {
			fmt.Println(err)
			continue
		}
		budgets = append(budgets, b)
	}
	for _, v := range Evaluate(a.Summary(), budgets, 3) {
		fmt.Println(v.Budget.Expr, v.Route.Method, v.Status, v.Samples)
	}
	// Output:
	// "p95>>1s": unexpected ">" at column 5
	// p95>800ms  breach 3
	// errors>0  breach 3
	// route:/api/users/[id]:p95>300ms GET not enough data 2
}
