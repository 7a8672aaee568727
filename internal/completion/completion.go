// Package completion writes shell completion scripts (bash, zsh, fish) and
// a man page from the flag set that parses the command line, so that they
// name every flag -h names, with its help text, and never drift from it.
package completion

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
)

// Flag is a flag as the completions see it.
type Flag struct {
	Name, Short, Usage string
	TakesValue         bool
	Repeatable         bool
	Words              []string // the values it takes, if a list
	File, Dir          bool     // it takes a file, or a directory
}

// Flags returns the flags of fs that -h shows, in its order; values says
// what each one's value is.
func Flags(fs *pflag.FlagSet, values func(name string) (words []string, file, dir bool)) []Flag {
	var flags []Flag
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		c := Flag{Name: f.Name, Short: f.Shorthand, Usage: f.Usage,
			TakesValue: f.NoOptDefVal == "", Repeatable: strings.HasSuffix(f.Value.Type(), "Array")}
		c.Words, c.File, c.Dir = values(f.Name)
		flags = append(flags, c)
	})
	return flags
}

// spellings returns "-o --format" or "--slow".
func (c Flag) spellings() []string {
	if c.Short != "" {
		return []string{"-" + c.Short, "--" + c.Name}
	}
	return []string{"--" + c.Name}
}

// summary returns the usage's first clause, short enough for a menu.
func (c Flag) summary() string {
	s, _, _ := strings.Cut(c.Usage, "; ")
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

// Bash writes the bash completion script of flags.
func Bash(w io.Writer, flags []Flag) {
	var all, withValue []string
	fmt.Fprint(w, `# bash completion for reqstats, written by "reqstats completion bash".
#   source <(reqstats completion bash)
_reqstats() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  case $prev in
`)
	for _, f := range flags {
		all = append(all, f.spellings()...)
		if !f.TakesValue {
			continue
		}
		pat := strings.Join(f.spellings(), "|")
		switch {
		case f.Dir:
			fmt.Fprintf(w, "    %s) COMPREPLY=($(compgen -d -W %q -- \"$cur\")); return ;;\n", pat, strings.Join(f.Words, " "))
		case f.File:
			fmt.Fprintf(w, "    %s) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n", pat)
		case len(f.Words) > 0:
			fmt.Fprintf(w, "    %s) COMPREPLY=($(compgen -W %q -- \"$cur\")); return ;;\n", pat, strings.Join(f.Words, " "))
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

// Zsh writes the zsh completion script of flags.
func Zsh(w io.Writer, flags []Flag) {
	fmt.Fprint(w, `#compdef reqstats
# zsh completion for reqstats, written by "reqstats completion zsh".
#   reqstats completion zsh > "${fpath[1]}/_reqstats"
_arguments -s \
`)
	for _, f := range flags {
		var spec strings.Builder
		star := ""
		if f.Repeatable {
			star = "*"
		}
		names := f.spellings()
		if len(names) == 2 {
			fmt.Fprintf(&spec, "'%s(%s)'{%s}'", star, strings.Join(names, " "), strings.Join(names, ","))
		} else {
			fmt.Fprintf(&spec, "'%s%s", star, names[0])
		}
		fmt.Fprintf(&spec, "[%s]", zshQuote.Replace(f.summary()))
		if f.TakesValue {
			switch {
			case f.Dir:
				spec.WriteString(":directory:_files -/")
			case f.File:
				spec.WriteString(":file:_files")
			case len(f.Words) > 0:
				fmt.Fprintf(&spec, ":%s:(%s)", f.Name, strings.Join(f.Words, " "))
			default:
				fmt.Fprintf(&spec, ":%s: ", f.Name)
			}
		}
		spec.WriteString("'")
		fmt.Fprintf(w, "  %s \\\n", spec.String())
	}
	fmt.Fprint(w, "  '*:log file:_files'\n")
}

// fishQuote escapes s inside fish single quotes.
var fishQuote = strings.NewReplacer(`\`, `\\`, `'`, `\'`)

// Fish writes the fish completion script of flags.
func Fish(w io.Writer, flags []Flag) {
	fmt.Fprint(w, `# fish completion for reqstats, written by "reqstats completion fish".
#   reqstats completion fish > ~/.config/fish/completions/reqstats.fish
complete -c reqstats -f -a '(__fish_complete_path)'
`)
	for _, f := range flags {
		fmt.Fprint(w, "complete -c reqstats")
		if f.Short != "" {
			fmt.Fprintf(w, " -s %s", f.Short)
		}
		fmt.Fprintf(w, " -l %s -d '%s'", f.Name, fishQuote.Replace(f.summary()))
		if f.TakesValue {
			switch {
			case f.Dir:
				fmt.Fprint(w, " -r -a '(__fish_complete_directories) none'")
			case f.File:
				fmt.Fprint(w, " -r -F")
			case len(f.Words) > 0:
				fmt.Fprintf(w, " -x -a '%s'", strings.Join(f.Words, " "))
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

// Page is what a man page is made of: -h's text, cut at its sections.
type Page struct {
	Version  string
	Head     string // the help's text before its examples (Usage: paragraphs are skipped)
	Examples string
	Tail     string // the exit statuses, after "Exit status:"
	Flags    *pflag.FlagSet
}

// Man writes the man page of p, in roff.
func Man(w io.Writer, p Page) {
	head, examples := p.Head, p.Examples
	fmt.Fprintf(w, ".TH REQSTATS 1 \"\" \"reqstats %s\" \"User Commands\"\n", roff.Replace(p.Version))
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
	p.Flags.VisitAll(func(f *pflag.Flag) {
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
	for line := range strings.Lines(strings.TrimSpace(p.Tail)) {
		fmt.Fprintln(w, roffLine(strings.TrimSpace(strings.TrimPrefix(line, "Exit status:"))))
	}
	fmt.Fprintln(w, ".SH SEE ALSO")
	fmt.Fprintln(w, "The README of https://github.com/reqstats/reqstats.")
}
