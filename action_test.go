package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestActionScript runs the GitHub Action's script as a composite step
// would, on the bundled dev log with a budget it breaches, against a fake
// $GITHUB_STEP_SUMMARY and $GITHUB_OUTPUT, and the comment in dry-run
// mode: it installs reqstats from this source, fails the step, writes the
// summary and the outputs, and prints the comment it would post.
func TestActionScript(t *testing.T) {
	for _, tool := range []string{"bash", "jq", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	dir := t.TempDir()
	summary := filepath.Join(dir, "summary.md")
	output := filepath.Join(dir, "output")
	event := filepath.Join(dir, "event.json")
	if err := os.WriteFile(event, []byte(`{"pull_request":{"number":7}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	repo, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", filepath.Join(repo, "action", "run.sh"))
	cmd.Env = append(os.Environ(),
		"GITHUB_ACTION_PATH="+repo,
		"RUNNER_TEMP="+dir,
		"GITHUB_STEP_SUMMARY="+summary,
		"GITHUB_OUTPUT="+output,
		"GITHUB_EVENT_PATH="+event,
		"GITHUB_REPOSITORY=acme/shop",
		"INPUT_LOG="+filepath.Join(repo, "testdata", "dev-server.log"),
		"INPUT_FAIL_ON=p95>800ms\nwarm:p50>=10s\n",
		"INPUT_ARGS=--slow 500ms",
		"INPUT_COMMENT=true",
		"INPUT_DRY_RUN=true",
		"INPUT_GITHUB_TOKEN=",
		"REQSTATS=",
	)
	out, err := cmd.CombinedOutput()
	exit, ok := err.(*exec.ExitError)
	if !ok || exit.ExitCode() != 1 {
		t.Fatalf("the step ended with %v, want exit status 1 (p95>800ms is breached)\n%s", err, out)
	}
	stdout := string(out)

	md, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"p95>800ms", "warm:p50>=10s", "5.81s", "slow >500ms"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("step summary lacks %q:\n%s", want, md)
		}
	}
	outputs, err := os.ReadFile(output)
	if err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "reqstats-report.md")
	if want := "exit-code=1\nreport=" + report + "\n"; string(outputs) != want {
		t.Errorf("outputs %q, want %q", outputs, want)
	}
	written, err := os.ReadFile(report)
	if err != nil || string(written) != string(md) {
		t.Errorf("the report file is not the step summary's report: %v", err)
	}
	post := "POST https://api.github.com/repos/acme/shop/issues/7/comments\n"
	i := strings.Index(stdout, post)
	if i < 0 {
		t.Fatalf("no dry-run POST in\n%s", stdout)
	}
	body := stdout[i+len(post):]
	if !strings.HasPrefix(body, `{`) || !strings.Contains(body, `"body": "<!-- reqstats-report -->\n`) || !strings.Contains(body, "p95>800ms") {
		t.Errorf("comment request body:\n%s", body)
	}
}

// The module path is one everywhere a user meets it: go.mod, the README's
// go install lines, the action's release downloads, the README's uses:.
func TestOneModulePath(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	mod, _, _ := strings.Cut(strings.TrimPrefix(read("go.mod"), "module "), "\n")
	repo, ok := strings.CutPrefix(mod, "github.com/")
	if !ok {
		t.Fatalf("module %q is not on GitHub", mod)
	}
	re := regexp.MustCompile(`go install (\S+)@|github\.com/([\w.-]+/[\w.-]+)/releases|uses: (reqstats/[\w.-]+|[\w.-]+/reqstats)@`)
	seen := 0
	for _, name := range []string{"README.md", "action/run.sh", ".goreleaser.yaml", "Dockerfile"} {
		for _, m := range re.FindAllStringSubmatch(read(name), -1) {
			seen++
			switch {
			case m[1] != "" && m[1] != mod:
				t.Errorf("%s: go install %s, but the module is %s", name, m[1], mod)
			case m[2] != "" && m[2] != repo, m[3] != "" && m[3] != repo:
				t.Errorf("%s: %s, but the module is %s", name, m[0], mod)
			}
		}
	}
	if seen < 5 {
		t.Errorf("only %d mentions of the module found", seen)
	}
}
