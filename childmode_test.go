//go:build unix

package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/reqstats/reqstats/internal/clock"
)

// watchedBuffer is a buffer written by several goroutines (the command's
// output and the summary) that tells when it first holds a string.
type watchedBuffer struct {
	mu   sync.Mutex
	b    bytes.Buffer
	want string
	seen chan struct{}
}

func (w *watchedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.b.Write(p)
	if w.seen != nil && strings.Contains(w.b.String(), w.want) {
		close(w.seen)
		w.seen = nil
	}
	return n, err
}

func (w *watchedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// runWrapped runs reqstats ARGS -- sh -c SCRIPT in a temporary directory
// holding the test log as log.txt, with the log kept in dev-server.log
// there; cancel, if not nil, is called once stdout holds ready.
func runWrapped(t *testing.T, script string, args []string, ready string, stop func(*clock.Fake, context.CancelCauseFunc)) (code int, out, errOut, dir string) {
	t.Helper()
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh")
	}
	dir = t.TempDir()
	data, err := os.ReadFile("testdata/dev-server.log")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "log.txt"), data, 0o644)
	script = "cd " + dir + " && " + script
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	clk := clock.NewFake(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	stdout := &watchedBuffer{want: ready, seen: make(chan struct{})}
	seen := stdout.seen
	var stderr bytes.Buffer
	full := append(append([]string{"--log", filepath.Join(dir, "dev-server.log")}, args...), "--", "sh", "-c", script)
	done := make(chan int, 1)
	go func() {
		done <- exit(&stderr, runErr(full, strings.NewReader(""), stdout, &stderr, &signals{ctx: ctx}, followHooks{clock: clk}))
	}()
	if stop != nil {
		select {
		case <-seen:
		case <-time.After(20 * time.Second):
			t.Fatalf("the command did not print %q; stdout:\n%s", ready, stdout.String())
		}
		stop(clk, cancel)
	}
	select {
	case code = <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("reqstats did not end; stdout:\n%s", stdout.String())
	}
	return code, stdout.String(), stderr.String(), dir
}

// TestChildLog runs a command that prints a real log: its output passes
// through unchanged, is kept in --log, and is followed by the summary of
// that log, as a read of the kept file prints it.
func TestChildLog(t *testing.T) {
	code, out, errOut, dir := runWrapped(t, "cat log.txt", nil, "", nil)
	if code != 0 {
		t.Fatalf("exit %d, want 0; stderr:\n%s", code, errOut)
	}
	data, _ := os.ReadFile("testdata/dev-server.log")
	kept, err := os.ReadFile(filepath.Join(dir, "dev-server.log"))
	if err != nil || !bytes.Equal(kept, data) {
		t.Errorf("--log kept %d bytes (%v), want the %d of the log", len(kept), err, len(data))
	}
	if !strings.HasPrefix(out, string(data)) {
		t.Fatalf("the command's output did not pass through first:\n%s", out)
	}
	_, want, wantErr := runCLI(t, "", filepath.Join(dir, "dev-server.log"))
	if got := out[len(data):]; got != want {
		t.Errorf("summary:\n%s\nwant, as of the kept log:\n%s", got, want)
	}
	if errOut != wantErr {
		t.Errorf("stderr %q, want %q", errOut, wantErr)
	}
}

