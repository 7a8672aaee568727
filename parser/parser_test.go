package parser

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	µs = time.Microsecond
	ms = time.Millisecond
	s  = time.Second
)

// req is the part of a request record the table tests check.
type req struct {
	method, path, route string
	status              int
	d                   time.Duration
	phases              []Phase
}

func TestParseLineRequests(t *testing.T) {
	// Every line is copied verbatim from ../shared/samples/formats.
	tests := []struct {
		name string
		line string
		want req
	}{
		{"next15", " GET /fetch-cache 200 in 165ms", req{"GET", "/fetch-cache", "/fetch-cache", 200, 165 * ms, nil}},
		{"next15 long total", "POST /api/runs/execute 500 in 104939ms", req{"POST", "/api/runs/execute", "/api/runs/execute", 500, 104939 * ms, nil}},
		{"head", " HEAD / 200 in 50ms", req{"HEAD", "/", "/", 200, 50 * ms, nil}},
		{"query kept, route stripped", " GET /api/users? 200 in 5333ms", req{"GET", "/api/users?", "/api/users", 200, 5333 * ms, nil}},
		{"error query", " GET /api/error?throw=1 500 in 2280ms", req{"GET", "/api/error?throw=1", "/api/error", 500, 2280 * ms, nil}},
		{"13.4 tree top", "-  ┌ GET / 200 in 90ms", req{"GET", "/", "/", 200, 90 * ms, nil}},
		{"13.4 tree top no dash", "┌ GET /marcas 200 in 288ms", req{"GET", "/marcas", "/marcas", 200, 288 * ms, nil}},
		{"13.4 event dash", "    - GET /variable-revalidate/revalidate-360 200 in 1067ms", req{"GET", "/variable-revalidate/revalidate-360", "/variable-revalidate/revalidate-360", 200, 1067 * ms, nil}},
		{"16.0 breakdown", " GET /settings 200 in 1406ms (compile: 719ms, proxy.ts: 427ms, render: 260ms)",
			req{"GET", "/settings", "/settings", 200, 1406 * ms, []Phase{{"compile", 719 * ms}, {"proxy.ts", 427 * ms}, {"render", 260 * ms}}}},
		{"16.0 µs phase over a ms", " GET /api/talks 200 in 1336ms (compile: 1835µs, proxy.ts: 329ms, render: 1005ms)",
			req{"GET", "/api/talks", "/api/talks", 200, 1336 * ms, []Phase{{"compile", 1835 * µs}, {"proxy.ts", 329 * ms}, {"render", 1005 * ms}}}},
		{"16.0 seconds", " GET / 200 in 5.2s (compile: 4.6s, render: 599ms)",
			req{"GET", "/", "/", 200, 5200 * ms, []Phase{{"compile", 4600 * ms}, {"render", 599 * ms}}}},
		{"16.2 labels", " GET /api/users/abc 404 in 4.1s (next.js: 3.8s, proxy.ts: 137ms, application-code: 212ms)",
			req{"GET", "/api/users/abc", "/api/users/abc", 404, 4100 * ms, []Phase{{"next.js", 3800 * ms}, {"proxy.ts", 137 * ms}, {"application-code", 212 * ms}}}},
		{"minutes", "GET /connectors 200 in 2.2min (next.js: 94s, proxy.ts: 8ms, application-code: 39.1s)",
			req{"GET", "/connectors", "/connectors", 200, 132 * s, []Phase{{"next.js", 94 * s}, {"proxy.ts", 8 * ms}, {"application-code", 39100 * ms}}}},
		{"whole seconds", "GET /connectors/example 200 in 1s (next.js: 1s)",
			req{"GET", "/connectors/example", "/connectors/example", 200, s, []Phase{{"next.js", s}}}},
		{"transcript quote", "  >  GET / 200 in 2.8min (next.js: 2.7min, application-code: 1775ms)",
			req{"GET", "/", "/", 200, 168 * s, []Phase{{"next.js", 162 * s}, {"application-code", 1775 * ms}}}},
		{"trailing padding", " GET /health 404 in 299ms (next.js: 62ms, application-code: 237ms)                                            ",
			req{"GET", "/health", "/health", 404, 299 * ms, []Phase{{"next.js", 62 * ms}, {"application-code", 237 * ms}}}},
		{"breakdown cut short keeps total", " GET / 200 in 23.3s (next.js: 23.1s, application-code: 204m",
			req{"GET", "/", "/", 200, 23300 * ms, []Phase{{"next.js", 23100 * ms}}}},
		{"emoji after duration", "GET /en 200 in 463ms ✅", req{"GET", "/en", "/en", 200, 463 * ms, nil}},
		{"quoted in prose", `when i logged in and logged out: "GET /editor 200 in 248ms (next.js: 43ms, proxy.ts: 38ms, application-code: 167ms)`,
			req{"GET", "/editor", "/editor", 200, 248 * ms, []Phase{{"next.js", 43 * ms}, {"proxy.ts", 38 * ms}, {"application-code", 167 * ms}}}},
		{"url-encoded query", " GET /?message=I%27m+a+senior+engineer+at+Acme+Corp%2C+remember+that 200 in 55ms",
			req{"GET", "/?message=I%27m+a+senior+engineer+at+Acme+Corp%2C+remember+that", "/", 200, 55 * ms, nil}},
		{"bracketed query keys", "payload:dev:  GET /api/course_lessons?where[course_id][equals]=914cf082-5eec-4835-8c08-77fbe3be9e4a&sort=lesson_number&depth=2&limit=100 404 in 18ms",
			req{"GET", "/api/course_lessons?where[course_id][equals]=914cf082-5eec-4835-8c08-77fbe3be9e4a&sort=lesson_number&depth=2&limit=100", "/api/course_lessons", 404, 18 * ms, nil}},
		{"space in decoded path", " GET /search/hello world 200 in 12ms", req{"GET", "/search/hello world", "/search/hello world", 200, 12 * ms, nil}},
		{"ansi status", " GET /dashboard \x1b[32m200\x1b[39m in 5809ms", req{"GET", "/dashboard", "/dashboard", 200, 5809 * ms, nil}},
		{"ansi without ESC", "POST /api/redis [32m200[39m in 236ms", req{"POST", "/api/redis", "/api/redis", 200, 236 * ms, nil}},
		{"ansi dim breakdown", " GET / 200 in 626ms\x1b[2m (compile: 500ms, render: 125ms)\x1b[22m",
			req{"GET", "/", "/", 200, 626 * ms, []Phase{{"compile", 500 * ms}, {"render", 125 * ms}}}},
		{"newlines flattened", "[39m Starting... [32m[1m✓[22m[39m Ready in 357ms HEAD /api/media?key=save_1_0f81332cdf.png [32m200[39m in 571ms[2m (compile: 274ms, render: 297ms)[22m [31m[1m⨯[22m[39m The request…",
			req{"HEAD", "/api/media?key=save_1_0f81332cdf.png", "/api/media", 200, 571 * ms, []Phase{{"compile", 274 * ms}, {"render", 297 * ms}}}},
		{"docker compose", "web-1  |  GET / 200 in 16918ms", req{"GET", "/", "/", 200, 16918 * ms, nil}},
		{"compose extra indent", "  frontend-1  |  GET / 200 in 3683ms", req{"GET", "/", "/", 200, 3683 * ms, nil}},
		{"turbo scoped", "@sass-store/web:dev:  GET /api/auth/session 500 in 8238ms", req{"GET", "/api/auth/session", "/api/auth/session", 500, 8238 * ms, nil}},
		{"concurrently and turbo", "[next] @chainglass/web:dev:  GET / 200 in 30ms (compile: 1533µs, proxy.ts: 4ms, render: 24ms)",
			req{"GET", "/", "/", 200, 30 * ms, []Phase{{"compile", 1533 * µs}, {"proxy.ts", 4 * ms}, {"render", 24 * ms}}}},
		{"runner tag", "[Next.js Server] GET /ROBOTS.TXT 404 in 366ms (next.js: 15ms, proxy.ts: 11ms, application-code: 340ms)",
			req{"GET", "/ROBOTS.TXT", "/ROBOTS.TXT", 404, 366 * ms, []Phase{{"next.js", 15 * ms}, {"proxy.ts", 11 * ms}, {"application-code", 340 * ms}}}},
		{"pino-pretty", "[12:01:07] DEBUG (nextjs): GET /listings 200 in 150ms (compile: 7ms, proxy.ts: 6ms, render: 137ms)",
			req{"GET", "/listings", "/listings", 200, 150 * ms, []Phase{{"compile", 7 * ms}, {"proxy.ts", 6 * ms}, {"render", 137 * ms}}}},
		{"mojibake micro", " GET /x 200 in 850Âµs", req{"GET", "/x", "/x", 200, 850 * µs, nil}},
		{"cp437 micro", " GET /x 200 in 850┬╡s", req{"GET", "/x", "/x", 200, 850 * µs, nil}},
		{"fraction of a ms", " GET /x 200 in 1.835ms", req{"GET", "/x", "/x", 200, 1835 * µs, nil}},
	}
	p, _ := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := p.ParseLine([]byte(tt.line))
			if err != nil {
				t.Fatalf("ParseLine(%q): %v", tt.line, err)
			}
			if ev.Kind != KindRequest {
				t.Fatalf("kind %v, want request", ev.Kind)
			}
			r := ev.Request
			got := req{r.Method, r.Path, r.Route, r.Status, r.Duration, r.Phases}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseLine(%q)\n got %+v\nwant %+v", tt.line, got, tt.want)
			}
			if r.Source != SourceNext {
				t.Errorf("source %q, want next", r.Source)
			}
		})
	}
}

