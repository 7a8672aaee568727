package parser

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// app is the part of an app's request record the table tests check.
type app struct {
	src         Source
	method      string
	path, route string
	status      int
	d           time.Duration
}

func TestParseLineAppRequests(t *testing.T) {
	// Every line is copied verbatim from ../shared/samples/formats/03 and 05.
	tests := []struct {
		name string
		line string
		want app
		time time.Time // zero: not checked
	}{
		// pino-http / fastify / nestjs-pino
		{"pino-http default", `{"level":30,"time":1629823792029,"pid":15067,"hostname":"my-host","req":{"id":1,"method":"GET","url":"/","query":{},"params":{"0":""},"headers":{"host":"localhost:3000","user-agent":"curl/7.64.1","accept":"*/*"},"remoteAddress":"::1","remotePort":63822},"res":{"statusCode":200,"headers":{"x-powered-by":"Express","content-type":"text/html; charset=utf-8","content-length":"12","etag":"W/\"c-Lve95gjOVATpfV8EL5X4nxwjKHE\""}},"responseTime":7,"msg":"request completed"}`,
			app{SourceJSON, "GET", "/", "/", 200, 7 * ms}, time.UnixMilli(1629823792029)},
		{"fastify completed alone", `[api] {"level":30,"time":1770035753379,"pid":91843,"hostname":"almuratdeMacBook-Pro.local","reqId":"req-d","res":{"statusCode":204},"responseTime":0.730333000421524,"msg":"request completed"}`,
			app{SourceJSON, "", UnknownRoute, UnknownRoute, 204, 730333 * time.Nanosecond}, time.UnixMilli(1770035753379)},
		{"fastify custom serializer", `{"level":30,"reqId":"…","method":"GET","path":"/api/v1/health","statusCode":200,"durationMs":10,"userId":null,"msg":"request completed"}`,
			app{SourceJSON, "GET", "/api/v1/health", "/api/v1/health", 200, 10 * ms}, time.Time{}},
		{"nestjs snake case", `{"level":"info","timestamp":"2026-10-02T22:54:28.371Z","service":"tp-integrador-devops","version":"0.0.0-local","request_id":"7b3de4b9-6ab0-4d7e-b665-334e776e66f0","method":"POST","path":"/api/v1/tasks","route":"/api/v1/tasks","status_code":201,"duration_ms":0.65,"msg":"request completed"}`,
			app{SourceJSON, "POST", "/api/v1/tasks", "/api/v1/tasks", 201, 650 * µs}, time.Date(2026, 10, 2, 22, 54, 28, 371e6, time.UTC)},
		{"compose prefix, string level", `slimy-admin-api  | {"level":"INFO","time":"2026-01-02T14:59:33.104Z","pid":1,"hostname":"0441e130eca7","requestId":"31c69d12-d7b0-4d95-ba71-cb88cce06e0c","method":"GET","path":"/api/health","statusCode":200,"duration":2,"service":"slimy-admin-api","env":"production","msg":"Request completed"}`,
			app{SourceJSON, "GET", "/api/health", "/api/health", 200, 2 * ms}, time.Date(2026, 1, 2, 14, 59, 33, 104e6, time.UTC)},
		{"duration as a string", `{"level":30,"time":1703073045138,"service":"api","environment":"production","requestId":"req-123","duration":"15ms","status":200,"msg":"Request completed"}`,
			app{SourceJSON, "", UnknownRoute, UnknownRoute, 200, 15 * ms}, time.UnixMilli(1703073045138)},
		{"elided by the author", ` * {"level":30,"time":"...","req":{"method":"POST","url":"/orders"},"res":{"statusCode":201},"responseTime":12,"msg":"request completed"}`,
			app{SourceJSON, "POST", "/orders", "/orders", 201, 12 * ms}, time.Time{}},
		// winston
		{"winston metadata", `{"timestamp":"2026-05-13T04:45:59.453Z","level":"info","message":"HTTP request completed","metadata":{"requestId":"75d2eb56-de9f-4d37-82a9-b30f5437d5fd","method":"POST","url":"/auth/login","statusCode":500,"durationMs":1158.85,"ip":"::1","userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/148.0.0.0 Safari/537.36 Edg/148.0.0.0"}}`,
			app{SourceJSON, "POST", "/auth/login", "/auth/login", 500, 1158850 * µs}, time.Date(2026, 5, 13, 4, 45, 59, 453e6, time.UTC)},
		{"winston flat", `{"timestamp":"2026-05-20T08:21:00.000Z","level":"info","message":"HTTP Request processed","method":"GET","path":"/health","status_code":200,"duration_ms":3}`,
			app{SourceJSON, "GET", "/health", "/health", 200, 3 * ms}, time.Date(2026, 5, 20, 8, 21, 0, 0, time.UTC)},
		{"access log: path before url", `{"level":"info","message":"http.access","ts":"2026-09-01T10:24:03.512Z","logger":"http","service":"my-api","method":"POST","path":"/api/v1/orders","route":"/api/v1/orders","url":"/api/v1/orders?sku=s_123&token=[REDACTED]","http_host":"api.example.com","status":201,"duration_ms":42.7,"ip":"203.0.113.7","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","trace_sampled":true,"res_bytes":86}`,
			app{SourceJSON, "POST", "/api/v1/orders", "/api/v1/orders", 201, 42700 * µs}, time.Date(2026, 9, 1, 10, 24, 3, 512e6, time.UTC)},
		{"winston printf + inspect meta", `2025-01-15 10:30:45 [info]: ← POST /auth/signin 200 { duration: '45ms', statusCode: 200 }`,
			app{SourceText, "POST", "/auth/signin", "/auth/signin", 200, 45 * ms}, time.Date(2025, 1, 15, 10, 30, 45, 0, time.UTC)},
		// console.log objects
		{"console object", `            { route: 'GET /api/a', method: 'GET', duration: 100, statusCode: 200, timestamp: new Date(), path: '/api/a', ip: '1.1.1.1' },`,
			app{SourceObject, "GET", "/api/a", "/api/a", 200, 100 * ms}, time.Time{}},
		// morgan
		{"morgan dev", "GET / 304 12.402 ms - -", app{SourceMorgan, "GET", "/", "/", 304, 12402 * µs}, time.Time{}},
		{"morgan dev encoded query", "GET /api/categories?filter=%7B%7D&range=%5B0%2C24%5D&sort=%5B%22id%22%2C%22DESC%22%5D 200 3.572 ms - 121",
			app{SourceMorgan, "GET", "/api/categories?filter=%7B%7D&range=%5B0%2C24%5D&sort=%5B%22id%22%2C%22DESC%22%5D", "/api/categories", 200, 3572 * µs}, time.Time{}},
		{"morgan dev id", "GET /api/assignment/course/69525aa783c4e5983eb487fc 304 143.649 ms - -",
			app{SourceMorgan, "GET", "/api/assignment/course/69525aa783c4e5983eb487fc", "/api/assignment/course/69525aa783c4e5983eb487fc", 304, 143649 * µs}, time.Time{}},
		{"morgan dev 4xx", "// POST /api/workouts 404 0.633 ms - 152", app{SourceMorgan, "POST", "/api/workouts", "/api/workouts", 404, 633 * µs}, time.Time{}},
		{"morgan tiny", "GET /tiny 200 2 - 0.188 ms", app{SourceMorgan, "GET", "/tiny", "/tiny", 200, 188 * µs}, time.Time{}},
		{"morgan tiny no length", "        + tiny : GET / 304 - - 2.485 ms", app{SourceMorgan, "GET", "/", "/", 304, 2485 * µs}, time.Time{}},
		{"morgan short", "::1 - GET /short HTTP/1.1 200 2 - 0.283 ms", app{SourceMorgan, "GET", "/short", "/short", 200, 283 * µs}, time.Time{}},
		// koa / hono
		{"koa", "--> GET /users?page=2 200 466ms 4.66kb", app{SourceKoa, "GET", "/users?page=2", "/users", 200, 466 * ms}, time.Time{}},
		{"koa indented", "  --> GET /priceavax/avax 304 6ms", app{SourceKoa, "GET", "/priceavax/avax", "/priceavax/avax", 304, 6 * ms}, time.Time{}},
		{"hono", "--> GET /health 500 3ms", app{SourceKoa, "GET", "/health", "/health", 500, 3 * ms}, time.Time{}},
		// custom middleware
		{"perf tag", "[perf] GET /api/forum/subspaces 200 12.34ms", app{SourceText, "GET", "/api/forum/subspaces", "/api/forum/subspaces", 200, 12340 * µs}, time.Time{}},
		{"request id tag", "[HTTP] [abc123-xyz789] GET /v1/channels?country=US 200 45ms - 1234 bytes", app{SourceText, "GET", "/v1/channels?country=US", "/v1/channels", 200, 45 * ms}, time.Time{}},
		{"path last", "⚡ FAST: GET 200 in 5ms: /api/leagues", app{SourceText, "GET", "/api/leagues", "/api/leagues", 200, 5 * ms}, time.Time{}},
		{".NET completed in", "✓ Request: GET /Client/1/Matter completed in 45ms with status 200", app{SourceText, "GET", "/Client/1/Matter", "/Client/1/Matter", 200, 45 * ms}, time.Time{}},
		{"em dashes", "[HTTP] GET /api/products/999 — 404 — 5ms", app{SourceText, "GET", "/api/products/999", "/api/products/999", 404, 5 * ms}, time.Time{}},
		{"nest logger in compose", "app-1       | [Nest] 34  - 05/10/2026, 10:00:09 PM     LOG [HTTP] GET /api/products — 200 — 19ms", app{SourceText, "GET", "/api/products", "/api/products", 200, 19 * ms}, time.Time{}},
		{"nest no status", "nest-api     | [Nest] 19  - 07/11/2025, 7:22:43 AM     LOG [HTTP] GET /user - 138ms", app{SourceText, "GET", "/user", "/user", 0, 138 * ms}, time.Time{}},
		{"status then time in parens", "nest-api     | [Middleware] POST /user - 400 (9ms)", app{SourceText, "POST", "/user", "/user", 400, 9 * ms}, time.Time{}},
		{"dashed fields, padded method", "  [c8d4e2] GET  /api/v1/products — anonymous — 200 — 18ms", app{SourceText, "GET", "/api/v1/products", "/api/v1/products", 200, 18 * ms}, time.Time{}},
		{"ogma", "[2021-09-06T18:50:22.767Z] [INFO]  [jay-pop] [Express] [138639] [1630954222762841] [HttpController#getHello] ::1 - GET / HTTP/1.1 200 3ms - 17",
			app{SourceText, "GET", "/", "/", 200, 3 * ms}, time.Date(2021, 9, 6, 18, 50, 22, 767e6, time.UTC)},
		// next-logger: Next's own line inside pino JSON stays Next's.
		{"pino-pretty next line", "[12:01:07] DEBUG (nextjs): GET /listings 200 in 150ms (compile: 7ms, proxy.ts: 6ms, render: 137ms)", app{SourceNext, "GET", "/listings", "/listings", 200, 150 * ms}, time.Time{}},
	}
	p, _ := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := p.ParseLine([]byte(tt.line))
			if err != nil || ev.Kind != KindRequest {
				t.Fatalf("ParseLine(%q) = %v, %v; want a request", tt.line, ev.Kind, err)
			}
			r := ev.Request
			got := app{r.Source, r.Method, r.Path, r.Route, r.Status, r.Duration}
			if got != tt.want {
				t.Errorf("ParseLine(%q)\n got %+v\nwant %+v", tt.line, got, tt.want)
			}
			if !tt.time.IsZero() && !ev.Time.Equal(tt.time) {
				t.Errorf("time %v, want %v", ev.Time, tt.time)
			}
		})
	}
}

