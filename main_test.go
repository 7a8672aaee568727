package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/reqstats/reqstats/aggregate"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// runCLI runs reqstats in-process and returns its exit status, stdout and
// stderr.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// golden compares got with testdata/name, or rewrites it with -update. A
// mismatch leaves the output in testdata/name.got for diffing.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		os.WriteFile(path+".got", []byte(got), 0o644)
		diff, _ := exec.Command("diff", "-u", path, path+".got").CombinedOutput()
		t.Errorf("output differs from %s (see %s.got):\n%s", path, path, diff)
	} else {
		os.Remove(path + ".got")
	}
}

// budgets is a set of --fail-on flags that breaches, passes and lacks
// data on testdata/dev-server.log.
var budgets = []string{
	"--fail-on", "p95>800ms", "--fail-on", "errors>0", "--fail-on", "warm:p50>1s",
	"--fail-on", "route:/api/users/[id]:p95>300ms", "--fail-on", "route:/:p95>1s",
	"--fail-on", "count<10", "--min-samples", "5",
}

// goldenCases are the command lines whose stdout and stderr are kept in
// testdata/NAME and testdata/NAME.stderr. Their inputs are logs and
// testdata/dev-server.json, a baseline written once by -o json: never a
// golden, which -update rewrites.
var goldenCases = []struct {
	name string
	args []string
	code int
}{
	{"dev-server.table", []string{"testdata/dev-server.log"}, 0},
	{"dev-server.api.json", []string{"-o", "api", "testdata/dev-server.log"}, 0},
	{"dev-server.summary.json", []string{"-o", "json", "testdata/dev-server.log"}, 0},
	{"next16-color.table", []string{"testdata/next16-color.log"}, 0},
	{"next16-color.api.json", []string{"-o", "api", "testdata/next16-color.log"}, 0},
	{"dev-server.sort-errors.table", []string{"--sort", "errors", "testdata/dev-server.log"}, 0},
	{"dev-server.sort-p99.table", []string{"--sort", "p99", "--top", "3", "testdata/dev-server.log"}, 0},
	{"dev-server.linear.table", []string{"--percentile-method", "linear", "--slow", "1s", "--top", "3", "--group", "none", "--by-method=false", "testdata/dev-server.log"}, 0},
	{"empty.table", []string{"testdata/empty.log"}, 0},
	{"empty.api.json", []string{"-o", "api", "testdata/empty.log"}, 0},
	{"dev-server.md", []string{"-o", "markdown", "testdata/dev-server.log"}, 0},
	{"empty.md", []string{"-o", "markdown", "testdata/empty.log"}, 0},
	{"dev-server.csv", []string{"-o", "csv", "testdata/dev-server.log"}, 0},
	{"dev-server.tsv", []string{"-o", "tsv", "testdata/dev-server.log"}, 0},
	{"dev-server.ndjson", []string{"-o", "ndjson", "testdata/dev-server.log"}, 0},
	{"next16-color.ndjson", []string{"-o", "ndjson", "testdata/next16-color.log"}, 0},
	{"mixed.ndjson", []string{"-o", "ndjson", "testdata/mixed.log"}, 0},
	{"mixed.next.ndjson", []string{"-o", "ndjson", "--source", "next", "testdata/mixed.log"}, 0},
	{"dev-server.budget.table", append(slices.Clone(budgets), "testdata/dev-server.log"), 1},
	{"dev-server.budget.md", append(slices.Clone(budgets), "-o", "markdown", "testdata/dev-server.log"), 1},
	{"dev-server.budget.csv", append(slices.Clone(budgets), "-o", "csv", "testdata/dev-server.log"), 1},
	{"dev-server.junit", append(slices.Clone(budgets), "-o", "junit", "testdata/dev-server.log"), 1},
	{"ci.table", []string{"testdata/ci.log"}, 0},
	{"ci.baseline.table", []string{"--baseline", "testdata/dev-server.json", "--max-regression", "20%", "--min-samples", "3", "testdata/ci.log"}, 1},
	{"ci.baseline.md", []string{"-o", "markdown", "--baseline", "testdata/dev-server.json", "--max-regression", "20%", "--min-samples", "3", "testdata/ci.log"}, 1},
	{"ci.baseline-p50.md", []string{"-o", "markdown", "--baseline", "testdata/dev-server.json", "--max-regression", "20%", "--regression-metric", "p50", "--min-samples", "3", "testdata/ci.log"}, 1},
	{"ci.baseline.junit", []string{"-o", "junit", "--fail-on", "p95>5s", "--baseline", "testdata/dev-server.json", "--max-regression", "20%", "--min-samples", "3", "testdata/ci.log"}, 1},
	{"ci.baseline-only.table", []string{"--baseline", "testdata/dev-server.json", "testdata/ci.log"}, 0},
	{"ci.window.table", []string{"--since", "2026-11-28T04:10:30Z", "--until", "30s", "testdata/ci.log"}, 0},
	{"ci.last-minute.md", []string{"-o", "markdown", "--since", "1m", "testdata/ci.log"}, 0},
	{"by-file.table", []string{"--by-file", "testdata/ci.log", "testdata/dev-server.log"}, 0},
	{"by-file.md", []string{"-o", "markdown", "--by-file", "testdata/ci.log", "testdata/dev-server.log"}, 0},
	{"by-file.csv", []string{"-o", "csv", "--by-file", "testdata/ci.log", "testdata/dev-server.log"}, 0},
	{"dev-server.pass.junit", []string{"-o", "junit", "--fail-on", "p95>10s", "--fail-on", "route:/dashboard:p95>1s", "testdata/dev-server.log"}, 0},
	// next start: no Next request lines, only the app's pino-http JSON.
	{"production.table", []string{"testdata/production.log"}, 0},
	{"production.api.json", []string{"-o", "api", "testdata/production.log"}, 0},
	{"production.json", []string{"-o", "json", "testdata/production.log"}, 0},
	// Next's lines and the app's own for the same requests.
	{"mixed.table", []string{"testdata/mixed.log"}, 0},
	{"mixed.json", []string{"-o", "json", "testdata/mixed.log"}, 0},
	{"mixed.all.table", []string{"--source", "all", "testdata/mixed.log"}, 0},
	// An app logger that times each request in its middleware and its
	// handler, and warns of slow ones; no Next request lines.
	{"app-phases.table", []string{"testdata/app-phases.log"}, 0},
	{"app-phases.json", []string{"-o", "json", "testdata/app-phases.log"}, 0},
	{"app-phases.pattern.table", []string{"--pattern", `^\[performance-logger\] (?P<method>[A-Z]+) (?P<path>\S+) (?P<status>\d+) (?P<duration>\d+)ms \[route\]$`, "testdata/app-phases.log"}, 0},
	// Paths an attacker chose: terminal escapes, bidi overrides, Markdown
	// and HTML (see hostile_test.go).
	{"hostile.table", []string{"--source", "all", "testdata/hostile.log"}, 0},
	{"hostile.color.table", []string{"--source", "all", "--color", "always", "testdata/hostile.log"}, 0},
	{"hostile.md", []string{"-o", "markdown", "--source", "all", "testdata/hostile.log"}, 0},
	{"hostile.csv", []string{"-o", "csv", "--source", "all", "testdata/hostile.log"}, 0},
	{"hostile.tsv", []string{"-o", "tsv", "--source", "all", "testdata/hostile.log"}, 0},
	{"hostile.json", []string{"-o", "json", "--source", "all", "testdata/hostile.log"}, 0},
	{"hostile.api.json", []string{"-o", "api", "--source", "all", "testdata/hostile.log"}, 0},
	{"hostile.ndjson", []string{"-o", "ndjson", "testdata/hostile.log"}, 0},
	{"hostile.junit", []string{"-o", "junit", "--source", "all", "--fail-on", "route:/bel\x07:p95>1ms", "--fail-on", "route:/nope\x07:count<1", "--min-samples", "1", "testdata/hostile.log"}, 1},
}

