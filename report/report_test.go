package report

import (
	"encoding/xml"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rivo/uniseg"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/parser"
)

func TestToFixed1MatchesJavaScript(t *testing.T) {
	// Expected values are what (x).toFixed(1) prints in Node.
	tests := []struct {
		v    float64
		want string
	}{
		{0, "0.0"},
		{7.142857142857143, "7.1"},
		{0.25, "0.3"},  // exactly halfway: JavaScript rounds up, Go's strconv to even
		{0.35, "0.3"},  // 0.35 is 0.34999… in binary
		{12.5, "12.5"}, // one decimal already
		{2.45, "2.5"},  // 2.4500000000000001776…
		{99.95, "100.0"},
		{100, "100.0"},
		{1 / 3.0 * 100, "33.3"},
	}
	for _, tt := range tests {
		if got := toFixed1(tt.v); got != tt.want {
			t.Errorf("toFixed1(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
	if got := slowRate(0, 0); got != "0%" {
		t.Errorf("slowRate(0, 0) = %q, want 0%%", got)
	}
	if got := slowRate(3, 42); got != "7.1%" {
		t.Errorf("slowRate(3, 42) = %q, want 7.1%%", got)
	}
}

func TestMathRound(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		sum   time.Duration
		count int
		want  int64
	}{
		{5 * ms, 2, 3}, // 2.5 rounds up, as Math.round does
		{7 * ms, 2, 4},
		{1835 * time.Microsecond, 1, 2},
		{1499 * time.Microsecond, 1, 1},
		{0, 0, 0},
	}
	for _, tt := range tests {
		if got := mathRound(tt.sum, tt.count); got != tt.want {
			t.Errorf("mathRound(%v, %d) = %d, want %d", tt.sum, tt.count, got, tt.want)
		}
	}
}

func TestMillisAndHuman(t *testing.T) {
	tests := []struct {
		d             time.Duration
		millis, human string
	}{
		{145 * time.Millisecond, "145", "145ms"},
		{1835 * time.Microsecond, "1.835", "1.83ms"},
		{850 * time.Microsecond, "0.85", "850µs"},
		{4100 * time.Millisecond, "4100", "4.1s"},
		{132 * time.Second, "132000", "2m12s"},
		{3*time.Hour + 5*time.Minute + 20*time.Second, "11120000", "3h05m"},
		{27*24*time.Hour + 10*time.Hour + 29*time.Minute, "2370540000", "27d10h"},
		{time.Nanosecond, "0.000001", "1ns"},
		{0, "0", "0ms"},
	}
	for _, tt := range tests {
		if got := Millis(tt.d); got != tt.millis {
			t.Errorf("Millis(%v) = %q, want %q", tt.d, got, tt.millis)
		}
		if got := Human(tt.d); got != tt.human {
			t.Errorf("Human(%v) = %q, want %q", tt.d, got, tt.human)
		}
	}
}

func TestTableFitsWidth(t *testing.T) {
	s := summaryOf(t, strings.Repeat(" GET /api/a/very/long/route/name/that/goes/on/and/on/and/on/forever 200 in 12ms\n", 3)+
		strings.Repeat(" GET /文書/日本語の長い名前のページ/👩‍💻/とても長いパス/さらに長いパス 200 in 5ms\n", 2)+
		"[middleware] ✓ METRIC RECORDED, new size: 3\n[middleware] ✓ METRIC RECORDED, new size: 1\n")
	for _, width := range []int{72, 80, 120} {
		var b strings.Builder
		if err := WriteTable(&b, s, Options{Width: width}); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(b.String(), "\n") {
			// Measured apart from the table's own visibleLen.
			if n := uniseg.StringWidth(line); n > width {
				t.Errorf("width %d: line of %d columns: %q", width, n, line)
			}
		}
	}
}

func TestTableColor(t *testing.T) {
	s := summaryOf(t, " GET /a 500 in 3s\n")
	var plain, color strings.Builder
	WriteTable(&plain, s, Options{})
	WriteTable(&color, s, Options{Color: true})
	if strings.Contains(plain.String(), "\x1b[") {
		t.Error("colour without Options.Color")
	}
	if !strings.Contains(color.String(), sgrRed) {
		t.Error("no red for a slow 5xx with Options.Color")
	}
}

func summaryOf(t *testing.T, log string) *aggregate.Summary {
	t.Helper()
	p, _ := parser.New(parser.Options{})
	a := aggregate.New(aggregate.Options{ByMethod: true})
	sc := parser.NewScanner(strings.NewReader(log), "dev.log", p)
	for sc.Scan() {
		a.Add(sc.Event())
	}
	a.AddInput("dev.log", sc.Lines(), sc.Bytes(), nil)
	return a.Summary()
}

func ExampleWriteTable() {
	p, _ := parser.New(parser.Options{})
	a := aggregate.New(aggregate.Options{ByMethod: true, Top: 2})
	sc := parser.NewScanner(strings.NewReader(` GET /api/users/42 200 in 145ms
 GET /api/users/7 200 in 160ms
 POST /api/report 500 in 2.4s
`), "dev-server.log", p)
	for sc.Scan() {
		a.Add(sc.Event())
	}
	a.AddInput("dev-server.log", sc.Lines(), sc.Bytes(), nil)
	WriteTable(os.Stdout, a.Summary(), Options{Width: 72})
	// Output:
	// reqstats · dev-server.log · 3 lines · 3 requests (next)
	//
	//        requests  slow >2s          p50     p95     p99     max    mean
	// all           3  1 (33.3%)       160ms    2.4s    2.4s    2.4s   902ms
	// status 2xx 2 · 5xx 1
	// percentiles: as the in-app endpoint, x[floor(n·p)] · min 145ms
	//
	// Slowest routes (by mean)
	// route                count    mean     p95     max   slow
	// POST /api/report         1    2.4s    2.4s    2.4s 100.0%
	// GET /api/users/[id]      2   152ms   160ms   160ms   0.0%
	//
	// Busiest routes
	// GET /api/users/[id] █████████████████████████████████████████████████ 2
	// POST /api/report    ████████████████████████                          1
	//
	// Slowest requests
	//    2.4s POST /api/report  500 :3
	//   160ms GET  /api/users/7 200 :2
}

func TestMarkdownEscapesRoutes(t *testing.T) {
	s := summaryOf(t, " GET /a|b/`x` 200 in 5ms\n GET /plain 200 in 7ms\n")
	var b strings.Builder
	if err := WriteMarkdown(&b, s, Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"| `` GET /a\\|b/`x` `` | 1 |", "| `GET /plain` | 1 |"} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
	// Every table row has as many cells as its header.
	cells := 0
	for _, l := range strings.Split(out, "\n") {
		if !strings.HasPrefix(l, "|") {
			cells = 0
			continue
		}
		n := strings.Count(strings.ReplaceAll(l, `\|`, ""), "|")
		if cells == 0 {
			cells = n
		} else if n != cells {
			t.Errorf("row %q has %d separators, its header %d", l, n, cells)
		}
	}
}

func TestCSVQuotes(t *testing.T) {
	s := summaryOf(t, " GET /a,b 200 in 1.5ms\n")
	var b strings.Builder
	WriteCSV(&b, s, Options{})
	want := "method,route,count,slow,slow_pct,cold,errors_5xx,min_ms,mean_ms,p50_ms,p95_ms,p99_ms,max_ms,sum_ms\n" +
		"GET,\"/a,b\",1,0,0,0,0,1.5,1.5,1.5,1.5,1.5,1.5,1.5\n"
	if b.String() != want {
		t.Errorf("csv:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestJUnitIsValidXML(t *testing.T) {
	s := summaryOf(t, " GET /a<&\"> 500 in 5ms\n GET /b 200 in 7ms\n")
	for _, expr := range []string{"errors>0", "p95>1s", "route:/a<&\">:p50>1ms"} {
		b, err := aggregate.ParseBudget(expr)
		if err != nil {
			t.Fatal(err)
		}
		s.Verdicts = append(s.Verdicts, aggregate.Evaluate(s, []aggregate.Budget{b}, 2)...)
	}
	var out strings.Builder
	if err := WriteJUnit(&out, s, Options{}); err != nil {
		t.Fatal(err)
	}
	var suite struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			Name    string    `xml:"name,attr"`
			Failure *struct{} `xml:"failure"`
			Skipped *struct{} `xml:"skipped"`
		} `xml:"testcase"`
	}
	if err := xml.Unmarshal([]byte(out.String()), &suite); err != nil {
		t.Fatalf("not XML: %v\n%s", err, out.String())
	}
	if suite.Name != "reqstats" || suite.Tests != 3 || suite.Failures != 1 || suite.Skipped != 1 || len(suite.Cases) != 3 {
		t.Errorf("suite %+v\n%s", suite, out.String())
	}
	if c := suite.Cases[2]; c.Name != `route:/a<&">:p50>1ms (GET)` || c.Skipped == nil {
		t.Errorf("route case %+v", c)
	}
}

// TestReadBaselineRoundTrip reads back what WriteJSON wrote: every number
// that a comparison uses comes back exact.
func TestReadBaselineRoundTrip(t *testing.T) {
	s := summaryOf(t, " GET /a 200 in 1.835ms\n GET /a 200 in 2.9s\n POST /b 500 in 145µs\n GET /c 200 in 1.5min\n")
	var b strings.Builder
	if err := WriteJSON(&b, s, Options{}); err != nil {
		t.Fatal(err)
	}
	got, err := ReadBaseline(strings.NewReader(b.String()), "x.json")
	if err != nil {
		t.Fatal(err)
	}
	if got.Total != s.Total || got.Warm != s.Warm || len(got.Routes) != len(s.Routes) || got.Method != s.Method || got.Slow != s.Slow {
		t.Errorf("totals:\n got %+v\nwant %+v", got.Total, s.Total)
	}
	for i := range s.Routes {
		if got.Routes[i] != s.Routes[i] {
			t.Errorf("route %d:\n got %+v\nwant %+v", i, got.Routes[i], s.Routes[i])
		}
	}
}

func TestOtherSources(t *testing.T) {
	// Next's line and the app's own pino-http line for the same request:
	// Next is counted, the app's line is summarised apart.
	s := summaryOf(t, ` GET /api/users/42 200 in 145ms
{"level":30,"time":1629823792029,"req":{"id":1,"method":"GET","url":"/api/users/42"},"res":{"statusCode":200},"responseTime":141.5,"msg":"request completed"}
`)
	var table strings.Builder
	WriteTable(&table, s, Options{})
	for _, want := range []string{
		"· 1 request (next)",
		"Other sources (not counted above)\nsource   requests  routes     p50     p95     max    mean\njson            1       1   142ms   142ms   142ms   142ms\n",
		"--source NAME counts one, --source all merges them",
	} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
	doc := NewDocument(s, Options{})
	if doc.Settings.Source != "next" || len(doc.OtherSources) != 1 || doc.OtherSources[0].Source != "json" ||
		doc.OtherSources[0].Count != 1 || doc.OtherSources[0].P50Ms != ms(141500*time.Microsecond) {
		t.Errorf("settings.source %q, otherSources %+v", doc.Settings.Source, doc.OtherSources)
	}
	if doc.SlowestRequests[0].Source != "next" {
		t.Errorf("slowest request source %q", doc.SlowestRequests[0].Source)
	}
}

func TestWriteRoute(t *testing.T) {
	s := summaryOf(t, " GET /api/users/42 200 in 145ms\n GET /api/users/7 500 in 2.5s\n GET /other 200 in 1ms\n")
	var b strings.Builder
	recent := []Recent{
		{Time: "2026-11-28T10:00:00Z", Method: "GET", Path: "/api/users/42", Status: 200, Duration: 145 * time.Millisecond},
		{Time: "2026-11-28T10:00:01Z", Method: "GET", Path: "/api/users/7", Status: 500, Duration: 2500 * time.Millisecond},
	}
	if err := WriteRoute(&b, s, "/api/users/[id]", recent, Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"GET /api/users/[id]\n  2 requests · 1 slow · 1 5xx · 0 cold\n",
		"p50 2.5s · p95 2.5s",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("WriteRoute lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "/api/users/7") > strings.Index(out, "/api/users/42 ") {
		t.Errorf("latest requests not newest first:\n%s", out)
	}
	b.Reset()
	WriteRoute(&b, s, "/nope", nil, Options{})
	if !strings.Contains(b.String(), "no requests for /nope yet") {
		t.Errorf("unknown route:\n%s", b.String())
	}
}

func TestWarnings(t *testing.T) {
	var b strings.Builder
	w := &Warnings{W: &b, Max: 2}
	for i := range 5 {
		w.Malformed(fmt.Errorf("dev.log:%d: bad duration", i+1))
	}
	w.Note("x.log: binary file, no requests found")
	w.Flush()
	want := "reqstats: dev.log:1: bad duration\nreqstats: dev.log:2: bad duration\n" +
		"reqstats: x.log: binary file, no requests found\nreqstats: 3 more malformed lines not shown\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestFormatFor(t *testing.T) {
	for _, name := range Formats() {
		f, err := FormatFor(name)
		if err != nil || f.Name != name || f.Write == nil {
			t.Errorf("FormatFor(%q) = %+v, %v", name, f, err)
		}
	}
	if f, _ := FormatFor("ndjson"); !f.Streams || f.ShowsBudgets {
		t.Errorf("ndjson: %+v, want streamed, no budgets", f)
	}
	for name, want := range map[string]string{"JSON": "json", "Table": "table", "md": "markdown", "MD": "markdown", "Markdown": "markdown"} {
		if f, err := FormatFor(name); err != nil || f.Name != want {
			t.Errorf("FormatFor(%q) = %q, %v; want %s", name, f.Name, err, want)
		}
	}
	if _, err := FormatFor("yaml"); err == nil || !strings.Contains(err.Error(), `unknown format "yaml"`) {
		t.Errorf("FormatFor(yaml) = %v", err)
	}
}

var sgrPattern = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// TestWriteRouteFits renders the --route view at 60, 80 and 200 columns,
// with a long route, long paths, wide characters and a request without a
// status: no line is wider than the screen, in terminal cells.
func TestWriteRouteFits(t *testing.T) {
	long := "/api/" + strings.Repeat("very-long-segment/", 8) + "[id]"
	s := summaryOf(t, strings.Repeat(" GET /api/"+strings.Repeat("very-long-segment/", 8)+"42 200 in 2.5s\n", 3)+
		" POST /api/"+strings.Repeat("very-long-segment/", 8)+"7 500 in 12.5min\n")
	recent := []Recent{
		{Time: "10:00:00.000Z", Method: "GET", Path: long + "?q=" + strings.Repeat("日本語", 20), Status: 200, Duration: 2500 * time.Millisecond},
		{Time: "10:00:01.250Z", Method: "DELETE", Path: "/x", Duration: 12 * time.Minute},
		{Time: "10:00:02.000Z", Method: "GET", Path: "/j/\x1b]52;c;eA==\x07", Status: 204, Duration: time.Millisecond},
	}
	for _, width := range []int{60, 80, 200} {
		var b strings.Builder
		if err := WriteRoute(&b, s, long, recent, Options{Width: width, Color: true}); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			if n := uniseg.StringWidth(sgrPattern.ReplaceAllString(line, "")); n > width {
				t.Errorf("width %d: line of %d cells: %q", width, n, line)
			}
		}
		if !strings.Contains(out, "/x") || !strings.Contains(out, " –\n") {
			t.Errorf("width %d: the request without a status is not shown with –:\n%s", width, out)
		}
		if strings.Contains(out, "\x07") || !strings.Contains(out, `\x1b]52`) {
			t.Errorf("width %d: a control reached the view:\n%q", width, out)
		}
		if !strings.Contains(out, "POST ") || !strings.Contains(out, "p99 ") {
			t.Errorf("width %d: statistics missing:\n%s", width, out)
		}
	}
}

// TestWriteJSONStreamsTheSameBytes checks that writing the routes one at
// a time gives the bytes of encoding the whole document at once.
func TestWriteJSONStreamsTheSameBytes(t *testing.T) {
	for _, log := range []string{
		"",
		" GET /a 200 in 5ms\n",
		" GET /a 200 in 5ms\n POST /b/\u009b<x> 500 in 7ms\n GET /c 404 in 1ms\n{\"msg\":\"request completed\",\"method\":\"GET\",\"url\":\"/j\",\"statusCode\":200,\"responseTime\":3}\n",
	} {
		p, _ := parser.New(parser.Options{})
		a := aggregate.New(aggregate.Options{ByMethod: true})
		sc := parser.NewScanner(strings.NewReader(log), "dev.log", p)
		for sc.Scan() {
			a.Add(sc.Event())
		}
		s := a.Summary()
		s.ByFile = []*aggregate.Summary{a.Summary()}
		var got, want strings.Builder
		if err := WriteJSON(&got, s, Options{Version: "v1"}); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := encodeJSON(&b, NewDocument(s, Options{Version: "v1"}), ""); err != nil {
			t.Fatal(err)
		}
		want.Write(safeJSON([]byte(b.String())))
		if got.String() != want.String() {
			t.Errorf("log %q: streamed\n%s\nwant\n%s", log, got.String(), want.String())
		}
	}
}