func TestParseLineAppNotRequests(t *testing.T) {
	// Verbatim lines from 03 and 05 that a person would not call a
	// request with a time: look-alikes from other tools, JSON lines that
	// are not requests, incoming-only lines, code templates, build output.
	lines := []string{
		`npm http fetch GET 200 https://registry.npmjs.org/prisma 3122ms (cache miss)`,
		`npm http fetch GET 200 https://registry.npmjs.org/@prisma%2fengines 2326ms (cache miss)`,
		`Reloaded 1 of 1140 libraries in 459ms (compile: 60 ms, reload: 144 ms, reassemble: 100 ms).`,
		`INFO:     127.0.0.1:64767 - "GET /health HTTP/1.1" 200 OK`,
		`" ✓ src/components/GoalDialog.test.tsx (3 tests) 1970ms"`,
		`time=2025-11-27T10:30:45 level=INFO msg="request completed" method=POST path=/search`,
		` Γ£ô Compiled successfully`,
		`Γ£ô Compiled successfully in 2.5s`,
		`‚úì Generating static pages (6/6)`,
		`  Generating static pages using 7 workers (1/4) `,
		`â”œ Æ’ /api/journal/day/[date]`,
		`Γö£ΓöÇ Check file c:\users\Daniel\scratch\ant-design-icons\packages\icons-react\node_modules\typescript\lib\lib.dom.d.ts (816ms)`,
		`2026-05-11 21:41:31:  âœ“ Starting...`,
		`{"level":30,"time":1757021155796,"msg":"request completed","statusCode":200}`,
		// Not verbatim: a path and a duration, but neither method nor status.
		`{"level":30,"time":1757021155796,"msg":"cache file read","path":"/tmp/cache/pages.json","duration":12}`,
		`{"level":30,"time":1767490113197,"reqId":"req-4","req":{"method":"POST","url":"/api/auth/login"...},"msg":"incoming request"}`,
		`[api] {"level":30,"time":1770035753378,"pid":91843,"hostname":"almuratdeMacBook-Pro.local","reqId":"req-d","req":{"method":"OPTIONS","url":"/api/wallets/0xA386bc9D8F26AB170A847D73226e3e0BCEb0fe8E/balance?chain=base","hostname":"localhost:3001","remoteAddress":"127.0.0.1","remotePort":54840},"msg":"incoming request"}`,
		`[api] [2026-02-02T12:35:52.304Z] [ERROR] [API-5002][TID:083b259b-5de7-4c07-bb5f-5b9de26443b1] Alchemy Portfolio EVM API error | DATA: {}`,
		`Parsed params: { sortBy: 'createdAt', sortOrder: 'desc', take: 10, skip: 0 }`,
		`Using sort: { sortField: 'createdAt', orderDirection: 'desc' }`,
		`    serverTimings: '5118.561299999999ms', statusCode: 200`,
		"    console.log(`[PERF] GET /api/products/[id]: ${duration}ms`)",
		"            console.warn(`🐌 VERY SLOW: ${req.method} ${req.path} - ${Math.round(durationMs)}ms`);",
		`High query count: GET /api/v1/orders/ - 15 queries in 250.30ms`,
		`<-- GET /users?page=2`,
		`2025-01-15 10:30:45 [info]: → POST /auth/signin`,
		`2026-01-16 18:19:48 http: ::1 - GET /api/health/all - 200`,
		`        + common : ::1 - - [05/Nov/2019:12:19:27 +0000] "GET / HTTP/1.1" 304 -`,
		`//::1 - - [19/Dec/2023:05:49:38 +0000] "GET / HTTP/1.1" 304 - "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"`,
		`// GET /hang - - ms - -`,
		`{"level":30,"time":1723899099678,"pid":1,"hostname":"822e01df4cab","name":"console","msg":" ✓ Ready in 236ms"}`,
		`[12:01:07] DEBUG (nextjs): POST http://localhost:7106/api/graphql 200 in 25ms (cache skip)`,
		` │ GET http://localhost:3000/api/storage/filesystem?action=binary&f.. 200 in 430ms (cache skip)`,
		`  └─ ƒ invalidateCacheAction() in 1ms node_modules/@clerk/nextjs/dist/esm/app-router/server-actions.js`,
	}
	p, _ := New(Options{})
	for _, line := range lines {
		ev, err := p.ParseLine([]byte(line))
		if err == nil && ev.Kind == KindRequest {
			t.Errorf("ParseLine(%q) = request %+v, want none", line, ev.Request)
		}
		var se *SyntaxError
		if errors.As(err, &se) {
			t.Errorf("ParseLine(%q): %v, want no syntax error", line, err)
		}
	}
}