func TestGolden(t *testing.T) {
	for _, tt := range goldenCases {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tt.args...)
			if code != tt.code {
				t.Errorf("exit status %d, want %d; stderr:\n%s", code, tt.code, errOut)
			}
			golden(t, tt.name, out)
			golden(t, tt.name+".stderr", errOut)
		})
	}
}

// TestGoldensAreNotInputs checks that no golden case reads a golden file:
// -update would then change one case's input with another's output.
func TestGoldensAreNotInputs(t *testing.T) {
	goldens := map[string]bool{}
	for _, tt := range goldenCases {
		goldens[filepath.Join("testdata", tt.name)] = true
		goldens[filepath.Join("testdata", tt.name+".stderr")] = true
	}
	for _, tt := range goldenCases {
		for _, arg := range tt.args {
			if goldens[filepath.Clean(arg)] {
				t.Errorf("%s reads the golden %s", tt.name, arg)
			}
		}
	}
}

// TestSameBytesWhateverTheInput checks that a log gives the same -o api
// and -o json bytes read from a file, from a pipe, gzipped, as UTF-16 and
// with CRLF line endings.
func TestSameBytesWhateverTheInput(t *testing.T) {
	log, err := os.ReadFile("testdata/dev-server.log")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(log)
	zw.Close()
	// A misleading name: gzip is known by its bytes.
	gzPath := filepath.Join(dir, "dev-server.txt")
	os.WriteFile(gzPath, gz.Bytes(), 0o644)
	// PowerShell 5.1 redirection: UTF-16LE with a byte-order mark, CRLF.
	crlf := strings.ReplaceAll(string(log), "\n", "\r\n")
	u16 := []byte{0xff, 0xfe}
	for _, u := range utf16.Encode([]rune(crlf)) {
		u16 = append(u16, byte(u), byte(u>>8))
	}
	u16Path := filepath.Join(dir, "ps.log")
	os.WriteFile(u16Path, u16, 0o644)

	for _, format := range []string{"api", "json"} {
		_, want, _ := runCLI(t, "", "-o", format, "testdata/dev-server.log")
		want = strings.ReplaceAll(want, "testdata/dev-server.log", "X")
		for _, c := range []struct {
			name, stdin string
			args        []string
		}{
			{"pipe", string(log), []string{"-o", format}},
			{"dash", string(log), []string{"-o", format, "-"}},
			{"gzip", "", []string{"-o", format, gzPath}},
			{"utf-16", "", []string{"-o", format, u16Path}},
			{"crlf pipe", crlf, []string{"-o", format}},
		} {
			code, got, errOut := runCLI(t, c.stdin, c.args...)
			for _, name := range []string{gzPath, u16Path, "-"} {
				got = strings.ReplaceAll(got, `"`+name+`"`, `"X"`)
			}
			if format == "json" { // byte counts differ with the encoding
				got = regexp.MustCompile(`"bytes": \d+`).ReplaceAllString(got, `"bytes": 0`)
				want := regexp.MustCompile(`"bytes": \d+`).ReplaceAllString(want, `"bytes": 0`)
				if got != want {
					t.Errorf("%s -o %s differs from the plain file:\n%s", c.name, format, got)
				}
			} else if got != want {
				t.Errorf("%s -o %s differs from the plain file:\n%s", c.name, format, got)
			}
			if code != 0 {
				t.Errorf("%s: exit %d, stderr %s", c.name, code, errOut)
			}
		}
	}
}

