package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// screenshotDir holds the browser tests' screenshots (gitignored).
const screenshotDir = "testdata/screenshots"

// browser is a headless Chromium for one test, with every console
// error and uncaught exception it reports.
type browser struct {
	ctx  context.Context
	mu   sync.Mutex
	errs []string
}

// newBrowser starts Chromium, or skips the test when it is missing. The
// browser is stopped, by its PID, when the test ends; every action is
// bounded by the test's one-minute budget.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	path := "/usr/bin/chromium"
	if _, err := os.Stat(path); err != nil {
		if path, err = exec.LookPath("chromium"); err != nil {
			t.Skip("chromium is not installed (Debian: apt-get install chromium; .ci/run does it)")
		}
	}
	// A fresh profile in a temporary directory, no sandbox (CI runs as
	// root) and nothing that reaches the network on its own.
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	// The first Run starts the browser, on a context without a deadline
	// (a deadline there would stop the browser); later actions run under
	// the deadline below.
	if err := chromedp.Do(ctx); err != nil {
		cancelCtx()
		cancelAlloc()
		t.Fatalf("start chromium: %v", err)
	}
	proc := chromedp.FromContext(ctx).Browser.Process()
	b := &browser{}
	bounded, cancelBounded := context.WithTimeout(ctx, time.Minute)
	b.ctx = bounded
	messages := chromedp.Console(ctx)
	consoleDone := make(chan struct{})
	go func() {
		defer close(consoleDone)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				b.mu.Lock()
				b.errs = append(b.errs, m.String())
				b.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		cancelBounded()
		cancelCtx()
		cancelAlloc()
		if proc != nil {
			proc.Kill() // already gone after a clean stop: the error says so
		}
		select {
		case <-consoleDone:
		case <-time.After(5 * time.Second):
			t.Errorf("console reader still running 5s after the browser stopped")
		}
	})
	return b
}

// consoleErrors returns the console errors so far.
func (b *browser) consoleErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.errs...)
}

