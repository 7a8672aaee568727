package genlog

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"math/big"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Reference patterns, written from the README of the samples, independently
// of the generator.
var (
	ansiRE = regexp.MustCompile("\x1b?\\[[0-9;]*m")

	// prefixREs are the README's row-P prefixes, timestamps first so that a
	// turbo-style pattern cannot eat half of an RFC 3339 time.
	prefixREs = []*regexp.Regexp{
		regexp.MustCompile(`^[^\t]*\t[^\t]*\t`),                                // gh run view --log
		regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z ?`), // GitHub Actions, Render, Cloud Run, compose -t
		regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d: `),                // pm2 log_date_format
		regexp.MustCompile(`^\[[\w .-]+\] `),                                   // concurrently
		regexp.MustCompile(`^\d+\|[\w.-]+ *\| ?`),                              // pm2 logs
		regexp.MustCompile(`^[\w.-]+(?:[-_]\d+)? *\| ?`),                       // docker compose
		regexp.MustCompile(`^(?:@[\w.-]+/)?[\w.-]+:[\w:.-]+: ?`),               // turbo
	}

	dur     = `(\d+(?:\.\d+)?)(µs|Âµs|ms|s|min)`
	durNC   = `\d+(?:\.\d+)?(?:µs|Âµs|ms|s|min)`
	methods = `(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)`
	labels  = `(?:compile|proxy\.ts|generate-params|render|next\.js|application-code)`

	// strictReqRE is anchored at the start: R1 (13.4 tree), R2, R3, R4.
	strictReqRE = regexp.MustCompile(`^\s*(?:-\s+)?(?:┌ )?` + methods + ` (\S+) (\d{3}) in ` + dur +
		`(?: \((?:` + labels + `: ` + durNC + `(?:, )?)+\))?\s*$`)
	// looseReqRE is the README's "quick check" regex.
	looseReqRE = regexp.MustCompile(`(?:^|\s)` + methods + ` (\S+) (\d{3}) in ` + durNC +
		`(?: \((?:` + labels + `: ` + durNC + `(?:, )?)+\))?\s*$`)

	// metricRE is unanchored: clean would strip "[middleware] " as a prefix.
	metricRE = regexp.MustCompile(`\[(?:middleware|performance-logger|API route)\] (?:✓|âœ“) METRIC RECORDED, new size: \d+\s*$`)
	fetchRE  = regexp.MustCompile(`^\s*(?:│|├|└|â”‚|â”œ|â””)`)
)

// clean strips CR, ANSI codes and tool prefixes from a line.
func clean(line []byte) string {
	s := strings.TrimRight(string(line), "\r")
	s = ansiRE.ReplaceAllString(s, "")
	for again := true; again; {
		again = false
		for _, re := range prefixREs {
			if loc := re.FindStringIndex(s); loc != nil && loc[1] > 0 {
				s = s[loc[1]:]
				again = true
				break
			}
		}
	}
	return s
}

// parseDur converts a printed duration to ns exactly.
func parseDur(t *testing.T, num, unit string) time.Duration {
	t.Helper()
	r, ok := new(big.Rat).SetString(num)
	if !ok {
		t.Fatalf("bad number %q", num)
	}
	var u int64
	switch unit {
	case "µs", "Âµs":
		u = int64(time.Microsecond)
	case "ms":
		u = int64(time.Millisecond)
	case "s":
		u = int64(time.Second)
	case "min":
		u = int64(time.Minute)
	default:
		t.Fatalf("bad unit %q", unit)
	}
	r.Mul(r, new(big.Rat).SetInt64(u))
	if !r.IsInt() {
		t.Fatalf("%s%s is not a whole number of ns", num, unit)
	}
	return time.Duration(r.Num().Int64())
}

// generate runs Generate into memory.
func generate(t *testing.T, o Options) ([]byte, Stats) {
	t.Helper()
	var buf bytes.Buffer
	st, err := Generate(&buf, o)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), st
}