func TestParseLineTimestampPrefixes(t *testing.T) {
	tests := []struct {
		name, line string
		want       time.Time
	}{
		{"github actions 7 digits", "2025-11-06T10:00:00.1234567Z  GET /x 200 in 5ms", time.Date(2025, 11, 6, 10, 0, 0, 123456700, time.UTC)},
		{"gh run view tabs", "frontend\tStart frontend server\t2025-09-23T09:59:02.6232475Z  GET /x 200 in 5ms", time.Date(2025, 9, 23, 9, 59, 2, 623247500, time.UTC)},
		{"render trimmed zeros", "2025-08-19T14:20:59.07197797Z  GET /x 200 in 5ms", time.Date(2025, 8, 19, 14, 20, 59, 71977970, time.UTC)},
		{"compose then docker -t", "frontend-1  | 2026-08-18T15:58:38.950229875Z  GET /x 200 in 5ms", time.Date(2026, 8, 18, 15, 58, 38, 950229875, time.UTC)},
		{"pm2 date format", "2026-05-11 21:41:31:  GET /x 200 in 5ms", time.Date(2026, 5, 11, 21, 41, 31, 0, time.UTC)},
		{"bracketed app timestamp", "[2025-03-06T06:31:39.244Z]  GET /x 200 in 5ms", time.Date(2025, 3, 6, 6, 31, 39, 244000000, time.UTC)},
		{"zone offset", "2025-03-06T08:31:39+02:00  GET /x 200 in 5ms", time.Date(2025, 3, 6, 6, 31, 39, 0, time.UTC)},
	}
	p, _ := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := p.ParseLine([]byte(tt.line))
			if err != nil || ev.Kind != KindRequest {
				t.Fatalf("ParseLine(%q) = %v, %v; want a request", tt.line, ev.Kind, err)
			}
			if !ev.Time.Equal(tt.want) || ev.Request.Route != "/x" {
				t.Errorf("time %v route %q, want %v /x", ev.Time, ev.Request.Route, tt.want)
			}
		})
	}
}

