package completion

import (
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func testFlags() *pflag.FlagSet {
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.StringP("format", "o", "table", "output format: table, json; more")
	fs.StringArray("exclude", nil, "leave out paths matching this glob")
	fs.Bool("follow", false, "keep reading")
	fs.Bool("secret", false, "hidden")
	fs.MarkHidden("secret")
	return fs
}

func TestFlags(t *testing.T) {
	flags := Flags(testFlags(), func(name string) ([]string, bool, bool) {
		if name == "format" {
			return []string{"table", "json"}, false, false
		}
		return nil, false, false
	})
	if len(flags) != 3 {
		t.Fatalf("%d flags, want 3 (the hidden one left out): %+v", len(flags), flags)
	}
	f := flags[0]
	if f.Name != "format" || f.Short != "o" || !f.TakesValue || f.Repeatable || len(f.Words) != 2 {
		t.Errorf("format: %+v", f)
	}
	if !flags[1].Repeatable || flags[2].TakesValue {
		t.Errorf("exclude repeatable, follow a switch: %+v %+v", flags[1], flags[2])
	}
	var bash, zsh, fish strings.Builder
	Bash(&bash, flags)
	Zsh(&zsh, flags)
	Fish(&fish, flags)
	for shell, out := range map[string]string{"bash": bash.String(), "zsh": zsh.String(), "fish": fish.String()} {
		for _, want := range []string{"format", "exclude", "follow"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s completion lacks %s", shell, want)
			}
		}
		if strings.Contains(out, "secret") {
			t.Errorf("%s completion names the hidden flag", shell)
		}
	}
	if !strings.Contains(bash.String(), `-o|--format) COMPREPLY=($(compgen -W "table json"`) {
		t.Errorf("bash does not complete --format's values:\n%s", bash.String())
	}
}

func TestMan(t *testing.T) {
	var b strings.Builder
	Man(&b, Page{Version: "v1.2.3", Head: "reqstats does it.\n\nUsage:\n  reqstats", Examples: "  reqstats -o json x.log\n", Tail: "Exit status: 0 ok.", Flags: testFlags()})
	out := b.String()
	for _, want := range []string{`.TH REQSTATS 1 "" "reqstats v1.2.3"`, `\fB\-o\fR, \fB\-\-format\fR \fIstring\fR`, `reqstats \-o json x.log`, "0 ok."} {
		if !strings.Contains(out, want) {
			t.Errorf("man page lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Usage:") || strings.Contains(out, "secret") {
		t.Errorf("man page holds the Usage: paragraph or the hidden flag:\n%s", out)
	}
}