func (b *browser) do(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func eval[T any](t *testing.T, b *browser, js string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

func (b *browser) screenshot(t *testing.T, name string) {
	t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(screenshotDir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// pageNumbers is what the page shows: the headline's numbers by key
// ("totals.p95Ms") and each row of the routes table.
type pageNumbers struct {
	Headline map[string]string `json:"headline"`
	Rows     []pageRow         `json:"rows"`
}

type pageRow struct {
	I      int               `json:"i"`
	Method string            `json:"method"`
	Route  string            `json:"route"`
	Cells  map[string]string `json:"cells"`
}

const readNumbers = `(() => {
	const headline = {};
	document.querySelectorAll("#headline [data-k]").forEach(e => { if (e.dataset.k) headline[e.dataset.k] = e.textContent; });
	const rows = [...document.querySelectorAll("#routes tbody tr")].map(tr => {
		const cells = {};
		tr.querySelectorAll("td[data-k]").forEach(td => { cells[td.dataset.k] = td.textContent; });
		return { i: +tr.dataset.i, method: tr.cells[0].textContent, route: tr.cells[1].textContent, cells };
	});
	return { headline, rows };
})()`

// checkNumbers fails unless every number on the page is -o json's.
func checkNumbers(t *testing.T, got pageNumbers, doc map[string]any) {
	t.Helper()
	totals := doc["totals"].(map[string]any)
	for _, k := range []string{"count", "slow", "p50Ms", "p95Ms", "p99Ms", "errors5xx", "cold"} {
		want := fmt.Sprint(totals[k])
		if g := got.Headline["totals."+k]; g != want {
			t.Errorf("headline totals.%s: page shows %q, -o json has %s", k, g, want)
		}
	}
	if g, want := got.Headline["settings.source"], doc["settings"].(map[string]any)["source"]; g != want {
		t.Errorf("headline source: page shows %q, -o json has %v", g, want)
	}
	routes := doc["routes"].([]any)
	if len(got.Rows) != len(routes) {
		t.Fatalf("routes table has %d rows, -o json %d routes", len(got.Rows), len(routes))
	}
	for _, row := range got.Rows {
		r := routes[row.I].(map[string]any)
		if row.Route != r["route"] {
			t.Errorf("row %d: route %q, -o json %q", row.I, row.Route, r["route"])
		}
		if len(row.Cells) != 9 {
			t.Errorf("row %d: %d numbers, want 9", row.I, len(row.Cells))
		}
		for k, g := range row.Cells {
			if want := fmt.Sprint(r[k]); g != want {
				t.Errorf("route %s %s: page shows %q, -o json has %s", row.Route, k, g, want)
			}
		}
	}
}

// runFormat runs reqstats -o format on log, in-process.
func runFormat(t *testing.T, format, log string) []byte {
	t.Helper()
	var out, errOut bytes.Buffer
	run([]string{"-o", format, log}, strings.NewReader(""), &out, &errOut)
	if out.Len() == 0 {
		t.Fatalf("-o %s wrote nothing; stderr: %s", format, errOut.String())
	}
	return out.Bytes()
}

func decodeDoc(t *testing.T, b []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // compare numbers as -o json writes them
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestBrowserReport opens -o html's file in Chromium: no console error
// (a CSP violation is one), the numbers of -o json, a sortable and
// filterable routes table, a route's detail, and a hostile path shown as
// text.
func TestBrowserReport(t *testing.T) {
	const log = "testdata/browser.log"
	page := runFormat(t, "html", log)
	doc := decodeDoc(t, runFormat(t, "json", log))
	file := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	b.do(t, "open the report", chromedp.Navigate("file://"+file), chromedp.WaitVisible(chromedp.CSS("#routes tbody tr")))

	checkNumbers(t, eval[pageNumbers](t, b, readNumbers), doc)

	order := func() string {
		return eval[string](t, b, `[...document.querySelectorAll("#routes tbody tr")].map(tr => tr.dataset.i).join(",")`)
	}
	before := order()
	b.do(t, "sort by p95", chromedp.Click(chromedp.CSS(`#routes th[data-col="p95Ms"]`)))
	byP95 := order()
	if byP95 == before {
		t.Errorf("sorting by p95 left the table as it was: %s", before)
	}
	p95s := eval[[]float64](t, b, `[...document.querySelectorAll('#routes tbody td[data-k="p95Ms"]')].map(td => +td.textContent)`)
	for i := 1; i < len(p95s); i++ {
		if p95s[i] > p95s[i-1] {
			t.Errorf("sorted by p95, row %d (%v) is above row %d (%v)", i-1, p95s[i-1], i, p95s[i])
		}
	}
	b.do(t, "sort by p95 again", chromedp.Click(chromedp.CSS(`#routes th[data-col="p95Ms"]`)))
	if again := order(); again == byP95 {
		t.Errorf("a second click on p95 did not reverse the order")
	}
	b.do(t, "filter", chromedp.SendKeys(chromedp.CSS("#filter"), "users"))
	routes := eval[[]string](t, b, `[...document.querySelectorAll("#routes tbody tr")].map(tr => tr.cells[1].textContent)`)
	if len(routes) == 0 || len(routes) >= len(doc["routes"].([]any)) {
		t.Errorf("filter %q kept %d of %d routes", "users", len(routes), len(doc["routes"].([]any)))
	}
	for _, r := range routes {
		if !strings.Contains(r, "users") {
			t.Errorf("filter %q kept %q", "users", r)
		}
	}

	b.do(t, "open a route", chromedp.Click(chromedp.CSS("#routes tbody tr")), chromedp.WaitVisible(chromedp.CSS("#detail")))
	where := eval[[]string](t, b, `[...document.querySelectorAll("#detail-slowest tbody tr")].map(tr => tr.cells[4].textContent)`)
	if len(where) == 0 || !strings.HasPrefix(where[0], log+":") {
		t.Errorf("the route's slowest requests say where they are as %q, want %s:LINE", where, log)
	}

	// The hostile paths: shown as text, never run nor parsed as markup.
	clearFilter(t, b)
	b.do(t, "filter", chromedp.SendKeys(chromedp.CSS("#filter"), "<"))
	shown := eval[[]string](t, b, `[...document.querySelectorAll("#routes tbody td.route")].map(td => td.textContent)`)
	if !hasString(shown, "/search/<script>document.title=1</script>") || !hasString(shown, "/x/<img src=x onerror=alert(1)>") {
		t.Errorf("hostile paths not shown as text: %q", shown)
	}
	if n := eval[int](t, b, `document.querySelectorAll("main script, main img").length`); n != 0 {
		t.Errorf("a path became %d elements", n)
	}
	if title := eval[string](t, b, `document.title`); title == "1" {
		t.Errorf("a script from the log ran")
	}
	clearFilter(t, b)
	b.screenshot(t, "report.png")
	if errs := b.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

// clearFilter empties the filter box, as a user deleting its text would.
func clearFilter(t *testing.T, b *browser) {
	t.Helper()
	eval[bool](t, b, `(() => { const f = document.getElementById("filter"); f.value = ""; return f.dispatchEvent(new Event("input")); })()`)
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestBrowserLive follows a log with --serve and opens / in Chromium: the
// numbers are -o json's for what was read, the status says what is
// followed, and a request appended to the log is on the page within 2s.
func TestBrowserLive(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: follows a log in a real browser for seconds")
	}
	src, err := os.ReadFile("testdata/browser.log")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "dev-server.log")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)

	opts := followOptionsFor(t, "-f", "--serve", "127.0.0.1:0", "--interval", "1h", path)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	var out, errOut syncBuffer
	go func() {
		done <- runFollow(ctx, opts, []string{path}, strings.NewReader(""), &out, &errOut, followHooks{ready: ready})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("follow mode: %v; stderr: %s", err, errOut.String())
			}
		case <-time.After(10 * time.Second):
			t.Errorf("follow mode still running 10s after it was stopped")
		}
	})
	var addr string
	select {
	case addr = <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not listen within 10s")
	}
	url := "http://" + addr + "/"

	// Wait (bounded) until every request of the file was read.
	want := decodeDoc(t, runFormat(t, "json", path))
	wantCount := fmt.Sprint(want["totals"].(map[string]any)["count"])
	b.do(t, "open the live page", chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("#status")))
	deadline := time.Now().Add(10 * time.Second)
	for eval[string](t, b, `document.querySelector('[data-k="totals.count"]').textContent`) != wantCount {
		if time.Now().After(deadline) {
			t.Fatalf("the live page never showed the file's %s requests", wantCount)
		}
		time.Sleep(100 * time.Millisecond)
	}
	checkNumbers(t, eval[pageNumbers](t, b, readNumbers), want)
	if status := eval[string](t, b, `document.getElementById("status").textContent`); !strings.HasPrefix(status, "following dev-server.log · last request ") {
		t.Errorf("status %q", status)
	}

	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, " GET /appended/\x1b[31m<script>document.title=2</script>\x1b[39m \x1b[32m200\x1b[39m in 33ms\n")
	f.Close()
	appended := time.Now()
	const route = "/appended/<script>document.title=2</script>"
	for {
		shown := eval[[]string](t, b, `[...document.querySelectorAll("#routes tbody td.route")].map(td => td.textContent)`)
		if hasString(shown, route) {
			break
		}
		if time.Since(appended) > 2*time.Second {
			t.Fatalf("the appended request was not on the page within 2s; routes: %q", shown)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("appended request shown after %v", time.Since(appended).Round(time.Millisecond))
	if title := eval[string](t, b, `document.title`); title == "2" {
		t.Errorf("a script from the log ran")
	}
	csp, err := liveCSP(url)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'sha256-") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
	b.screenshot(t, "live.png")
	if errs := b.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

// syncBuffer is a bytes.Buffer safe for the follow goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var errNoCSP = errors.New("no Content-Security-Policy header")

// liveCSP returns the Content-Security-Policy the live page is sent with.
func liveCSP(url string) (string, error) {
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	if csp == "" {
		return "", errNoCSP
	}
	return csp, nil
}
