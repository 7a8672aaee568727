package aggregate

import (
	"fmt"
	"strings"
	"testing"

	"github.com/reqstats/reqstats/parser"
)

// Lines from ../shared/samples/formats: Next's own, and the app's own
// timing lines for other requests.
const (
	nextLine   = " GET /fetch-cache 200 in 165ms"
	jsonLine   = `{"timestamp":"2026-05-20T08:21:00.000Z","level":"info","message":"HTTP Request processed","method":"GET","path":"/health","status_code":200,"duration_ms":3}`
	morganLine = "GET /api/workouts 404 1.959 ms - 151"
	// One logger timing each request in its middleware and its handler.
	mwLine    = "[performance-logger] GET /api/users/132 200 1ms [middleware]"
	routeLine = "[performance-logger] GET /api/users/132 200 477ms [route]"
)

// sourcesOf describes which source a Summary counts and the others.
func sourcesOf(s *Summary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %d", s.Source, s.Total.Count)
	for _, o := range s.Others {
		fmt.Fprintf(&b, "; %s %d", o.Source, o.Count)
	}
	return b.String()
}

func TestPrimarySource(t *testing.T) {
	rep := func(line string, n int) string { return strings.Repeat(line+"\n", n) }
	tests := []struct {
		name, log, source, want string
	}{
		{"next wins when present", rep(jsonLine, 5) + rep(nextLine, 2), "", "next 2; json 5"},
		{"else the most frequent", rep(morganLine, 2) + rep(jsonLine, 3), "", "json 3; morgan 2"},
		{"ties by name", rep(morganLine, 2) + rep(jsonLine, 2), "", "json 2; morgan 2"},
		{"only app lines", rep(jsonLine, 4), "", "json 4"},
		{"nothing", "noise\n", "", "next 0"},
		{"named", rep(jsonLine, 5) + rep(nextLine, 2), "json", "json 5; next 2"},
		{"named but absent", rep(nextLine, 2), "morgan", "morgan 0; next 2"},
		{"all merges", rep(jsonLine, 5) + rep(nextLine, 2) + rep(morganLine, 1), SourceAll, "all 8"},
		// A logger's tags: the longest median, even with fewer lines (the
		// middleware also answered requests the handler never saw).
		{"tags: the longest median", rep(mwLine, 6) + rep(routeLine, 4), "", "text[route] 4; text[middleware] 6"},
		{"tags: then the busiest logger", rep(mwLine, 3) + rep(routeLine, 3) + rep(jsonLine, 4), "", "json 4; text[middleware] 3; text[route] 3"},
		{"tags: Next still first", rep(mwLine, 3) + rep(routeLine, 3) + rep(nextLine, 1), "", "next 1; text[middleware] 3; text[route] 3"},
		{"tag named", rep(mwLine, 3) + rep(routeLine, 3), "text[middleware]", "text[middleware] 3; text[route] 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel, err := ParseSelection(tt.source)
			if err != nil {
				t.Fatal(err)
			}
			a := New(Options{Source: sel})
			feed(t, a, tt.log)
			s := a.Summary()
			if got := sourcesOf(s); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if s.Input.Requests != strings.Count(tt.log, "\n")-strings.Count(tt.log, "noise") {
				t.Errorf("input requests %d", s.Input.Requests)
			}
		})
	}
}

func TestPrimarySourceRoutes(t *testing.T) {
	// The routes and slowest requests are the primary source's only.
	a := New(Options{})
	feed(t, a, jsonLine+"\n"+nextLine+"\n"+morganLine+"\n")
	s := a.Summary()
	if len(s.Routes) != 1 || s.Routes[0].Route != "/fetch-cache" || len(s.Slowest) != 1 || s.Slowest[0].Route != "/fetch-cache" {
		t.Errorf("routes %+v slowest %+v", s.Routes, s.Slowest)
	}
	if len(s.Others) != 2 || s.Others[0].Routes != 1 {
		t.Errorf("others %+v", s.Others)
	}
}

func TestColdPerSource(t *testing.T) {
	// A compile makes the first request of the route cold in each source,
	// whichever logged it first.
	a := New(Options{Source: OneSource(parser.SourceJSON)})
	feed(t, a, " ✓ Compiled /health in 527ms\n"+" GET /health 200 in 900ms\n"+jsonLine+"\n")
	if s := a.Summary(); s.Total.Cold != 1 {
		t.Errorf("json cold %d, want 1", s.Total.Cold)
	}
	a = New(Options{})
	feed(t, a, " ✓ Compiled /health in 527ms\n"+jsonLine+"\n"+" GET /health 200 in 900ms\n")
	if s := a.Summary(); s.Total.Cold != 1 || s.Source != "next" {
		t.Errorf("next cold %d, want 1", s.Total.Cold)
	}
}

