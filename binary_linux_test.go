package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// buildBinary builds the command into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the command")
	}
	bin := filepath.Join(t.TempDir(), "reqstats")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startBinary starts bin with stdin and stdout as given; the returned
// func waits for it, bounded, and the cleanup kills it if it still runs.
func startBinary(t *testing.T, cmd *exec.Cmd) (wait func() error) {
	t.Helper()
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "COLUMNS=", "FORCE_COLOR=")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	exited := false
	t.Cleanup(func() {
		if !exited {
			cmd.Process.Kill()
			<-waited
		}
	})
	return func() error {
		select {
		case err := <-waited:
			exited = true
			return err
		case <-time.After(20 * time.Second):
			t.Fatal("reqstats did not stop on SIGINT")
			return nil
		}
	}
}

// TestInterruptBinary sends SIGINT to the real command reading a pipe
// that stays open, once the pipe is drained: it prints the summary of the
// whole log and exits 130.
func TestInterruptBinary(t *testing.T) {
	bin := buildBinary(t)
	data, err := os.ReadFile("testdata/dev-server.log")
	if err != nil {
		t.Fatal(err)
	}
	_, want, _ := runCLI(t, string(data))

	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	var out, errOut bytes.Buffer
	cmd := exec.Command(bin)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = pr, &out, &errOut
	wait := startBinary(t, cmd)
	if _, err := pw.Write(data); err != nil {
		t.Fatal(err)
	}
	// Wait, bounded, until the command has read every byte: the pipe
	// holds none, and nothing else reads it.
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := unix.IoctlGetInt(int(pr.Fd()), unix.TIOCINQ)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d bytes still unread after 10s", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	werr := wait()
	var ee *exec.ExitError
	if !errors.As(werr, &ee) || ee.ExitCode() != 130 {
		t.Errorf("wait: %v, want exit status 130; stderr:\n%s", werr, errOut.String())
	}
	if out.String() != want {
		t.Errorf("summary on SIGINT:\n%s\nwant:\n%s", out.String(), want)
	}
}

// TestInterruptBinaryWrapper sends SIGINT to `reqstats -- sh -c …` alone,
// as Ctrl-C does when the command runs on a terminal of its own: the
// command gets it too (its trap exits 9), and reqstats prints the summary
// and exits with the command's status.
func TestInterruptBinaryWrapper(t *testing.T) {
	bin := buildBinary(t)
	abs, err := filepath.Abs("testdata/dev-server.log")
	if err != nil {
		t.Fatal(err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	var errOut bytes.Buffer
	// Short sleeps: a SIGINT that lands while sh starts a sleep is taken
	// when that sleep ends (sh runs its trap after the foreground
	// command), so it must end soon; 300 of them bound the wait.
	cmd := exec.Command(bin, "--log", "-", "-o", "api", "--", "sh", "-c",
		"trap 'echo GOT-SIGINT; exit 9' INT; cat "+abs+"; echo READY; for i in $(seq 300); do sleep 0.1; done")
	cmd.Stdout, cmd.Stderr = pw, &errOut
	wait := startBinary(t, cmd)
	pw.Close()
	outc := make(chan string, 1)
	ready := make(chan struct{})
	go func() {
		var all bytes.Buffer
		buf := make([]byte, 4096)
		signalled := false
		for {
			n, err := pr.Read(buf)
			all.Write(buf[:n])
			if !signalled && strings.Contains(all.String(), "READY\n") {
				signalled = true
				close(ready)
			}
			if err != nil {
				outc <- all.String()
				return
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(20 * time.Second):
		t.Fatal("the command did not print READY")
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	werr := wait()
	out := <-outc
	var ee *exec.ExitError
	if !errors.As(werr, &ee) || ee.ExitCode() != 9 {
		t.Errorf("wait: %v, want the command's exit status 9; stderr:\n%s", werr, errOut.String())
	}
	if !strings.Contains(out, "READY\nGOT-SIGINT\n{") || !strings.Contains(out, `"totalRequests": 21`) {
		t.Errorf("stdout, want the log, the trap's line and the summary:\n%s", out)
	}
}
