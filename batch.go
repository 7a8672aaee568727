package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/parser"
	"github.com/reqstats/reqstats/report"
)

// runBatch reads the inputs to their end and writes the summary, judged
// against the budgets and the baseline, if any.
func runBatch(opts *options, names []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var err error
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

// maxWorkers bounds the goroutines a read parses on. Each holds up to
// 700 KiB of chunks in flight, and the events are counted on one
// goroutine anyway, which more parsers cannot speed up.
const maxWorkers = 8

// parseWorkers returns how many goroutines a read parses on: one per
// core, up to maxWorkers.
func parseWorkers() int { return min(runtime.GOMAXPROCS(0), maxWorkers) }

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
	sc := parser.NewScanner(in.r, name, p)
	sc.SetWorkers(parseWorkers())
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