func TestSortPatterns(t *testing.T) {
	var ps []Pattern
	for _, r := range []string{"/docs/[[...slug]]", "/[lang]/docs", "/docs/[...slug]", "/docs/[id]", "/docs/intro", "/docs", "/(marketing)/about"} {
		ps = append(ps, ParsePattern(r))
	}
	SortPatterns(ps)
	var got []string
	for _, p := range ps {
		got = append(got, p.String())
	}
	want := "/(marketing)/about /docs /docs/intro /docs/[id] /docs/[...slug] /docs/[[...slug]] /[lang]/docs"
	if strings.Join(got, " ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
	// The first match in that order wins: /docs is the static page, not
	// the optional catch-all; /docs/intro beats [id].
	a := New(Options{Routes: ps})
	for path, want := range map[string]string{"/docs": "/docs", "/docs/intro": "/docs/intro", "/docs/x": "/docs/[id]", "/docs/a/b": "/docs/[...slug]", "/about": "/(marketing)/about", "/en/docs": "/[lang]/docs"} {
		if got := a.GroupRoute(path); got != want {
			t.Errorf("GroupRoute(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestParseSelection(t *testing.T) {
	for _, name := range []string{"", "all", "next", "json", "pattern", "text[route]"} {
		sel, err := ParseSelection(name)
		if err != nil {
			t.Errorf("ParseSelection(%q): %v", name, err)
			continue
		}
		if sel.String() != name {
			t.Errorf("ParseSelection(%q).String() = %q", name, sel.String())
		}
	}
	for _, bad := range []string{"text[", "text[]", "nope[route]"} {
		if _, err := ParseSelection(bad); err == nil {
			t.Errorf("ParseSelection(%q) accepted", bad)
		}
	}
	if _, err := ParseSelection("nope"); err == nil || !strings.Contains(err.Error(), `unknown source "nope"`) {
		t.Errorf("ParseSelection(nope) = %v, want an unknown-source error", err)
	}
	if AllSources() == (Selection{}) || OneSource(parser.SourceNext) == (Selection{}) {
		t.Error("the zero Selection must choose, and differ from AllSources")
	}
}

func TestUnmatched(t *testing.T) {
	// The middleware logs every request; Next prints no line for the
	// ones it answers itself.
	log := `[perf] GET /api/users/1 0.12ms [middleware]
 GET /api/users/1 200 in 40ms
[perf] GET /api/admin 403 0.08ms [middleware]
[perf] GET /old 307 0.05ms [middleware]
[perf] GET /api/admin 403 0.07ms [middleware]
[perf] GET /api/users/2 0.11ms [middleware]
 GET /api/users/2 200 in 35ms
`
	a := New(Options{ByMethod: true})
	feed(t, a, log)
	s := a.Summary()
	u := s.Unmatched
	if s.Source != "next" || u == nil || u.Source != "text[middleware]" || u.Count != 3 || len(u.Routes) != 2 {
		t.Fatalf("source %s, unmatched %+v", s.Source, u)
	}
	if r := u.Routes[0]; r.Route != "/api/admin" || r.Count != 2 || r.Status[4] != 2 {
		t.Errorf("first unmatched route %+v, want /api/admin 403 ×2", r)
	}
	if r := u.Routes[1]; r.Route != "/old" || r.Count != 1 || r.Status[3] != 1 {
		t.Errorf("second unmatched route %+v, want /old 307", r)
	}
	if s.Total.Count != 2 {
		t.Errorf("counted %d, want Next's 2", s.Total.Count)
	}
	// Every source merged: nothing is unmatched.
	a = New(Options{Source: AllSources()})
	feed(t, a, log)
	if u := a.Summary().Unmatched; u != nil {
		t.Errorf("--source all: unmatched %+v", u)
	}
}

func TestUnmatchedNotFound(t *testing.T) {
	// Next's 404s count under [not found]; the middleware logged the
	// same requests with no status, under their paths.
	log := `[perf] GET /no-such-page-1 0.11ms [middleware]
 GET /no-such-page-1 404 in 934ms
[perf] GET /no-such-page-2 0.09ms [middleware]
 GET /no-such-page-2 404 in 40ms
[perf] GET /api/admin 403 0.08ms [middleware]
`
	a := New(Options{ByMethod: true})
	feed(t, a, log)
	u := a.Summary().Unmatched
	if u == nil || u.Count != 1 || len(u.Routes) != 1 || u.Routes[0].Route != "/api/admin" {
		t.Errorf("unmatched %+v, want only /api/admin", u)
	}
}

func TestUnmatchedStatusesAddUp(t *testing.T) {
	// The middleware logs 200 for what the handler answered 500.
	log := "[perf] GET /x 200 5ms\n GET /x 500 in 6ms\n[perf] GET /x 200 5ms\n GET /x 500 in 6ms\n[perf] GET /x 200 5ms\n"
	a := New(Options{ByMethod: true})
	feed(t, a, log)
	u := a.Summary().Unmatched
	if u == nil || u.Count != 1 || len(u.Routes) != 1 || u.Routes[0].Status != [6]int{} {
		t.Errorf("unmatched %+v, want one request on /x with no status claimed", u)
	}
}