func TestParseLineNotRequests(t *testing.T) {
	// Lines that look like requests but are not: fetches, server actions,
	// other tools. Each must be ErrNoMatch or another kind, never a request.
	lines := []string{
		" │ GET https://next-data-api-endpoint.vercel.app/api/random?no-cache 200 in 373ms (cache: SKIP)",
		" │  │ GET https://next-data-api-endpoint.vercel.app/api/random?force-cache 200 in 163ms (cache: SKIP)",
		"   ├──── POST https://www.generaltypestudio.com/graphql 200 in 0ms (cache: HIT)",
		"   ├── 1 level ── POST https://www.generaltypestudio.com/graphql?p=foo 200 in 0ms (cache: HIT)",
		"       ├─── GET https://next-data-api-en../api/random?page 200 in 1ms (cache: HIT)",
		" │ GET http://localhost:3000/api/storage/filesystem?action=binary&f.. 200 in 430ms (cache skip)",
		"  │ GET https://api.vercel.app/products/1 200 in 14ms (cache: HIT)",
		"` │ GET ${expectedUrl}?request-input 200 in 1ms (HMR cache)`",
		"[12:01:07] DEBUG (nextjs): POST http://localhost:7106/api/graphql 200 in 25ms (cache skip)",
		"  └─ ƒ invalidateCacheAction() in 1ms node_modules/@clerk/nextjs/dist/esm/app-router/server-actions.js",
		"  â””â”€ Æ’ getPopUpMapVendors() in 384ms bloom-hero/src/features/pop-up/queries/getPopUpMapVendors.ts",
		" │ │ Cache skipped reason: (auto no cache)",
		"npm http fetch GET 200 https://registry.npmjs.org/prisma 3122ms (cache miss)",
		"Reloaded 1 of 1140 libraries in 459ms (compile: 60 ms, reload: 144 ms, reassemble: 100 ms).",
		`INFO:     127.0.0.1:64767 - "GET /health HTTP/1.1" 200 OK`,
		`" ✓ src/components/GoalDialog.test.tsx (3 tests) 1970ms"`,
		"✓ Running next.config.ts took 40ms",
		"[INFO] [middleware] GET /",
		"<-- GET /users?page=2",
		"127.0.0.1 2024-12-31T11:36:08.516Z GET /info?_rsc=1ld0r Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36",
		"[browser] GET /x 200 in 5ms",
		"    at handler (webpack-internal:///(api)/./pages/api/query/postgres/updateUser.ts:40:18)",
		"",
		"\x00\x00\x00 GET \x00",
	}
	p, _ := New(Options{})
	for _, line := range lines {
		ev, err := p.ParseLine([]byte(line))
		if err == nil && ev.Kind == KindRequest {
			t.Errorf("ParseLine(%q) = request %+v, want none", line, ev.Request)
		}
		var se *SyntaxError
		if errors.As(err, &se) {
			t.Errorf("ParseLine(%q): %v, want no syntax error for a line that is not a request", line, err)
		}
	}
}

