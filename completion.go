package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/reqstats/reqstats/aggregate"
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
	flags := completionFlags()
	switch args[0] {
	case "bash":
		writeBash(stdout, flags)
	case "zsh":
		writeZsh(stdout, flags)
	case "fish":
		writeFish(stdout, flags)
	}
	return nil
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
	return []string{"next", "json", "object", "morgan", "koa", "text", "pattern"}
}

// completionFlag is a flag as the completions see it.
type completionFlag struct {
	name, short, usage string
	takesValue         bool
	repeatable         bool
	words              []string
	file, dir          bool
}

// completionFlags returns the flags -h shows, in its order.
func completionFlags() []completionFlag {
	var o options
	var raw rawFlags
	fs := newFlagSet(&o, &raw)
	var flags []completionFlag
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		c := completionFlag{name: f.Name, short: f.Shorthand, usage: f.Usage,
			takesValue: f.NoOptDefVal == "", repeatable: strings.HasSuffix(f.Value.Type(), "Array")}
		c.words, c.file, c.dir = flagValues(f.Name)
		flags = append(flags, c)
	})
	return flags
}

// spellings returns "-o --format" or "--slow".
func (c completionFlag) spellings() []string {
	if c.short != "" {
		return []string{"-" + c.short, "--" + c.name}
	}
	return []string{"--" + c.name}
}

// summary returns the usage's first clause, short enough for a menu.
func (c completionFlag) summary() string {
	s, _, _ := strings.Cut(c.usage, "; ")
	if i := strings.Index(s, " ("); i >= 20 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	if len(s) > 90 {
		if i := strings.LastIndexByte(s[:90], ' '); i > 0 {
			s = s[:i]
		}
	}
	return strings.TrimRight(s, ",:")
}

func writeBash(w io.Writer, flags []completionFlag) {
	var all, withValue []string
	fmt.Fprint(w, `# bash completion for reqstats, written by "reqstats completion bash".
#   source <(reqstats completion bash)
_reqstats() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  case $prev in
`)
	for _, f := range flags {
		all = append(all, f.spellings()...)
		if !f.takesValue {
			continue
		}
		pat := strings.Join(f.spellings(), "|")
		switch {
		case f.dir:
			fmt.Fprintf(w, "    %s) COMPREPLY=($(compgen -d -W %q -- \"$cur\")); return ;;\n", pat, strings.Join(f.words, " "))
		case f.file:
			fmt.Fprintf(w, "    %s) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n", pat)
		case len(f.words) > 0:
			fmt.Fprintf(w, "    %s) COMPREPLY=($(compgen -W %q -- \"$cur\")); return ;;\n", pat, strings.Join(f.words, " "))
		default:
			withValue = append(withValue, f.spellings()...)
		}
	}
	fmt.Fprintf(w, "    %s) return ;;\n", strings.Join(withValue, "|"))
	fmt.Fprintf(w, `  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W %q -- "$cur"))
    return
  fi
  COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -F _reqstats reqstats
`, strings.Join(all, " "))
}

