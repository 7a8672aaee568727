package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/internal/input"
	"github.com/reqstats/reqstats/internal/suggest"
	"github.com/reqstats/reqstats/parser"
	"github.com/reqstats/reqstats/report"
)

// runBatch reads the inputs to their end, or until ctx is done, and
// writes the summary, judged against the budgets and the baseline, if
// any: args → options → input → parser.Scanner → aggregate → budgets and
// baseline → report.
//
// stdinName, when not "", names standard input in the report and the
// warnings (a command's output, read as standard input).
func runBatch(ctx context.Context, o *options, names []string, stdin io.Reader, stdinName string, stdout, stderr io.Writer) error {
	var base *aggregate.Summary
	if o.baseline != "" {
		var err error
		if base, err = readBaseline(o.baseline, o.agg.Method); err != nil {
			return inputError{err: err}
		}
	}
	p, err := parser.New(o.parse)
	if err != nil {
		return usageError{err}
	}
	aggOpts := o.agg
	if aggOpts.Since, aggOpts.Until, err = resolveTimes(ctx, o.since, o.until, o.input, names, stdin, p); err != nil {
		return err
	}
	var stream *report.RecordWriter
	if o.format.Streams {
		stream = report.NewRecordWriter(stdout)
		aggOpts.OnRequest = stream.Write
	}
	// The html format draws every request: a bounded Timeline records
	// them beside the aggregator, which keeps none.
	var tl *report.Timeline
	if o.format.Name == "html" {
		tl = report.NewTimeline(report.TimelineOptions{})
		aggOpts.OnRequest = tl.Request
	}
	agg := aggregate.New(aggOpts)
	w := &report.Warnings{W: stderr, Max: maxWarnings}
	in := o.input
	in.Derive = agg.Deriver // the parse workers group the paths
	rd := &batchReader{ctx: ctx, in: in, stdin: stdin, stdinName: stdinName, p: p, w: w, tl: tl}
	unread := 0 // inputs that could not be read
	var byFile []*aggregate.Summary
	for _, name := range input.FIFOsLast(names) {
		if ctx.Err() != nil {
			break // interrupted: the inputs after are not read
		}
		aggs := []*aggregate.Aggregator{agg}
		if o.byFile {
			one := aggOpts
			one.OnRequest = nil
			aggs = append(aggs, aggregate.New(one))
		}
		if err := rd.read(name, aggs...); err != nil {
			fmt.Fprintf(stderr, "reqstats: %v\n", err)
			unread++
		}
		if o.byFile {
			byFile = append(byFile, aggs[1].Summary())
		}
	}
	w.Flush()
	if stream != nil {
		if err := stream.Flush(); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
	stopped := context.Cause(ctx)
	if unread == len(names) && stopped == nil {
		// Not one input was read: a summary of nothing is no result.
		return inputError{err: errors.New("no input could be read: no summary written"), quiet: false}
	}

	ropts := report.Options{
		Color:    o.colorOut,
		Width:    o.width,
		Version:  version(),
		Baseline: o.baseline,
		Timeline: tl,
	}
	s := agg.Summary()
	if err := checkTimed(o.since, o.until, s.Input.Requests+s.Input.Excluded, s.Input.Timed); err != nil {
		return err
	}
	s.ByFile = byFile
	s.Verdicts = aggregate.Evaluate(s, o.budgets, o.minSamples)
	s.MinSamples = o.minSamples
	if base != nil {
		s.Comparison = aggregate.Compare(base, s, o.compare)
	}
	if err := o.format.Write(stdout, s, ropts); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	stepFailed := false
	if o.stepSummaryFile != "" {
		if err := appendStepSummary(o.stepSummaryFile, s, ropts); err != nil {
			fmt.Fprintf(stderr, "reqstats: %v\n", err)
			stepFailed = true
		}
	}
	if !o.format.ShowsBudgets {
		for i := range s.Verdicts {
			if v := &s.Verdicts[i]; v.Status == aggregate.NotEnoughData {
				fmt.Fprintf(stderr, "reqstats: budget %s\n", report.VerdictLine(v, s.MinSamples))
			}
		}
	}
	if err := judge(s, o, stopped, unread > 0, stderr); err != nil || !stepFailed {
		return err
	}
	return errReported
}

// judge returns the error the run ends with, once its report is written:
// a signal's first, then an input that could not be read or held no
// request a budget or baseline needed (3), then a breach (1). A verdict
// on part of the inputs is not a verdict on the run, so 3 wins over 1;
// the breaches are still listed.
func judge(s *aggregate.Summary, o *options, stopped error, failed bool, stderr io.Writer) error {
	var lines []string
	if s.Failed() {
		lines = report.Failures(s)
	}
	lines = append(lines, unmatchedRoutes(s, o.budgets)...)
	if stopped != nil {
		printLines(stderr, lines)
		return fmt.Errorf("%w: the summary is of the %s lines read before it", stopped, report.Thousands(s.Input.Lines))
	}
	if failed {
		printLines(stderr, lines)
		return inputError{err: errors.New("failed"), quiet: true}
	}
	if s.Total.Count == 0 && (len(o.budgets) > 0 || o.baseline != "") && !o.allowEmpty {
		printLines(stderr, lines)
		what := "the budgets"
		if len(o.budgets) == 0 {
			what = "the comparison with the baseline"
		}
		return inputError{err: fmt.Errorf("no request was counted (%s lines read, %d requests excluded): %s judge nothing (--allow-empty accepts an empty log)", report.Thousands(s.Input.Lines), s.Input.Excluded, what)}
	}
	if len(lines) > 0 {
		return buildFailure{lines}
	}
	return nil
}

func printLines(stderr io.Writer, lines []string) {
	for _, l := range lines {
		fmt.Fprintf(stderr, "reqstats: %s\n", l)
	}
}

// unmatchedRoutes returns a failure for each route budget whose route
// matched no request, naming the routes closest to it: a typo must not
// pass as a route that was never requested.
func unmatchedRoutes(s *aggregate.Summary, budgets []aggregate.Budget) []string {
	var lines []string
	for _, b := range budgets {
		if b.Scope != aggregate.ScopeRoute {
			continue
		}
		matched := false
		var routes []string
		for _, r := range s.Routes {
			if r.Route == b.Route.Route && (b.Route.Method == "" || r.Method == b.Route.Method) {
				matched = true
				break
			}
			if !slices.Contains(routes, r.Route) {
				routes = append(routes, r.Route)
			}
		}
		if matched {
			continue
		}
		name := b.Route.Route
		if b.Route.Method != "" {
			name = b.Route.Method + " " + name
		}
		hint := suggest.Hint(b.Route.Route, routes)
		if near := suggest.Nearest(b.Route.Route, routes, 3); hint == "" && len(near) > 0 {
			hint = " (the closest are " + strings.Join(near, ", ") + ")"
		}
		// Route names come from the log: escaped for the terminal.
		lines = append(lines, report.Terminal(fmt.Sprintf("budget %s: no request matched route %s%s", b.Expr, name, hint)))
	}
	return lines
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

// batchReader reads the inputs of a batch run.
type batchReader struct {
	ctx       context.Context // the read stops when it is done
	in        input.Options
	stdin     io.Reader
	stdinName string // the name standard input is reported under, if not "-"
	p         *parser.Parser
	w         *report.Warnings
	tl        *report.Timeline // nil unless -o html
}

// read feeds one input's events to each of aggs, until r.ctx is done. An
// input cut short by the context is accounted for as read.
func (r *batchReader) read(name string, aggs ...*aggregate.Aggregator) error {
	ctx, stdin, p, w, tl := r.ctx, r.stdin, r.p, r.w, r.tl
	readFn := func(fn func(*parser.Event)) (input.Stats, error) { return r.in.ReadContext(ctx, name, stdin, p, fn) }
	if name == input.Stdin && r.stdinName != "" {
		name = r.stdinName
		readFn = func(fn func(*parser.Event)) (input.Stats, error) { return r.in.ReadReader(ctx, name, stdin, p, fn) }
	}
	st, err := readFn(func(ev *parser.Event) {
		if ev.Kind == parser.KindMalformed {
			w.Malformed(ev.Err)
		}
		if tl != nil {
			tl.Event(ev)
		}
		for _, agg := range aggs {
			agg.Add(ev)
		}
	})
	if stopped := context.Cause(ctx); stopped != nil && errors.Is(err, stopped) {
		err = nil
	}
	for _, agg := range aggs {
		agg.AddInput(name, st.Lines, st.Bytes, err)
	}
	if errors.Is(err, input.ErrInflate) {
		err = fmt.Errorf("%w (--max-inflate raises the limit)", err)
	}
	if err == nil && st.Lines == 0 && input.IsFIFO(name) {
		w.Note(fmt.Sprintf("%s: nothing read (a FIFO with no writer)", name))
	}
	if err == nil && st.Binary && st.Requests == 0 {
		w.Note(fmt.Sprintf("%s: binary file, no requests found", name))
	}
	return err
}