func TestParseLineMalformed(t *testing.T) {
	tests := []struct {
		name, line, msg string
	}{
		{"no status (PR 86726 example)", "GET / in 0ms (compile: 0ms, generate-params: 0ms, render: 0ms)", "request GET / has no status code"},
		{"doc template duration", "HEAD / 200 in Xms", `bad duration "Xms"`},
		{"no duration", "@repo/web:dev:  GET /api/health 503", "request GET /api/health 503 has no duration"},
		{"bad unit", " GET /x 200 in 12xs", `bad duration "12xs"`},
		{"longer than a day", " GET /a 200 in 5000000000s", "request GET /a took 1388888h53m20s: over 24h, not a request's time"},
	}
	p, _ := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.ParseLine([]byte(tt.line))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("ParseLine(%q) = %v, want a *SyntaxError", tt.line, err)
			}
			if se.Msg != tt.msg {
				t.Errorf("message %q, want %q", se.Msg, tt.msg)
			}
		})
	}
}

func TestParseLineCompileAndStart(t *testing.T) {
	tests := []struct {
		line string
		kind Kind
		c    Compile
	}{
		{" ✓ Compiled /api/slow in 527ms", KindCompile, Compile{Target: "/api/slow", Done: true, Duration: 527 * ms}},
		{" ○ Compiling /dashboard ...", KindCompile, Compile{Target: "/dashboard"}},
		{"○ Compiling / ...", KindCompile, Compile{Target: "/"}},
		{" ✓ Compiled /api/price in 4.4s (2484 modules)", KindCompile, Compile{Target: "/api/price", Done: true, Duration: 4400 * ms}},
		{" ✓ Compiled in 143ms", KindCompile, Compile{Done: true, Duration: 143 * ms}},
		{"✓ Compiled /[locale] in 8.1s (1040 modules)", KindCompile, Compile{Target: "/[locale]", Done: true, Duration: 8100 * ms}},
		{"✓ Compiled /api/generate/route in 523ms", KindCompile, Compile{Target: "/api/generate", Done: true, Duration: 523 * ms}},
		{"web-1  |  ✓ Compiled / in 16s (3345 modules)", KindCompile, Compile{Target: "/", Done: true, Duration: 16 * s}},
		{"âœ“ Compiled in 933ms", KindCompile, Compile{Done: true, Duration: 933 * ms}},
		{"@app/gibraltar:dev: wait  - compiling /404 (client and server)...", KindCompile, Compile{Target: "/404"}},
		{"@app/gibraltar:dev: event - compiled client and server successfully in 684 ms (1063 modules)", KindCompile, Compile{Done: true, Duration: 684 * ms}},
		{"    - wait compiling /variable-revalidate/headers-instance/page (client and server)...", KindCompile, Compile{Target: "/variable-revalidate/headers-instance"}},
		{"- wait compiling...", KindCompile, Compile{}},
		{" ✓ Ready in 2.4s", KindStart, Compile{}},
		{"✓ Ready in 389ms", KindStart, Compile{}},
		{"frontend-1  |  âœ“ Ready in 602ms", KindStart, Compile{}},
		{"- ready started server on 0.0.0.0:3000, url: http://localhost:3000", KindStart, Compile{}},
	}
	p, _ := New(Options{})
	for _, tt := range tests {
		ev, err := p.ParseLine([]byte(tt.line))
		if err != nil || ev.Kind != tt.kind {
			t.Errorf("ParseLine(%q) = %v, %v; want %v", tt.line, ev.Kind, err, tt.kind)
			continue
		}
		if tt.kind == KindCompile && ev.Compile != tt.c {
			t.Errorf("ParseLine(%q).Compile = %+v, want %+v", tt.line, ev.Compile, tt.c)
		}
	}
}

