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
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"sync"
	"syscall"

	"github.com/spf13/pflag"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/parser"
	"github.com/reqstats/reqstats/report"
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
// sets another.
const memoryLimit = 30 << 20

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

	var base *aggregate.Summary
	if opts.baseline != "" {
		if base, err = readBaseline(opts.baseline, opts.agg.Method); err != nil {
			return fail(stderr, err)
		}
	}

	p, err := parser.New(opts.parse)
	if err != nil {
		return fail(stderr, usageError{err})
	}
	if err := resolveTimes(opts, names, stdin, p); err != nil {
		return fail(stderr, err)
	}
	var stream *recordStream
	if report.Streamed(opts.format) {
		stream = &recordStream{w: bufio.NewWriter(stdout)}
		opts.agg.OnRequest = stream.write
	}
	agg := aggregate.New(opts.agg)
	w := &warner{w: stderr}
	status := 0
	var byFile []*aggregate.Summary
	for _, name := range names {
		aggs := []*aggregate.Aggregator{agg}
		if opts.byFile {
			o := opts.agg
			o.OnRequest = nil
			aggs = append(aggs, aggregate.New(o))
		}
		if err := read(name, stdin, p, w, aggs...); err != nil {
			fmt.Fprintf(stderr, "reqstats: %v\n", err)
			status = 1
		}
		if opts.byFile {
			byFile = append(byFile, aggs[1].Summary())
		}
	}
	w.flush()
	if stream != nil {
		if err := stream.flush(); err != nil {
			fmt.Fprintf(stderr, "reqstats: write: %v\n", err)
			return 1
		}
	}

	ropts := report.Options{
		Color:    colorOn(opts.color, stdout),
		Width:    termWidth(),
		Version:  version(),
		Baseline: opts.baseline,
	}
	s := agg.Summary()
	if err := checkTimed(opts, s.Input.Requests+s.Input.Excluded, s.Input.Timed); err != nil {
		return fail(stderr, err)
	}
	s.ByFile = byFile
	s.Verdicts = aggregate.Evaluate(s, opts.budgets, opts.minSamples)
	s.MinSamples = opts.minSamples
	if base != nil {
		s.Comparison = aggregate.Compare(base, s, opts.compare)
	}
	if err := opts.write(stdout, s, ropts); err != nil {
		return fail(stderr, fmt.Errorf("write: %w", err))
	}
	if opts.stepSummary != "" {
		if err := appendStepSummary(opts.stepSummary, s, ropts); err != nil {
			fmt.Fprintf(stderr, "reqstats: %v\n", err)
			status = 1
		}
	}
	if !report.ShowsBudgets(opts.format) {
		for i := range s.Verdicts {
			if v := &s.Verdicts[i]; v.Status == aggregate.NotEnoughData {
				fmt.Fprintf(stderr, "reqstats: budget %s\n", report.VerdictLine(v, s.MinSamples))
			}
		}
	}
	if s.Failed() {
		return fail(stderr, failure(s))
	}
	return status
}

// failure lists what failed the build, one line each.
func failure(s *aggregate.Summary) error {
	var lines []string
	for i := range s.Verdicts {
		if v := &s.Verdicts[i]; v.Status == aggregate.Breach {
			lines = append(lines, "budget breached: "+report.VerdictLine(v, s.MinSamples))
		}
	}
	for _, ch := range s.Comparison.Regressions() {
		lines = append(lines, "regression: "+report.RegressionLine(s.Comparison, &ch))
	}
	return buildFailure{lines}
}

// readBaseline reads the baseline summary named path, and checks that
// its percentiles are comparable with those computed by method.
func readBaseline(path string, method aggregate.Method) (*aggregate.Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	defer f.Close()
	base, err := report.ReadBaseline(f, path)
	if err != nil {
		return nil, err
	}
	if base.Method != method {
		return nil, fmt.Errorf("baseline %s: its percentiles are %s, these %s (pass --percentile-method %s)", path, base.Method, method, base.Method)
	}
	return base, nil
}

// buildFailure is a budget breach: exit status 1, after the report.
type buildFailure struct{ lines []string }

func (e buildFailure) Error() string { return strings.Join(e.lines, "\nreqstats: ") }
func (e buildFailure) ExitCode() int { return 1 }

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

// read feeds one input's events to each of aggs.
func read(name string, stdin io.Reader, p *parser.Parser, w *warner, aggs ...*aggregate.Aggregator) error {
	in, err := open(name, stdin)
	if err != nil {
		for _, agg := range aggs {
			agg.AddInput(name, 0, 0, err)
		}
		return err
	}
	defer in.Close()
	sc := scanAhead(parser.NewScanner(in.r, name, p))
	requests := 0
	for sc.Scan() {
		ev := sc.Event()
		switch ev.Kind {
		case parser.KindMalformed:
			w.warn(ev.Err)
		case parser.KindRequest:
			requests++
		}
		for _, agg := range aggs {
			agg.Add(ev)
		}
	}
	err = sc.Err()
	if err != nil {
		err = fmt.Errorf("read %s: %w", name, err)
	}
	for _, agg := range aggs {
		agg.AddInput(name, sc.Lines(), sc.Bytes(), err)
	}
	if err == nil && in.binary && requests == 0 {
		w.note(fmt.Sprintf("%s: binary file, no requests found", name))
	}
	return err
}

// warner prints the first malformed lines to standard error and counts
// the rest.
type warner struct {
	mu sync.Mutex // follow mode warns from a goroutine per input
	w  io.Writer
	n  int
}

func (w *warner) warn(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n++
	if w.n <= maxWarnings {
		fmt.Fprintf(w.w, "reqstats: %v\n", err)
	}
}

func (w *warner) note(msg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	fmt.Fprintf(w.w, "reqstats: %s\n", msg)
}

func (w *warner) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.n > maxWarnings {
		fmt.Fprintf(w.w, "reqstats: %d more malformed lines not shown\n", w.n-maxWarnings)
	}
}

// recordStream writes each counted request as it is read (-o ndjson),
// keeping the first write error.
type recordStream struct {
	w   *bufio.Writer
	err error
}

func (s *recordStream) write(r aggregate.Request) {
	if s.err == nil {
		s.err = report.WriteRecord(s.w, r)
	}
}

func (s *recordStream) flush() error {
	if err := s.w.Flush(); s.err == nil {
		s.err = err
	}
	return s.err
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
