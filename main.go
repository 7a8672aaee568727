// Command reqstats rebuilds the request-latency summary of a Next.js app
// from its dev-server log.
//
// Apps that time requests in middleware and keep the results in an
// in-memory store lose them under `next dev`: hot reload and separate
// runtimes give the middleware and the metrics route different module
// instances, so GET /api/performance/metrics answers totalRequests: 0.
// The log still holds every request, as Next prints it:
//
//	GET /api/users/42 200 in 145ms
//
// and reqstats reads the log to print the summary the endpoint would have
// shown, and more.
//
// Usage:
//
//	reqstats [flags] [file ...]
//	reqstats [flags] -- COMMAND [ARG ...]
//
// For example:
//
//	$ reqstats -- next dev        # next dev as usual, then its summary
//	$ next dev 2>&1 | tee dev-server.log | reqstats
//	$ reqstats -o api dev-server.log
//	{
//	  "totalRequests": 42,
//	  "slowRequests": 3,
//	  "slowRequestRate": "7.1%",
//	  …
//
// In CI, after end-to-end tests against next dev with its log kept:
//
//	$ reqstats --fail-on 'p95>800ms' --step-summary -o markdown server.log
//
// prints a Markdown report, appends it to $GITHUB_STEP_SUMMARY and exits 1
// when the p95 of all requests is over 800ms.
//
// Run reqstats -h for the flags.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/spf13/pflag"

	"github.com/reqstats/reqstats/internal/input"
)

func main() {
	// What reqstats keeps is small (counts per distinct duration, capped
	// routes), but the garbage a GB-sized log leaves behind is not: a soft
	// limit makes the collector run before it is worth a hundred MiB.
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		limitMemory()
	}
	// reqstats writes no heap profile: sampling for one costs a
	// MiB or so of buckets on a long read.
	runtime.MemProfileRate = 0
	sig := watchSignals()
	os.Exit(exit(os.Stderr, runErr(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, sig, followHooks{})))
}

// signals is how SIGINT and SIGTERM reach a run. The first cancels ctx,
// with an interrupted as its cause: a batch read stops there and the
// summary of what was read is written; follow mode writes its final
// summary; a command run by reqstats is passed the signal. The second
// runs onKill, if a run set it, and exits at once.
type signals struct {
	ctx    context.Context
	onKill atomic.Pointer[func()]
}

// watchSignals starts watching for SIGINT and SIGTERM.
func watchSignals() *signals {
	ctx, cancel := context.WithCancelCause(context.Background())
	s := &signals{ctx: ctx}
	c := make(chan os.Signal, 2)
	signal.Notify(c, os.Interrupt, syscall.SIGTERM)
	go func() {
		cancel(interrupted{(<-c).(syscall.Signal)})
		second := (<-c).(syscall.Signal)
		if kill := s.onKill.Load(); kill != nil {
			(*kill)()
		}
		os.Exit(interrupted{second}.ExitCode())
	}()
	return s
}

// interrupted is the cause of a run stopped by a signal. Its exit status
// is the shell's for a process killed by it, 128 + the signal's number
// (130 for SIGINT, 143 for SIGTERM), so a script can tell a summary of
// part of its input from a whole one.
type interrupted struct{ sig syscall.Signal }

func (e interrupted) Error() string {
	name := "SIGINT"
	if e.sig == syscall.SIGTERM {
		name = "SIGTERM"
	}
	return "interrupted by " + name
}
func (e interrupted) ExitCode() int { return 128 + int(e.sig) }

// memoryLimit is the Go runtime's soft memory limit, unless GOMEMLIMIT
// sets another. The samples of a 10 GiB log keep about 9 MB and the rest
// of a read's live heap as much again: 38 MiB leaves the collector room
// (at 32 MiB it ran 8000 times over such a log and took half as long
// again), and peak RSS stays at 45 MiB.
const memoryLimit = 38 << 20

// maxWarnings is how many malformed lines are printed to standard error;
// the report lists the first of them and counts them all.
const maxWarnings = 10

// run is reqstats with its arguments and standard streams; it returns the
// exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return exit(stderr, runErr(args, stdin, stdout, stderr, &signals{ctx: context.Background()}, followHooks{}))
}