func TestParseLineNextLoggerMessage(t *testing.T) {
	// next-logger re-emits Next's own lines as pino JSON; the message is
	// read as a line of its own.
	p, _ := New(Options{})
	ev, err := p.ParseLine([]byte(`{"level":30,"time":1723899099678,"pid":1,"hostname":"822e01df4cab","name":"console","msg":" ✓ Ready in 236ms"}`))
	if err != nil || ev.Kind != KindStart {
		t.Errorf("got %v, %v; want a server start", ev.Kind, err)
	}
}

func TestParseLineMorganUnfinished(t *testing.T) {
	p, _ := New(Options{})
	_, err := p.ParseLine([]byte("GET /hang - - ms - -"))
	var se *SyntaxError
	if !errors.As(err, &se) || se.Msg != "request GET /hang never finished (morgan printed - for its time)" {
		t.Errorf("got %v, want a syntax error for the unfinished request", err)
	}
}

func TestParseLineFormats(t *testing.T) {
	lines := map[Source]string{
		SourceNext:   " GET /fetch-cache 200 in 165ms",
		SourceJSON:   `{"timestamp":"2026-05-20T08:21:00.000Z","level":"info","message":"HTTP Request processed","method":"GET","path":"/health","status_code":200,"duration_ms":3}`,
		SourceObject: `            { route: 'GET /api/a', method: 'GET', duration: 100, statusCode: 200, timestamp: new Date(), path: '/api/a', ip: '1.1.1.1' },`,
		SourceMorgan: "GET /dev 200 0.224 ms - 2",
		SourceKoa:    "--> GET /health 200 2ms",
		SourceText:   "[perf] POST /api/auth/login 200 145.67ms",
	}
	for only := range lines {
		p, err := New(Options{Formats: []Source{only}})
		if err != nil {
			t.Fatal(err)
		}
		for src, line := range lines {
			ev, err := p.ParseLine([]byte(line))
			got := err == nil && ev.Kind == KindRequest
			if got != (src == only) {
				t.Errorf("Formats %s: ParseLine(%q) request=%v", only, line, got)
			}
		}
	}
	if _, err := New(Options{Formats: []Source{"apache"}}); err == nil {
		t.Error("New accepted an unknown format")
	}
}