// TestChildExitStatus: a command that fails gives reqstats its status,
// after the summary, unless a budget is breached.
func TestChildExitStatus(t *testing.T) {
	code, out, errOut, _ := runWrapped(t, "cat log.txt; exit 3", nil, "", nil)
	if code != 3 || !strings.Contains(out, "21 requests (next)") {
		t.Errorf("exit %d, want 3 and the summary; stdout:\n%s", code, out)
	}
	if !strings.HasSuffix(errOut, "reqstats: sh exited with status 3\n") {
		t.Errorf("stderr %q", errOut)
	}
	code, _, errOut, _ = runWrapped(t, "cat log.txt; exit 3", []string{"--fail-on", "p95>800ms"}, "", nil)
	if code != 1 || !strings.Contains(errOut, "budget breached: p95>800ms") {
		t.Errorf("with a breached budget: exit %d, want 1; stderr:\n%s", code, errOut)
	}
	code, out, _, dir := runWrapped(t, "cat log.txt", []string{"--log", "-", "-o", "api"}, "", nil)
	if code != 0 || !strings.Contains(out, `"totalRequests": 21`) {
		t.Errorf("--log -: exit %d; stdout:\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "dev-server.log")); err == nil {
		t.Errorf("--log - wrote a log")
	}
}

// TestChildInterrupt: Ctrl-C goes on to the command, whose exit (130,
// killed by SIGINT) ends the run with the summary of its log.
func TestChildInterrupt(t *testing.T) {
	// exec: a SIGINT that came while sh was starting sleep would leave
	// sleep running (sh waits for it and goes on); with one process
	// there is no such window.
	code, out, errOut, _ := runWrapped(t, "cat log.txt; echo READY; exec sleep 30", []string{"-o", "csv"}, "READY", func(_ *clock.Fake, cancel context.CancelCauseFunc) {
		cancel(interrupted{syscall.SIGINT})
	})
	if code != 130 {
		t.Errorf("exit %d, want 130; stderr:\n%s", code, errOut)
	}
	if !strings.Contains(out, "READY\nmethod,route,count") || !strings.Contains(out, "GET,/api/users/[id],6,") {
		t.Errorf("no summary after the output:\n%s", out)
	}
}

// TestChildIgnoresInterrupt: a command that ignores SIGINT is sent
// SIGTERM once the grace period has passed on the clock.
func TestChildIgnoresInterrupt(t *testing.T) {
	code, out, errOut, _ := runWrapped(t, `trap "" INT; cat log.txt; echo READY; sleep 30 & wait`, []string{"-o", "api"}, "READY", func(clk *clock.Fake, cancel context.CancelCauseFunc) {
		cancel(interrupted{syscall.SIGINT})
		if err := clk.BlockUntil(1); err != nil {
			t.Error(err)
			return
		}
		clk.Advance(childGrace)
	})
	if code != 143 {
		t.Errorf("exit %d, want 143 (SIGTERM); stderr:\n%s", code, errOut)
	}
	if !strings.Contains(out, `"totalRequests": 21`) {
		t.Errorf("no summary:\n%s", out)
	}
}

func TestChildNotFound(t *testing.T) {
	code, _, errOut := runCLI(t, "", "--log", "-", "--", "reqstats-no-such-command")
	if code != 127 || !strings.Contains(errOut, "executable file not found") {
		t.Errorf("exit %d, want 127; stderr %q", code, errOut)
	}
}

// TestChildServe: with --serve, the endpoint counts the command's
// requests while it runs.
func TestChildServe(t *testing.T) {
	dir := t.TempDir()
	abs, _ := filepath.Abs("testdata/dev-server.log")
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	ready := make(chan string, 1)
	var out, errOut watchedBuffer
	done := make(chan int, 1)
	args := []string{"--log", filepath.Join(dir, "dev-server.log"), "--serve", "0", "-o", "api", "--", "sh", "-c", "cat " + abs + "; exec sleep 30"} // exec: no window in which sleep misses the SIGINT
	go func() {
		done <- exit(&errOut, runErr(args, strings.NewReader(""), &out, &errOut, &signals{ctx: ctx}, followHooks{ready: ready}))
	}()
	var addr string
	select {
	case addr = <-ready:
	case <-time.After(20 * time.Second):
		t.Fatalf("not serving; stderr: %s", errOut.String())
	}
	var body string
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(body, `"totalRequests": 21`); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			cancel(interrupted{syscall.SIGINT})
			<-done
			t.Fatalf("the endpoint never counted 21 requests: %s", body)
		}
		resp, err := http.Get("http://" + addr + "/api/performance/metrics")
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body = string(b)
	}
	cancel(interrupted{syscall.SIGINT})
	select {
	case code := <-done:
		if code != 130 {
			t.Errorf("exit %d, want 130; stderr: %s", code, errOut.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("reqstats did not end")
	}
	if !strings.Contains(out.String(), `"totalRequests": 21`) {
		t.Errorf("no summary: %s", out.String())
	}
}
