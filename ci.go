package main

import (
	"fmt"
	"os"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/report"
)

// stepSummaryEnv names the file GitHub Actions shows on a job's summary
// page; steps append Markdown to it.
const stepSummaryEnv = "GITHUB_STEP_SUMMARY"

// stepSummaryPath returns the file --step-summary appends to.
func stepSummaryPath() (string, error) {
	path := os.Getenv(stepSummaryEnv)
	if path == "" {
		return "", usagef("--step-summary: $%s is not set (it is set in GitHub Actions steps)", stepSummaryEnv)
	}
	return path, nil
}

// appendStepSummary appends the Markdown report of s to the file at path.
func appendStepSummary(path string, s *aggregate.Summary, opts report.Options) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("--step-summary: %w", err)
	}
	err = report.WriteMarkdown(f, s, opts)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("--step-summary: write %s: %w", path, err)
	}
	return nil
}
