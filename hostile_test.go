package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/reqstats/reqstats/report"
)

// testdata/hostile.log holds request lines whose paths an attacker chose:
// terminal escapes (OSC 52, OSC 8, CSI), CR, BS, BEL, NUL, DEL, U+009B,
// bidi overrides, bytes that are not UTF-8, and Markdown and HTML that
// would make an element in a pull-request comment. Next's lines lose
// their ESC bytes to the parser; the JSON logger's lines keep them all.

// sgr matches the table's own colour escapes, the one control --color
// always may write.
var sgr = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// rawControl returns the first character of out that would act on a
// terminal (see report.Terminal) other than a newline, and a tab when
// tabs is set, or "" when there is none. A byte that is not UTF-8 counts.
func rawControl(out string, tabs bool) string {
	for i, r := range out {
		switch {
		case r == '\n', r == '\t' && tabs:
		case r == utf8.RuneError && !strings.HasPrefix(out[i:], "\uFFFD"):
			return out[i : i+1]
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f, r == '\u2028', r == '\u2029', unicode.Is(unicode.Cf, r):
			return string(r)
		}
	}
	return ""
}

var notUTF8 = regexp.MustCompile(`\\x[89a-f][0-9a-f]`)

// hostileBaseline writes a baseline in which every route of hostile.log
// had a p95 of 1µs, so that each is a regression named on standard error.
func hostileBaseline(t *testing.T) string {
	t.Helper()
	_, doc, _ := runCLI(t, "", "-o", "json", "--source", "all", "testdata/hostile.log")
	doc = regexp.MustCompile(`"p95Ms": [0-9.]+`).ReplaceAllString(doc, `"p95Ms": 0.001`)
	path := filepath.Join(t.TempDir(), "baseline.json")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestHostileNoRawControl writes hostile.log in every format, with
// budgets, a baseline and per-file summaries so that routes reach every
// part of each, and checks that no control character from the log
// reaches standard output or standard error.
func TestHostileNoRawControl(t *testing.T) {
	base := hostileBaseline(t)
	for _, format := range report.Formats() {
		for _, color := range []string{"never", "always"} {
			args := []string{"-o", format, "--color", color, "--source", "all",
				"--fail-on", "route:/bel\x07:p95>1ms", "--fail-on", "p95>1ms", "--fail-on", "route:/nope\x07:count>0",
				"--baseline", base, "--max-regression", "10%", "--min-samples", "1", "--by-file",
				"testdata/hostile.log"}
			code, out, errOut := runCLI(t, "", args...)
			if code == 2 {
				t.Fatalf("%s: usage error: %s", format, errOut)
			}
			if color == "always" && format == "table" {
				if !sgr.MatchString(out) {
					t.Errorf("table: no colour with --color always")
				}
				out = sgr.ReplaceAllString(out, "")
			}
			if c := rawControl(out, format == "tsv"); c != "" {
				t.Errorf("-o %s --color %s: raw %q in the output:\n%s", format, color, c, out)
			}
			if c := rawControl(errOut, false); c != "" {
				t.Errorf("-o %s --color %s: raw %q on standard error:\n%s", format, color, c, errOut)
			}
			if !strings.Contains(errOut, `/bad\x07\u009b\u202e`) {
				t.Errorf("-o %s: the malformed line is not on standard error with its controls made visible:\n%s", format, errOut)
			}
		}
	}
}

// TestHostileMarkdownRendersNoElement renders the Markdown report of
// hostile.log with cmark-gfm, the renderer GitHub's Markdown is built on,
// with GitHub's extensions and raw HTML allowed: the only elements are
// the report's own, every table row has its header's cells, there is a
// row per route and per slowest request, and each route's cell shows its
// name, controls made visible, whole.
func TestHostileMarkdownRendersNoElement(t *testing.T) {
	cmark, err := exec.LookPath("cmark-gfm")
	if err != nil {
		t.Skip("cmark-gfm is not installed (apt-get install cmark-gfm): the Markdown is not rendered")
	}
	_, md, _ := runCLI(t, "", "-o", "markdown", "--source", "all", "testdata/hostile.log")
	_, doc, _ := runCLI(t, "", "-o", "json", "--source", "all", "testdata/hostile.log")
	var summary struct {
		Routes []struct{ Method, Route string }
		Slow   []struct{ Path string } `json:"slowestRequests"`
	}
	if err := json.Unmarshal([]byte(doc), &summary); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(cmark, "--unsafe", "-e", "table", "-e", "autolink", "-e", "strikethrough", "-e", "tagfilter", "-t", "xml")
	cmd.Stdin = strings.NewReader(md)
	xmlOut, err := cmd.Output()
	if err != nil {
		t.Fatalf("cmark-gfm: %v", err)
	}

	allowed := map[string]bool{"document": true, "heading": true, "paragraph": true, "text": true, "strong": true,
		"code": true, "table": true, "table_header": true, "table_row": true, "table_cell": true,
		"list": true, "item": true, "html_block": true, "softbreak": true}
	allowedHTML := map[string]bool{"<details>\n<summary>Slowest requests (10)</summary>\n": true, "</details>\n": true}
	type cell struct{ code, text string }
	var (
		rows                 [][]cell
		header               []int // cells per header, by table
		stack                []string
		inHTML, inCode, inTx bool
		html                 string
	)
	dec := xml.NewDecoder(bytes.NewReader(xmlOut))
	dec.Strict = false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("cmark-gfm's XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			name := tok.Name.Local
			if !allowed[name] {
				t.Errorf("element %s in the rendered Markdown", name)
			}
			switch name {
			case "table_header":
				header = append(header, 0)
			case "table_row":
				rows = append(rows, nil)
			case "table_cell":
				if len(stack) > 0 && stack[len(stack)-1] == "table_header" {
					header[len(header)-1]++
				} else {
					rows[len(rows)-1] = append(rows[len(rows)-1], cell{})
				}
			}
			inHTML, inCode, inTx = name == "html_block", name == "code", name == "text"
			html = ""
			stack = append(stack, name)
		case xml.EndElement:
			if inHTML && !allowedHTML[html] {
				t.Errorf("raw HTML %q in the rendered Markdown", html)
			}
			inHTML, inCode, inTx = false, false, false
			stack = stack[:len(stack)-1]
		case xml.CharData:
			switch {
			case inHTML:
				html += string(tok)
			case (inCode || inTx) && len(stack) > 2 && stack[len(stack)-3] == "table_row":
				if r := rows[len(rows)-1]; len(r) > 0 {
					if inCode {
						r[len(r)-1].code += string(tok)
					} else {
						r[len(r)-1].text += string(tok)
					}
				}
			}
		}
	}
	// The tables: totals, routes, slowest requests.
	if len(header) != 3 {
		t.Fatalf("%d tables, want 3:\n%s", len(header), md)
	}
	if want := 1 + len(summary.Routes) + len(summary.Slow); len(rows) != want {
		t.Errorf("%d rows, want %d (1 total, %d routes, %d slowest requests):\n%s", len(rows), want, len(summary.Routes), len(summary.Slow), md)
	}
	routes := map[string]bool{}
	for _, r := range summary.Routes {
		routes[report.Terminal(strings.TrimSpace(r.Method+" "+r.Route))] = true
	}
	for i, r := range rows {
		table := 0
		switch {
		case i >= 1+len(summary.Routes):
			table = 2
		case i >= 1:
			table = 1
		}
		if len(r) != header[table] {
			t.Errorf("row %d has %d cells, its header %d: %+v", i, len(r), header[table], r)
		}
		if table == 1 {
			// JSON writes a byte that is not UTF-8 as U+FFFD, the table as \x9b.
			name := notUTF8.ReplaceAllString(r[0].code, "\uFFFD")
			if !routes[name] || r[0].text != "" {
				t.Errorf("route cell %+v is no route's name", r[0])
			}
			delete(routes, name)
		}
	}
	if len(routes) > 0 {
		t.Errorf("routes without their row: %v", routes)
	}
}