// TestAPIRecomputed recomputes the -o api numbers from the log with a
// separate, simple reading of Next's request lines and the endpoint's
// formulas, and compares.
func TestAPIRecomputed(t *testing.T) {
	for _, file := range []string{"testdata/dev-server.log", "testdata/next16-color.log"} {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, _ := os.ReadFile(file)
			ansi := regexp.MustCompile("\x1b?\\[[0-9;]*m")
			line := regexp.MustCompile(`^\s*(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (/\S*) (\d{3}) in (\d+(?:\.\d+)?)(µs|ms|s|min)(?: \(|$)`)
			var durs []float64 // ms
			for _, l := range strings.Split(string(data), "\n") {
				l = strings.TrimRight(ansi.ReplaceAllString(l, ""), "\r ")
				m := line.FindStringSubmatch(l)
				if m == nil || strings.HasPrefix(m[2], "/_next/") || strings.HasPrefix(m[2], "/__nextjs") {
					continue
				}
				v, _ := strconv.ParseFloat(m[4], 64)
				v *= map[string]float64{"µs": 0.001, "ms": 1, "s": 1000, "min": 60000}[m[5]]
				durs = append(durs, math.Round(v*1000)/1000)
			}
			slices.Sort(durs)
			n := len(durs)
			slow := 0
			for _, d := range durs {
				if d > 2000 {
					slow++
				}
			}
			pct := func(p float64) string {
				return strconv.FormatFloat(durs[int(math.Floor(float64(n)*p))], 'f', -1, 64) + "ms"
			}
			_, out, _ := runCLI(t, "", "-o", "api", file)
			var got struct {
				TotalRequests   int
				SlowRequests    int
				SlowRequestRate string
				Percentiles     struct{ P50, P95, P99 string }
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			rate := strconv.FormatFloat(float64(slow)/float64(n)*100, 'f', 1, 64) + "%"
			if got.TotalRequests != n || got.SlowRequests != slow || got.SlowRequestRate != rate ||
				got.Percentiles.P50 != pct(0.5) || got.Percentiles.P95 != pct(0.95) || got.Percentiles.P99 != pct(0.99) {
				t.Errorf("-o api: %+v\nrecomputed: total %d slow %d rate %s p50 %s p95 %s p99 %s",
					got, n, slow, rate, pct(0.5), pct(0.95), pct(0.99))
			}
		})
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "core.bin")
	os.WriteFile(bin, []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00\x01\x00\x00\x00"+strings.Repeat("\x00\xff\x13", 5000)), 0o644)
	other := filepath.Join(dir, "k6.json")
	os.WriteFile(other, []byte(`{"schema": "k6.summary/v1"}`), 0o644)
	v2 := filepath.Join(dir, "v2.json")
	os.WriteFile(v2, []byte(`{"schema": "reqstats.summary/v2", "totals": {"count": "many"}}`), 0o644)
	plain := filepath.Join(dir, "plain.log")
	os.WriteFile(plain, []byte(" GET / 200 in 5ms\n"), 0o644)
	huge := filepath.Join(dir, "one-line.log")
	os.WriteFile(huge, []byte(strings.Repeat("a", 5<<20)+" GET /huge 200 in 5ms"), 0o644)

	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // a line stderr must hold
	}{
		{"missing file", []string{"nope.log"}, 3, "reqstats: open nope.log: no such file or directory\n"},
		{"missing file among good ones", []string{"-o", "api", "nope.log", "testdata/dev-server.log"}, 3, "reqstats: open nope.log: no such file or directory\n"},
		{"directory", []string{"testdata"}, 3, "reqstats: read testdata: is a directory\n"},
		{"binary file", []string{bin}, 0, "reqstats: " + bin + ": binary file, no requests found\n"},
		{"5 MB single line", []string{"-o", "api", huge}, 0, ""},
		{"unknown flag", []string{"--nope"}, 2, "reqstats: unknown flag: --nope\n"},
		{"bad format", []string{"-o", "xml", "x.log"}, 2, "reqstats: unknown format \"xml\" (want api, csv, html, json, junit, markdown, ndjson, table, tsv)\n"},
		{"bad slow", []string{"--slow", "fast"}, 2, "reqstats: --slow: bad duration \"fast\" (want e.g. 2s, 500ms or 2000)\n"},
		{"bad method", []string{"--percentile-method", "median"}, 2, "reqstats: --percentile-method: unknown percentile method \"median\" (want endpoint, nearest-rank or linear)\n"},
		{"bad rule", []string{"--group-rule", "([=x"}, 2, ""},
		{"bad top", []string{"--top", "0"}, 2, "reqstats: --top must be at least 1, not 0\n"},
		{"bad sort", []string{"--sort", "median"}, 2, "reqstats: --sort: unknown order \"median\" (want mean, count, p95, p99, max, slow, errors)\n"},
		{"sort with api", []string{"-o", "api", "--sort", "p95"}, 2, "reqstats: --sort does not go with -o api: the endpoint lists its slowest routes by mean\n"},
		{"bad source", []string{"--source", "apache"}, 2, "reqstats: --source: unknown source \"apache\" (want next, pattern, json, object, koa, morgan, text)\n"},
		{"bad input format", []string{"--input-format", "nginx"}, 2, "reqstats: --input-format: unknown source \"nginx\""},
		{"pattern without duration", []string{"--pattern", `(?P<path>/\S+)`}, 2, "has no (?P<duration>…) group\n"},
		{"pattern without path", []string{"--pattern", `took (?P<duration>\d+)`}, 2, "has no (?P<path>…) group\n"},
		{"invalid pattern", []string{"--pattern", `(?P<path>`}, 2, "missing closing )"},
		{"missing pattern file", []string{"--pattern-file", "nope.txt"}, 2, "reqstats: --pattern-file: open nope.txt: no such file or directory\n"},
		{"pattern format without pattern", []string{"--input-format", "pattern"}, 2, "needs a --pattern"},
		{"help", []string{"-h"}, 0, ""},
		{"same file twice", []string{"testdata/dev-server.log", "testdata/dev-server.log"}, 2, "reqstats: testdata/dev-server.log is named twice: its requests would count twice\n"},
		{"stdin twice", []string{"-", "-"}, 2, "reqstats: - is named twice"},
		{"slow NaN", []string{"--slow", "NaN"}, 2, "reqstats: --slow: bad duration \"NaN\""},
		{"slow overflow", []string{"--slow", "1e300"}, 2, "reqstats: --slow: bad duration \"1e300\""},
		{"budget breached", []string{"-o", "json", "--fail-on", "p95>800ms", "testdata/dev-server.log"}, 1, "reqstats: budget breached: p95>800ms: 5.81s (21 requests)\n"},
		{"budget within", []string{"--fail-on", "p95>=5.82s", "testdata/dev-server.log"}, 0, ""},
		{"budget at the edge", []string{"--fail-on", "p95>5.809s", "testdata/dev-server.log"}, 0, ""},
		{"budget at the edge, inclusive", []string{"--fail-on", "p95>=5.809s", "testdata/dev-server.log"}, 1, "p95>=5.809s: 5.81s (21 requests)"},
		{"budget not enough data", []string{"-o", "api", "--fail-on", "p95>1ms", "--min-samples", "22", "testdata/dev-server.log"}, 0, "reqstats: budget p95>1ms: not enough data, 21 requests (22 needed)\n"},
		{"budget and missing file", []string{"--fail-on", "p95>10s", "nope.log", "testdata/dev-server.log"}, 3, "reqstats: open nope.log"},
		{"bad budget", []string{"--fail-on", "p95>>800ms", "testdata/dev-server.log"}, 2, "reqstats: --fail-on \"p95>>800ms\": unexpected \">\" at column 5\n"},
		{"bad budget unit", []string{"--fail-on", "p95>800", "testdata/dev-server.log"}, 2, "at column 5"},
		{"budget method without by-method", []string{"--by-method=false", "--fail-on", "route:GET /x:p95>1s", "testdata/dev-server.log"}, 2, "names a method, but routes are not split by method"},
		{"baseline not JSON", []string{"--baseline", "testdata/ci.log", "testdata/ci.log"}, 3, "reqstats: baseline testdata/ci.log: not a reqstats summary (not a JSON object; write one with -o json)\n"},
		{"baseline api JSON", []string{"--baseline", "testdata/baseline/dev-server.api.json", "testdata/ci.log"}, 3, "reqstats: baseline testdata/baseline/dev-server.api.json: not a reqstats summary (no schema; write one with -o json)\n"},
		{"baseline other schema", []string{"--baseline", other, "testdata/ci.log"}, 3, "reqstats: baseline " + other + ": not a reqstats summary (schema \"k6.summary/v1\")\n"},
		{"baseline newer schema", []string{"--baseline", v2, "testdata/ci.log"}, 3, "reqstats: baseline " + v2 + ": written by an incompatible reqstats (schema \"reqstats.summary/v2\", this one reads \"reqstats.summary/v1\")\n"},
		{"baseline missing", []string{"--baseline", "nope.json", "testdata/ci.log"}, 3, "reqstats: baseline: open nope.json: no such file or directory\n"},
		{"baseline other percentiles", []string{"--baseline", "testdata/dev-server.json", "--percentile-method", "linear", "testdata/ci.log"}, 3, "reqstats: baseline testdata/dev-server.json: its percentiles are endpoint, these linear (pass --percentile-method endpoint)\n"},
		{"baseline within", []string{"--baseline", "testdata/dev-server.json", "--max-regression", "700%", "--min-samples", "3", "testdata/ci.log"}, 0, ""},
		{"max-regression without baseline", []string{"--max-regression", "20%", "testdata/ci.log"}, 2, "reqstats: --max-regression needs --baseline\n"},
		{"bad max-regression", []string{"--baseline", "testdata/dev-server.json", "--max-regression", "lots", "testdata/ci.log"}, 2, "reqstats: --max-regression: bad percentage \"lots\" (want e.g. 20%)\n"},
		{"bad regression metric", []string{"--regression-metric", "count", "testdata/ci.log"}, 2, "reqstats: --regression-metric must be p50, p95, p99, mean, min or max, not \"count\"\n"},
		{"since without timestamps", []string{"--since", "2026-01-01T00:00:00Z", plain}, 2, "reqstats: --since: the requests carry no timestamps (reqstats reads them from line prefixes, as GitHub Actions, docker logs -t or ts write them)\n"},
		{"until relative without timestamps", []string{"--until", "5m", "testdata/dev-server.log"}, 2, "reqstats: --until: the input has no timestamps to count back from\n"},
		{"since relative on a missing file", []string{"--since", "5m", "nope.log"}, 3, "reqstats: open nope.log: no such file or directory\n"},
		{"since relative on stdin", []string{"--since", "5m", "-"}, 2, "reqstats: --since: a duration counts back from the last timestamp, which needs a file, not standard input; give an RFC 3339 time\n"},
		{"bad since", []string{"--since", "yesterday", "testdata/ci.log"}, 2, "reqstats: --since: \"yesterday\" is neither an RFC 3339 time (2026-11-28T04:10:00Z) nor a duration before the last timestamp (5m)\n"},
		{"until before since", []string{"--since", "2026-11-28T04:11:00Z", "--until", "2026-11-28T04:10:00Z", "testdata/ci.log"}, 2, "reqstats: --until 2026-11-28T04:10:00Z is before --since 2026-11-28T04:11:00Z\n"},
		{"empty log with a budget", []string{"--fail-on", "p95>800ms", "testdata/empty.log"}, 3, "reqstats: no request was counted (0 lines read, 0 requests excluded): the budgets judge nothing (--allow-empty accepts an empty log)\n"},
		{"empty log with a budget, allowed", []string{"--allow-empty", "--fail-on", "p95>800ms", "testdata/empty.log"}, 0, ""},
		{"empty log with a baseline", []string{"--baseline", "testdata/dev-server.json", "testdata/empty.log"}, 3, "the comparison with the baseline judge nothing"},
		{"all excluded with a budget", []string{"--exclude", "/**", "--fail-on", "count<1000", "testdata/dev-server.log"}, 3, "(84 lines read, 23 requests excluded)"},
		{"empty log without a budget", []string{"testdata/empty.log"}, 0, ""},
		{"budget on a route never requested", []string{"--fail-on", "route:/api/nope:p95>1s", "testdata/dev-server.log"}, 1, "reqstats: budget route:/api/nope:p95>1s: no request matched route /api/nope (the closest are /api/error, /, /dashboard)\n"},
		{"budget on a route mistyped", []string{"--fail-on", "route:/api/eror:p95>1s", "testdata/dev-server.log"}, 1, "reqstats: budget route:/api/eror:p95>1s: no request matched route /api/eror (did you mean /api/error?)\n"},
		{"budget on a method never requested", []string{"--fail-on", "route:POST /api/users/[id]:count>100", "testdata/dev-server.log"}, 1, "no request matched route POST /api/users/[id] (did you mean /api/users/[id]?)"},
		{"budget on a route, breached and missing", []string{"--fail-on", "p95>800ms", "--fail-on", "route:/dashbord:max>1s", "testdata/dev-server.log"}, 1, "reqstats: budget breached: p95>800ms: 5.81s (21 requests)\nreqstats: budget route:/dashbord:max>1s: no request matched route /dashbord (did you mean /dashboard?)\n"},
		{"budget breached and missing file", []string{"--fail-on", "p95>800ms", "nope.log", "testdata/dev-server.log"}, 3, "reqstats: budget breached: p95>800ms: 5.81s (21 requests)\n"},
		{"flag typo", []string{"--slwo", "1s", "testdata/dev-server.log"}, 2, "reqstats: unknown flag: --slwo (did you mean --slow?)\n"},
		{"flag far from any", []string{"--zzzzzzzz", "testdata/dev-server.log"}, 2, "reqstats: unknown flag: --zzzzzzzz\n"},
		{"flag typo with a value", []string{"--sorce=next", "testdata/dev-server.log"}, 2, "reqstats: unknown flag: --sorce (did you mean --source?)\n"},
		{"format typo", []string{"-o", "jsno", "testdata/dev-server.log"}, 2, "(did you mean json?)\n"},
		{"format in capitals", []string{"-o", "JSON", "testdata/dev-server.log"}, 0, ""},
		{"format md", []string{"-o", "md", "testdata/dev-server.log"}, 0, ""},
		{"cors without serve", []string{"-f", "--cors", "*", "x.log"}, 2, "reqstats: --cors needs --serve\n"},
		{"cors with a path", []string{"-f", "--serve", "9464", "--cors", "http://localhost:3000/app", "x.log"}, 2, "is not an origin"},
		{"log without a command", []string{"--log", "x.log", "testdata/dev-server.log"}, 2, "reqstats: --log needs a command"},
		{"command with files", []string{"testdata/dev-server.log", "--", "true"}, 2, "with -- COMMAND, reqstats reads the command's output, not files"},
		{"command with -f", []string{"-f", "--", "true"}, 2, "-f does not go with -- COMMAND"},
		{"command with --route", []string{"--route", "/x", "--", "true"}, 2, "--route does not go with -- COMMAND"},
		{"empty command", []string{"--"}, 2, "-- names no command"},
		{"negative min-samples", []string{"--min-samples", "-1", "testdata/dev-server.log"}, 2, "--min-samples must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr %q", code, tt.code, errOut)
			}
			if tt.stderr != "" && !strings.Contains(errOut, tt.stderr) {
				t.Errorf("stderr %q, want it to hold %q", errOut, tt.stderr)
			}
			if tt.code == 2 && strings.Count(errOut, "\n") != 1 {
				t.Errorf("usage error took %d lines, want one: %q", strings.Count(errOut, "\n"), errOut)
			}
			if tt.name == "missing file among good ones" && !strings.Contains(out, `"totalRequests": 21`) {
				t.Errorf("the good file was not reported:\n%s", out)
			}
			if tt.name == "format md" && !strings.HasPrefix(out, "### reqstats: 21 requests") {
				t.Errorf("-o md is not Markdown:\n%s", out)
			}
			if tt.name == "missing file" && out != "" {
				t.Errorf("a summary of nothing was written:\n%s", out)
			}
			if tt.name == "5 MB single line" && !strings.Contains(out, `"path": "/huge"`) {
				t.Errorf("the request at the end of a 5 MB line was lost:\n%s", out)
			}
			if tt.name == "budget breached" && !strings.Contains(out, `"status": "breach"`) {
				t.Errorf("a breached budget printed no report with its verdict:\n%s", out)
			}
			if tt.name == "help" && !strings.Contains(out, "Usage:") {
				t.Errorf("-h printed no usage:\n%s", out)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, "", "--version")
	if code != 0 || !strings.HasPrefix(out, "reqstats ") {
		t.Errorf("--version: %d %q", code, out)
	}
}