// lines splits output into lines without their "\n".
func lines(out []byte) [][]byte {
	ls := bytes.Split(out, []byte("\n"))
	if len(ls) > 0 && len(ls[len(ls)-1]) == 0 {
		ls = ls[:len(ls)-1]
	}
	return ls
}

// TestDeterministic checks, for each profile, that the same options give
// the same bytes, that a smaller Size gives a prefix of them, that
// another seed gives other bytes, and that OnRequest, called once a
// request, does not disturb the random stream.
func TestDeterministic(t *testing.T) {
	for _, profile := range Profiles {
		t.Run(profile, func(t *testing.T) {
			o := Options{Seed: 42, Size: 3 << 20, Profile: profile}
			a, sa := generate(t, o)
			b, sb := generate(t, o)
			if !bytes.Equal(a, b) || sa != sb {
				t.Fatalf("same options gave different output: %x vs %x", sha256.Sum256(a), sha256.Sum256(b))
			}
			n := 0
			o.OnRequest = func(string, string, int, time.Duration) { n++ }
			if c, _ := generate(t, o); !bytes.Equal(a, c) {
				t.Fatal("setting OnRequest changed the output")
			}
			if int64(n) != sa.Requests {
				t.Fatalf("OnRequest called %d times, Stats.Requests = %d", n, sa.Requests)
			}
			if small, _ := generate(t, Options{Seed: 42, Size: 1 << 20, Profile: profile}); !bytes.HasPrefix(a, small) {
				t.Fatal("smaller Size is not a prefix of the larger output")
			}
			if d, _ := generate(t, Options{Seed: 43, Size: 3 << 20, Profile: profile}); bytes.Equal(a, d) {
				t.Fatal("different seeds gave the same output")
			}
		})
	}
}

// TestSizeBoundary checks that output stops at the first line boundary at or after Size.
func TestSizeBoundary(t *testing.T) {
	for _, size := range []int64{1, 100, 4096, 100_000, 1_234_567} {
		out, st := generate(t, Options{Seed: size, Size: size})
		if int64(len(out)) != st.Bytes {
			t.Fatalf("size %d: wrote %d bytes, Stats.Bytes = %d", size, len(out), st.Bytes)
		}
		if st.Bytes < size || out[len(out)-1] != '\n' {
			t.Fatalf("size %d: output of %d bytes does not end at a line boundary at or after Size", size, st.Bytes)
		}
		last := bytes.LastIndexByte(out[:len(out)-1], '\n') + 1
		if int64(last) >= size {
			t.Fatalf("size %d: kept writing after the line that reached Size (last line starts at %d)", size, last)
		}
	}
	if out, st := generate(t, Options{Size: 0}); len(out) != 0 || st != (Stats{}) {
		t.Fatal("Size 0 must write nothing")
	}
}

