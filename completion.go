package main

import (
	"io"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/internal/completion"
	"github.com/reqstats/reqstats/parser"
	"github.com/reqstats/reqstats/report"
)

// Shell completions and the man page are written from the flag set that
// parses the command line, so they name every flag -h names, with its
// help text.

// completionShells are the shells `reqstats completion SHELL` writes for.
var completionShells = []string{"bash", "zsh", "fish"}

// runCompletion writes the completion script of the shell args name.
func runCompletion(args []string, stdout io.Writer) error {
	if len(args) != 1 || !slices.Contains(completionShells, args[0]) {
		return usagef("completion needs one shell: %s", strings.Join(completionShells, ", "))
	}
	flags := completion.Flags(flagSet(), flagValues)
	switch args[0] {
	case "bash":
		completion.Bash(stdout, flags)
	case "zsh":
		completion.Zsh(stdout, flags)
	case "fish":
		completion.Fish(stdout, flags)
	}
	return nil
}

// writeMan writes the man page: -h's text and flags.
func writeMan(w io.Writer) {
	head, examples, _ := strings.Cut(usageHead, "\nExamples:\n")
	examples, _, _ = strings.Cut(examples, "\nFlags:")
	completion.Man(w, completion.Page{Version: version(), Head: head, Examples: examples, Tail: usageTail, Flags: flagSet()})
}

// flagSet returns the command's flag set, for its completions and man page.
func flagSet() *pflag.FlagSet {
	var o options
	var raw rawFlags
	return newFlagSet(&o, &raw)
}

// flagValues says what a flag's value is, for completion: one of a list
// of words, a file, a directory, or (no entry) anything.
func flagValues(name string) (words []string, file, dir bool) {
	switch name {
	case "format":
		return report.Formats(), false, false
	case "percentile-method":
		return []string{"endpoint", "nearest-rank", "linear"}, false, false
	case "group":
		return []string{"auto", "none"}, false, false
	case "regression-metric":
		return []string{"p50", "p95", "p99", "mean", "min", "max"}, false, false
	case "source":
		return append(sourceNames(), aggregate.SourceAll), false, false
	case "input-format":
		return append([]string{"auto"}, sourceNames()...), false, false
	case "color":
		return []string{"auto", "always", "never"}, false, false
	case "baseline", "pattern-file", "cpuprofile":
		return nil, true, false
	case "app-dir":
		return []string{"none"}, false, true
	}
	return nil, false, false
}

// sourceNames are the request sources --source and --input-format name.
func sourceNames() []string {
	names := make([]string, len(parser.Sources))
	for i, src := range parser.Sources {
		names[i] = string(src)
	}
	return names
}