// runErr is run with the signals that stop it and follow mode's clock,
// returning what went wrong.
func runErr(args []string, stdin io.Reader, stdout, stderr io.Writer, sig *signals, hooks followHooks) error {
	if len(args) > 0 && args[0] == "completion" { // ./completion names a file of that name
		return runCompletion(args[1:], stdout)
	}
	opts, err := parseOptions(args)
	switch {
	case errors.Is(err, pflag.ErrHelp):
		usage(stdout)
		return nil
	case err != nil:
		return err
	case opts.version:
		fmt.Fprintf(stdout, "reqstats %s\n", version())
		return nil
	case opts.man:
		writeMan(stdout)
		return nil
	}
	if err := opts.resolve(stdout); err != nil {
		return err
	}
	if opts.command != nil {
		return runChild(sig, opts, stdout, stderr, hooks)
	}
	names, err := inputNames(opts.files, stdin, opts.following)
	if err != nil {
		return err
	}
	if opts.cpuProfile != "" {
		stop, err := startCPUProfile(opts.cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	if opts.following {
		return runFollow(sig.ctx, opts, names, stdin, stdout, stderr, hooks)
	}
	return runBatch(sig.ctx, opts, names, stdin, "", stdout, stderr)
}

// The errors run ends with, by exit status; any other error is status 1.
type (
	// usageError is a mistake on the command line: exit status 2.
	usageError struct{ err error }
	// buildFailure is a budget breach or a regression: exit status 1,
	// after the report.
	buildFailure struct{ lines []string }
	// reportedError is a failure already told on standard error (a
	// --serve address that could not be bound, a followed input that
	// failed): exit status 1, and nothing more to print.
	reportedError struct{}
	// inputError is an input (or the baseline) that could not be read,
	// or that held no request while a budget or a baseline needed one:
	// exit status 3. With quiet, it was already told on standard error.
	inputError struct {
		err   error
		quiet bool
	}
)

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }
func (e usageError) ExitCode() int { return 2 }

func (e buildFailure) Error() string { return strings.Join(e.lines, "\nreqstats: ") }
func (e buildFailure) ExitCode() int { return 1 }

func (reportedError) Error() string { return "failed" }
func (reportedError) ExitCode() int { return 1 }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }
func (e inputError) ExitCode() int { return 3 }

var errReported error = reportedError{}

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// exit prints err, if it has anything to say, and returns its exit
// status: the one place that decides it.
func exit(stderr io.Writer, err error) int {
	if err == nil {
		return 0
	}
	var in inputError
	if !errors.Is(err, errReported) && !(errors.As(err, &in) && in.quiet) {
		fmt.Fprintf(stderr, "reqstats: %v\n", err)
	}
	var coded interface{ ExitCode() int }
	if errors.As(err, &coded) {
		return coded.ExitCode()
	}
	return 1
}

// inputNames decides what to read: the files named, else standard input
// when it is not a terminal, else ./dev-server.log when it exists (or,
// following, when it will).
func inputNames(files []string, stdin io.Reader, following bool) ([]string, error) {
	if len(files) > 0 {
		return files, nil
	}
	if !isTerminal(stdin) {
		return []string{input.Stdin}, nil
	}
	if _, err := os.Stat(defaultLog); err == nil || following {
		return []string{defaultLog}, nil
	}
	return nil, usagef("no input: name a log file, pipe one in, or run where %s is (reqstats -h for help)", defaultLog)
}

// startCPUProfile profiles the run into path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpuprofile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// defaultLog is what reqstats reads when given no file and no pipe: the
// file `next dev > dev-server.log` writes.
const defaultLog = "dev-server.log"

// version returns the module version reqstats was built from, or, for a
// build without one (go run, -buildvcs=false on a tagged checkout is not
// it), the VCS revision and time the build recorded.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)"
	}
	return buildVersion(bi.Main.Version, bi.Settings)
}

// buildVersion is version from the build info's parts: the module version
// when there is one, else "(devel)" with the vcs.revision (12 digits),
// vcs.time and vcs.modified settings when present.
func buildVersion(module string, settings []debug.BuildSetting) string {
	if module != "" && module != "(devel)" {
		return module
	}
	var rev, at string
	modified := false
	for _, s := range settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	v := "(devel)"
	if rev != "" {
		v += " " + rev[:min(len(rev), 12)]
		if at != "" {
			v += " " + at
		}
		if modified {
			v += " (modified)"
		}
	}
	return v
}
