package main

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/internal/approutes"
	"github.com/reqstats/reqstats/internal/input"
	"github.com/reqstats/reqstats/internal/live"
	"github.com/reqstats/reqstats/internal/suggest"
	"github.com/reqstats/reqstats/parser"
	"github.com/reqstats/reqstats/report"
)

// options is the command line, parsed and checked without reading a file
// or the environment. resolve then reads what the flags name; nothing
// changes the options after that.
type options struct {
	files   []string
	format  report.Format
	agg     aggregate.Options
	parse   parser.Options
	input   input.Options
	color   string // auto, always, never
	version bool
	man     bool // --man (hidden): write the man page

	budgets    []aggregate.Budget // --fail-on
	minSamples int
	allowEmpty bool // --allow-empty: a log with no request passes the budgets

	since, until aggregate.TimeBound
	byFile       bool // --by-file

	baseline   string // --baseline: a file -o json wrote
	compare    aggregate.CompareOptions
	cpuProfile string // --cpuprofile

	following bool // -f
	follow    followOptions

	command []string // after "--": the command reqstats runs and reads
	log     string   // --log: where the command's output is kept; "-" for nowhere

	// Read by resolve.
	patternFiles []string // --pattern-file
	appDirs      []string // --app-dir; nil with autoAppDirs
	autoAppDirs  bool     // no --app-dir: look for the project's folders
	stepSummary  bool     // --step-summary: $GITHUB_STEP_SUMMARY names the file

	// Set by resolve.
	stepSummaryFile string // the file --step-summary appends to
	tty             bool   // stdout is a terminal
	colorOut        bool   // colour the table
	width           int    // $COLUMNS, or 0
}

const usageHead = `reqstats rebuilds the request-latency summary of a Next.js app from its
dev-server log: totals, slow requests, p50/p95/p99, the slowest routes,
cold (compiling) against warm requests, and the app's own metrics-store
lines, without touching the app.

Usage:
  reqstats [flags] [file ...]
  reqstats [flags] -- COMMAND [ARG ...]

With no file, reqstats reads standard input when it is a pipe, and
./dev-server.log otherwise. "-" names standard input. Gzip input is
recognised by its first bytes. With -- COMMAND, reqstats runs the dev
server itself: its output shows as it would alone and is kept in --log,
and the summary follows when it exits or on Ctrl-C.

Examples:
  reqstats -- next dev                  # run next dev; its summary on exit or Ctrl-C
  next dev 2>&1 | tee dev-server.log | reqstats
  reqstats dev-server.log
  reqstats -o api dev-server.log        # what GET /api/performance/metrics would return
  reqstats -o json logs/*.log.gz > summary.json
  reqstats --slow 500ms --top 20 --exclude '/api/health' dev-server.log
  reqstats --fail-on 'p95>800ms' --step-summary -o markdown server.log   # in CI
  reqstats -f dev-server.log --serve 9464   # live view, and the endpoint served again
  source <(reqstats completion bash)        # completion: bash, zsh or fish; --man writes the man page

Flags:
`

const usageTail = `
Exit status:
  0        all went well
  1        a --fail-on budget was breached or matched no route, or a route
           regressed against --baseline (the report is still written)
  2        a usage error
  3        an input or the baseline could not be read, an input shrank while
           it was read or inflated past --max-inflate (the others are still
           read and reported), or no request was counted while a budget or
           baseline needed one (--allow-empty accepts that)
  130/143  interrupted by SIGINT/SIGTERM: the summary of what was read is
           written; a second Ctrl-C exits at once
With -- COMMAND, the command's own status unless a budget or the baseline
failed (1 or 3); 127 when it was not found.
`