// TestStepSummary checks that --step-summary appends the Markdown report
// to $GITHUB_STEP_SUMMARY, whatever -o says, and refuses to run without it.
func TestStepSummary(t *testing.T) {
	path := filepath.Join(t.TempDir(), "summary.md")
	os.WriteFile(path, []byte("## earlier step\n"), 0o644)
	t.Setenv("GITHUB_STEP_SUMMARY", path)
	args := append(slices.Clone(budgets), "-o", "json", "--step-summary", "testdata/dev-server.log")
	code, out, errOut := runCLI(t, "", args...)
	if code != 1 {
		t.Errorf("exit %d, want 1 (a budget is breached); stderr %s", code, errOut)
	}
	if !strings.HasPrefix(out, "{") {
		t.Errorf("stdout is not the -o json report:\n%s", out)
	}
	got, _ := os.ReadFile(path)
	want, _ := os.ReadFile("testdata/dev-server.budget.md")
	if string(got) != "## earlier step\n"+string(want) {
		t.Errorf("%s holds:\n%s\nwant the earlier content and then testdata/dev-server.budget.md", path, got)
	}

	t.Setenv("GITHUB_STEP_SUMMARY", "")
	code, _, errOut = runCLI(t, "", "--step-summary", "testdata/dev-server.log")
	if want := "reqstats: --step-summary: $GITHUB_STEP_SUMMARY is not set (it is set in GitHub Actions steps)\n"; code != 2 || errOut != want {
		t.Errorf("without $GITHUB_STEP_SUMMARY: exit %d, stderr %q; want 2, %q", code, errOut, want)
	}

	t.Setenv("GITHUB_STEP_SUMMARY", filepath.Join(t.TempDir(), "no", "such", "dir"))
	code, out, errOut = runCLI(t, "", "--step-summary", "testdata/dev-server.log")
	if code != 1 || !strings.Contains(errOut, "reqstats: --step-summary: open ") || !strings.Contains(out, "requests") {
		t.Errorf("unwritable summary: exit %d, stderr %q, want 1, an error and the report still written", code, errOut)
	}
}

