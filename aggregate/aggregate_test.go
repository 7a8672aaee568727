package aggregate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/montanaflynn/stats"

	"github.com/reqstats/reqstats/parser"
)

const ms = time.Millisecond

// feed parses log lines and adds their events to a.
func feed(t testing.TB, a *Aggregator, log string) {
	t.Helper()
	p, _ := parser.New(parser.Options{})
	sc := parser.NewScanner(strings.NewReader(log), "dev.log", p)
	for sc.Scan() {
		a.Add(sc.Event())
	}
	a.AddInput("dev.log", sc.Lines(), sc.Bytes(), sc.Err())
}

// TestPercentilesMatchReferences checks each percentile definition against
// a reference computed from the full sorted sample: montanaflynn/stats for
// nearest rank and linear interpolation, and the endpoint's own formula,
// sorted[Math.floor(n * p)], for Endpoint.
func TestPercentilesMatchReferences(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 300; trial++ {
		n := 1 + r.IntN(400)
		var s sample
		var xs stats.Float64Data
		var ds []time.Duration
		for i := 0; i < n; i++ {
			// Few distinct values, as in logs, so ties are common.
			d := time.Duration(r.IntN(50)+1) * ms
			if r.IntN(10) == 0 {
				d = time.Duration(r.IntN(20000)) * time.Microsecond
			}
			s.add(d)
			xs = append(xs, float64(d))
			ds = append(ds, d)
		}
		slices.Sort(ds)
		bs := s.bins(nil)
		for _, p := range []float64{0.5, 0.95, 0.99} {
			want := ds[int(math.Floor(float64(n)*p))]
			if got := percentile(bs, n, p, Endpoint); got != want {
				t.Fatalf("n=%d p=%v endpoint: got %v, want %v", n, p, got, want)
			}
			nr, err := stats.PercentileNearestRank(xs, p*100)
			if err != nil {
				t.Fatal(err)
			}
			if got := percentile(bs, n, p, NearestRank); float64(got) != nr {
				t.Fatalf("n=%d p=%v nearest-rank: got %v, montanaflynn %v", n, p, got, time.Duration(nr))
			}
			lin, err := stats.Percentile(xs, p*100)
			if err != nil {
				t.Fatal(err)
			}
			if got := percentile(bs, n, p, Linear); math.Abs(float64(got)-lin) > 1 {
				t.Fatalf("n=%d p=%v linear: got %v, montanaflynn %v", n, p, got, lin)
			}
		}
	}
}

func TestPercentileEndpointFloat(t *testing.T) {
	// JavaScript computes floor(n*0.95) in float64; 20*0.95 is 19 there.
	var s sample
	for i := 1; i <= 20; i++ {
		s.add(time.Duration(i) * ms)
	}
	if got := percentile(s.bins(nil), 20, 0.95, Endpoint); got != 20*ms {
		t.Errorf("p95 of 1..20ms = %v, want sorted[19] = 20ms", got)
	}
	if got := percentile(nil, 0, 0.5, Endpoint); got != 0 {
		t.Errorf("percentile of nothing = %v, want 0", got)
	}
}

func TestSummaryTotals(t *testing.T) {
	a := New(Options{})
	feed(t, a, ` GET /api/users/42 200 in 145ms
 GET /api/users/7 404 in 2001ms
 GET /api/users/abc 404 in 12133ms
 GET /api/error?throw=1 500 in 2280ms
 GET /api/error 500 in 2000ms
 POST /api/users 201 in 1.835ms
 GET /_next/static/webpack/dfecb1010c8ca46d.webpack.hot-update.json 404 in 4349ms
 POST /__nextjs_original-stack-frames 404 in 1033ms
`)
	s := a.Summary()
	tot := s.Total
	if tot.Count != 6 || tot.Slow != 3 || tot.Errors != 2 {
		t.Errorf("count %d slow %d errors %d, want 6 3 2 (slow is strictly over 2s)", tot.Count, tot.Slow, tot.Errors)
	}
	if tot.Min != 1835*time.Microsecond || tot.Max != 12133*ms {
		t.Errorf("min %v max %v", tot.Min, tot.Max)
	}
	if tot.Status != [6]int{0, 0, 2, 0, 2, 2} {
		t.Errorf("status classes %v", tot.Status)
	}
	if s.Input.Excluded != 2 || len(s.Input.ExcludedBy) != 2 {
		t.Errorf("excluded %d by %v, want 2 (Next internals)", s.Input.Excluded, s.Input.ExcludedBy)
	}
	var routes []string
	for _, r := range s.Routes {
		routes = append(routes, fmt.Sprintf("%s %d", r.Route, r.Count))
	}
	// The 404s, /api/users/7 and /api/users/abc, are one route.
	want := "/api/error 2|[not found] 2|/api/users 1|/api/users/[id] 1"
	if got := strings.Join(routes, "|"); got != want {
		t.Errorf("routes %q, want %q", got, want)
	}
}