// TestStatsConsistent recounts the output and compares it with Stats.
func TestStatsConsistent(t *testing.T) {
	o := Options{Seed: 7, Size: 8 << 20, LongLineFrac: 1e-3}
	var got []Request
	o.OnRequest = func(m, p string, s int, d time.Duration) {
		got = append(got, Request{Method: m, Path: p, Status: s, Duration: d})
	}
	out, st := generate(t, o)
	ls := lines(out)
	if int64(len(out)) != st.Bytes || int64(len(ls)) != st.Lines {
		t.Fatalf("bytes/lines: output %d/%d, Stats %d/%d", len(out), len(ls), st.Bytes, st.Lines)
	}
	if sum := st.Requests + st.Fetch + st.Compile + st.Metric + st.JSON + st.Noise; sum != st.Lines {
		t.Fatalf("kinds add up to %d, Lines = %d (%+v)", sum, st.Lines, st)
	}
	var crlf, long, longBytes, maxLine, metric, fetch, jsonN, slowLog int64
	for _, l := range ls {
		if bytes.HasSuffix(l, []byte("\r")) {
			crlf++
		}
		n := int64(len(bytes.TrimRight(l, "\r")))
		maxLine = max(maxLine, n)
		if n > 64<<10 {
			long++
			longBytes += n
		}
		raw := strings.TrimRight(string(l), "\r")
		if strings.Contains(raw, "[performance-logger] 🐌 SLOW REQUEST") {
			slowLog++
		}
		if metricRE.MatchString(raw) {
			metric++
			continue
		}
		c := clean(l)
		switch {
		case fetchRE.MatchString(c):
			fetch++
		case strings.HasPrefix(c, `{"level":30,`):
			jsonN++
		}
	}
	checks := []struct {
		name      string
		got, want int64
	}{
		{"CRLF", crlf, st.CRLF}, {"Long", long, st.Long}, {"MaxLine", maxLine, st.MaxLine},
		{"Metric", metric, st.Metric}, {"Fetch", fetch, st.Fetch}, {"JSON", jsonN, st.JSON},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: counted %d in the output, Stats says %d", c.name, c.got, c.want)
		}
	}
	if st.Long == 0 || st.MaxLine <= 64<<10 {
		t.Errorf("expected very long lines with LongLineFrac=1e-3, got %d (max %d)", st.Long, st.MaxLine)
	}
	if slowLog == 0 || st.SlowLog != slowLog {
		t.Errorf("SlowLog: %d warnings in output, Stats.SlowLog = %d", slowLog, st.SlowLog)
	}
	if int64(len(got)) != st.Requests {
		t.Fatalf("OnRequest saw %d requests, Stats.Requests = %d", len(got), st.Requests)
	}
	var slow int64
	for _, r := range got {
		if r.Duration > 2*time.Second {
			slow++
		}
	}
	if slow != st.Slow {
		t.Errorf("Slow: %d from OnRequest, Stats.Slow = %d", slow, st.Slow)
	}
	frac := float64(st.Requests) / float64(st.Lines)
	avg := float64(st.Bytes-longBytes) / float64(st.Lines-long)
	if frac < 0.25 || frac > 0.35 {
		t.Errorf("request share %.3f, want 0.25–0.35", frac)
	}
	if avg < 70 || avg > 130 {
		t.Errorf("average line %.1f bytes, want ~80–120", avg)
	}
	t.Logf("%+v share=%.3f avg=%.1f", st, frac, avg)
}

// TestRequestLinesMatchReference parses every line with the reference
// regexes and checks that exactly the request lines match, in the order and
// with the values OnRequest and Collect reported.
func TestRequestLinesMatchReference(t *testing.T) {
	for _, prof := range Profiles {
		for _, fam := range append([]string{""}, Families...) {
			name := fam
			if name == "" {
				name = "all"
			}
			t.Run(prof+"/"+name, func(t *testing.T) {
				testRequestLines(t, prof, fam)
			})
		}
	}
}

// testRequestLines is TestRequestLinesMatchReference for one profile and
// one version family ("" for all).
func testRequestLines(t *testing.T, prof, fam string) {
	o := Options{Seed: 11, Size: 2 << 20, Profile: prof}
	if fam != "" {
		o.Versions = []string{fam}
	} else {
		o.Size = 8 << 20
	}
	reqs, st, err := Collect(o)
	if err != nil {
		t.Fatal(err)
	}
	out, st2 := generate(t, o)
	if st != st2 {
		t.Fatalf("Collect and Generate disagree: %+v vs %+v", st, st2)
	}
	ls := lines(out)
	i := 0
	for n, l := range ls {
		c := clean(l)
		m := strictReqRE.FindStringSubmatch(c)
		loose := looseReqRE.MatchString(c)
		if (m != nil) != loose {
			t.Fatalf("line %d: strict=%v loose=%v: %q", n+1, m != nil, loose, l)
		}
		if m == nil {
			if i < len(reqs) && reqs[i].Line == int64(n+1) {
				t.Fatalf("line %d is request %d (%+v) but does not match: %q", n+1, i, reqs[i], c)
			}
			continue
		}
		if i >= len(reqs) {
			t.Fatalf("line %d matches but generator reported only %d requests: %q", n+1, len(reqs), c)
		}
		r := reqs[i]
		d := parseDur(t, m[4], m[5])
		if r.Line != int64(n+1) || r.Method != m[1] || r.Path != m[2] || m[3] != itoa(r.Status) || r.Duration != d {
			t.Fatalf("line %d: parsed %s %s %s %v, generator said %+v\n%q", n+1, m[1], m[2], m[3], d, r, l)
		}
		if fam != "" && r.Family != fam {
			t.Fatalf("line %d: family %s, want %s", n+1, r.Family, fam)
		}
		i++
	}
	if i != len(reqs) || int64(i) != st.Requests {
		t.Fatalf("matched %d request lines, generator reported %d (Stats %d)", i, len(reqs), st.Requests)
	}
}

