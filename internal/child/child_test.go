//go:build unix

package child

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/reqstats/reqstats/internal/clock"
)

// lockedBuffer is written by the copier and read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type failing struct{ n int }

func (f *failing) Write(p []byte) (int, error) {
	f.n++
	return 0, errors.New("disk full")
}

func run(t *testing.T, cfg Config) (int, error) {
	t.Helper()
	p, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var status int
	go func() {
		status, err = p.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		p.Kill()
		<-done
		t.Fatal("the command did not end")
	}
	return status, err
}

// TestCopies: stdout and stderr reach Out and every copy as one stream,
// and a copy that fails is dropped without stopping the others.
func TestCopies(t *testing.T) {
	var out, copy lockedBuffer
	bad := &failing{}
	status, err := run(t, Config{Path: "sh", Args: []string{"-c", "echo one; echo two >&2; printf 'no newline'; exit 5"},
		Out: &out, Copies: []io.Writer{bad, &copy}, Drain: time.Second})
	if err != nil || status != 5 {
		t.Errorf("status %d, %v; want 5", status, err)
	}
	want := "one\ntwo\nno newline"
	if out.String() != want || copy.String() != want {
		t.Errorf("out %q, copy %q; want %q", out.String(), copy.String(), want)
	}
	if bad.n != 1 {
		t.Errorf("the failing copy was written %d times, want once", bad.n)
	}
}

// TestTTY: with TTY the command's output is a terminal, and its bytes
// come through as written ("\n", not "\r\n").
func TestTTY(t *testing.T) {
	var out lockedBuffer
	status, err := run(t, Config{Path: "sh", Args: []string{"-c", "test -t 1 && test -t 2 && echo tty"}, Out: &out, TTY: true, Drain: time.Second,
		Size: func() (int, int, error) { return 100, 30, nil }})
	if err != nil || status != 0 || out.String() != "tty\n" {
		t.Errorf("status %d, %v, output %q; want 0 and \"tty\\n\"", status, err, out.String())
	}
	out = lockedBuffer{}
	run(t, Config{Path: "sh", Args: []string{"-c", "stty size <&1"}, Out: &out, TTY: true, Drain: time.Second,
		Size: func() (int, int, error) { return 100, 30, nil }})
	if strings.TrimSpace(out.String()) != "30 100" {
		t.Errorf("stty size %q, want 30 100", out.String())
	}
}

// TestStopEscalates: a command that ignores SIGINT and SIGTERM is killed
// once two grace periods have passed on the clock; the status is 128+9.
func TestStopEscalates(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	var out lockedBuffer
	p, err := Start(Config{Path: "sh", Args: []string{"-c", `trap "" INT TERM; echo ready; while :; do sleep 1; done`},
		Out: &out, Grace: 5 * time.Second, Drain: time.Second, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan int, 1)
	go func() {
		st, _ := p.Wait()
		done <- st
	}()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(out.String(), "ready"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			p.Kill()
			t.Fatal("no ready")
		}
	}
	p.Stop(syscall.SIGINT)
	for range 2 { // SIGTERM, ignored; then SIGKILL
		if err := clk.BlockUntil(1); err != nil {
			p.Kill()
			t.Fatal(err)
		}
		clk.Advance(5 * time.Second)
	}
	select {
	case st := <-done:
		if st != 128+9 {
			t.Errorf("status %d, want 137 (SIGKILL)", st)
		}
	case <-time.After(20 * time.Second):
		p.Kill()
		t.Fatal("not killed")
	}
}

func TestNotFound(t *testing.T) {
	if _, err := Start(Config{Path: "reqstats-no-such-command", Out: &lockedBuffer{}}); err == nil {
		t.Error("started a command that does not exist")
	}
}

// TestTTYFollowsSize: when reqstats' terminal is resized (SIGWINCH), the
// pty is given the new size, and the command hears of it.
func TestTTYFollowsSize(t *testing.T) {
	var calls atomic.Int32
	size := func() (int, int, error) {
		if calls.Add(1) == 1 {
			return 100, 30, nil
		}
		return 120, 40, nil
	}
	var out lockedBuffer
	p, err := Start(Config{Path: "sh", Args: []string{"-c", `trap 'stty size <&1; exit 0' WINCH; echo ready; while :; do sleep 0.05; done`},
		Out: &out, TTY: true, Size: size, Drain: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { p.Wait(); close(done) }()
	defer func() {
		p.Kill()
		<-done
	}()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(out.String(), "ready"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no ready")
		}
	}
	syscall.Kill(os.Getpid(), syscall.SIGWINCH)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("the command did not hear of the resize: %q", out.String())
	}
	if !strings.Contains(out.String(), "40 120") {
		t.Errorf("output %q, want the new size 40 120", out.String())
	}
}
