package main

import (
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestFIFOWriter names a FIFO whose writer is writing when reqstats
// starts, before a log file: the file is read first, then the FIFO to
// its end.
//
// The writer opens and writes while the test holds a read end, so that
// neither waits for reqstats: a writer still on its way to its open when
// reqstats looks would find no reader left once reqstats is done, and
// wait forever. The two requests then wait in the pipe, which lives on
// with the writer, and the writer closes (reqstats' end of file) once
// they have been read, as the count of unread bytes (TIOCINQ, Linux's
// FIONREAD) tells.
func TestFIFOWriter(t *testing.T) {
	fifo, log := fifoAndLog(t)
	holder, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
	if err != nil {
		holder.Close()
		t.Fatal(err)
	}
	defer w.Close()
	_, err = w.WriteString(" GET /from-fifo 200 in 5ms\n GET /from-fifo 200 in 7ms\n")
	holder.Close()
	if err != nil {
		t.Fatal(err)
	}
	fd := int(w.Fd())
	closed := make(chan error, 1)
	go func() {
		// Bounded by 4000 looks 5 ms apart (20 s, runBounded's bound).
		var err error
		for range 4000 {
			var n int
			if n, err = unix.IoctlGetInt(fd, unix.TIOCINQ); err != nil || n == 0 {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		closed <- err
	}()
	code, stdout, stderr := runBounded(t, "-o", "csv", fifo, log)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	if code != 0 || stderr != "" || !strings.Contains(stdout, "GET,/from-fifo,2,") || !strings.Contains(stdout, "GET,/from-file,1,") {
		t.Errorf("exit %d, stderr %q, stdout:\n%s", code, stderr, stdout)
	}
}