func TestParseLineStore(t *testing.T) {
	tests := []struct {
		line  string
		kind  Kind
		store Store
	}{
		{"[middleware] ✓ METRIC RECORDED, new size: 13", KindStoreSize, Store{"middleware", 13}},
		{"[performance-logger] ✓ METRIC RECORDED, new size: 1", KindStoreSize, Store{"performance-logger", 1}},
		{"[middleware] âœ“ METRIC RECORDED, new size: 7", KindStoreSize, Store{"middleware", 7}},
		{"[middleware] ‚úì METRIC RECORDED, new size: 8", KindStoreSize, Store{"middleware", 8}},
		{"web-1  | [middleware] Γ£ô METRIC RECORDED, new size: 9", KindStoreSize, Store{"middleware", 9}},
		{"[API route] 📈 GENERATING SUMMARY: { metricsStoreSize: 0, storeReference: [] }", KindStoreRead, Store{"API route", 0}},
		{"[performance-logger] Metrics cleared from memory", KindStoreClear, Store{"performance-logger", 0}},
	}
	p, _ := New(Options{})
	for _, tt := range tests {
		ev, err := p.ParseLine([]byte(tt.line))
		if err != nil || ev.Kind != tt.kind || ev.Store != tt.store {
			t.Errorf("ParseLine(%q) = %v %+v, %v; want %v %+v", tt.line, ev.Kind, ev.Store, err, tt.kind, tt.store)
		}
	}
	// Look-alikes from other tools.
	for _, line := range []string{
		"| > SuccessfulRescale: New size: 4; reason: cpu resource utilization above target |",
		`                "[INFO] [SMOTE] Applied with k_neighbors=5; new size: 2664",`,
		"📊 Metric recorded: latency = 12",
	} {
		if ev, err := p.ParseLine([]byte(line)); err == nil {
			t.Errorf("ParseLine(%q) = %v, want ErrNoMatch", line, ev.Kind)
		}
	}
}

func TestStreamSlowRequest(t *testing.T) {
	log := strings.Join([]string{
		"[performance-logger] 🐌 SLOW REQUEST: { path: '/api/guest/chat', duration: '2345ms', threshold: '2000ms', method: 'POST' }",
		" GET /a 200 in 10ms",
		"[performance-logger] 🐌 SLOW REQUEST: {",
		"  path: '/api/reports/generate',",
		"  duration: '5120ms',",
		"  threshold: '2000ms',",
		"  method: 'GET'",
		"}",
		" GET /b 200 in 11ms",
		"[performance-logger] 🐌 SLOW REQUEST: {",
		"  path: '/api/cut',",
		" GET /c 200 in 12ms",
		"web-1  | [performance-logger] 🐌 SLOW REQUEST: {",
		"web-1  |   path: '/api/x',",
		"web-1  |   duration: '3000ms',",
		"web-1  |   threshold: '2000ms',",
		"web-1  |   method: 'PUT'",
		"web-1  | }",
	}, "\n")
	p, _ := New(Options{})
	sc := NewScanner(strings.NewReader(log), "dev.log", p)
	var got []string
	for sc.Scan() {
		ev := sc.Event()
		switch ev.Kind {
		case KindSlow:
			got = append(got, strings.Join([]string{ev.Slow.Method, ev.Slow.Path, ev.Slow.Duration.String(), ev.Slow.Threshold.String()}, " ")+" @"+strconv.Itoa(ev.Line))
		case KindRequest:
			got = append(got, ev.Request.Route+" @"+strconv.Itoa(ev.Line))
		case KindMalformed:
			got = append(got, "malformed "+ev.Err.Error())
		}
	}
	want := []string{
		"POST /api/guest/chat 2.345s 2s @1",
		"/a @2",
		"GET /api/reports/generate 5.12s 2s @3",
		"/b @9",
		"malformed dev.log:10: SLOW REQUEST object not closed",
		"/c @12",
		"PUT /api/x 3s 2s @13",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("events:\n got %q\nwant %q", got, want)
	}
	if sc.Lines() != 18 {
		t.Errorf("Lines() = %d, want 18", sc.Lines())
	}
}

func TestLastIn(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want int
	}{
		{" GET /x 200 in 5ms", 11},
		{"in x in y", 4},
		{" in ", 0},
		{"no match in", -1},
		{"min ins", -1},
		{"", -1},
	} {
		if got := lastIn([]byte(tt.s)); got != tt.want {
			t.Errorf("lastIn(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}