// zshQuote escapes s for a description in an _arguments spec, inside
// single quotes.
var zshQuote = strings.NewReplacer(`'`, `'\''`, `[`, `\[`, `]`, `\]`, `:`, `\:`, `\`, `\\`)

func writeZsh(w io.Writer, flags []completionFlag) {
	fmt.Fprint(w, `#compdef reqstats
# zsh completion for reqstats, written by "reqstats completion zsh".
#   reqstats completion zsh > "${fpath[1]}/_reqstats"
_arguments -s \
`)
	for _, f := range flags {
		var spec strings.Builder
		star := ""
		if f.repeatable {
			star = "*"
		}
		names := f.spellings()
		if len(names) == 2 {
			fmt.Fprintf(&spec, "'%s(%s)'{%s}'", star, strings.Join(names, " "), strings.Join(names, ","))
		} else {
			fmt.Fprintf(&spec, "'%s%s", star, names[0])
		}
		fmt.Fprintf(&spec, "[%s]", zshQuote.Replace(f.summary()))
		if f.takesValue {
			switch {
			case f.dir:
				spec.WriteString(":directory:_files -/")
			case f.file:
				spec.WriteString(":file:_files")
			case len(f.words) > 0:
				fmt.Fprintf(&spec, ":%s:(%s)", f.name, strings.Join(f.words, " "))
			default:
				fmt.Fprintf(&spec, ":%s: ", f.name)
			}
		}
		spec.WriteString("'")
		fmt.Fprintf(w, "  %s \\\n", spec.String())
	}
	fmt.Fprint(w, "  '*:log file:_files'\n")
}

// fishQuote escapes s inside fish single quotes.
var fishQuote = strings.NewReplacer(`\`, `\\`, `'`, `\'`)

func writeFish(w io.Writer, flags []completionFlag) {
	fmt.Fprint(w, `# fish completion for reqstats, written by "reqstats completion fish".
#   reqstats completion fish > ~/.config/fish/completions/reqstats.fish
complete -c reqstats -f -a '(__fish_complete_path)'
`)
	for _, f := range flags {
		fmt.Fprint(w, "complete -c reqstats")
		if f.short != "" {
			fmt.Fprintf(w, " -s %s", f.short)
		}
		fmt.Fprintf(w, " -l %s -d '%s'", f.name, fishQuote.Replace(f.summary()))
		if f.takesValue {
			switch {
			case f.dir:
				fmt.Fprint(w, " -r -a '(__fish_complete_directories) none'")
			case f.file:
				fmt.Fprint(w, " -r -F")
			case len(f.words) > 0:
				fmt.Fprintf(w, " -x -a '%s'", strings.Join(f.words, " "))
			default:
				fmt.Fprint(w, " -x")
			}
		}
		fmt.Fprintln(w)
	}
}

// roff escapes s for a man page's text.
var roff = strings.NewReplacer(`\`, `\e`, `-`, `\-`, `'`, `\(aq`, "`", `\(ga`)

// roffLine escapes one line; a line that would start with a control
// character is guarded.
func roffLine(s string) string {
	s = roff.Replace(s)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, `\(aq`) {
		s = `\&` + s
	}
	return s
}

// writeMan writes the man page: -h's text and flags, in roff.
func writeMan(w io.Writer) {
	head, examples, _ := strings.Cut(usageHead, "\nExamples:\n")
	examples, _, _ = strings.Cut(examples, "\nFlags:")
	fmt.Fprintf(w, ".TH REQSTATS 1 \"\" \"reqstats %s\" \"User Commands\"\n", roff.Replace(version()))
	fmt.Fprintln(w, ".SH NAME")
	fmt.Fprintln(w, `reqstats \- rebuild the request\-latency summary of a Next.js app from its dev\-server log`)
	fmt.Fprintln(w, ".SH SYNOPSIS")
	fmt.Fprintln(w, `.B reqstats`)
	fmt.Fprintln(w, `[\fIflags\fR] [\fIfile\fR ...]`)
	fmt.Fprintln(w, `.br`)
	fmt.Fprintln(w, `.B reqstats completion`)
	fmt.Fprintln(w, `\fBbash\fR|\fBzsh\fR|\fBfish\fR`)
	fmt.Fprintln(w, ".SH DESCRIPTION")
	for i, para := range strings.Split(strings.TrimSpace(head), "\n\n") {
		if strings.HasPrefix(para, "Usage:") {
			continue
		}
		if i > 0 {
			fmt.Fprintln(w, ".PP")
		}
		for line := range strings.Lines(para) {
			fmt.Fprintln(w, roffLine(strings.TrimSpace(line)))
		}
	}
	fmt.Fprintln(w, ".SH OPTIONS")
	var o options
	var raw rawFlags
	newFlagSet(&o, &raw).VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		fmt.Fprintln(w, ".TP")
		name := `\fB\-\-` + roff.Replace(f.Name) + `\fR`
		if f.Shorthand != "" {
			name = `\fB\-` + f.Shorthand + `\fR, ` + name
		}
		if f.NoOptDefVal == "" {
			name += ` \fI` + roff.Replace(f.Value.Type()) + `\fR`
		}
		fmt.Fprintln(w, name)
		usage := f.Usage
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" && f.DefValue != "0" && f.DefValue != "0s" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintln(w, roffLine(usage))
	})
	fmt.Fprintln(w, ".SH EXAMPLES")
	fmt.Fprintln(w, ".nf")
	for line := range strings.Lines(strings.Trim(examples, "\n")) {
		fmt.Fprintln(w, roffLine(strings.TrimRight(line, "\n")))
	}
	fmt.Fprintln(w, ".fi")
	fmt.Fprintln(w, ".SH EXIT STATUS")
	for line := range strings.Lines(strings.TrimSpace(usageTail)) {
		fmt.Fprintln(w, roffLine(strings.TrimSpace(strings.TrimPrefix(line, "Exit status:"))))
	}
	fmt.Fprintln(w, ".SH SEE ALSO")
	fmt.Fprintln(w, "The README of https://github.com/reqstats/reqstats.")
}
