package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/internal/input"
	"github.com/reqstats/reqstats/parser"
	"github.com/reqstats/reqstats/report"
)

// runBatch reads the inputs to their end and writes the summary, judged
// against the budgets and the baseline, if any: args → options → input →
// parser.Scanner → aggregate → budgets and baseline → report.
func runBatch(o *options, names []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var base *aggregate.Summary
	if o.baseline != "" {
		var err error
		if base, err = readBaseline(o.baseline, o.agg.Method); err != nil {
			return err
		}
	}
	p, err := parser.New(o.parse)
	if err != nil {
		return usageError{err}
	}
	aggOpts := o.agg
	if aggOpts.Since, aggOpts.Until, err = resolveTimes(o.since, o.until, o.input, names, stdin, p); err != nil {
		return err
	}
	var stream *report.RecordWriter
	if o.format.Streams {
		stream = report.NewRecordWriter(stdout)
		aggOpts.OnRequest = stream.Write
	}
	agg := aggregate.New(aggOpts)
	w := &report.Warnings{W: stderr, Max: maxWarnings}
	failed := false
	var byFile []*aggregate.Summary
	for _, name := range input.FIFOsLast(names) {
		aggs := []*aggregate.Aggregator{agg}
		if o.byFile {
			one := aggOpts
			one.OnRequest = nil
			aggs = append(aggs, aggregate.New(one))
		}
		if err := read(o.input, name, stdin, p, w, aggs...); err != nil {
			fmt.Fprintf(stderr, "reqstats: %v\n", err)
			failed = true
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

	ropts := report.Options{
		Color:    o.colorOut,
		Width:    o.width,
		Version:  version(),
		Baseline: o.baseline,
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
	if o.stepSummaryFile != "" {
		if err := appendStepSummary(o.stepSummaryFile, s, ropts); err != nil {
			fmt.Fprintf(stderr, "reqstats: %v\n", err)
			failed = true
		}
	}
	if !o.format.ShowsBudgets {
		for i := range s.Verdicts {
			if v := &s.Verdicts[i]; v.Status == aggregate.NotEnoughData {
				fmt.Fprintf(stderr, "reqstats: budget %s\n", report.VerdictLine(v, s.MinSamples))
			}
		}
	}
	if s.Failed() {
		return buildFailure{report.Failures(s)}
	}
	if failed {
		return errReported
	}
	return nil
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

// read feeds one input's events to each of aggs.
func read(in input.Options, name string, stdin io.Reader, p *parser.Parser, w *report.Warnings, aggs ...*aggregate.Aggregator) error {
	st, err := in.Read(name, stdin, p, func(ev *parser.Event) {
		if ev.Kind == parser.KindMalformed {
			w.Malformed(ev.Err)
		}
		for _, agg := range aggs {
			agg.Add(ev)
		}
	})
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
