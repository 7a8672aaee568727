package report

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/parser"
)

func TestTerminal(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/api/users/42", "/api/users/42"},
		{"/日本/é", "/日本/é"},
		{"/osc52\x1b]52;c;aGk=\x07", `/osc52\x1b]52;c;aGk=\x07`},
		{"/a\r\n\t\b\x00", `/a\r\n\t\x08\x00`},
		{"/del\x7f", `/del\x7f`},
		{"/csi\u009b2J", `/csi\u009b2J`},
		{"/rlo\u202etxt", `/rlo\u202etxt`},
		{"/lri\u2066x\u2069", `/lri\u2066x\u2069`},
		{"/zw\u200bj\ufeff", `/zw\u200bj\ufeff`},
		{"/ls\u2028", `/ls\u2028`},
		{"/tag\U000e0041", `/tag\U000e0041`},
		{"/bad\x9b\xff", `/bad\x9b\xff`},
		{`/already\x1b`, `/already\x1b`},
	}
	for _, tt := range tests {
		if got := Terminal(tt.in); got != tt.want {
			t.Errorf("Terminal(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := Terminal(Terminal(tt.in)); got != tt.want {
			t.Errorf("Terminal is not idempotent on %q: %q", tt.in, got)
		}
	}
}

func TestDelimitedValues(t *testing.T) {
	if got, want := csvValue("/a\nb\r\x1b,\"\\"), "/a\nb\\r\\x1b,\"\\"; got != want {
		t.Errorf("csvValue = %q, want %q", got, want)
	}
	if got, want := tsvValue("/a\tb\nc\\d\x1b"), `/a\tb\nc\\d\x1b`; got != want {
		t.Errorf("tsvValue = %q, want %q", got, want)
	}
}

// TestSafeJSONKeepsTheValue checks that the escapes safeJSON and safeXML
// write decode to the exact value, and that no raw control is left.
func TestSafeJSONKeepsTheValue(t *testing.T) {
	value := "/x\x7f\u009b\u202e\u2066\U000e0041<&>\"end"
	b, _ := json.Marshal(value)
	safe := safeJSON(b)
	var back string
	if err := json.Unmarshal(safe, &back); err != nil || back != value {
		t.Errorf("json %s reads back as %q, %v", safe, back, err)
	}
	if i := unsafeIndex(string(safe)); i >= 0 {
		t.Errorf("json %q has a raw control at %d", safe, i)
	}
	type doc struct {
		XMLName xml.Name `xml:"doc"`
		A       string   `xml:"a,attr"`
		T       string   `xml:"t"`
	}
	b, err := xml.Marshal(doc{A: value, T: value})
	if err != nil {
		t.Fatal(err)
	}
	safe = safeXML(b)
	var xback doc
	if err := xml.Unmarshal(safe, &xback); err != nil || xback.A != value || xback.T != value {
		t.Errorf("xml %s reads back as %+v, %v", safe, xback, err)
	}
	if i := unsafeIndex(string(safe)); i >= 0 {
		t.Errorf("xml %q has a raw control at %d", safe, i)
	}
}

// unsafeIndex returns the index of the first rune of s that Terminal
// would escape, or -1.
func unsafeIndex(s string) int {
	for i, r := range s {
		if unsafeRune(r) || (r == '\uFFFD' && !strings.HasPrefix(s[i:], "\uFFFD")) {
			return i
		}
	}
	return -1
}

