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
	"syscall"

	"github.com/spf13/pflag"
)

func main() {
	// What reqstats keeps is small (counts per distinct duration, capped
	// routes), but the garbage a GB-sized log leaves behind is not: a soft
	// limit makes the collector run before it is worth a hundred MiB.
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(memoryLimit)
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
	opts, err := parseOptions(args)
	switch {
	case errors.Is(err, pflag.ErrHelp):
		usage(stdout)
		return 0
	case err != nil:
		return fail(stderr, err)
	case opts.version:
		fmt.Fprintf(stdout, "reqstats %s\n", version())
		return 0
	}
	names, err := inputNames(opts.files, stdin, opts.following)
	if err != nil {
		return fail(stderr, err)
	}
	if opts.cpuProfile != "" {
		stop, err := startCPUProfile(opts.cpuProfile)
		if err != nil {
			return fail(stderr, err)
		}
		defer stop()
	}
	if opts.following {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return runFollow(ctx, opts, names, stdin, stdout, stderr)
	}

	return runBatch(opts, names, stdin, stdout, stderr)
}

// inputNames decides what to read: the files named, else standard input
// when it is not a terminal, else ./dev-server.log when it exists (or,
// following, when it will).
func inputNames(files []string, stdin io.Reader, following bool) ([]string, error) {
	if len(files) > 0 {
		return files, nil
	}
	if !isTerminal(stdin) {
		return []string{"-"}, nil
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

// version returns the module version reqstats was built from.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