// TestNotFoundRoute checks which 404s are counted as NotFoundRoute: those
// of paths that are none of the app's routes, with GroupAuto only.
func TestNotFoundRoute(t *testing.T) {
	log := ` GET /no-such-page 404 in 30ms
 GET /wp-login.php 404 in 20ms
 POST /nope 404 in 5ms
 GET /blog/missing 404 in 40ms
 GET /blog/hello 200 in 10ms
`
	for _, tt := range []struct {
		name string
		opts Options
		want string
	}{
		{"auto", Options{ByMethod: true}, "GET [not found] 3|GET /blog/hello 1|POST [not found] 1"},
		{"app route", Options{ByMethod: true, Routes: []Pattern{ParsePattern("/blog/[slug]")}}, "GET /blog/[slug] 2|GET [not found] 2|POST [not found] 1"},
		{"none", Options{Grouping: GroupNone}, "/blog/hello 1|/blog/missing 1|/no-such-page 1|/nope 1|/wp-login.php 1"},
	} {
		a := New(tt.opts)
		feed(t, a, log)
		var routes []string
		for _, r := range a.Summary().Routes {
			routes = append(routes, strings.TrimSpace(r.Method+" "+r.Route)+" "+fmt.Sprint(r.Count))
		}
		if got := strings.Join(routes, "|"); got != tt.want {
			t.Errorf("%s: routes %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestTopKeepsFirstSeenOrderOnTies(t *testing.T) {
	a := New(Options{Grouping: GroupNone})
	// /b and /c have the same mean once rounded to the millisecond; /b came
	// first, so it stays first, as JavaScript's stable sort keeps it.
	feed(t, a, ` GET /a 200 in 10ms
 GET /b 200 in 100ms
 GET /c 200 in 100.4ms
 GET /d 200 in 300ms
`)
	var got []string
	for _, r := range a.Summary().Top {
		got = append(got, r.Route)
	}
	if strings.Join(got, " ") != "/d /b /c /a" {
		t.Errorf("top %v, want /d /b /c /a", got)
	}
}

func TestColdRequests(t *testing.T) {
	a := New(Options{})
	feed(t, a, ` ○ Compiling /api/users/[id] ...
 ✓ Compiled /api/users/[id] in 900ms
 GET /other 200 in 20ms
 GET /api/users/42 200 in 1500ms
 GET /api/users/43 200 in 30ms
 GET /settings 200 in 1406ms (compile: 719ms, proxy.ts: 427ms, render: 260ms)
 GET /settings 200 in 24ms (compile: 2ms, render: 22ms)
`)
	s := a.Summary()
	if s.Total.Cold != 2 || s.Warm.Count != 3 {
		t.Fatalf("cold %d warm %d, want 2 and 3", s.Total.Cold, s.Warm.Count)
	}
	if s.Warm.Max != 30*ms || s.Warm.Min != 20*ms || s.Warm.Sum != 74*ms {
		t.Errorf("warm min %v max %v sum %v, want 20ms 30ms 74ms", s.Warm.Min, s.Warm.Max, s.Warm.Sum)
	}
	if s.Dev.Compiles != 2 {
		t.Errorf("compiles %d, want 2", s.Dev.Compiles)
	}
}

func TestStoreResets(t *testing.T) {
	a := New(Options{})
	feed(t, a, `[middleware] ✓ METRIC RECORDED, new size: 1
[middleware] ✓ METRIC RECORDED, new size: 2
[middleware] ✓ METRIC RECORDED, new size: 3
[middleware] ✓ METRIC RECORDED, new size: 1
[middleware] ✓ METRIC RECORDED, new size: 2
[API route] 📈 GENERATING SUMMARY: { metricsStoreSize: 0, storeReference: [] }
[middleware] ✓ METRIC RECORDED, new size: 1
`)
	st := a.Summary().Dev.Store
	if len(st) != 2 {
		t.Fatalf("store tags %+v", st)
	}
	m := st[0]
	if m.Tag != "middleware" || m.Records != 6 || m.Resets != 2 || m.Max != 3 || m.Last != 1 {
		t.Errorf("middleware %+v, want 6 records, 2 resets, max 3, last 1", m)
	}
	if st[1].Tag != "API route" || st[1].Reads != 1 || st[1].LastRead != 0 {
		t.Errorf("API route %+v", st[1])
	}
}

func TestGrouping(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/api/users/42", "/api/users/[id]"},
		{"/api/users/abc", "/api/users/abc"},
		{"/api/products/81335d70-ba9d-4c40-8a30-8efed664beaf/history", "/api/products/[id]/history"},
		{"/api/assignment/course/69525aa783c4e5983eb487fc", "/api/assignment/course/[id]"},
		{"/api/wallets/0xA386bc9D8F26AB170A847D73226e3e0BCEb0fe8E/balance", "/api/wallets/[id]/balance"},
		{"/u/01ARZ3NDEKTSV4RRFFQ69G5FAV", "/u/[id]"},
		{"/api/users/unassigned-rfids", "/api/users/unassigned-rfids"},
		{"/api/v1/health", "/api/v1/health"},
		{"/", "/"},
		{"/t/centro-tenistico", "/t/centro-tenistico"},
		{"/chat/[uuid]", "/chat/[uuid]"},
		{"/a/42/", "/a/[id]/"},
		{"42", "[id]"},
		{"//42//x", "//[id]//x"},
		{"", ""},
	}
	g := grouper{grouping: GroupAuto}
	for _, tt := range tests {
		if got := g.group(tt.in); got != tt.want {
			t.Errorf("group(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	rule, err := ParseRule(`^/blog/[^/]+=/blog/[slug]`)
	if err != nil {
		t.Fatal(err)
	}
	g = grouper{grouping: GroupAuto, rules: []Rule{rule}}
	if got := g.group("/blog/hello-world/comments/12"); got != "/blog/[slug]/comments/[id]" {
		t.Errorf("rule then auto: got %q", got)
	}
	if got := (&grouper{grouping: GroupNone}).group("/api/users/42"); got != "/api/users/42" {
		t.Errorf("GroupNone changed the path: %q", got)
	}
	if _, err := ParseRule("no-equals-sign"); err == nil {
		t.Error("ParseRule accepted a rule without =")
	}
	if _, err := ParseRule("([=x"); err == nil {
		t.Error("ParseRule accepted a bad regexp")
	}
}

func TestGlobAndPattern(t *testing.T) {
	globs := []struct {
		pat, path string
		want      bool
	}{
		{"/_next/**", "/_next/static/webpack/x.json", true},
		{"/__nextjs**", "/__nextjs_original-stack-frames", true},
		{"**.hot-update.json", "/_next/static/webpack/dfe.webpack.hot-update.json", true},
		{"/api/*", "/api/users", true},
		{"/api/*", "/api/users/42", false},
		{"/api/**", "/api/users/42", true},
		{"/api/?sers", "/api/users", true},
		{"/_next/**", "/_nextjs", false}, // the slash is part of the prefix
		{"/_next/**", "/_next/a/b.js", true},
		{"/api/**/edit", "/api/users/42/edit", true},
		{"/api/**/edit", "/api/users/42", false},
	}
	for _, g := range globs {
		if got := newGlob(g.pat).Match(g.path); got != g.want {
			t.Errorf("%q.Match(%q) = %v", g.pat, g.path, got)
		}
	}
	pats := []struct {
		pat, path string
		want      bool
	}{
		{"/api/users/[id]", "/api/users/42", true},
		{"/api/users/[id]", "/api/users", false},
		{"/docs/[...slug]", "/docs/a/b", true},
		{"/docs/[...slug]", "/docs", false},
		{"/shop/[[...slug]]", "/shop", true},
		{"/shop/[[...slug]]", "/shop/a/b", true},
		{"/(marketing)/about", "/about", true},
		{"/", "/", true},
		{"/", "/x", false},
	}
	for _, p := range pats {
		if got := ParsePattern(p.pat).Match(p.path); got != p.want {
			t.Errorf("pattern %q match %q = %v", p.pat, p.path, got)
		}
	}
}

func ExampleAggregator() {
	p, _ := parser.New(parser.Options{})
	a := New(Options{Slow: 2 * time.Second})
	sc := parser.NewScanner(strings.NewReader(` GET /api/users/42 200 in 145ms
 GET /api/users/7 200 in 160ms
 GET /api/report 200 in 2.4s
`), "dev-server.log", p)
	for sc.Scan() {
		a.Add(sc.Event())
	}
	s := a.Summary()
	fmt.Println(s.Total.Count, s.Total.Slow, s.Total.P50)
	for _, r := range s.Top {
		fmt.Println(r.Route, r.Count, r.Mean)
	}
	// Output:
	// 3 1 160ms
	// /api/report 1 2.4s
	// /api/users/[id] 2 152.5ms
}

func TestSinceUntil(t *testing.T) {
	log := `2026-11-28T04:10:00Z  GET /a 200 in 1ms
2026-11-28T04:10:01Z  GET /a 200 in 2ms
 GET /a 200 in 3ms
2026-11-28T04:10:02Z  GET /a 200 in 4ms
2026-11-28T04:10:03Z  GET /a 200 in 5ms
`
	at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	a := New(Options{Since: at("2026-11-28T04:10:01Z"), Until: at("2026-11-28T04:10:02Z")})
	feed(t, a, log)
	s := a.Summary()
	if s.Total.Count != 2 || s.Total.Min != 2*ms || s.Total.Max != 4*ms {
		t.Errorf("kept %d requests, %v to %v; want the 2 within the bounds, inclusive", s.Total.Count, s.Total.Min, s.Total.Max)
	}
	want := "[{(before 2026-11-28T04:10:01Z) 1} {(after 2026-11-28T04:10:02Z) 1} {(no timestamp) 1}]"
	if got := fmt.Sprint(s.Input.ExcludedBy); got != want || s.Input.Excluded != 3 || s.Input.Timed != 4 {
		t.Errorf("excluded %d %s, timed %d; want 3 %s, 4", s.Input.Excluded, got, s.Input.Timed, want)
	}
	if !s.First.Equal(at("2026-11-28T04:10:01Z")) || !s.Last.Equal(at("2026-11-28T04:10:02Z")) {
		t.Errorf("first %v last %v: the span of the kept requests", s.First, s.Last)
	}

	// A request before Since takes the compile it waited for with it.
	a = New(Options{Since: at("2026-11-28T04:10:01Z")})
	feed(t, a, `2026-11-28T04:09:00Z  ○ Compiling /a ...
2026-11-28T04:10:00Z  GET /a 200 in 900ms
2026-11-28T04:10:01Z  GET /a 200 in 2ms
`)
	if s := a.Summary(); s.Total.Count != 1 || s.Total.Cold != 0 {
		t.Errorf("after Since: %d requests, %d cold; want 1, 0", s.Total.Count, s.Total.Cold)
	}

	a = New(Options{})
	feed(t, a, log)
	if s := a.Summary(); s.Total.Count != 5 || s.Input.Excluded != 0 {
		t.Errorf("without bounds: %d requests, %d excluded", s.Total.Count, s.Input.Excluded)
	}
}

// TestColdIsPerInput: a compile in one input does not make the first
// request of that route in another input cold; another input is another
// server run.
func TestColdIsPerInput(t *testing.T) {
	a := New(Options{})
	p, _ := parser.New(parser.Options{})
	for _, in := range []struct{ file, log string }{
		{"a.log", " ○ Compiling /x ...\n"},
		{"b.log", " GET /x 200 in 5ms\n"},
		{"a.log", " GET /x 200 in 900ms\n"},
	} {
		sc := parser.NewScanner(strings.NewReader(in.log), in.file, p)
		for sc.Scan() {
			a.Add(sc.Event())
		}
	}
	s := a.Summary()
	if s.Total.Cold != 1 || s.Warm.Max != 5*ms {
		t.Errorf("cold %d, warm max %v: want only a.log's request cold", s.Total.Cold, s.Warm.Max)
	}
}

// TestOrder ranks the same routes by each Order: the largest first, ties
// in first-appearance order.
func TestOrder(t *testing.T) {
	log := ` GET /a 200 in 10ms
 GET /b 500 in 300ms
 GET /b 200 in 100ms
 GET /c 200 in 3s
 GET /a 500 in 30ms
 GET /a 200 in 20ms
`
	for _, tt := range []struct {
		order Order
		want  string
	}{
		{OrderMean, "/c /b /a"},
		{OrderCount, "/a /b /c"},
		{OrderP95, "/c /b /a"},
		{OrderMax, "/c /b /a"},
		{OrderSlow, "/c /a /b"},
		{OrderErrors, "/a /b /c"},
	} {
		a := New(Options{Grouping: GroupNone, Order: tt.order, Slow: time.Second})
		feed(t, a, log)
		s := a.Summary()
		var got []string
		for _, r := range s.Top {
			got = append(got, r.Route)
		}
		if strings.Join(got, " ") != tt.want || s.Order != tt.order {
			t.Errorf("%v: %v, want %s", tt.order, got, tt.want)
		}
		if o, err := ParseOrder(tt.order.String()); err != nil || o != tt.order {
			t.Errorf("ParseOrder(%q) = %v, %v", tt.order, o, err)
		}
	}
}