// newFlagSet declares the flags into o.
func newFlagSet(o *options, raw *rawFlags) *pflag.FlagSet {
	fs := pflag.NewFlagSet("reqstats", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.SetOutput(io.Discard)
	fs.StringVarP(&raw.format, "format", "o", "table", "output format: "+strings.Join(report.Formats(), ", ")+" (any case; md for markdown)")
	fs.StringVar(&raw.slow, "slow", "2s", "a request slower than this is slow (2s, 500ms, or a number of ms)")
	fs.IntVar(&o.agg.Top, "top", 10, "how many slowest routes and requests to list")
	fs.StringVar(&raw.sort, "sort", "mean", "what the routes listed are ranked by, the largest first: count, mean, p95, p99, max, slow or errors")
	fs.StringVar(&raw.method, "percentile-method", "endpoint", "endpoint (x[floor(n·p)], as the in-app endpoint), nearest-rank or linear")
	fs.StringVar(&raw.group, "group", "", "route grouping: auto (ids become [id]) or none (raw paths); default auto, none for -o api")
	fs.StringArrayVar(&raw.rules, "group-rule", nil, "rewrite paths: 'REGEX=REPLACEMENT' (repeatable), e.g. '^/blog/[^/]+=/blog/[slug]'")
	fs.BoolVar(&raw.byMethod, "by-method", true, "one route per method and path (-o api merges methods unless this is given)")
	fs.StringArrayVar(&raw.include, "include", nil, "count only paths matching this glob (repeatable; * within a segment, ** across)")
	fs.StringArrayVar(&raw.exclude, "exclude", nil, "leave out paths matching this glob (repeatable)")
	fs.BoolVar(&o.agg.KeepInternal, "keep-internal", false, "count Next's own requests (/_next/**, /__nextjs**, *.hot-update.json)")
	fs.StringVar(&raw.coldCompile, "cold-compile", "100ms", "the shortest wait counted as a compile: a compile: or next.js: phase, or a first request in a dev log, of at least this long is cold")
	fs.StringArrayVar(&raw.failOn, "fail-on", nil, "exit 1 when this is true, e.g. 'p95>800ms', 'warm:p99>=2s', 'errors>0', 'route:/api/users/[id]:p95>300ms' (repeatable)")
	fs.BoolVar(&o.allowEmpty, "allow-empty", false, "accept a log with no request: without it, --fail-on or --baseline on one exits 3")
	fs.IntVar(&o.minSamples, "min-samples", 20, "fewest requests a percentile, mean or rate budget is judged on; fewer is \"not enough data\"")
	fs.StringVar(&raw.since, "since", "", "count only requests from this time: RFC 3339 (2026-11-28T04:10:00Z) or a duration before the last timestamp (5m)")
	fs.StringVar(&raw.until, "until", "", "count only requests up to this time: RFC 3339 or a duration before the last timestamp")
	fs.BoolVar(&o.byFile, "by-file", false, "also summarise each input file on its own (sharded CI jobs)")
	fs.StringVar(&o.baseline, "baseline", "", "compare with a summary written earlier by -o json")
	fs.StringVar(&raw.maxRegression, "max-regression", "", "with --baseline, exit 1 when a route's p95 grew by more than this, e.g. 20%")
	fs.StringVar(&raw.regressionMetric, "regression-metric", "p95", "what --max-regression watches: p50, p95, p99, mean, min or max")
	fs.BoolVar(&o.stepSummary, "step-summary", false, "also append the Markdown report to the file $GITHUB_STEP_SUMMARY names (GitHub Actions)")
	fs.StringVar(&raw.source, "source", "", "count the requests of one source (next, json, object, morgan, koa, text, pattern) or all of them merged (all); default next when the log has Next request lines, else the source with the most")
	fs.StringVar(&raw.inputFormat, "input-format", "auto", "read only this format's request lines: auto (all), next, json, object, morgan, koa, text or pattern")
	fs.StringArrayVar(&raw.patterns, "pattern", nil, "a regexp for your own request lines (repeatable), with named groups path and duration, and optionally method, status, unit (default ms) and time")
	fs.StringArrayVar(&o.patternFiles, "pattern-file", nil, "read --pattern regexps from a file, one a line (blank lines and # comments skipped)")
	fs.StringArrayVar(&raw.appDirs, "app-dir", nil, "group paths by the app's own routes, read from its app/ or pages/ folder (repeatable); default ./src/app, ./app, ./src/pages and ./pages of a project root; none to turn off")
	fs.StringVar(&o.log, "log", defaultLog, "with -- COMMAND: keep the command's output in this file (- for none)")
	fs.BoolVarP(&o.following, "follow", "f", false, "keep reading as the log grows, through truncation and rotation; Ctrl-C prints the final summary")
	fs.BoolVar(&o.follow.fromEnd, "from-end", false, "with -f: start at the end of the file, not its beginning")
	fs.BoolVar(&o.follow.poll, "poll", false, "with -f: poll the file instead of using inotify (WSL, Docker mounts, NFS)")
	fs.DurationVar(&o.follow.interval, "interval", 2*time.Second, "with -f: how often the summary is redrawn or printed")
	fs.StringVar(&o.follow.route, "route", "", "with -f: show this route in detail, with its latest requests")
	fs.IntVar(&o.agg.Last, "last", 0, "keep only the last N requests (the in-app store keeps 1000: --last 1000 shows what the endpoint would)")
	fs.DurationVar(&o.agg.Window, "window", 0, "with -f: keep only the requests of the last duration (5m), by line timestamp or arrival time")
	fs.IntVar(&o.agg.MaxRoutes, "max-routes", 1000, "most routes kept; requests of new routes past it are counted as [other]")
	fs.IntVar(&o.input.MaxInflate, "max-inflate", input.DefaultMaxInflate, "stop reading a gzip input that inflates to more than this many times its size, past its first 64 MiB (a gzip bomb; logs compress 7 to 15 times); 0 for no limit")
	fs.StringVar(&raw.serve, "serve", "", "with -f: serve /api/performance/metrics, /metrics and /healthz on this port or host:port (a bare port binds 127.0.0.1)")
	fs.StringArrayVar(&o.follow.cors, "cors", nil, "with --serve: let pages of this origin (http://localhost:3000; * for any) read the server from a browser (repeatable)")
	fs.StringVar(&o.color, "color", "auto", "colour the table: auto, always or never (auto honours FORCE_COLOR, then NO_COLOR)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof reads it)")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.BoolP("help", "h", false, "show this help")
	fs.BoolVar(&o.man, "man", false, "write the man page (roff) and exit")
	fs.MarkHidden("man")
	return fs
}

// rawFlags are flag values that need checking before use.
type rawFlags struct {
	format                           string
	slow, method, group, coldCompile string
	sort                             string
	maxRegression, regressionMetric  string
	since, until                     string
	source, inputFormat, serve       string
	rules, include, exclude, failOn  []string
	patterns, appDirs                []string
	byMethod                         bool
}

// flagHint returns " (did you mean --slow?)" for an unknown flag that is
// close to one, or "".
func flagHint(fs *pflag.FlagSet, err error) string {
	name, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !ok {
		return ""
	}
	if i := strings.IndexByte(name, '='); i >= 0 {
		name = name[:i]
	}
	var names []string
	fs.VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
	near := suggest.Closest(name, names)
	if len(near) == 0 {
		return ""
	}
	return " (did you mean --" + strings.Join(near[:min(len(near), 3)], " or --") + "?)"
}

// usage writes the help text.
func usage(w io.Writer) {
	var o options
	var raw rawFlags
	fs := newFlagSet(&o, &raw)
	fmt.Fprint(w, usageHead)
	fmt.Fprint(w, fs.FlagUsagesWrapped(80))
	fmt.Fprint(w, usageTail)
}

// parseOptions reads and checks the command line. It returns
// pflag.ErrHelp for -h/--help, and a usageError for anything wrong.
func parseOptions(args []string) (*options, error) {
	o := &options{}
	var raw rawFlags
	fs := newFlagSet(o, &raw)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil, err
		}
		return nil, usageError{fmt.Errorf("%w%s", err, flagHint(fs, err))}
	}
	if help, _ := fs.GetBool("help"); help {
		return nil, pflag.ErrHelp
	}
	o.files = fs.Args()
	if dash := fs.ArgsLenAtDash(); dash >= 0 {
		o.files, o.command = fs.Args()[:dash], fs.Args()[dash:]
		if len(o.command) == 0 {
			return nil, usagef("-- names no command: reqstats -- next dev")
		}
		if len(o.files) > 0 {
			return nil, usagef("%s: with -- COMMAND, reqstats reads the command's output, not files", o.files[0])
		}
		if o.following {
			return nil, usagef("-f does not go with -- COMMAND: the command's output is followed already")
		}
		for _, name := range []string{"from-end", "poll", "interval", "route", "window"} {
			if fs.Changed(name) {
				return nil, usagef("--%s does not go with -- COMMAND: its output shows on the terminal, not the live view", name)
			}
		}
	} else if fs.Changed("log") {
		return nil, usagef("--log needs a command: reqstats --log FILE -- next dev")
	}
	seen := make(map[string]bool)
	for _, f := range o.files {
		if seen[f] {
			return nil, usagef("%s is named twice: its requests would count twice", f)
		}
		seen[f] = true
	}

	var err error
	if o.format, err = report.FormatFor(raw.format); err != nil {
		return nil, usageError{fmt.Errorf("%w%s", err, suggest.Hint(raw.format, report.Formats()))}
	}
	api := o.format.Name == "api"
	if o.agg.Slow, err = aggregate.ParseDuration(raw.slow); err != nil {
		return nil, usagef("--slow: %v", err)
	}
	if o.agg.Slow == 0 {
		o.agg.Slow = 1 // "0": every request that took any time is slow
	}
	// Without --slow, a finished log is judged by the threshold the app's
	// own slow warnings state, if they state one.
	o.agg.AppSlow = !fs.Changed("slow") && !o.following
	if o.agg.ColdCompile, err = aggregate.ParseDuration(raw.coldCompile); err != nil {
		return nil, usagef("--cold-compile: %v", err)
	}
	if o.agg.ColdCompile == 0 {
		o.agg.ColdCompile = 1
	}
	if o.agg.Top < 1 {
		return nil, usagef("--top must be at least 1, not %d", o.agg.Top)
	}
	if o.agg.Order, err = aggregate.ParseOrder(raw.sort); err != nil {
		return nil, usagef("--sort: %v", err)
	}
	if api && o.agg.Order != aggregate.OrderMean {
		return nil, usagef("--sort does not go with -o api: the endpoint lists its slowest routes by mean")
	}
	if o.agg.Method, err = aggregate.ParseMethod(raw.method); err != nil {
		return nil, usagef("--percentile-method: %v", err)
	}
	if raw.group == "" {
		raw.group = "auto"
		if api {
			raw.group = "none"
		}
	}
	if o.agg.Grouping, err = aggregate.ParseGrouping(raw.group); err != nil {
		return nil, usagef("--group: %v", err)
	}
	for _, r := range raw.rules {
		rule, err := aggregate.ParseRule(r)
		if err != nil {
			return nil, usagef("--group-rule: %v", err)
		}
		o.agg.Rules = append(o.agg.Rules, rule)
	}
	o.agg.ByMethod = raw.byMethod
	if api && !fs.Changed("by-method") {
		o.agg.ByMethod = false
	}
	for _, list := range []struct {
		flag string
		in   []string
		out  *[]aggregate.Glob
	}{{"--include", raw.include, &o.agg.Include}, {"--exclude", raw.exclude, &o.agg.Exclude}} {
		for _, p := range list.in {
			g, err := aggregate.ParseGlob(p)
			if err != nil {
				return nil, usagef("%s: %v", list.flag, err)
			}
			*list.out = append(*list.out, g)
		}
	}
	for _, expr := range raw.failOn {
		b, err := aggregate.ParseBudget(expr)
		if err != nil {
			return nil, usagef("--fail-on %v", err)
		}
		if b.Route.Method != "" && !o.agg.ByMethod {
			return nil, usagef("--fail-on %q names a method, but routes are not split by method (--by-method)", expr)
		}
		o.budgets = append(o.budgets, b)
	}
	if o.compare.Metric, err = aggregate.ParseMetric(raw.regressionMetric); err != nil || o.compare.Metric.Unit() != aggregate.UnitDuration {
		return nil, usagef("--regression-metric must be p50, p95, p99, mean, min or max, not %q", raw.regressionMetric)
	}
	if raw.maxRegression != "" {
		if o.baseline == "" {
			return nil, usagef("--max-regression needs --baseline")
		}
		v, err := strconv.ParseFloat(strings.TrimSuffix(raw.maxRegression, "%"), 64)
		if err != nil || v <= 0 {
			return nil, usagef("--max-regression: bad percentage %q (want e.g. 20%%)", raw.maxRegression)
		}
		o.compare.MaxRegression = v
	}
	o.compare.MinSamples = o.minSamples
	if o.since, err = aggregate.ParseTimeBound(raw.since); err != nil {
		return nil, usagef("--since: %v", err)
	}
	if o.until, err = aggregate.ParseTimeBound(raw.until); err != nil {
		return nil, usagef("--until: %v", err)
	}
	if !o.since.Time().IsZero() && !o.until.Time().IsZero() && o.until.Time().Before(o.since.Time()) {
		return nil, usagef("--until %s is before --since %s", raw.until, raw.since)
	}
	if o.minSamples < 0 {
		return nil, usagef("--min-samples must not be negative, not %d", o.minSamples)
	}
	if o.following {
		// These judge or compare a finished log.
		for _, name := range []string{"fail-on", "allow-empty", "min-samples", "since", "until", "baseline", "max-regression", "regression-metric", "by-file", "step-summary"} {
			if fs.Changed(name) {
				return nil, usagef("--%s does not go with -f/--follow: it is for a finished log", name)
			}
		}
	}
	if o.since.Relative() || o.until.Relative() {
		if o.command != nil {
			return nil, usagef("--since and --until take an RFC 3339 time with -- COMMAND: a duration counts back from the end of a log")
		}
	}
	if !o.following {
		for _, name := range []string{"from-end", "poll", "interval", "route", "serve"} {
			if name == "serve" && o.command != nil {
				continue
			}
			if fs.Changed(name) {
				return nil, usagef("--%s needs -f/--follow", name)
			}
		}
	}
	if o.agg.Window != 0 && !o.following {
		return nil, usagef("--window needs -f/--follow (for a saved log, --since 5m keeps the last 5 minutes)")
	}
	if o.agg.Last < 0 || o.agg.Window < 0 {
		return nil, usagef("--last and --window must not be negative")
	}
	switch {
	case o.input.MaxInflate < 0:
		return nil, usagef("--max-inflate must not be negative, not %d", o.input.MaxInflate)
	case o.input.MaxInflate == 0:
		o.input.MaxInflate = -1 // no limit
	}
	if o.agg.MaxRoutes < 1 {
		return nil, usagef("--max-routes must be at least 1, not %d", o.agg.MaxRoutes)
	}
	if o.follow.interval <= 0 {
		return nil, usagef("--interval must be positive, not %v", o.follow.interval)
	}
	if raw.serve != "" {
		if o.follow.serve, err = live.ListenAddr(raw.serve); err != nil {
			return nil, usagef("--serve: %v", err)
		}
	}
	for _, origin := range o.follow.cors {
		if raw.serve == "" {
			return nil, usagef("--cors needs --serve")
		}
		if err := checkOrigin(origin); err != nil {
			return nil, usagef("--cors: %v", err)
		}
	}
	o.follow.keep = 1000 // what the in-app store keeps
	// What --serve answers at the endpoint's path is what -o api prints:
	// raw paths, methods merged, unless the flags say otherwise.
	o.follow.api = o.agg
	o.follow.api.Order = aggregate.OrderMean // the endpoint's order
	if !fs.Changed("group") {
		o.follow.api.Grouping = aggregate.GroupNone
	}
	if !fs.Changed("by-method") {
		o.follow.api.ByMethod = false
	}
	switch o.color {
	case "auto", "always", "never":
	default:
		return nil, usagef("--color must be auto, always or never, not %q", o.color)
	}
	if err := parseSources(o, &raw); err != nil {
		return nil, err
	}
	o.follow.api.Source = o.agg.Source // the same requests as the view's
	o.autoAppDirs = !fs.Changed("app-dir")
	if !slices.Contains(raw.appDirs, "none") {
		o.appDirs = raw.appDirs
	}
	return o, nil
}

