//go:build unix

package child

import (
	"os"
	"os/exec"
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
	if cfg.Size != nil {
		if cols, rows, err := cfg.Size(); err == nil && cols > 0 && rows > 0 {
			pty.Setsize(r, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)})
		}
	}
	// A session of its own, with the pty as its terminal: Ctrl-C on
	// reqstats' terminal reaches reqstats only, which passes it on.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 1}
	return r, w, nil
}

// signal sends sig to the command's process group, which may outlive the
// command in grandchildren (next dev's workers); its id is not reused
// while one of them lives.
func (p *Process) signal(sig syscall.Signal) {
	syscall.Kill(-p.cmd.Process.Pid, sig)
}
