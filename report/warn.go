package report

import (
	"fmt"
	"io"
	"sync"

	"github.com/reqstats/reqstats/aggregate"
)

// Warnings writes what a read has to tell on the way, to standard error
// as "reqstats: …" lines: the first Max malformed lines, then how many
// more there were. What it writes passes through Terminal: a malformed
// line's message quotes the log. It is safe for concurrent use (follow mode warns from
// a goroutine per input).
type Warnings struct {
	W   io.Writer
	Max int // malformed lines shown; the rest are counted

	mu sync.Mutex
	n  int
}

// Malformed tells of a malformed line, unless Max were told already.
func (w *Warnings) Malformed(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n++
	if w.n <= w.Max {
		fmt.Fprintf(w.W, "reqstats: %s\n", Terminal(err.Error()))
	}
}

// Note tells msg.
func (w *Warnings) Note(msg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	fmt.Fprintf(w.W, "reqstats: %s\n", Terminal(msg))
}

// Flush tells how many malformed lines were not shown.
func (w *Warnings) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.n > w.Max {
		fmt.Fprintf(w.W, "reqstats: %d more malformed lines not shown\n", w.n-w.Max)
	}
}

// Failures returns what fails the build in s, a line each: the budgets
// breached and the routes that regressed against the baseline. They are
// for a terminal: routes pass through Terminal.
func Failures(s *aggregate.Summary) []string {
	s = withStrings(s, Terminal)
	var lines []string
	for i := range s.Verdicts {
		if v := &s.Verdicts[i]; v.Status == aggregate.Breach {
			lines = append(lines, "budget breached: "+VerdictLine(v, s.MinSamples))
		}
	}
	for _, ch := range s.Comparison.Regressions() {
		lines = append(lines, "regression: "+RegressionLine(s.Comparison, &ch))
	}
	return lines
}