func TestCompilePattern(t *testing.T) {
	for _, tt := range []struct{ expr, err string }{
		{`(?P<method>\w+) (?P<path>\S+) (?P<duration>\d+)`, ""},
		{`(?P<method>\w+) (?P<duration>\d+)`, `has no (?P<path>…) group`},
		{`(?P<path>\S+)`, `has no (?P<duration>…) group`},
		{`GET (\S+)`, `has no (?P<path>…) or (?P<duration>…) group`},
		{`(?P<path>\S+`, "missing closing )"},
	} {
		_, err := CompilePattern(tt.expr)
		if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("CompilePattern(%q) = %v, want %q", tt.expr, err, tt.err)
		}
	}
}

func TestParseLinePattern(t *testing.T) {
	// A Django-style line no built-in format reads (05's Python middleware).
	pat, err := CompilePattern(`^(?P<time>\S+) (?P<method>[A-Z]+) (?P<path>/\S*) status=(?P<status>\d+) took=(?P<duration>[\d.]+)(?P<unit>s|ms)$`)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := New(Options{Patterns: []*Pattern{pat}})
	ev, err := p.ParseLine([]byte("2026-01-02T14:59:33.104Z GET /api/x?y=1 status=201 took=1.5s"))
	if err != nil || ev.Kind != KindRequest {
		t.Fatalf("got %v, %v", ev.Kind, err)
	}
	got := app{ev.Request.Source, ev.Request.Method, ev.Request.Path, ev.Request.Route, ev.Request.Status, ev.Request.Duration}
	want := app{SourcePattern, "GET", "/api/x?y=1", "/api/x", 201, 1500 * ms}
	if got != want || !ev.Time.Equal(time.Date(2026, 1, 2, 14, 59, 33, 104e6, time.UTC)) {
		t.Errorf("got %+v at %v, want %+v", got, ev.Time, want)
	}
	// Default unit: milliseconds; without a time group, a timestamp
	// prefix gives the time.
	pat, _ = CompilePattern(`took=(?P<duration>[\d.]+) path=(?P<path>\S+)`)
	p, _ = New(Options{Patterns: []*Pattern{pat}})
	ev, err = p.ParseLine([]byte("2025-11-06T10:00:00.1234567Z took=12.5 path=/a"))
	if err != nil || ev.Request.Duration != 12500*µs || ev.Request.Route != "/a" || !ev.Time.Equal(time.Date(2025, 11, 6, 10, 0, 0, 123456700, time.UTC)) {
		t.Errorf("got %+v at %v, %v", ev.Request, ev.Time, err)
	}
}

