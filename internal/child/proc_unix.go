//go:build unix

package child

import (
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/creack/pty"
)

// output makes the command's output: a pty of its own when cfg.TTY, else
// a pipe; either way in a process group of its own, whose id is its pid.
func output(cmd *exec.Cmd, cfg Config) (r, w *os.File, err error) {
	if !cfg.TTY {
		if r, w, err = os.Pipe(); err != nil {
			return nil, nil, err
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		return r, w, nil
	}
	if r, w, err = pty.Open(); err != nil {
		return nil, nil, err
	}
	// Bytes as written: a terminal turns "\n" into "\r\n" on its way
	// out, and reqstats' own terminal does that already; the log keeps
	// the command's line endings.
	keepNewlines(w)
	resize(r, cfg.Size)
	// A session of its own, with the pty as its terminal: Ctrl-C on
	// reqstats' terminal reaches reqstats only, which passes it on.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 1}
	return r, w, nil
}

// resize gives the pty the size of reqstats' terminal, if known.
func resize(pt *os.File, size func() (int, int, error)) {
	if size == nil {
		return
	}
	if cols, rows, err := size(); err == nil && cols > 0 && rows > 0 {
		pty.Setsize(pt, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)})
	}
}

// followSize resizes the pty each time reqstats' terminal is (SIGWINCH),
// until the command exits.
func (p *Process) followSize(size func() (int, int, error)) {
	if !p.tty || size == nil {
		return
	}
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGWINCH)
	go func() {
		defer signal.Stop(c)
		for {
			select {
			case <-c:
				resize(p.out, size)
			case <-p.exited:
				return
			}
		}
	}()
}

// signal sends sig to the command's process group, which may outlive the
// command in grandchildren (next dev's workers); its id is not reused
// while one of them lives.
func (p *Process) signal(sig syscall.Signal) {
	syscall.Kill(-p.cmd.Process.Pid, sig)
}
