package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// generated returns what reqstats writes for args, or fails.
func generated(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run(args, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("reqstats %s: exit %d: %s", strings.Join(args, " "), code, errOut.String())
	}
	return out.String()
}

// visibleFlags are the flags -h lists.
func visibleFlags() []*pflag.Flag {
	var o options
	var raw rawFlags
	var flags []*pflag.Flag
	newFlagSet(&o, &raw).VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			flags = append(flags, f)
		}
	})
	return flags
}

// Every flag -h lists is in each completion and in the man page, so they
// cannot drift from the flag set.
func TestCompletionsNameEveryFlag(t *testing.T) {
	help := generated(t, "-h")
	bash := generated(t, "completion", "bash")
	zsh := generated(t, "completion", "zsh")
	fish := generated(t, "completion", "fish")
	man := generated(t, "--man")
	flags := visibleFlags()
	if len(flags) < 30 {
		t.Fatalf("only %d flags", len(flags))
	}
	for _, f := range flags {
		if !strings.Contains(help, "--"+f.Name) {
			t.Errorf("-h lacks --%s", f.Name)
		}
		if !strings.Contains(bash, " --"+f.Name+" ") && !strings.Contains(bash, " --"+f.Name+`"`) {
			t.Errorf("bash completion lacks --%s", f.Name)
		}
		if !strings.Contains(zsh, "'--"+f.Name+"[") && !strings.Contains(zsh, "'*--"+f.Name+"[") && !strings.Contains(zsh, ",--"+f.Name+"}") {
			t.Errorf("zsh completion lacks --%s", f.Name)
		}
		if !strings.Contains(fish, " -l "+f.Name+" ") {
			t.Errorf("fish completion lacks --%s", f.Name)
		}
		if !strings.Contains(man, `\fB\-\-`+strings.ReplaceAll(f.Name, "-", `\-`)+`\fR`) {
			t.Errorf("man page lacks --%s", f.Name)
		}
		if f.Shorthand != "" {
			if !strings.Contains(bash, " -"+f.Shorthand+" ") || !strings.Contains(zsh, "{-"+f.Shorthand+",") ||
				!strings.Contains(fish, " -s "+f.Shorthand+" ") || !strings.Contains(man, `\fB\-`+f.Shorthand+`\fR`) {
				t.Errorf("a completion or the man page lacks -%s", f.Shorthand)
			}
		}
	}
	for name, text := range map[string]string{"bash": bash, "zsh": zsh, "fish": fish} {
		if strings.Contains(text, "--man") || strings.Contains(text, "-l man ") {
			t.Errorf("%s completes the hidden --man", name)
		}
	}
	if strings.Contains(help, "\n      --man") {
		t.Errorf("-h lists --man among the flags")
	}
}

// The bash completion runs in bash and completes flags and their values.
func TestCompletionBashRuns(t *testing.T) {
	bashBin, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	script := filepath.Join(t.TempDir(), "reqstats.bash")
	if err := os.WriteFile(script, []byte(generated(t, "completion", "bash")), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ words, want string }{
		{"reqstats --form", "--format"},
		{"reqstats -o mark", "markdown"},
		{"reqstats --percentile-method near", "nearest-rank"},
		{"reqstats --source al", "all"},
		{"reqstats --slow ", ""},
	} {
		cmd := exec.Command(bashBin, "--norc", "-c", `source "$1"; COMP_WORDS=($2); [[ $2 == *" " ]] && COMP_WORDS+=(""); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); _reqstats; echo "${COMPREPLY[*]}"`, "bash", script, c.words)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", c.words, err, out)
		}
		if got := strings.TrimSpace(string(out)); got != c.want {
			t.Errorf("%q completes to %q, want %q", c.words, got, c.want)
		}
	}
}

// The man page is roff groff reads without a warning.
func TestManPageRoff(t *testing.T) {
	groff, err := exec.LookPath("groff")
	if err != nil {
		t.Skip("groff is not installed")
	}
	cmd := exec.Command(groff, "-man", "-Tutf8", "-ww", "-z")
	cmd.Stdin = strings.NewReader(generated(t, "--man"))
	out, err := cmd.CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("groff: %v\n%s", err, out)
	}
}

func TestCompletionUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"completion", "tcsh"}, strings.NewReader(""), &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "bash, zsh, fish") {
		t.Errorf("completion tcsh: exit %d, %q", code, errOut.String())
	}
}
