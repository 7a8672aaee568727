package follow_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/reqstats/reqstats/internal/follow"
)

// The tests in this file run follow.File in a child process (this test
// binary, told so by childEnv) and do to it what made the tail library
// call os.Exit: a directory that loses its search permission, and no file
// descriptor left. The child must deliver every line, tell what it could
// not read, and exit by itself with status 0.

const (
	childEnv     = "REQSTATS_FOLLOW_CHILD"      // the path the child follows
	childPollEnv = "REQSTATS_FOLLOW_CHILD_POLL" // "1": Options.Poll
	childLimit   = 60 * time.Second             // the child's own bound
)

func TestMain(m *testing.M) {
	if path := os.Getenv(childEnv); path != "" {
		os.Exit(followChild(path, os.Getenv(childPollEnv) == "1"))
	}
	os.Exit(m.Run())
}

// followChild follows path, printing "line TEXT" for each line and "lost
// REASON BYTES" for each loss, until the line END. The line HOG makes it
// take every file descriptor it may have, RELEASE gives them back.
func followChild(path string, poll bool) int {
	out := os.Stdout
	ctx, cancel := context.WithTimeout(context.Background(), childLimit)
	defer cancel()
	var hogs []*os.File
	sink := func(block []byte) {
		for line := range follow.Lines(block) {
			fmt.Fprintf(out, "line %s\n", line)
			switch string(line) {
			case "END":
				cancel()
			case "HOG":
				var err error
				hogs, err = hogDescriptors()
				fmt.Fprintf(out, "hogged %d: %v\n", len(hogs), err)
			case "RELEASE":
				for _, f := range hogs {
					f.Close()
				}
				hogs = nil
				fmt.Fprintln(out, "released")
			}
		}
	}
	onLost := func(l follow.Loss) { fmt.Fprintf(out, "lost %s %d: %v\n", l.Reason, l.Bytes, l) }
	err := follow.File(ctx, path, follow.Options{Poll: poll, OnLost: onLost}, sink)
	fmt.Fprintf(out, "done %v\n", err)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return 3
	}
	return 0
}

// hogDescriptors lowers the soft limit on open files to a few hundred and
// opens /dev/null until no descriptor is left.
func hogDescriptors() ([]*os.File, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return nil, err
	}
	lim.Cur = min(lim.Cur, 512)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return nil, err
	}
	var hogs []*os.File
	for range 1024 {
		f, err := os.Open(os.DevNull)
		if err != nil {
			if errors.Is(err, syscall.EMFILE) {
				return hogs, nil
			}
			return hogs, err
		}
		hogs = append(hogs, f)
	}
	return hogs, errors.New("descriptors left after 1024")
}

// child is a followChild process and what it printed.
type child struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
	err  error
}

func (c *child) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.Write(p)
}

func (c *child) output() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.String()
}

// startChild starts bin as a followChild of path; cred, if not nil, is
// whom it runs as. The test's cleanup kills it if it still runs.
func startChild(t *testing.T, bin, path string, poll bool, cred *syscall.Credential) *child {
	t.Helper()
	c := &child{done: make(chan struct{})}
	c.cmd = exec.Command(bin)
	c.cmd.Env = append(os.Environ(), childEnv+"="+path)
	if poll {
		c.cmd.Env = append(c.cmd.Env, childPollEnv+"=1")
	}
	c.cmd.Stdout, c.cmd.Stderr = c, c
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		c.err = c.cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() {
		select {
		case <-c.done:
		default:
			c.cmd.Process.Kill()
			<-c.done
		}
	})
	return c
}

// await waits up to wait until the child has printed s, and fails the test
// if it has not.
func (c *child) await(t *testing.T, s string) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !strings.Contains(c.output(), s) {
		select {
		case <-c.done:
			if strings.Contains(c.output(), s) {
				return
			}
			t.Fatalf("the child exited (%v) before printing %q:\n%s", c.err, s, c.output())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("the child did not print %q in %v:\n%s", s, wait, c.output())
		}
	}
}

// finish waits for the child to exit by itself and checks that it did
// with status 0, having delivered exactly want, in order, and told of one
// loss for reason.
func (c *child) finish(t *testing.T, want []string, reason string) {
	t.Helper()
	select {
	case <-c.done:
	case <-time.After(childLimit + wait):
		t.Fatalf("the child did not exit:\n%s", c.output())
	}
	out := c.output()
	if c.err != nil {
		t.Fatalf("the child exited with %v, not by itself with status 0:\n%s", c.err, out)
	}
	var got []string
	var lost []string
	for _, l := range strings.Split(out, "\n") {
		if text, ok := strings.CutPrefix(l, "line "); ok {
			got = append(got, text)
		}
		if strings.HasPrefix(l, "lost ") {
			lost = append(lost, l)
		}
	}
	if d := diff(got, want); d != "" {
		t.Errorf("%s\nchild's output:\n%s", d, out)
	}
	if len(lost) != 1 || !strings.HasPrefix(lost[0], "lost "+reason+" ") {
		t.Errorf("losses told: %q, want one %s", lost, reason)
	}
	if !strings.Contains(out, "done <nil>\n") {
		t.Errorf("follow.File did not return nil:\n%s", out)
	}
}

