package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// caughtUp is a pipe's read end that tells when it is read again after
// returning its last byte: every byte written before is then in the
// reader's hands, and a signal cannot race it.
type caughtUp struct {
	r       io.Reader
	want    int
	mu      sync.Mutex
	got     int
	waiting chan struct{} // closed at the first Read after want bytes
	once    sync.Once
}

func (c *caughtUp) Read(p []byte) (int, error) {
	c.mu.Lock()
	if c.got >= c.want {
		c.once.Do(func() { close(c.waiting) })
	}
	c.mu.Unlock()
	n, err := c.r.Read(p)
	c.mu.Lock()
	c.got += n
	c.mu.Unlock()
	return n, err
}

// TestInterruptKeepsSummary is `(cat dev-server.log; sleep 30) | reqstats`
// stopped by Ctrl-C: the pipe stays open, the context the signal handler
// cancels is cancelled, and the summary written is that of the whole log,
// byte for byte, with the status of SIGINT.
func TestInterruptKeepsSummary(t *testing.T) {
	data, err := os.ReadFile("testdata/dev-server.log")
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"table", "json", "csv"} {
		t.Run(format, func(t *testing.T) {
			_, want, _ := runCLI(t, string(data), "-o", format)
			pr, pw := io.Pipe()
			defer pw.Close()
			in := &caughtUp{r: pr, want: len(data), waiting: make(chan struct{})}
			ctx, cancel := context.WithCancelCause(context.Background())
			var out, errOut bytes.Buffer
			done := make(chan int, 1)
			go func() {
				done <- exit(&errOut, runErr([]string{"-o", format}, in, &out, &errOut, &signals{ctx: ctx}, followHooks{}))
			}()
			if _, err := pw.Write(data); err != nil {
				t.Fatal(err)
			}
			select {
			case <-in.waiting:
			case <-time.After(10 * time.Second):
				t.Fatal("reqstats did not come back for more input")
			}
			cancel(interrupted{syscall.SIGINT})
			var code int
			select {
			case code = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("reqstats did not stop on the signal")
			}
			if code != 130 {
				t.Errorf("exit %d, want 130; stderr:\n%s", code, errOut.String())
			}
			if out.String() != want {
				t.Errorf("summary on interrupt:\n%s\nwant the summary of the whole log:\n%s", out.String(), want)
			}
			if msg := "reqstats: interrupted by SIGINT: the summary is of the 84 lines read before it\n"; !strings.HasSuffix(errOut.String(), msg) {
				t.Errorf("stderr %q, want it to end with %q", errOut.String(), msg)
			}
		})
	}
}

// TestInterruptBeforeInput stops a read that has had no byte at all: the
// summary of nothing read is still written, as such.
func TestInterruptBeforeInput(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(interrupted{syscall.SIGTERM})
	var out, errOut bytes.Buffer
	err := runErr([]string{"-o", "api"}, pr, &out, &errOut, &signals{ctx: ctx}, followHooks{})
	var intr interrupted
	if !errors.As(err, &intr) || exit(io.Discard, err) != 143 {
		t.Fatalf("err %v, want SIGTERM's, status 143", err)
	}
	if !strings.Contains(out.String(), `"totalRequests": 0`) {
		t.Errorf("no summary:\n%s", out.String())
	}
}

func TestBuildVersion(t *testing.T) {
	vcs := []debug.BuildSetting{
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-12-01T18:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}
	for _, c := range []struct {
		module   string
		settings []debug.BuildSetting
		want     string
	}{
		{"v1.2.0", vcs, "v1.2.0"},
		{"(devel)", vcs, "(devel) 0123456789ab 2026-12-01T18:00:00Z (modified)"},
		{"", vcs[:2], "(devel) 0123456789ab"},
		{"(devel)", nil, "(devel)"},
	} {
		if got := buildVersion(c.module, c.settings); got != c.want {
			t.Errorf("buildVersion(%q, %d settings) = %q, want %q", c.module, len(c.settings), got, c.want)
		}
	}
}

// TestColorOn: --color first; then FORCE_COLOR as Node reads it, over
// NO_COLOR; then NO_COLOR and TERM=dumb; then the terminal.
func TestColorOn(t *testing.T) {
	for _, c := range []struct {
		mode, force, no, term string
		tty, want             bool
	}{
		{"auto", "", "", "xterm", true, true},
		{"auto", "", "", "xterm", false, false},
		{"auto", "", "1", "xterm", true, false},
		{"auto", "", "", "dumb", true, false},
		{"auto", "1", "", "xterm", false, true},
		{"auto", "3", "", "xterm", false, true},
		{"auto", "true", "", "xterm", false, true},
		{"auto", "1", "1", "xterm", false, true}, // FORCE_COLOR wins, as in Node
		{"auto", "0", "", "xterm", true, false},
		{"auto", "false", "", "xterm", true, false},
		{"never", "1", "", "xterm", true, false},
		{"always", "0", "1", "dumb", false, true},
	} {
		t.Setenv("FORCE_COLOR", c.force)
		t.Setenv("NO_COLOR", c.no)
		t.Setenv("TERM", c.term)
		if got := colorOn(c.mode, c.tty); got != c.want {
			t.Errorf("--color %s FORCE_COLOR=%q NO_COLOR=%q TERM=%s tty=%v: %v, want %v", c.mode, c.force, c.no, c.term, c.tty, got, c.want)
		}
	}
}