func TestStreamAppObjects(t *testing.T) {
	log := strings.Join([]string{
		// fastify: incoming then completed, joined by reqId (03, #63621601774).
		`{"reqId":"req-a","req":{"method":"POST","url":"/api/read-file",...},"msg":"incoming request"}`,
		`{"reqId":"req-a","res":{"statusCode":200},"responseTime":3.34,"msg":"request completed"}`,
		// Completed without its incoming line.
		`{"level":30,"time":1767490113197,"pid":3130,"reqId":"req-3","res":{"statusCode":200},"responseTime":261.95,"msg":"request completed"}`,
		// One JSON object wrapped over two lines (03, #52201212964).
		`{"level":30,"time":1775009590816,"reqId":"req-2",`,
		` "res":{"statusCode":200},"responseTime":23.49,"msg":"request completed"}`,
		// Pretty-printed pino (03, #53498554707).
		`{`,
		`  "level": "warn",`,
		`  "time": 1709568000000,`,
		`  "msg": "Slow request: GET /api/ai/analyze took 7234ms",`,
		`  "method": "GET",`,
		`  "path": "/api/ai/analyze",`,
		`  "latencyMs": 7234`,
		`}`,
		// A util.inspect object that is not a request (03, #8910824363).
		`Error fetching unassigned RFIDs: {`,
		`  code: 'PGRST100',`,
		`  details: 'unexpected "o" expecting null or trilean value (unknown, true, false)',`,
		`  hint: null,`,
		`  message: '"failed to parse filter (is.not.null)" (line 1, column 5)'`,
		`}`,
		// A block cut by a Next request line: the line still counts.
		`[ProductHistoryAPI] Calling history service: {`,
		`  productSizeId: '81335d70-ba9d-4c40-8a30-8efed664beaf',`,
		` GET /fetch-cache 200 in 165ms`,
		// A multi-line console object that is a request.
		`  {`,
		`    method: 'GET', url: '/x',`,
		`    duration: '12.34ms', statusCode: 200`,
		`  }`,
	}, "\n")
	p, _ := New(Options{})
	sc := NewScanner(strings.NewReader(log), "app.log", p)
	var got []string
	for sc.Scan() {
		ev := sc.Event()
		switch ev.Kind {
		case KindRequest:
			r := ev.Request
			got = append(got, strings.Join([]string{string(r.Source), r.Method, r.Route, strconv.Itoa(r.Status), r.Duration.String()}, " ")+" @"+strconv.Itoa(ev.Line))
		case KindMalformed:
			got = append(got, "malformed "+ev.Err.Error())
		}
	}
	want := []string{
		"json POST /api/read-file 200 3.34ms @2",
		"json  [unknown] 200 261.95ms @3",
		"json  [unknown] 200 23.49ms @4",
		"json GET /api/ai/analyze 0 7.234s @6",
		"next GET /fetch-cache 200 165ms @22",
		"object GET /x 200 12.34ms @23",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("events:\n got %q\nwant %q", got, want)
	}
}

