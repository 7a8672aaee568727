package aggregate

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestColdRules(t *testing.T) {
	tests := []struct {
		name string
		log  string
		cold string // the lines of log counted cold, by number from 1
	}{
		{"next 16.2: compile inside next.js", `
 GET / 200 in 7.7s (next.js: 6.9s, proxy.ts: 229ms, application-code: 501ms)
 GET /api/users/2 200 in 74ms (next.js: 38ms, proxy.ts: 5ms, application-code: 30ms)
 GET /report 200 in 900ms (next.js: 120ms, application-code: 780ms)
 GET /report 200 in 300ms (next.js: 200ms, application-code: 100ms)`, "1 4"},
		// Line 3, a first request, spent its time in the app's code: its
		// phases decide, not its being first. Line 4 spent 200 of its
		// 300ms in next.js: more than half, and past --cold-compile.
		{"first request of each route in a dev log", `
 ✓ Ready in 1318ms
 ○ Compiling / ...
 GET /api/health 200 in 1172ms
 GET /api/users/1 200 in 1427ms
 GET /api/users/2 200 in 140ms
 GET /api/health 200 in 120ms
 GET /fast 200 in 12ms
 GET /fast 200 in 150ms`, "3 4"},
		{"a restart compiles again", `
 ○ Compiling / ...
 GET /api/health 200 in 1172ms
 GET /api/health 200 in 172ms
 ✓ Ready in 900ms
 GET /api/health 200 in 1012ms`, "2 5"},
		{"not in a dev log", `
 GET /api/health 200 in 1172ms
 GET /api/users/1 200 in 1427ms`, ""},
		{"one not-found page", `
 ○ Compiling /_not-found ...
 GET /no-such-page-1 404 in 934ms
 GET /no-such-page-2 404 in 140ms
 GET /no-such-page-3 404 in 150ms`, "2"},
		{"in flight while a compile ran", `
 ○ Compiling / ...
 GET / 200 in 120ms
 ✓ Compiled in 27.5s
 GET /dashboard 200 in 53226ms
 GET /dashboard 200 in 31000ms
 GET /api/users/1 200 in 40ms
 GET /dashboard 200 in 31000ms`, "2 4 5"},
		// Line 7: the window closed at line 6, a request that started
		// after the compile.
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			a := New(Options{OnRequest: func(r Request) {
				if r.Cold {
					got = append(got, strconv.Itoa(r.Record.Line))
				}
			}})
			feed(t, a, strings.TrimPrefix(tt.log, "\n")+"\n")
			if g := strings.Join(got, " "); g != tt.cold {
				t.Errorf("cold lines %q, want %q", g, tt.cold)
			}
		})
	}
}

func TestAppSlowThreshold(t *testing.T) {
	// The warnings come after most requests: the counts are made again.
	log := ` GET /a 200 in 300ms
 GET /a 200 in 700ms
 GET /b 200 in 2500ms
[perf] ⚠ SLOW REQUEST: GET /a took 700ms (threshold 500ms)
`
	tests := []struct {
		name    string
		opts    Options
		extra   string
		slow    int
		at      time.Duration
		fromApp bool
	}{
		{"the app's threshold", Options{AppSlow: true}, "", 2, 500 * time.Millisecond, true},
		{"a --slow given", Options{Slow: 2 * time.Second}, "", 1, 2 * time.Second, false},
		{"two thresholds stated", Options{AppSlow: true}, "[perf] ⚠ SLOW REQUEST: GET /b took 2500ms (threshold 1000ms)\n", 1, 2 * time.Second, false},
		{"with a window", Options{AppSlow: true, Last: 10}, "", 1, 2 * time.Second, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := New(tt.opts)
			feed(t, a, log+tt.extra)
			s := a.Summary()
			if s.Total.Slow != tt.slow || s.Slow != tt.at || s.SlowFromApp != tt.fromApp {
				t.Errorf("slow %d over %v (from the app %v), want %d over %v (%v)", s.Total.Slow, s.Slow, s.SlowFromApp, tt.slow, tt.at, tt.fromApp)
			}
			var routes int
			for _, r := range s.Routes {
				routes += r.Slow
			}
			if routes != tt.slow {
				t.Errorf("routes' slow add up to %d, want %d", routes, tt.slow)
			}
		})
	}
}