func TestCodeSpans(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/a", "`/a`"},
		{"", ""},
		{"/a|b", "`/a\\|b`"},
		{"/y``<img>``x", "```/y``<img>``x```"},
		{"`x", "`` `x ``"},
		{"x`", "`` x` ``"},
		{" x ", "`  x  `"},
	}
	for _, tt := range tests {
		if got := code(tt.in); got != tt.want {
			t.Errorf("code(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestWithStringsReachesEveryString builds a Summary whose every string
// field holds a control, and checks that no control is left in the copy
// and that the original is unchanged.
func TestWithStringsReachesEveryString(t *testing.T) {
	s := summaryOf(t, " GET /a\x07 200 in 5ms\n GET /b 200 in 1ms\n")
	s.Source = "next\x1b"
	s.Others = []aggregate.SourceSummary{{Source: "json\x1b"}}
	s.Dev.Store = []aggregate.StoreTag{{Tag: "mid\x1b"}}
	s.Input.ExcludedBy = []aggregate.Exclusion{{Pattern: "/x\x1b"}}
	s.Input.Files = []aggregate.File{{Name: "f\x1b", Err: "e\x1b"}}
	s.Input.MalformedLines = []parser.SyntaxError{{File: "f\x1b", Msg: "m\x1b"}}
	s.Slowest[0].Phases = []parser.Phase{{Label: "p\x1b"}}
	s.Verdicts = []aggregate.Verdict{{Budget: aggregate.Budget{Expr: "x\x1b", Route: aggregate.Key{Route: "/r\x1b"}}, Route: aggregate.Key{Method: "G\x1b"}}}
	s.ByFile = []*aggregate.Summary{{Source: "by\x1b"}}
	s.Comparison = &aggregate.Comparison{Total: aggregate.Change{Key: aggregate.Key{Route: "/t\x1b"}},
		Routes: []aggregate.Change{{Key: aggregate.Key{Route: "/c\x1b"}}}, New: []aggregate.Route{{Key: aggregate.Key{Route: "/n\x1b"}}},
		Vanished: []aggregate.Route{{Key: aggregate.Key{Route: "/v\x1b"}}}}
	before, _ := json.Marshal(s)
	safe := withStrings(s, Terminal)
	after, _ := json.Marshal(s)
	if string(before) != string(after) {
		t.Error("withStrings changed its argument")
	}
	// json.Marshal writes every exported string; \u001b or \u0007 is a
	// control left raw.
	got, _ := json.Marshal(safe)
	if strings.Contains(string(got), `\u001b`) || strings.Contains(string(got), `\u0007`) {
		t.Errorf("a control is left: %s", got)
	}
	for _, want := range []string{`json\\x1b`, `mid\\x1b`, `/a\\x07`, `/v\\x1b`, `by\\x1b`, `p\\x1b`, `G\\x1b`} {
		if !strings.Contains(string(got), want) {
			t.Errorf("copy lacks %s: %s", want, got)
		}
	}
}

func TestFitAnyWidth(t *testing.T) {
	for _, s := range []string{"", "a", "abc", "日本語", "/a/very/long/path"} {
		for _, n := range []int{-1, 0, 1, 2, 3} {
			got := Fit(s, n)
			if w := width(got); w > max(n, 0) {
				t.Errorf("Fit(%q, %d) = %q, %d cells", s, n, got, w)
			}
			if l := fitLeft(s, n); width(l) > max(n, 0) {
				t.Errorf("fitLeft(%q, %d) = %q", s, n, l)
			}
		}
	}
	if got := Fit("日本語", 4); got != "日…" {
		t.Errorf("Fit(日本語, 4) = %q, want 日…", got)
	}
	if got := Fit("abc", 3); got != "abc" {
		t.Errorf("Fit(abc, 3) = %q", got)
	}
}

// BenchmarkRecordWriter writes requests as -o ndjson does, safeJSON
// included.
func BenchmarkRecordWriter(b *testing.B) {
	rec := &parser.Record{File: "dev-server.log", Line: 12, Source: parser.SourceNext, Method: "GET",
		Path: "/api/users/42?page=2", Route: "/api/users/42", Status: 200, Duration: 145 * time.Millisecond}
	req := aggregate.Request{Record: rec, Key: aggregate.Key{Method: "GET", Route: "/api/users/[id]"}, Source: "next"}
	w := NewRecordWriter(io.Discard)
	var one strings.Builder
	WriteRecord(&one, req)
	b.SetBytes(int64(one.Len()))
	b.ReportAllocs()
	for b.Loop() {
		w.Write(req)
	}
	w.Flush()
}