// checkOrigin checks a --cors origin: "*", or a scheme and host as a
// browser sends it in Origin, with no path.
func checkOrigin(origin string) error {
	if origin == "*" {
		return nil
	}
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return fmt.Errorf("%q is not an origin: want scheme://host[:port], such as http://localhost:3000, or *", origin)
	}
	if u.Path == "/" {
		return fmt.Errorf("%q: an origin has no path; drop the trailing /", origin)
	}
	return nil
}

// parseSources checks --source, --input-format and --pattern.
func parseSources(o *options, raw *rawFlags) error {
	var err error
	if o.agg.Source, err = aggregate.ParseSelection(raw.source); err != nil {
		return usagef("--source: %v", err)
	}
	if raw.inputFormat != "auto" {
		src, err := parser.ParseSource(raw.inputFormat)
		if err != nil {
			return usagef("--input-format: %v", err)
		}
		o.parse.Formats = []parser.Source{src}
	}
	// What the user wrote a pattern for is what they want counted.
	if raw.source == "" && (len(raw.patterns) > 0 || len(o.patternFiles) > 0) {
		o.agg.Source = aggregate.OneSource(parser.SourcePattern)
	}
	for _, e := range raw.patterns {
		pat, err := parser.CompilePattern(e)
		if err != nil {
			return usagef("--pattern: %v", err)
		}
		o.parse.Patterns = append(o.parse.Patterns, pat)
	}
	if raw.inputFormat == string(parser.SourcePattern) && len(raw.patterns) == 0 && len(o.patternFiles) == 0 {
		return usagef("--input-format pattern needs a --pattern or --pattern-file")
	}
	return nil
}