func TestStreamPendingIDsBounded(t *testing.T) {
	p, _ := New(Options{})
	st := p.NewStream("x")
	for i := range maxPendingIDs + 5 {
		st.Push([]byte(`{"reqId":"r` + strconv.Itoa(i) + `","req":{"method":"GET","url":"/a"},"msg":"incoming request"}`))
	}
	if len(st.pending) != maxPendingIDs || len(st.ids) != maxPendingIDs {
		t.Fatalf("pending %d ids %d, want %d", len(st.pending), len(st.ids), maxPendingIDs)
	}
	// The oldest was forgotten; the newest is still joined.
	evs := st.Push([]byte(`{"reqId":"r0","res":{"statusCode":200},"responseTime":1,"msg":"request completed"}`))
	if len(evs) != 1 || evs[0].Request.Route != UnknownRoute {
		t.Errorf("r0: %+v", evs)
	}
	evs = st.Push([]byte(`{"reqId":"r10004","res":{"statusCode":200},"responseTime":1,"msg":"request completed"}`))
	if len(evs) != 1 || evs[0].Request.Route != "/a" {
		t.Errorf("r10004: %+v", evs)
	}
}

func TestStreamBlockCutByJSONLine(t *testing.T) {
	// A JSON line cut short (03, #52201212964's first half), then a whole
	// JSON request line (03, #2404021804's shape): the block ends and the
	// whole line counts on its own.
	log := `{"level":30,"time":1775009590816,"reqId":"req-2",` + "\n" +
		`{"level":30,"time":1629823792029,"pid":15067,"hostname":"my-host","req":{"id":1,"method":"GET","url":"/"},"res":{"statusCode":200},"responseTime":7,"msg":"request completed"}` + "\n"
	p, _ := New(Options{})
	sc := NewScanner(strings.NewReader(log), "app.log", p)
	var got []string
	for sc.Scan() {
		ev := sc.Event()
		got = append(got, ev.Kind.String()+" "+ev.Request.Route+" @"+strconv.Itoa(ev.Line))
	}
	if want := []string{"request / @2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestParseLineSlowWarnings(t *testing.T) {
	// An app's warning of a slow request times a request that its other
	// lines, or Next's, time too: a warning, never a request. Verbatim
	// from ../shared/samples/formats/03, and the shape of issue #10's log.
	tests := []struct {
		name      string
		line      string
		want      app // src and status are not checked
		threshold time.Duration
	}{
		{"slow request took", "[HTTP] [ghi789-rst345] Slow request: GET /v1/streams/1 took 1250ms", app{SourceText, "GET", "/v1/streams/1", "/v1/streams/1", 0, 1250 * ms}, 0},
		{"slow request annotated", "Slow request: GET /src/components/navigation.tsx took 1757ms    ← Blocking!", app{SourceText, "GET", "/src/components/navigation.tsx", "/src/components/navigation.tsx", 0, 1757 * ms}, 0},
		{"slow request emoji", "⚠️ Slow request: GET /src/pages/Properties.tsx took 5594ms", app{SourceText, "GET", "/src/pages/Properties.tsx", "/src/pages/Properties.tsx", 0, 5594 * ms}, 0},
		{"slow request seconds", "WARNING: Slow request: GET /api/v1/analytics took 1.523s", app{SourceText, "GET", "/api/v1/analytics", "/api/v1/analytics", 0, 1523 * ms}, 0},
		{"slow request absolute url", "WARNING: Slow request: GET http://localhost:8000/api/v1/knowledge/health took 5.27s", app{SourceText, "GET", "/api/v1/knowledge/health", "/api/v1/knowledge/health", 0, 5270 * ms}, 0},
		{"slow request queries after", "Slow request: GET /api/v1/admin/dashboard/ - 1200.50ms, 25 queries", app{SourceText, "GET", "/api/v1/admin/dashboard/", "/api/v1/admin/dashboard/", 0, 1200500 * µs}, 0},
		{"status after the time", "🐌 SLOW REQUEST: GET /api/v1/sales took 5.23s (status: 200)", app{SourceText, "GET", "/api/v1/sales", "/api/v1/sales", 200, 5230 * ms}, 0},
		{"path last, slow", "🐌 SLOW REQUEST: GET 200 in 800ms: /api/users/profile", app{SourceText, "GET", "/api/users/profile", "/api/users/profile", 200, 800 * ms}, 0},
		{"threshold named", "[performance-logger] ⚠ SLOW REQUEST: GET /api/users/472 took 733ms (threshold 500ms) [route]", app{SourceText, "GET", "/api/users/472", "/api/users/472", 0, 733 * ms}, 500 * ms},
		{"threshold field", `{"level":40,"time":1770035753370,"msg":"Slow request detected","req":{"method":"POST","url":"/api/chat"},"res":{"statusCode":200},"responseTime":2301.5,"threshold":2000}`, app{SourceJSON, "POST", "/api/chat", "/api/chat", 0, 2301500 * µs}, 2000 * ms},
	}
	p, _ := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := p.ParseLine([]byte(tt.line))
			if err != nil || ev.Kind != KindSlow {
				t.Fatalf("ParseLine(%q) = %v, %v; want a slow warning", tt.line, ev.Kind, err)
			}
			sl := ev.Slow
			if sl.Method != tt.want.method || sl.Path != tt.want.path || sl.Duration != tt.want.d || sl.Threshold != tt.threshold {
				t.Errorf("ParseLine(%q)\n got %+v\nwant %s %s %v, threshold %v", tt.line, sl, tt.want.method, tt.want.path, tt.want.d, tt.threshold)
			}
		})
	}
	// The words alone, without a request, are not a warning of one.
	for _, line := range []string{"Slow request handling is disabled", "🐌 snail mode on"} {
		if ev, err := p.ParseLine([]byte(line)); err == nil && ev.Kind == KindSlow {
			t.Errorf("ParseLine(%q) = a slow warning", line)
		}
	}
}

func TestTrailingTag(t *testing.T) {
	p, _ := New(Options{})
	for line, want := range map[string]string{
		"[performance-logger] GET /api/users/132 200 1ms [middleware]": "middleware",
		"[performance-logger] GET /api/users/132 200 477ms [route]":    "route",
		"[perf] GET /api/forum/subspaces 200 12.34ms":                  "",
		"GET /api/x 200 12ms [a\x1b]":                                  "",
		"GET /api/x 200 12ms [" + strings.Repeat("x", 40) + "]":        "",
		"GET /api/x 200 12ms[route]":                                   "",
	} {
		ev, err := p.ParseLine([]byte(line))
		if err != nil || ev.Kind != KindRequest {
			t.Errorf("ParseLine(%q) = %v, %v", line, ev.Kind, err)
			continue
		}
		if ev.Request.Tag != want {
			t.Errorf("ParseLine(%q).Tag = %q, want %q", line, ev.Request.Tag, want)
		}
	}
}