// TestByFileAddsUp checks that the per-file summaries of --by-file add up
// to the merged one, and that the merged one is what reading without
// --by-file gives.
func TestByFileAddsUp(t *testing.T) {
	files := []string{"testdata/ci.log", "testdata/dev-server.log", "testdata/next16-color.log"}
	_, merged, _ := runCLI(t, "", append([]string{"-o", "json"}, files...)...)
	code, out, errOut := runCLI(t, "", append([]string{"-o", "json", "--by-file"}, files...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	type stats struct{ Count, Slow, Cold, Errors5xx int }
	var doc struct {
		Totals stats
		ByFile []struct {
			File   string
			Totals stats
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	var sum stats
	var names []string
	for _, f := range doc.ByFile {
		names = append(names, f.File)
		sum.Count += f.Totals.Count
		sum.Slow += f.Totals.Slow
		sum.Errors5xx += f.Totals.Errors5xx
		sum.Cold += f.Totals.Cold
	}
	if !slices.Equal(names, files) {
		t.Errorf("byFile names %q, want %q", names, files)
	}
	// Cold adds up too: a compile in one input does not make the first
	// request of the next input cold.
	want := doc.Totals
	if sum != want || doc.Totals.Count == 0 {
		t.Errorf("per-file totals add up to %+v, merged %+v", sum, want)
	}
	if i := strings.Index(out, `  "byFile"`); i < 0 || out[:i] != strings.TrimSuffix(merged, "\n}\n")+",\n" {
		t.Errorf("--by-file changed the merged summary")
	}
}

// TestMixedCountsOnce checks that a log holding Next's line and the app's
// own line for each request counts each request once, from Next's lines,
// and names the app's lines as other sources.
func TestMixedCountsOnce(t *testing.T) {
	code, out, errOut := runCLI(t, "", "-o", "json", "testdata/mixed.log")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		Settings struct{ Source string }
		Totals   struct{ Count int }
		Other    []struct {
			Source string
			Count  int
		} `json:"otherSources"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	nextLines := 0
	log, _ := os.ReadFile("testdata/mixed.log")
	for line := range strings.Lines(string(log)) {
		if regexp.MustCompile(`^ (GET|POST) /\S+ \d{3} in `).MatchString(line) {
			nextLines++
		}
	}
	if doc.Settings.Source != "next" || doc.Totals.Count != nextLines || nextLines != 6 {
		t.Errorf("source %q count %d, want next %d", doc.Settings.Source, doc.Totals.Count, nextLines)
	}
	others := map[string]int{}
	for _, o := range doc.Other {
		others[o.Source] = o.Count
	}
	if others["text"] != 4 || others["json"] != 2 || len(others) != 2 {
		t.Errorf("other sources %v, want text 4, json 2", others)
	}
	// --source all merges them; --input-format json reads the JSON alone.
	_, out, _ = runCLI(t, "", "-o", "api", "--source", "all", "testdata/mixed.log")
	if !strings.Contains(out, `"totalRequests": 12,`) {
		t.Errorf("--source all:\n%s", out)
	}
	_, out, _ = runCLI(t, "", "--input-format", "json", "testdata/mixed.log")
	if !strings.HasPrefix(out, "reqstats · testdata/mixed.log · 22 lines · 2 requests (json)\n") || strings.Contains(out, "Other sources") {
		t.Errorf("--input-format json:\n%s", out)
	}
}

// TestPatternFlag reads a log through a user pattern given in a file.
func TestPatternFlag(t *testing.T) {
	dir := t.TempDir()
	pf := filepath.Join(dir, "patterns.txt")
	os.WriteFile(pf, []byte("# Django-style lines\n\n^(?P<method>[A-Z]+) (?P<path>/\\S*) status=(?P<status>\\d+) took=(?P<duration>[\\d.]+)(?P<unit>s|ms)$\n"), 0o644)
	log := "GET /a status=200 took=1.5s\nPOST /b status=500 took=20ms\nnoise 123\n"
	code, out, errOut := runCLI(t, log, "-o", "api", "--pattern-file", pf)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{`"totalRequests": 2,`, `"path": "/a"`, `"p95": "1500ms"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}
func TestAppDirFlag(t *testing.T) {
	log := " GET /shop/shoes/red 200 in 12ms\n GET /shop/cart 200 in 5ms\n GET /api/users/me 200 in 3ms\n GET /api/users/42 200 in 4ms\n"
	code, out, errOut := runCLI(t, log, "--app-dir", "testdata/app-tree/src/app", "--top", "20")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"GET /shop/[[...slug]] ", "GET /shop/cart ", "GET /api/users/me ", "GET /api/users/[id] ", "· 13 routes from the app"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// -o api groups by raw path, as the app does, whatever the routes.
	_, out, _ = runCLI(t, log, "-o", "api", "--app-dir", "testdata/app-tree/src/app")
	if !strings.Contains(out, `"path": "/shop/shoes/red"`) {
		t.Errorf("-o api:\n%s", out)
	}
	if code, _, errOut := runCLI(t, log, "--app-dir", "testdata/nope"); code != 2 || !strings.Contains(errOut, "--app-dir: stat testdata/nope: no such file or directory") {
		t.Errorf("missing --app-dir: %d %q", code, errOut)
	}
}

// TestServeUsesAPIDefaults checks that --serve answers what -o api would
// print (raw paths, methods merged) whatever -o the live view uses, unless
// --group or --by-method are given.
func TestServeUsesAPIDefaults(t *testing.T) {
	o, err := parseOptions([]string{"-f", "--serve", "9464", "-o", "table"})
	if err != nil {
		t.Fatal(err)
	}
	if o.agg.Grouping != aggregate.GroupAuto || !o.agg.ByMethod {
		t.Errorf("view options %+v, want auto grouping by method", o.agg)
	}
	if o.follow.api.Grouping != aggregate.GroupNone || o.follow.api.ByMethod {
		t.Errorf("served options %+v, want raw paths, methods merged", o.follow.api)
	}
	o, _ = parseOptions([]string{"-f", "--serve", "9464", "--group", "auto", "--by-method"})
	if o.follow.api.Grouping != aggregate.GroupAuto || !o.follow.api.ByMethod {
		t.Errorf("explicit flags not kept for the endpoint: %+v", o.follow.api)
	}
	// The endpoint counts the source the view counts.
	for _, args := range [][]string{{"--source", "text"}, {"--pattern", `^(?P<path>/\S+) (?P<duration>\d+)$`}} {
		o, err := parseOptions(append([]string{"-f", "--serve", "9464"}, args...))
		if err != nil {
			t.Fatal(err)
		}
		if o.follow.api.Source != o.agg.Source || o.agg.Source == (aggregate.Selection{}) {
			t.Errorf("%q: endpoint counts %v, the view %v", args, o.follow.api.Source, o.agg.Source)
		}
	}
}

// TestHTMLTaggedSource checks that -o html draws the requests of a
// counted source that has a tag (text[route]), not none.
func TestHTMLTaggedSource(t *testing.T) {
	code, out, errOut := runCLI(t, "", "-o", "html", "testdata/app-phases.log")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, `"seen":5`) {
		t.Errorf("the timeline does not hold the 5 requests of text[route]")
	}
}