// readPatternFile returns the regexps of a --pattern-file, one a line;
// blank lines and # comments are skipped.
func readPatternFile(name string) ([]*parser.Pattern, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, usagef("--pattern-file: %v", err)
	}
	var pats []*parser.Pattern
	for line := range strings.Lines(string(data)) {
		line = strings.TrimRight(line, "\r\n")
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		pat, err := parser.CompilePattern(line)
		if err != nil {
			return nil, usagef("--pattern: %v", err)
		}
		pats = append(pats, pat)
	}
	return pats, nil
}

// resolve reads what the options name: the --pattern-file files, the
// app's route folders and the environment (the step summary's file, the
// colour and width of the terminal stdout writes to). It is the one step
// that does, after parseOptions and before anything is read.
func (o *options) resolve(stdout io.Writer) error {
	for _, name := range o.patternFiles {
		pats, err := readPatternFile(name)
		if err != nil {
			return err
		}
		o.parse.Patterns = append(o.parse.Patterns, pats...)
	}
	dirs := o.appDirs
	if o.autoAppDirs {
		dirs = approutes.Detect(".")
	}
	var err error
	if o.agg.Routes, err = approutes.Read(dirs); err != nil {
		return usagef("--app-dir: %v", err)
	}
	o.follow.api.Routes = o.agg.Routes
	if o.stepSummary {
		if o.stepSummaryFile, err = stepSummaryPath(); err != nil {
			return err
		}
	}
	o.tty = isTerminal(stdout)
	o.colorOut = colorOn(o.color, o.tty)
	o.width = termWidth()
	return nil
}

// colorOn decides whether the table is coloured: --color always or
// never; else FORCE_COLOR, as Node reads it (0 or false: off, any other
// value: on, even off a terminal; https://force-color.org), which wins
// over NO_COLOR as it does in Node, so a Next user who sets it sees what
// Next does; else no colour with NO_COLOR (https://no-color.org) or a
// dumb terminal; else colour on a terminal.
func colorOn(mode string, tty bool) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if force := os.Getenv("FORCE_COLOR"); force != "" {
		return force != "0" && !strings.EqualFold(force, "false")
	}
	if os.Getenv("NO_COLOR") != "" { // https://no-color.org
		return false
	}
	if os.Getenv("TERM") == "dumb" {
		return false
	}
	return tty
}

// isTerminal reports whether f is a character device, a terminal.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	if !ok {
		return false
	}
	st, err := file.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// termWidth returns the terminal's width from $COLUMNS, or 0.
func termWidth() int {
	n, err := strconv.Atoi(os.Getenv("COLUMNS"))
	if err != nil || n <= 0 {
		return 0
	}
	return n
}
