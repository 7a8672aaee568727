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
//
// For example:
//
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
	"runtime/debug"
	"runtime/pprof"
	"strings"
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
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

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
	return exit(stderr, runErr(args, stdin, stdout, stderr, followHooks{}))
}

// runErr is run with follow mode's clock, returning what went wrong.
func runErr(args []string, stdin io.Reader, stdout, stderr io.Writer, hooks followHooks) error {
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
	}
	if err := opts.resolve(stdout); err != nil {
		return err
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
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return runFollow(ctx, opts, names, stdin, stdout, stderr, hooks)
	}
	return runBatch(opts, names, stdin, stdout, stderr)
}

// The errors run ends with, by exit status; any other error is status 1.
type (
	// usageError is a mistake on the command line: exit status 2.
	usageError struct{ err error }
	// buildFailure is a budget breach or a regression: exit status 1,
	// after the report.
	buildFailure struct{ lines []string }
	// reportedError is a failure already told on standard error (an
	// input that could not be read, the others still were): exit status
	// 1, and nothing more to print.
	reportedError struct{}
)

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }
func (e usageError) ExitCode() int { return 2 }

func (e buildFailure) Error() string { return strings.Join(e.lines, "\nreqstats: ") }
func (e buildFailure) ExitCode() int { return 1 }

func (reportedError) Error() string { return "failed" }
func (reportedError) ExitCode() int { return 1 }

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
	if !errors.Is(err, errReported) {
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

// version returns the module version reqstats was built from.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
