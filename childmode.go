package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/reqstats/reqstats/internal/child"
	"github.com/reqstats/reqstats/internal/input"
	"github.com/reqstats/reqstats/internal/live"
	"github.com/reqstats/reqstats/parser"
)

// How long a command run by reqstats is given to stop after a forwarded
// signal before SIGTERM, then SIGKILL; and how long its output is read
// after it exits, for grandchildren that keep it open.
const (
	childGrace = 5 * time.Second
	childDrain = 2 * time.Second
)

// childExit is a command run by reqstats that exited non-zero: reqstats
// exits with its status.
type childExit struct {
	name   string
	status int
}

func (e childExit) Error() string {
	if e.status == 127 {
		return e.name + ": command not found"
	}
	return fmt.Sprintf("%s exited with status %d", e.name, e.status)
}
func (e childExit) ExitCode() int { return e.status }

// runChild wires `reqstats -- COMMAND`: the command runs with its output
// on stdout, kept in --log, read by a batch read whose summary is written
// when the command exits, and by follow mode's state for --serve. The
// first signal goes on to the command; its exit ends the run.
func runChild(sig *signals, o *options, stdout, stderr io.Writer, hooks followHooks) error {
	var copies []io.Writer
	name := strings.Join(o.command, " ")
	if o.log != "-" {
		f, err := os.Create(o.log)
		if err != nil {
			return inputError{err: fmt.Errorf("--log: %w", err)}
		}
		defer f.Close()
		copies = append(copies, f)
		name = o.log
	}
	batchR, batchW := io.Pipe()
	copies = append(copies, batchW)
	var serveR *io.PipeReader
	var serveW *io.PipeWriter
	if o.follow.serve != "" {
		serveR, serveW = io.Pipe()
		copies = append(copies, serveW)
	}
	env := os.Environ()
	proc, err := child.Start(child.Config{
		Path: o.command[0], Args: o.command[1:], Env: env,
		Out: stdout, Copies: copies,
		TTY: o.tty, Size: terminalSize(stdout, o.width),
		Grace: childGrace, Drain: childDrain, Clock: hooks.clock,
	})
	if err != nil {
		var ee *os.PathError
		if errors.Is(err, os.ErrNotExist) || errors.As(err, &ee) || strings.Contains(err.Error(), "executable file not found") {
			fmt.Fprintf(stderr, "reqstats: %v\n", err)
			return childExit{name: o.command[0], status: 127}
		}
		return err
	}
	kill := proc.Kill
	sig.onKill.Store(&kill)

	summary := make(chan error, 1)
	go func() {
		err := runBatch(context.Background(), o, []string{input.Stdin}, batchR, name, stdout, stderr)
		// Past the summary's end, the command's output goes on to the
		// terminal and the log only.
		batchR.CloseWithError(errors.New("summary written"))
		summary <- err
	}()
	served := make(chan error, 1)
	if serveR != nil {
		go func() {
			served <- serveChild(o, serveR, stderr, hooks)
			serveR.CloseWithError(errors.New("server stopped"))
		}()
	}

	waited := make(chan struct{})
	var status int
	var werr error
	go func() {
		status, werr = proc.Wait()
		close(waited)
	}()
	select {
	case <-waited:
	case <-sig.ctx.Done():
		s := syscall.SIGINT
		var intr interrupted
		if errors.As(context.Cause(sig.ctx), &intr) {
			s = intr.sig
		}
		proc.Stop(s)
		<-waited
	}
	batchW.Close()
	var serveErr error // told on stderr as it happened
	if serveW != nil {
		serveW.Close()
		serveErr = <-served
	}
	err = <-summary
	if werr != nil {
		return fmt.Errorf("%s: %w", o.command[0], werr)
	}
	var bf buildFailure
	var in inputError
	if errors.As(err, &bf) || errors.As(err, &in) {
		return err // a budget's verdict, or the summary's own failure
	}
	if status == 0 {
		if err == nil && serveErr != nil {
			return errReported // --serve failed, as -f --serve exits 1
		}
		return err
	}
	if err != nil {
		fmt.Fprintf(stderr, "reqstats: %v\n", err)
	}
	return childExit{name: o.command[0], status: status}
}

// serveChild serves the live state of the command's output on --serve,
// as -f --serve does, until the output ends.
func serveChild(o *options, r io.Reader, stderr io.Writer, hooks followHooks) error {
	p, err := parser.New(o.parse)
	if err != nil {
		return err
	}
	err = live.Run(context.Background(), live.Config{
		Inputs:   []string{input.Stdin},
		Stdin:    r,
		Parser:   p,
		Summary:  o.agg,
		API:      o.follow.api,
		Keep:     o.follow.keep,
		Serve:    o.follow.serve,
		CORS:     o.follow.cors,
		Ready:    hooks.ready,
		Quiet:    true, // the terminal is the command's; the summary is the batch read's
		Interval: o.follow.interval,
		Clock:    hooks.clock,
		Errf:     func(err error) { fmt.Fprintf(stderr, "reqstats: %v\n", err) },
	})
	return err
}
