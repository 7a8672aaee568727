// Package child runs the command reqstats wraps (`reqstats -- next dev`):
// it starts the command in a process group of its own, copies everything
// the command writes, standard output and standard error as one stream
// in the order written, to the terminal unchanged and to a copy that
// reqstats reads, passes signals on to the whole group, and escalates
// when they are ignored.
//
// On a terminal the command gets a pseudo-terminal of its own (Config.TTY),
// so it sees a terminal and keeps its colours, as it would run alone;
// elsewhere it writes to a pipe. Its standard input is not connected.
//
// Contract: Start, then Wait once. Stop and Kill may be called at any
// time, from any goroutine, before or after the command exits.
package child

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/reqstats/reqstats/internal/clock"
)

// Config is a command to run and where its output goes.
type Config struct {
	Path string   // the program, looked up in $PATH as exec.Command does
	Args []string // its arguments, without the program
	Env  []string // nil for reqstats' own environment

	// Out receives the command's output, byte for byte (the terminal),
	// and so does each of Copies (the log file, the readers of the
	// summary). A writer that fails is not written to again; the others
	// go on.
	Out    io.Writer
	Copies []io.Writer

	// TTY gives the command a pseudo-terminal as its standard output and
	// error, of Size (columns, rows) when set, and of Size again each time
	// reqstats' terminal is resized.
	TTY  bool
	Size func() (cols, rows int, err error)

	// Grace is how long a command is given after a forwarded signal
	// before it is sent SIGTERM, and after that before SIGKILL. Drain is
	// how long its output is read after it exits, for what it wrote
	// last: a grandchild that keeps the output open is not waited for
	// longer. Clock paces both; nil means clock.Real.
	Grace, Drain time.Duration
	Clock        clock.Clock
}

// Process is a running command.
type Process struct {
	cmd    *exec.Cmd
	out    *os.File // the read end of its output: the pty's master or a pipe
	copied chan struct{}
	exited chan struct{}
	tty    bool
	clk    clock.Clock
	grace  time.Duration
	drain  time.Duration

	mu       sync.Mutex
	stopping bool
}

// Start starts the command.
func Start(cfg Config) (*Process, error) {
	clk := cfg.Clock
	if clk == nil {
		clk = clock.Real{}
	}
	cmd := exec.Command(cfg.Path, cfg.Args...)
	cmd.Env = cfg.Env
	r, w, err := output(cmd, cfg)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		return nil, err
	}
	w.Close() // the command holds it now: its exit closes the output
	p := &Process{cmd: cmd, out: r, copied: make(chan struct{}), exited: make(chan struct{}),
		tty: cfg.TTY, clk: clk, grace: cfg.Grace, drain: cfg.Drain}
	p.followSize(cfg.Size)
	go p.copy(append([]io.Writer{cfg.Out}, cfg.Copies...))
	return p, nil
}

// copy copies the command's output to ws until it ends.
func (p *Process) copy(ws []io.Writer) {
	defer close(p.copied)
	buf := make([]byte, 32<<10)
	for {
		n, err := p.out.Read(buf)
		for i, w := range ws {
			if w == nil || n == 0 {
				continue
			}
			if _, werr := w.Write(buf[:n]); werr != nil {
				ws[i] = nil
			}
		}
		if err != nil {
			return // io.EOF, or EIO from a pty whose command is gone
		}
	}
}

// Pid returns the command's process id, which is its process group's.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Stop passes sig to the command's process group. If the command has not
// exited after Grace, its group is sent SIGTERM (unless sig was), and
// after another Grace, SIGKILL. Calls after the first pass sig on again
// but start no second escalation.
func (p *Process) Stop(sig syscall.Signal) {
	p.signal(sig)
	p.mu.Lock()
	first := !p.stopping
	p.stopping = true
	p.mu.Unlock()
	if !first || p.grace <= 0 {
		return
	}
	go func() {
		for _, next := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
			if next == sig {
				continue
			}
			select {
			case <-p.exited:
				return
			case <-p.clk.After(p.grace):
				p.signal(next)
			}
		}
	}()
}

// Kill sends SIGKILL to the command's process group.
func (p *Process) Kill() { p.signal(syscall.SIGKILL) }

// Wait waits for the command to exit and its output to be copied, and
// returns its exit status: its exit code, or 128 + the signal that
// killed it, as a shell reports it.
func (p *Process) Wait() (int, error) {
	err := p.cmd.Wait()
	close(p.exited)
	select {
	case <-p.copied:
	case <-p.clk.After(p.drain):
		// A grandchild holds the output open: stop reading it.
		p.out.Close()
		<-p.copied
	}
	p.out.Close() // a second Close after the one above only fails
	st := p.cmd.ProcessState
	if st == nil {
		return -1, err
	}
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal()), nil
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return -1, err
	}
	return st.ExitCode(), nil
}
