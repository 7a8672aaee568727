//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFIFO names a FIFO before a log file: the file is read first, and
// the FIFO after it, as empty (with a note) when it has no writer. (With
// a writer, see TestFIFOWriter.)
func TestFIFO(t *testing.T) {
	fifo, log := fifoAndLog(t)
	code, stdout, stderr := runBounded(t, "-o", "csv", fifo, log)
	if code != 0 || stderr != "reqstats: "+fifo+": nothing read (a FIFO with no writer)\n" || !strings.Contains(stdout, "GET,/from-file,1,") {
		t.Errorf("no writer: exit %d, stderr %q, stdout:\n%s", code, stderr, stdout)
	}

	// A duration for --since needs a first pass, which a FIFO cannot give.
	code, _, stderr = runBounded(t, "--since", "5m", log, fifo)
	if want := "reqstats: --since: a duration counts back from the last timestamp, which needs a file, not a FIFO (" + fifo + "); give an RFC 3339 time\n"; code != 2 || stderr != want {
		t.Errorf("--since 5m: exit %d, stderr %q; want 2, %q", code, stderr, want)
	}
}

// fifoAndLog makes a FIFO and a log of one request in a temporary
// directory, or skips the test where FIFOs cannot be made.
func fifoAndLog(t *testing.T) (fifo, log string) {
	t.Helper()
	dir := t.TempDir()
	fifo = filepath.Join(dir, "next.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	log = filepath.Join(dir, "dev.log")
	if err := os.WriteFile(log, []byte(" GET /from-file 200 in 3ms\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Whatever happens, no writer is left waiting for a reader.
	t.Cleanup(func() {
		if f, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	return fifo, log
}

// runBounded runs reqstats with args, and fails the test if it has not
// returned in 20 s: a read that blocks fails the test instead of hanging
// it.
func runBounded(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	type result struct {
		code           int
		stdout, stderr string
	}
	done := make(chan result, 1)
	go func() {
		code, stdout, stderr := runCLI(t, "", args...)
		done <- result{code, stdout, stderr}
	}()
	select {
	case r := <-done:
		return r.code, r.stdout, r.stderr
	case <-time.After(20 * time.Second):
		t.Fatalf("reqstats %v still running after 20s: blocked on the FIFO", args)
		return 0, "", ""
	}
}
