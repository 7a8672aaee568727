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
// Run reqstats -h for the flags.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/spf13/pflag"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/parser"
	"github.com/reqstats/reqstats/report"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

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
	names, err := inputNames(opts.files, stdin)
	if err != nil {
		return fail(stderr, err)
	}

	p, err := parser.New(opts.parse)
	if err != nil {
		return fail(stderr, usageError{err})
	}
	agg := aggregate.New(opts.agg)
	w := &warner{w: stderr}
	status := 0
	for _, name := range names {
		if err := read(name, stdin, p, agg, w); err != nil {
			fmt.Fprintf(stderr, "reqstats: %v\n", err)
			status = 1
		}
	}
	w.flush()

	ropts := report.Options{
		Color:   colorOn(opts.color, stdout),
		Width:   termWidth(),
		Version: version(),
	}
	if err := opts.write(stdout, agg.Summary(), ropts); err != nil {
		fmt.Fprintf(stderr, "reqstats: write: %v\n", err)
		return 1
	}
	return status
}

// fail prints err and returns its exit status.
func fail(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "reqstats: %v\n", err)
	var coded interface{ ExitCode() int }
	if errors.As(err, &coded) {
		return coded.ExitCode()
	}
	return 1
}

// inputNames decides what to read: the files named, else standard input
// when it is not a terminal, else ./dev-server.log when it exists.
func inputNames(files []string, stdin io.Reader) ([]string, error) {
	if len(files) > 0 {
		return files, nil
	}
	if !isTerminal(stdin) {
		return []string{"-"}, nil
	}
	if _, err := os.Stat(defaultLog); err == nil {
		return []string{defaultLog}, nil
	}
	return nil, usagef("no input: name a log file, pipe one in, or run where %s is (reqstats -h for help)", defaultLog)
}

// read feeds one input's events to agg.
func read(name string, stdin io.Reader, p *parser.Parser, agg *aggregate.Aggregator, w *warner) error {
	in, err := open(name, stdin)
	if err != nil {
		agg.AddInput(name, 0, 0, err)
		return err
	}
	defer in.Close()
	sc := parser.NewScanner(in.r, name, p)
	requests := 0
	for sc.Scan() {
		ev := sc.Event()
		switch ev.Kind {
		case parser.KindMalformed:
			w.warn(ev.Err)
		case parser.KindRequest:
			requests++
		}
		agg.Add(ev)
	}
	err = sc.Err()
	if err != nil {
		err = fmt.Errorf("read %s: %w", name, err)
	}
	agg.AddInput(name, sc.Lines(), sc.Bytes(), err)
	if err == nil && in.binary && requests == 0 {
		w.note(fmt.Sprintf("%s: binary file, no requests found", name))
	}
	return err
}

// warner prints the first malformed lines to standard error and counts
// the rest.
type warner struct {
	w io.Writer
	n int
}

func (w *warner) warn(err error) {
	w.n++
	if w.n <= maxWarnings {
		fmt.Fprintf(w.w, "reqstats: %v\n", err)
	}
}

func (w *warner) note(msg string) { fmt.Fprintf(w.w, "reqstats: %s\n", msg) }

func (w *warner) flush() {
	if w.n > maxWarnings {
		fmt.Fprintf(w.w, "reqstats: %d more malformed lines not shown\n", w.n-maxWarnings)
	}
}

// version returns the module version reqstats was built from.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
