package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The Next.js apps the end-to-end test runs: one app (testdata/nextapp),
// on Next 16 (Turbopack) where it lives, and on Next 15.5 and 14.2
// (webpack) from a copy. .ci/run installs their node_modules with npm ci.
var nextApps = []struct {
	name, dir string
	copied    bool // the app and its proxy are copied in from testdata/nextapp
}{
	{"next16", "testdata/nextapp", false},
	{"next15", "testdata/nextapp15", true},
	{"next14", "testdata/nextapp14", true},
}

// TestNextDevEndToEnd runs a real next dev on 127.0.0.1, sends it a
// seeded mix of requests (pages, API routes, 404s, and requests the app's
// proxy answers itself, for which Next prints no line), edits a route
// file midway, and checks reqstats' reading of the log against what the
// client saw: every request Next answered counted once, per path, the
// first request of each route cold, and the proxy's own answers reported
// apart.
func TestNextDevEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: starts next dev")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed (.ci/run installs Debian's nodejs)")
	}
	for _, app := range nextApps {
		t.Run(app.name, func(t *testing.T) { testNextDev(t, node, app.dir, app.copied) })
	}
}

func testNextDev(t *testing.T, node, dir string, copied bool) {
	nextBin := filepath.Join(dir, "node_modules", "next", "dist", "bin", "next")
	if _, err := os.Stat(nextBin); err != nil {
		t.Skipf("%s is not installed: run npm ci in %s (.ci/run does)", nextBin, dir)
	}
	if copied {
		copyApp(t, dir)
	}

	// The edit midway changes a route file; put it back whatever happens.
	edited := filepath.Join(dir, "app", "api", "posts", "route.js")
	orig, err := os.ReadFile(edited)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.WriteFile(edited, orig, 0o644) })

	port := freePort(t)
	logPath := filepath.Join(t.TempDir(), "dev-server.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	cmd := exec.Command(node, "node_modules/next/dist/bin/next", "dev", "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NEXT_TELEMETRY_DISABLED=1", "NO_COLOR=1")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // next dev starts workers: stop them all
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	}
	t.Cleanup(stop)
	if !waitForLog(logPath, "Ready in", 180*time.Second) {
		stop()
		log, _ := os.ReadFile(logPath)
		t.Fatalf("next dev did not start in 180s:\n%s", log)
	}

	// The client: a seeded mix, one request at a time so that a request's
	// line is in the log before the next is sent.
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	client := &http.Client{
		Timeout:       180 * time.Second, // a first compile on a busy machine
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	rng := rand.New(rand.NewPCG(42, 7))
	const requests = 160
	answered := map[string]int{} // path → requests Next answered (and logs)
	proxied := 0                 // answered by the proxy: no line
	var order []string           // paths Next answered, in order
	for i := range requests {
		if i == requests/2 {
			// An edit midway: next dev recompiles.
			if err := os.WriteFile(edited, append(append([]byte{}, orig...), "\n// edited by the test\n"...), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		method, path, byProxy := pickRequest(rng, i)
		req, _ := http.NewRequest(method, base+path, strings.NewReader(`{"title":"x"}`))
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		resp.Body.Close()
		if byProxy {
			if resp.StatusCode != 403 && resp.StatusCode != 307 {
				t.Fatalf("%s %s: %d, want the proxy's 403 or 307", method, path, resp.StatusCode)
			}
			proxied++
			continue
		}
		answered[path]++
		order = append(order, path)
	}
	want := len(order)
	// Next writes a request's line as it answers; give the last a moment.
	deadline := time.Now().Add(15 * time.Second)
	for countNextLines(logPath) < want && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	stop()

	code, out, errOut := runCLI(t, "", "-o", "ndjson", logPath)
	if code != 0 {
		t.Fatalf("reqstats exit %d: %s", code, errOut)
	}
	type rec struct {
		Method, Path, Route string
		Status              int
		Cold                bool
		Source              string
	}
	var recs []rec
	for line := range strings.Lines(out) {
		var r rec
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("ndjson line %q: %v", line, err)
		}
		if r.Source == "next" {
			recs = append(recs, r)
		}
	}
	got := map[string]int{}
	for _, r := range recs {
		got[r.Path]++
	}
	if len(recs) != want {
		t.Errorf("reqstats counted %d of Next's requests, the client sent %d that Next answered (and %d the proxy answered)", len(recs), want, proxied)
	}
	for path, n := range answered {
		if got[path] != n {
			t.Errorf("%s: reqstats %d, client %d", path, got[path], n)
		}
	}
	// The first request of each route waited for its compile.
	seen := map[string]bool{}
	for _, r := range recs {
		key := r.Route
		if r.Status == 404 {
			key = "[not found]"
		}
		if !seen[key] {
			seen[key] = true
			if !r.Cold {
				t.Errorf("the first request of %s (%s %s %d) is not cold", key, r.Method, r.Path, r.Status)
			}
		}
	}

	// The proxy's own lines show what it answered alone.
	code, out, errOut = runCLI(t, "", "-o", "json", logPath)
	var sum struct {
		Settings  struct{ Source string }
		Unmatched *struct {
			Source string
			Count  int
			Routes []struct {
				Route  string
				Count  int
				Status map[string]int
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil || code != 0 {
		t.Fatalf("-o json: exit %d, %v: %s", code, err, errOut)
	}
	if sum.Settings.Source != "next" {
		t.Errorf("counted %q, want next", sum.Settings.Source)
	}
	if u := sum.Unmatched; u == nil || u.Source != "text[middleware]" || u.Count != proxied {
		t.Errorf("unmatched %+v, want the %d requests the proxy answered, from text[middleware]", u, proxied)
	} else {
		for _, r := range u.Routes {
			if r.Route != "/api/admin/users" && r.Route != "/old-dashboard" {
				t.Errorf("unmatched route %s: the proxy answers only /api/admin/* and /old-dashboard", r.Route)
			}
		}
	}

	_, summary, _ := runCLI(t, "", logPath)
	t.Logf("client: %d requests, %d answered by Next, %d by the proxy\n%s", requests, want, proxied, summary)
	if t.Failed() {
		log, _ := os.ReadFile(logPath)
		t.Logf("the log:\n%s", log)
	}
}

// copyApp copies the app of testdata/nextapp into dir/app, and its proxy
// as dir/middleware.js, the name Next 15 gives it.
func copyApp(t *testing.T, dir string) {
	t.Helper()
	src := filepath.Join("testdata", "nextapp")
	dst := filepath.Join(dir, "app")
	if err := os.RemoveAll(dst); err != nil {
		t.Fatal(err)
	}
	err := filepath.WalkDir(filepath.Join(src, "app"), func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(filepath.Join(src, "app"), path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	proxy, err := os.ReadFile(filepath.Join(src, "proxy.js"))
	if err != nil {
		t.Fatal(err)
	}
	mw := strings.Replace(string(proxy), "export function proxy(", "export function middleware(", 1)
	if err := os.WriteFile(filepath.Join(dir, "middleware.js"), []byte(mw), 0o644); err != nil {
		t.Fatal(err)
	}
}

// pickRequest returns the i-th request of the seeded mix, and whether the
// app's proxy answers it (Next then prints no line).
func pickRequest(rng *rand.Rand, i int) (method, path string, byProxy bool) {
	switch n := rng.IntN(100); {
	case n < 15:
		return "GET", "/", false
	case n < 25:
		return "GET", "/dashboard", false
	case n < 40:
		return "GET", "/api/health", false
	case n < 65:
		return "GET", "/api/users/" + strconv.Itoa(rng.IntN(50)), false
	case n < 75:
		return "GET", "/api/posts", false
	case n < 82:
		return "POST", "/api/posts", false
	case n < 88:
		return "GET", "/no-such-page-" + strconv.Itoa(i), false
	case n < 95:
		return "GET", "/api/admin/users", true
	default:
		return "GET", "/old-dashboard", true
	}
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// waitForLog waits, up to d, until the file at path holds s.
func waitForLog(path, s string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil && bytes.Contains(b, []byte(s)) {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}

// countNextLines counts the request lines Next wrote to the log so far.
func countNextLines(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := sc.Text(); strings.HasPrefix(l, " GET ") || strings.HasPrefix(l, " POST ") {
			n++
		}
	}
	if errors.Is(sc.Err(), bufio.ErrTooLong) {
		return n
	}
	return n
}