// itoa formats a status code.
func itoa(n int) string {
	return string(rune('0'+n/100)) + string(rune('0'+n/10%10)) + string(rune('0'+n%10))
}

// TestVariety checks that the shapes the brief asks for all occur.
func TestVariety(t *testing.T) {
	const size = 32 << 20
	reqs, _, err := Collect(Options{Seed: 3, Size: size})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range reqs {
		seen[r.Method] = true
		seen[itoa(r.Status)] = true
		seen[r.Family] = true
		seen[r.Route] = true
		if r.Cold {
			seen["cold"] = true
		}
	}
	for _, k := range []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS",
		"200", "201", "204", "301", "304", "307", "400", "401", "404", "500", "503", "cold"} {
		if !seen[k] {
			t.Errorf("no request with %s", k)
		}
	}
	routes := 0
	for k := range seen {
		if strings.HasPrefix(k, "/") {
			routes++
		}
	}
	if routes < 30 {
		t.Errorf("only %d route templates", routes)
	}
	out, _ := generate(t, Options{Seed: 3, Size: size})
	for _, want := range []string{
		"µs", "Âµs", "min (", "s (next.js: ", "proxy.ts: ", "generate-params: ", "application-code: ", "(compile: ",
		"(cache skip)", "(cache: SKIP)", "Cache skipped reason: (auto no cache)", "└─ ƒ ", "○ Compiling /", " ✓ Compiled in ",
		"(1", "✓ Ready in ", "▲ Next.js 16.", "⚠ Fast Refresh", "METRIC RECORDED, new size: 1\n", "🐌 SLOW REQUEST: {",
		`"msg":"request completed"`, "    at ", "[browser] ", "prisma:query ", "\x1b[32m200\x1b[39m", "[32m200[39m",
		"\x1b[2m (", "\r\n", "\r\r\n", "âœ“", "[api] {",
	} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("output lacks %q", want)
		}
	}
	// Every prefix style, with all runs prefixed.
	out, _ = generate(t, Options{Seed: 3, Size: 64 << 20, PrefixFrac: 1})
	styles := []string{
		`^[\w-]+[-_]1 +\|  GET /`,                                   // compose v1/v2
		`^[\w-]+ +\| 20\d\d-\d\d-\d\dT[\d:]{8}\.\d{9}Z  GET /`,      // compose logs -t
		`^(?:@[\w-]+/)?[\w-]+:dev:  GET /`,                          // turbo
		`^\[next\] (?:@chainglass/web:dev: )? GET /`,                // concurrently (+turbo)
		`^0\|web  \|  GET /`,                                        // pm2 logs
		`^20\d\d-\d\d-\d\d \d\d:\d\d:\d\d:  GET /`,                  // pm2 log_date_format
		`^[\w-]+\t[^\t]+\t20\d\d-\d\d-\d\dT[\d:]{8}\.\d{7}Z  GET /`, // gh run view --log
		`^20\d\d-\d\d-\d\dT[\d:]{8}\.\d{7}Z  GET /`,                 // GitHub Actions / Azure
		`^20\d\d-\d\d-\d\dT[\d:]{8}\.\d{6}Z  GET /`,                 // Cloud Run
		`^20\d\d-\d\d-\d\dT[\d:]{8}\.\d{1,8}Z  GET /`,               // Render, zeros trimmed
		`^[\w-]+[-_]1 +\|$`,                                         // compose blank line
	}
	res := make([]*regexp.Regexp, len(styles))
	for i, p := range styles {
		res[i] = regexp.MustCompile(p)
	}
	found := make([]bool, len(styles))
	left := len(styles)
	for _, l := range lines(out) {
		if left == 0 {
			break
		}
		if !bytes.Contains(l, []byte(" GET /")) && !bytes.HasSuffix(l, []byte("|")) {
			continue
		}
		for i, re := range res {
			if !found[i] && re.Match(l) {
				found[i] = true
				left--
			}
		}
	}
	for i, ok := range found {
		if !ok {
			t.Errorf("no line matches %s", styles[i])
		}
	}
}

