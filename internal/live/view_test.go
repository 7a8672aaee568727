package live

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/rivo/uniseg"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/parser"
	"github.com/reqstats/reqstats/report"
)

// feed feeds the lines of the file at path to l, as follow mode does.
func feed(t *testing.T, l *State, path string) *State {
	t.Helper()
	log, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := parser.New(parser.Options{})
	st := p.NewStream(path)
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	for _, line := range strings.Split(strings.TrimSuffix(string(log), "\n"), "\n") {
		l.Line(path)
		for _, ev := range st.Push([]byte(line)) {
			l.Add(&ev, now)
		}
	}
	return l
}

// The view's own escapes: cursor, clearing, and the table's colours.
var ownEscapes = regexp.MustCompile(`\x1b\[(\?25[lh]|H|K|J|2J|[0-9;]*m)`)

// screenLines returns a frame's lines without the view's own escapes, and
// fails on any other control character.
func screenLines(t *testing.T, frame string) []string {
	t.Helper()
	plain := ownEscapes.ReplaceAllString(frame, "")
	for i, r := range plain {
		if r != '\n' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || unicode.Is(unicode.Cf, r)) {
			t.Errorf("raw control %U at %d of the frame:\n%q", r, i, plain)
			break
		}
	}
	return strings.Split(strings.TrimSuffix(plain, "\n"), "\n")
}

// TestFrameAnySize draws the live view of a log of hostile lines at
// sizes down to 0 × 0: it never panics, and no line is wider than the
// screen or holds a control character from the log.
func TestFrameAnySize(t *testing.T) {
	l := feed(t, NewState(aggregate.Options{ByMethod: true, Source: aggregate.AllSources()}, 1000), "../../testdata/hostile.log")
	for _, route := range []string{"", "/bel\x07"} {
		for _, size := range [][2]int{{0, 0}, {1, 1}, {5, 3}, {60, 20}, {80, 40}} {
			var out bytes.Buffer
			v := &View{Out: &out, State: l, Route: route, Names: []string{"hostile\x1b]52;c;eA==\x07.log"}, Color: true, TTY: true}
			v.Frame(time.Date(2026, 11, 28, 10, 0, 5, 0, time.UTC), size[0], size[1])
			lines := screenLines(t, out.String())
			if len(lines) > max(size[1]-1, 1) {
				t.Errorf("route %q, %d×%d: %d lines", route, size[0], size[1], len(lines))
			}
			for _, line := range lines {
				if w := uniseg.StringWidth(line); w > size[0] {
					t.Errorf("route %q, %d×%d: line of %d cells: %q", route, size[0], size[1], w, line)
				}
			}
		}
	}
	// The status line names the input with its controls made visible.
	var out bytes.Buffer
	v := &View{Out: &out, State: l, Names: []string{"hostile\x1b]52;c;eA==\x07.log"}, TTY: true}
	v.Frame(time.Date(2026, 11, 28, 10, 0, 5, 0, time.UTC), 200, 10)
	if want := report.Terminal("following hostile\x1b]52;c;eA==\x07.log"); !strings.Contains(out.String(), want) {
		t.Errorf("status line lacks %q:\n%q", want, out.String())
	}
}

// TestRouteViewFits draws the --route view of a log where Next and the
// app's pino logger both print each request, at 60, 80 and 200 columns:
// no line is wider than the screen, the latest requests are those of the
// source counted only, and a request without a status shows "–".
func TestRouteViewFits(t *testing.T) {
	log := ` GET /api/users/42 200 in 145ms
{"level":30,"time":1764324000000,"req":{"method":"GET","url":"/api/users/42"},"res":{"statusCode":200},"responseTime":141.5,"msg":"request completed"}
 GET /api/users/7-with-a-rather-long-name-that-goes-on-and-on-and-on 500 in 2500ms
{"level":30,"time":1764324001000,"req":{"method":"GET","url":"/api/users/9"},"responseTime":12,"msg":"request completed"}
`
	path := filepath.Join(t.TempDir(), "dev-server.log")
	if err := os.WriteFile(path, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		source aggregate.Selection
		want   int // latest requests shown
	}{
		{"next counted", aggregate.Selection{}, 2},
		{"all merged", aggregate.AllSources(), 4},
	} {
		l := feed(t, NewState(aggregate.Options{ByMethod: true, Source: tt.source}, 1000), path)
		for _, width := range []int{60, 80, 200} {
			var out bytes.Buffer
			v := &View{Out: &out, State: l, Route: "/api/users/[id]", Names: []string{path}, Color: true, TTY: true}
			v.Frame(time.Date(2026, 11, 28, 10, 0, 5, 0, time.UTC), width, 40)
			lines := screenLines(t, out.String())
			latest := 0
			for i, line := range lines {
				if w := uniseg.StringWidth(line); w > width {
					t.Errorf("%s, %d columns: line of %d cells: %q", tt.name, width, w, line)
				}
				if i > 0 && strings.Contains(line, "Latest requests") {
					latest = len(lines) - i - 1
				}
			}
			if latest != tt.want {
				t.Errorf("%s, %d columns: %d latest requests, want %d:\n%s", tt.name, width, latest, tt.want, strings.Join(lines, "\n"))
			}
			if missing := strings.Contains(strings.Join(lines, "\n")+"\n", " –\n"); missing != (tt.want == 4) {
				t.Errorf("%s, %d columns: the request without a status is shown wrong:\n%s", tt.name, width, strings.Join(lines, "\n"))
			}
		}
	}
}