// TestFollowDirectoryPermission takes the search permission away from the
// followed file's directory, writes to the file, rotates it, and gives the
// permission back. Root bypasses permission checks, so the follower runs
// as nobody.
func TestFollowDirectoryPermission(t *testing.T) {
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Skipf("no user nobody to run the follower as: %v", err)
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root, to run the follower as nobody and to write where nobody cannot look")
	}
	uid, _ := strconv.Atoi(nobody.Uid)
	gid, _ := strconv.Atoi(nobody.Gid)
	modes(t, func(t *testing.T, poll bool) {
		base := t.TempDir()
		for _, d := range []string{filepath.Dir(base), base} { // made 0700
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		bin := copyTestBinary(t, base)
		dir := filepath.Join(base, "logs")
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		w := &logWriter{path: filepath.Join(dir, "dev-server.log")}
		t.Cleanup(w.close)
		if err := w.create(); err != nil {
			t.Fatal(err)
		}
		if err := w.lines(10); err != nil {
			t.Fatal(err)
		}
		c := startChild(t, bin, w.path, poll, &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)})
		c.await(t, "line "+w.want[9]+"\n")

		if err := os.Chmod(dir, 0); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
		// The follower tells at once (inotify) or at its next check
		// (polling) that it cannot look at the path; with inotify it
		// has stopped the library, whose next stat would have exited.
		c.await(t, "lost unreadable 0")
		// It still reads the file it has open.
		if err := w.lines(10); err != nil {
			t.Fatal(err)
		}
		c.await(t, "line "+w.want[19]+"\n")
		// A rotation it cannot see while the directory is closed…
		if err := os.Rename(w.path, w.path+".1"); err != nil {
			t.Fatal(err)
		}
		if err := w.lines(5); err != nil { // to the renamed file
			t.Fatal(err)
		}
		if err := w.create(); err != nil {
			t.Fatal(err)
		}
		if err := w.lines(10); err != nil {
			t.Fatal(err)
		}
		// … is followed once it opens again.
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := w.lines(10); err != nil {
			t.Fatal(err)
		}
		if err := w.end(); err != nil {
			t.Fatal(err)
		}
		c.finish(t, w.want, follow.LostUnreadable)
	})
}

// TestFollowNoFileDescriptors takes every file descriptor the follower may
// have once it has started (the tail library used to create its inotify
// watcher only then, and exit when it could not), rotates the file, and
// gives them back.
func TestFollowNoFileDescriptors(t *testing.T) {
	modes(t, func(t *testing.T, poll bool) {
		base := t.TempDir()
		w := &logWriter{path: filepath.Join(base, "dev-server.log")}
		t.Cleanup(w.close)
		if err := w.create(); err != nil {
			t.Fatal(err)
		}
		if err := w.raw("HOG\n", "HOG"); err != nil {
			t.Fatal(err)
		}
		if err := w.lines(10); err != nil {
			t.Fatal(err)
		}
		bin, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		c := startChild(t, bin, w.path, poll, nil)
		c.await(t, "hogged ")
		c.await(t, "line "+w.want[10]+"\n")
		if strings.Contains(c.output(), "hogged 0") {
			t.Fatalf("the child could not take its descriptors:\n%s", c.output())
		}
		if err := w.lines(10); err != nil {
			t.Fatal(err)
		}
		c.await(t, "line "+w.want[20]+"\n")
		// A rotation: the new file cannot be opened.
		if err := os.Rename(w.path, w.path+".1"); err != nil {
			t.Fatal(err)
		}
		old := w.f
		w.f = nil
		defer old.Close()
		if err := w.create(); err != nil {
			t.Fatal(err)
		}
		newWant := len(w.want)
		if err := w.lines(10); err != nil {
			t.Fatal(err)
		}
		c.await(t, "lost unreadable ")
		// The old file is still read: its next line gives the
		// descriptors back, and the new file is read from its start.
		if _, err := old.WriteString("RELEASE\n"); err != nil {
			t.Fatal(err)
		}
		w.want = append(w.want[:newWant], append([]string{"RELEASE"}, w.want[newWant:]...)...)
		if err := w.lines(10); err != nil {
			t.Fatal(err)
		}
		if err := w.end(); err != nil {
			t.Fatal(err)
		}
		c.finish(t, w.want, follow.LostUnreadable)
	})
}

// copyTestBinary copies this test binary into dir, where another user can
// run it (the go command builds it in a directory only root may enter).
func copyTestBinary(t *testing.T, dir string) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	bin := filepath.Join(dir, "follow.test")
	dst, err := os.OpenFile(bin, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	return bin
}
