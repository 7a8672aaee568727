//go:build !unix

package child

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// output reports that running a command needs process groups and
// signals, which this system does not have as Unix does.
func output(cmd *exec.Cmd, cfg Config) (r, w *os.File, err error) {
	return nil, nil, errors.New("reqstats -- COMMAND runs on Unix systems only")
}

func (p *Process) signal(sig syscall.Signal) { p.cmd.Process.Kill() }

func (p *Process) followSize(size func() (int, int, error)) {}