// TestBadOptions checks option validation and write errors.
func TestBadOptions(t *testing.T) {
	if _, err := Generate(&bytes.Buffer{}, Options{Size: 10, Versions: []string{"12"}}); err == nil {
		t.Error("unknown version family accepted")
	}
	if _, err := Generate(&bytes.Buffer{}, Options{Size: 10, RequestFrac: 1}); err == nil {
		t.Error("RequestFrac 1 accepted")
	}
	if _, err := Generate(errWriter{}, Options{Size: 4 << 20}); err == nil {
		t.Error("write error not reported")
	}
}

// errWriter fails every write.
type errWriter struct{}

// Write implements io.Writer by failing.
func (errWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// BenchmarkGenerate measures generation speed of each profile.
func BenchmarkGenerate(b *testing.B) {
	const size = 32 << 20
	for _, prof := range Profiles {
		b.Run(prof, func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				if _, err := Generate(discard{}, Options{Seed: 1, Size: size, Profile: prof}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// discard is io.Discard without the interface indirection.
type discard struct{}

// Write implements io.Writer by discarding p.
func (discard) Write(p []byte) (int, error) { return len(p), nil }

// compileRE matches a compile line of any version once cleaned: "○ Compiling
// /x ...", "✓ Compiled /x in 1s", "✓ Compiled in 1s", "- wait compiling",
// "- event compiled".
var compileRE = regexp.MustCompile(`^\s*(?:(?:○|✓|â—‹|âœ“) Compil(?:ing|ed) |- wait compiling|- event compiled )`)

// compileTargetRE captures the target a compile line names.
var compileTargetRE = regexp.MustCompile(`Compil(?:ing|ed) (/\S*)|wait compiling (/\S*)`)

// idLike reports whether a path segment looks like an id: a UUID, or at
// least four characters with a digit among them (numbers, hex, tokens,
// dates, user names with numbers).
func idLike(seg string) bool {
	if uuidRE.MatchString(seg) {
		return true
	}
	return len(seg) >= 4 && strings.ContainsAny(seg, "0123456789")
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// idShare returns the share of paths with an id-like segment (query
// strings ignored) and the number of distinct paths.
func idShare(paths []string) (float64, int) {
	n := 0
	distinct := map[string]bool{}
	for _, p := range paths {
		distinct[p] = true
		if q := strings.IndexByte(p, '?'); q >= 0 {
			p = p[:q]
		}
		for _, seg := range strings.Split(p, "/") {
			if idLike(seg) {
				n++
				break
			}
		}
	}
	return float64(n) / float64(len(paths)), len(distinct)
}

// TestProfiles checks that ProfileMixed is the default and ProfileDev is
// not, and that an unknown profile is refused.
func TestProfiles(t *testing.T) {
	a, _ := generate(t, Options{Seed: 42, Size: 3 << 20, Profile: ProfileDev})
	mixed, _ := generate(t, Options{Seed: 42, Size: 3 << 20})
	if def, _ := generate(t, Options{Seed: 42, Size: 3 << 20, Profile: ProfileMixed}); !bytes.Equal(mixed, def) {
		t.Fatal(`Profile "mixed" differs from the default`)
	}
	if bytes.Equal(a, mixed) {
		t.Fatal(`Profile "dev" gave the default output`)
	}
	if _, err := Generate(&bytes.Buffer{}, Options{Size: 10, Profile: "prod"}); err == nil {
		t.Error("unknown profile accepted")
	}
}

// TestDevShares recounts a ProfileDev log and checks what the profile
// promises: Stats exact, 40–50% requests, about one compile line in seven
// naming many targets, ids in most request paths and ANSI colour on every
// request line.
func TestDevShares(t *testing.T) {
	o := Options{Seed: 5, Size: 8 << 20, Profile: ProfileDev}
	var paths []string
	o.OnRequest = func(_, p string, _ int, _ time.Duration) { paths = append(paths, p) }
	out, st := generate(t, o)
	ls := lines(out)
	if int64(len(out)) != st.Bytes || int64(len(ls)) != st.Lines {
		t.Fatalf("bytes/lines: output %d/%d, Stats %d/%d", len(out), len(ls), st.Bytes, st.Lines)
	}
	if sum := st.Requests + st.Fetch + st.Compile + st.Metric + st.JSON + st.Noise; sum != st.Lines {
		t.Fatalf("kinds add up to %d, Lines = %d (%+v)", sum, st.Lines, st)
	}
	var reqs, plain, compiles, metric int64
	targets := map[string]bool{}
	for _, l := range ls {
		c := clean(l)
		if strictReqRE.MatchString(c) {
			reqs++
			if !bytes.Contains(l, []byte("\x1b[")) {
				plain++
			}
			continue
		}
		if metricRE.Match(l) {
			metric++
		}
		if compileRE.MatchString(c) {
			compiles++
			if m := compileTargetRE.FindStringSubmatch(c); m != nil {
				targets[m[1]+m[2]] = true
			}
		}
	}
	if reqs != st.Requests || int64(len(paths)) != st.Requests {
		t.Errorf("%d request lines in the output, %d OnRequest calls, Stats.Requests = %d", reqs, len(paths), st.Requests)
	}
	if plain != 0 {
		t.Errorf("%d of %d request lines without an ANSI code", plain, reqs)
	}
	if metric != st.Metric || metric == 0 {
		t.Errorf("%d METRIC RECORDED lines in the output, Stats.Metric = %d", metric, st.Metric)
	}
	reqFrac := float64(st.Requests) / float64(st.Lines)
	compFrac := float64(compiles) / float64(st.Lines)
	ids, distinct := idShare(paths)
	t.Logf("%+v\nrequests %.3f, compile lines %.3f (Stats.Compile %.3f), %d targets, id share %.3f, %d distinct paths",
		st, reqFrac, compFrac, float64(st.Compile)/float64(st.Lines), len(targets), ids, distinct)
	if reqFrac < 0.40 || reqFrac > 0.50 {
		t.Errorf("request share %.3f, want 0.40–0.50", reqFrac)
	}
	if compFrac < 0.11 || compFrac > 0.18 {
		t.Errorf("compile line share %.3f, want 0.11–0.18 (about one in seven)", compFrac)
	}
	if len(targets) < 60 {
		t.Errorf("compile lines name %d targets, want at least 60", len(targets))
	}
	for _, want := range []string{"/middleware", "/_not-found", "/_error", "/instrumentation", "/docs/[...slug]", "/blog/[slug]"} {
		if !targets[want] {
			t.Errorf("no compile line names %s", want)
		}
	}
	if ids < 0.65 { // slugs come on top
		t.Errorf("%.3f of request paths have an id-like segment, want at least 0.65", ids)
	}
	if distinct < len(paths)/2 {
		t.Errorf("%d distinct paths among %d requests, want at least half distinct", distinct, len(paths))
	}
	// The mix, for contrast: fewer ids, fewer compiles.
	var mixed []string
	_, mst := generate(t, Options{Seed: 5, Size: 8 << 20, OnRequest: func(_, p string, _ int, _ time.Duration) { mixed = append(mixed, p) }})
	mids, _ := idShare(mixed)
	t.Logf("the mix: id share %.3f, compile share %.3f", mids, float64(mst.Compile)/float64(mst.Lines))
	if mids >= ids || float64(mst.Compile)/float64(mst.Lines) >= compFrac {
		t.Errorf("the mix has id share %.3f and compile share %.3f, not below the dev profile's", mids, float64(mst.Compile)/float64(mst.Lines))
	}
}
