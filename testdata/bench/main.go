// Command bench times reqstats against wc -l and grep -c on large generated
// `next dev` logs, one per generator profile.
//
//	go run ./testdata/bench [-size 1GB] [-profile both] [-procs 1,2] [-seed 1]
//	    [-file /tmp/reqstats-bench.log] [-keep] [-runs 3] [-verify]
//
// -profile chooses the logs: mixed (genlog's default mix of versions, tools
// and line kinds), dev (genlog.ProfileDev, the hard case of a long coloured
// dev session: a compile line every seventh line, ids in most paths, 45%
// requests) or both (the default). The mixed log is FILE, the dev log is
// FILE with ".dev" before its ".log" (/tmp/reqstats-bench.dev.log), each of
// -size bytes.
//
// It
//
//  1. builds reqstats with `go build -o TMP/reqstats .` in the module root
//     (found with `go env GOMOD`);
//  2. for each profile, generates its log with testdata/genlog, or reuses it
//     when its sidecar (the log's name + ".meta.json") says it was made by
//     the same generator version and sidecar format with the same profile,
//     seed and size (and the file still has the recorded length);
//  3. reads the log once to warm the page cache, then runs `wc -l FILE`,
//     `grep -c ' in ' FILE` and `TMP/reqstats -o json FILE >/dev/null`,
//     one after the other, -runs rounds, and prints each tool's best and
//     median wall time and throughput, its least CPU time (user+sys), reqstats' throughput against grep's
//     and wc's, and reqstats' peak RSS (the largest rusage Maxrss of its
//     runs). With -procs 1,2 reqstats runs once per round for each value,
//     with GOMAXPROCS set in its environment, and the block also prints the
//     speedup of the largest value over the smallest ("GOMAXPROCS 2 vs 1:
//     1.05x", best against best); the ratios are those of the largest;
//  4. ends with one summary line per profile:
//     "dev:   reqstats 0.09x grep -c, 0.01x wc -l, peak RSS 45.1 MiB";
//  5. exits non-zero if reqstats fails to build or exits non-zero, or if
//     -verify finds a difference.
//
// Sizes take the suffixes K, KB, KiB, M, MB, MiB, G, GB, GiB, T, TB, TiB, all
// powers of 1024 (so 1GB = 1 GiB = 1073741824 bytes); a plain number is
// bytes. Throughput is reported in MB/s with MB = 10^6 bytes.
//
// With -verify, one more (untimed) reqstats run per profile captures the
// JSON and checks its totals (count, slow, max and the p50, p95 and p99 of
// the percentile method it reports in settings) against what the generator
// recorded for the requests reqstats counts by default (all but Next's own
// /_next/** and /__nextjs** endpoints), printing both side by side.
//
// Without -keep the logs and their sidecars are deleted at the end, so a
// later run regenerates them; with -keep they stay for reuse.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/reqstats/reqstats/testdata/genlog"
)

// metaFormat identifies the sidecar's layout; a sidecar of another format
// is not reused.
const metaFormat = 2

// meta is the sidecar written next to a generated log.
type meta struct {
	Format    int          `json:"format"`
	Generator string       `json:"generator"`
	Profile   string       `json:"profile"`
	Seed      int64        `json:"seed"`
	Size      int64        `json:"size"`
	Stats     genlog.Stats `json:"stats"`
	Expected  expected     `json:"expected"` // all Next request lines
	Public    expected     `json:"public"`   // without Next's own endpoints (/_next/**, /__nextjs**, *.hot-update.json)
}

// expected holds the summary a correct parser should reproduce.
type expected struct {
	Requests int64 `json:"requests"`
	Slow     int64 `json:"slow"`
	// Endpoint percentiles (sorted[floor(n*q)], reqstats' default) in ms.
	P50e, P95e, P99e float64
	// Nearest-rank percentiles (sorted[ceil(q*n)-1]) in ms.
	P50, P95, P99 float64
	// Linearly interpolated percentiles (sorted[(n-1)*q]) in ms.
	P50i, P95i, P99i float64
	Max              float64
}

// config is the parsed command line.
type config struct {
	file     string
	size     int64
	seed     int64
	profiles []string // genlog profiles, in order
	procs    []int    // GOMAXPROCS values for reqstats; nil: leave it unset
	keep     bool
	runs     int
	verify   bool
}

// result is the timing of one tool.
type result struct {
	name  string
	argv  []string
	env   []string // added to the environment
	times []time.Duration
	cpu   []time.Duration // user+sys of each run, beside times
	rss   int64           // KiB, max over runs
	out   string
	err   error
	procs int // GOMAXPROCS for reqstats, 0 if unset
	rq    bool
}

// best returns the fastest run.
func (r *result) best() time.Duration { return slices.Min(r.times) }

// leastCPU returns the least user+sys time of a run: on a machine that
// other work shares, a steadier figure than wall time.
func (r *result) leastCPU() time.Duration { return slices.Min(r.cpu) }

// median returns the median run.
func (r *result) median() time.Duration {
	t := slices.Clone(r.times)
	slices.Sort(t)
	return t[len(t)/2]
}

// outcome is one profile's summary.
type outcome struct {
	profile          string
	vsGrep, vsWc     float64
	rssKiB           int64
	speedup          float64 // largest over smallest GOMAXPROCS, 0 if not measured
	procsLo, procsHi int
}

// main parses the flags and runs the benchmark.
func main() {
	log := func(format string, a ...any) { fmt.Fprintf(os.Stderr, "bench: "+format+"\n", a...) }
	sizeFlag := flag.String("size", "1GB", "size of each log (K/M/G/T suffixes are powers of 1024)")
	seed := flag.Int64("seed", 1, "generator seed")
	file := flag.String("file", "/tmp/reqstats-bench.log", "mixed log file to generate or reuse; the dev log gets .dev before .log")
	profile := flag.String("profile", "both", "logs to time: mixed, dev or both")
	procs := flag.String("procs", "", "comma-separated GOMAXPROCS values to run reqstats with (e.g. 1,2); empty: leave it unset")
	keep := flag.Bool("keep", false, "keep the logs (and their sidecars) for reuse by later runs")
	runs := flag.Int("runs", 3, "timed rounds; each round runs every tool once")
	verify := flag.Bool("verify", false, "after timing, run reqstats once more per log and check its JSON totals against the generator's")
	genOnly := flag.Bool("generate-only", false, "only generate the log of one -profile (the bench runs itself so to keep its own memory small)")
	flag.Parse()
	cfg := config{file: *file, seed: *seed, keep: *keep, runs: *runs, verify: *verify}
	var err error
	if cfg.size, err = parseSize(*sizeFlag); err != nil || cfg.size <= 0 {
		log("bad -size %q: %v", *sizeFlag, err)
		os.Exit(2)
	}
	if cfg.runs < 1 {
		log("bad -runs %d: want at least 1", cfg.runs)
		os.Exit(2)
	}
	switch *profile {
	case "both":
		cfg.profiles = []string{genlog.ProfileMixed, genlog.ProfileDev}
	case genlog.ProfileMixed, genlog.ProfileDev:
		cfg.profiles = []string{*profile}
	default:
		log("bad -profile %q: want mixed, dev or both", *profile)
		os.Exit(2)
	}
	if cfg.procs, err = parseProcs(*procs); err != nil {
		log("bad -procs %q: %v", *procs, err)
		os.Exit(2)
	}
	if *genOnly {
		if len(cfg.profiles) != 1 {
			log("-generate-only needs -profile mixed or dev")
			os.Exit(2)
		}
		p := cfg.profiles[0]
		if _, err := ensureLog(logFile(cfg.file, p), p, cfg.size, cfg.seed); err != nil {
			log("%v", err)
			os.Exit(1)
		}
		return
	}
	code, err := run(cfg)
	if err != nil {
		log("%v", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// parseProcs parses "1,2" into GOMAXPROCS values (distinct, positive).
func parseProcs(s string) ([]int, error) {
	if s == "" {
		return nil, nil
	}
	var ps []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive number", f)
		}
		if slices.Contains(ps, n) {
			return nil, fmt.Errorf("%d given twice", n)
		}
		ps = append(ps, n)
	}
	return ps, nil
}

// logFile returns the log of profile: file itself for the mixed profile,
// else file with "."+profile before its extension.
func logFile(file, profile string) string {
	if profile == genlog.ProfileMixed {
		return file
	}
	ext := filepath.Ext(file)
	return strings.TrimSuffix(file, ext) + "." + profile + ext
}

// run does the whole benchmark and returns the exit code.
func run(cfg config) (int, error) {
	tmp, err := os.MkdirTemp("", "reqstats-bench-")
	if err != nil {
		return 1, err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "reqstats")
	buildErr := build(bin)
	if buildErr != nil {
		fmt.Printf("reqstats build FAILED: %v\n(timing wc and grep only)\n", buildErr)
	}
	fmt.Printf("locale: LANG=%q LC_ALL=%q; %d rounds, each tool once per round, best and median wall time\n",
		os.Getenv("LANG"), os.Getenv("LC_ALL"), cfg.runs)

	var outs []outcome
	var failed error
	for _, p := range cfg.profiles {
		file := logFile(cfg.file, p)
		fmt.Printf("\n=== profile %s: %s ===\n", p, file)
		o, err := benchProfile(cfg, p, file, bin, buildErr == nil)
		if !cfg.keep {
			os.Remove(file)
			os.Remove(file + ".meta.json")
		}
		if err != nil {
			fmt.Printf("profile %s FAILED: %v\n", p, err)
			failed = errors.Join(failed, fmt.Errorf("profile %s: %w", p, err))
			continue
		}
		outs = append(outs, o)
	}
	if buildErr != nil {
		return 1, fmt.Errorf("reqstats did not build: %w", buildErr)
	}
	if len(outs) > 0 {
		fmt.Println()
		w := 0
		for _, o := range outs {
			w = max(w, len(o.profile))
		}
		for _, o := range outs {
			fmt.Printf("%-*s reqstats %.2fx grep -c, %.2fx wc -l, peak RSS %s", w+1, o.profile+":", o.vsGrep, o.vsWc, mib(o.rssKiB))
			if o.speedup > 0 {
				fmt.Printf(", GOMAXPROCS %d vs %d: %.2fx", o.procsHi, o.procsLo, o.speedup)
			}
			fmt.Println()
		}
	}
	if failed != nil {
		return 1, failed
	}
	return 0, nil
}

// benchProfile generates or reuses the log of one profile and times the
// tools on it.
func benchProfile(cfg config, profile, file, bin string, built bool) (outcome, error) {
	o := outcome{profile: profile}
	// Generate in a child process: a child's rusage Maxrss on Linux counts
	// the memory it shared with this process before exec (Go starts
	// children with vfork), so the generator's heap, grown here, would be
	// charged to reqstats.
	gen := exec.Command(os.Args[0], "-generate-only", "-profile", profile, "-file", cfg.file,
		"-size", strconv.FormatInt(cfg.size, 10)+"B", "-seed", strconv.FormatInt(cfg.seed, 10))
	gen.Stdout, gen.Stderr = os.Stdout, os.Stderr
	if err := gen.Run(); err != nil {
		return o, fmt.Errorf("generate: %w", err)
	}
	m := loadMeta(file, profile, cfg.size, cfg.seed)
	if m == nil {
		return o, fmt.Errorf("generate: no matching sidecar %s.meta.json", file)
	}
	fmt.Printf("log: %s  %d bytes  %d lines  %d requests (%.1f%%)  %d compile/status lines (%.1f%%)  %d slow  %d long lines (max %d B)  %d CRLF\n",
		file, m.Stats.Bytes, m.Stats.Lines, m.Stats.Requests, pct(m.Stats.Requests, m.Stats.Lines),
		m.Stats.Compile, pct(m.Stats.Compile, m.Stats.Lines), m.Stats.Slow, m.Stats.Long, m.Stats.MaxLine, m.Stats.CRLF)
	printExpected("expected (all request lines)", m.Expected)
	printExpected("expected (without /_next/**, /__nextjs**)", m.Public)

	t0 := time.Now()
	n, err := warm(file)
	if err != nil {
		return o, err
	}
	el := time.Since(t0)
	fmt.Printf("warmed page cache: read %d bytes in %v (%.0f MB/s)\n", n, el.Round(time.Millisecond), float64(n)/1e6/el.Seconds())

	wc := &result{name: "wc -l", argv: []string{"wc", "-l", file}}
	grep := &result{name: "grep -c", argv: []string{"grep", "-c", " in ", file}}
	tools := []*result{wc, grep}
	var rqs []*result // reqstats, by GOMAXPROCS as given
	if built {
		argv := []string{bin, "-o", "json", file}
		if len(cfg.procs) == 0 {
			rqs = append(rqs, &result{name: "reqstats", argv: argv, rq: true})
		}
		for _, p := range cfg.procs {
			env := "GOMAXPROCS=" + strconv.Itoa(p)
			rqs = append(rqs, &result{name: "reqstats P=" + strconv.Itoa(p), argv: argv, env: []string{env}, procs: p, rq: true})
		}
		tools = append(tools, rqs...)
	}
	for _, t := range tools {
		fmt.Printf("$ %s%s%s\n", strings.Join(append(slices.Clone(t.env), ""), " "), shellJoin(t.argv), map[bool]string{true: " >/dev/null", false: ""}[t.rq])
	}
	for round := 1; round <= cfg.runs; round++ {
		fmt.Printf("  round %d:", round)
		for _, t := range tools {
			if t.err != nil {
				continue
			}
			runTool(t)
			if t.err == nil {
				fmt.Printf("  %s %s", t.name, dur(t.times[len(t.times)-1]))
			}
		}
		fmt.Println()
	}
	for _, t := range tools {
		if t.err != nil {
			fmt.Printf("  %s FAILED: %v\n", t.name, t.err)
		} else if t.out != "" {
			fmt.Printf("  %s -> %s\n", t.name, strings.TrimSpace(t.out))
		}
	}

	fmt.Println()
	fmt.Printf("%-14s %10s %10s %10s %10s\n", "tool", "best", "median", "MB/s", "CPU")
	mbps := map[*result]float64{}
	for _, t := range tools {
		if len(t.times) == 0 {
			continue
		}
		mbps[t] = float64(m.Stats.Bytes) / 1e6 / t.best().Seconds()
		fmt.Printf("%-14s %10s %10s %10.1f %10s\n", t.name, dur(t.best()), dur(t.median()), mbps[t], dur(t.leastCPU()))
	}
	if !built {
		return o, errors.New("reqstats did not build")
	}
	for _, t := range tools {
		if t.err != nil {
			return o, fmt.Errorf("%s failed: %w", t.name, t.err)
		}
	}
	// The ratios are those of the largest GOMAXPROCS (the one reqstats
	// would pick itself on a machine of that many cores).
	rq := rqs[0]
	for _, t := range rqs {
		if t.procs > rq.procs {
			rq = t
		}
		o.rssKiB = max(o.rssKiB, t.rss)
	}
	o.vsGrep, o.vsWc = mbps[rq]/mbps[grep], mbps[rq]/mbps[wc]
	fmt.Printf("%s/grep throughput: %.2fx\n", rq.name, o.vsGrep)
	fmt.Printf("%s/wc throughput:   %.2fx\n", rq.name, o.vsWc)
	fmt.Printf("reqstats peak RSS: %s\n", mib(o.rssKiB))
	if len(rqs) > 1 {
		lo, hi := rqs[0], rqs[0]
		for _, t := range rqs {
			if t.procs < lo.procs {
				lo = t
			}
			if t.procs > hi.procs {
				hi = t
			}
		}
		o.procsLo, o.procsHi = lo.procs, hi.procs
		o.speedup = lo.best().Seconds() / hi.best().Seconds()
		fmt.Printf("GOMAXPROCS %d vs %d: %.2fx\n", hi.procs, lo.procs, o.speedup)
	}
	if cfg.verify {
		if err := verify(rq, file, m); err != nil {
			return o, err
		}
	}
	return o, nil
}

// loadMeta returns the sidecar of file if it describes file as generated
// by this generator and sidecar format with these options, else nil.
func loadMeta(file, profile string, size, seed int64) *meta {
	b, err := os.ReadFile(file + ".meta.json")
	if err != nil {
		return nil
	}
	var m meta
	fi, ferr := os.Stat(file)
	if json.Unmarshal(b, &m) == nil && ferr == nil && m.Format == metaFormat && m.Generator == genlog.Version &&
		m.Profile == profile && m.Seed == seed && m.Size == size && fi.Size() == m.Stats.Bytes {
		return &m
	}
	return nil
}

// ensureLog reuses file if its sidecar matches, else generates it.
func ensureLog(file, profile string, size, seed int64) (*meta, error) {
	side := file + ".meta.json"
	if m := loadMeta(file, profile, size, seed); m != nil {
		fmt.Printf("reusing %s (sidecar %s matches %s profile=%s seed=%d size=%d)\n", file, side, m.Generator, profile, seed, size)
		return m, nil
	}
	fmt.Printf("generating %s: genlog.Generate(Options{Seed: %d, Size: %d, Profile: %q}) [%s]\n", file, seed, size, profile, genlog.Version)
	os.Remove(side)
	f, err := os.Create(file + ".tmp")
	if err != nil {
		return nil, err
	}
	var durs, public []int64
	t0 := time.Now()
	st, err := genlog.Generate(f, genlog.Options{
		Seed:    seed,
		Size:    size,
		Profile: profile,
		OnRequest: func(_, path string, _ int, d time.Duration) {
			durs = append(durs, int64(d))
			if !internal(path) {
				public = append(public, int64(d))
			}
		},
	})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(file + ".tmp")
		return nil, err
	}
	el := time.Since(t0)
	if err := os.Rename(file+".tmp", file); err != nil {
		return nil, err
	}
	fmt.Printf("generated %d bytes in %v (%.0f MB/s)\n", st.Bytes, el.Round(time.Millisecond), float64(st.Bytes)/1e6/el.Seconds())
	m := &meta{Format: metaFormat, Generator: genlog.Version, Profile: profile, Seed: seed, Size: size, Stats: st,
		Expected: summarize(durs), Public: summarize(public)}
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(side, append(b, '\n'), 0o644); err != nil {
		return nil, err
	}
	return m, nil
}

// internal reports whether path is one of Next's own endpoints.
func internal(path string) bool {
	return strings.HasPrefix(path, "/_next/") || strings.HasPrefix(path, "/__nextjs") ||
		strings.HasSuffix(path, ".hot-update.json")
}

// summarize computes the count, slow count and percentiles of durs (ns).
func summarize(durs []int64) expected {
	e := expected{Requests: int64(len(durs))}
	if len(durs) == 0 {
		return e
	}
	for _, d := range durs {
		if d > 2e9 {
			e.Slow++
		}
	}
	slices.Sort(durs)
	toMs := func(ns float64) float64 { return ns / 1e6 }
	rank := func(q float64) float64 {
		i := int(math.Ceil(q*float64(len(durs)))) - 1
		return toMs(float64(durs[max(i, 0)]))
	}
	endpoint := func(q float64) float64 {
		i := int(math.Floor(float64(len(durs)) * q))
		return toMs(float64(durs[min(i, len(durs)-1)]))
	}
	interp := func(q float64) float64 {
		x := q * float64(len(durs)-1)
		i := int(x)
		if i+1 >= len(durs) {
			return toMs(float64(durs[i]))
		}
		f := x - float64(i)
		return toMs(float64(durs[i]) + f*float64(durs[i+1]-durs[i]))
	}
	e.P50e, e.P95e, e.P99e = endpoint(0.50), endpoint(0.95), endpoint(0.99)
	e.P50, e.P95, e.P99 = rank(0.50), rank(0.95), rank(0.99)
	e.P50i, e.P95i, e.P99i = interp(0.50), interp(0.95), interp(0.99)
	e.Max = toMs(float64(durs[len(durs)-1]))
	return e
}

// build compiles reqstats from the module root into bin.
func build(bin string) error {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return errors.New("not inside a Go module (go env GOMOD is empty)")
	}
	root := filepath.Dir(gomod)
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = root
	fmt.Printf("$ (cd %s && go build -o %s .)\n", root, bin)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	t0 := time.Now()
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%w\n%s", err, tail(stderr.String(), 2000))
	}
	fmt.Printf("  built in %v\n", time.Since(t0).Round(time.Millisecond))
	return nil
}

// warm reads the file once so all tools start with it in the page cache.
func warm(file string) (int64, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return io.CopyBuffer(io.Discard, f, make([]byte, 4<<20))
}

// runTool runs t once and records its wall time, output and peak RSS.
// reqstats' stdout goes to /dev/null; the others' is captured.
func runTool(t *result) {
	cmd := exec.Command(t.argv[0], t.argv[1:]...)
	cmd.Env = append(os.Environ(), t.env...)
	var stdout, stderr bytes.Buffer
	if t.rq {
		f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			t.err = err
			return
		}
		defer f.Close()
		cmd.Stdout = f
	} else {
		cmd.Stdout = &stdout
	}
	cmd.Stderr = &stderr
	t0 := time.Now()
	err := cmd.Run()
	el := time.Since(t0)
	var cpu time.Duration
	if ps := cmd.ProcessState; ps != nil {
		if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
			t.rss = max(t.rss, ru.Maxrss) // KiB on Linux
		}
		cpu = ps.UserTime() + ps.SystemTime()
	}
	var ee *exec.ExitError
	// grep -c exits 1 when nothing matched; that is not a failure.
	if err != nil && !(t.argv[0] == "grep" && errors.As(err, &ee) && ee.ExitCode() == 1) {
		t.err = fmt.Errorf("%w\n%s", err, tail(stderr.String(), 2000))
		return
	}
	t.times = append(t.times, el)
	t.cpu = append(t.cpu, cpu)
	t.out = stdout.String()
}

// printExpected prints one expected summary.
func printExpected(label string, e expected) {
	fmt.Printf("%s: count=%d slow=%d  p50/p95/p99 endpoint %s/%s/%s ms, nearest-rank %s/%s/%s ms, interpolated %s/%s/%s ms, max %s ms\n",
		label, e.Requests, e.Slow, ms(e.P50e), ms(e.P95e), ms(e.P99e), ms(e.P50), ms(e.P95), ms(e.P99),
		ms(e.P50i), ms(e.P95i), ms(e.P99i), ms(e.Max))
}

// verify runs reqstats once more as rq ran, prints the small top-level
// members of its JSON (large ones only by size), and checks its totals
// against the generator's counts of the requests reqstats counts (Next's
// own endpoints excluded), in the percentile method the JSON reports.
func verify(rq *result, file string, m *meta) error {
	fmt.Printf("\n$ %s%s  (untimed, for -verify)\n", strings.Join(append(slices.Clone(rq.env), ""), " "), shellJoin(rq.argv))
	cmd := exec.Command(rq.argv[0], rq.argv[1:]...)
	cmd.Env = append(os.Environ(), rq.env...)
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("reqstats -o json: %w", err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(out, &top); err != nil {
		fmt.Println(head(string(out), 4000))
		return fmt.Errorf("reqstats -o json: %w", err)
	}
	keys := make([]string, 0, len(top))
	for k := range top {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		var c bytes.Buffer
		if json.Compact(&c, top[k]) == nil && c.Len() <= 600 {
			fmt.Printf("  %s: %s\n", k, c.String())
		} else {
			fmt.Printf("  %s: (%d bytes)\n", k, len(top[k]))
		}
	}
	var got struct {
		Totals struct {
			Count, Slow         int64
			MaxMs               float64 `json:"maxMs"`
			P50Ms, P95Ms, P99Ms float64
		} `json:"totals"`
		Settings struct {
			PercentileMethod string  `json:"percentileMethod"`
			ResolutionMs     float64 `json:"resolutionMs"`
		} `json:"settings"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		return fmt.Errorf("reqstats -o json: %w", err)
	}
	e := m.Public
	p50, p95, p99 := e.P50e, e.P95e, e.P99e
	switch got.Settings.PercentileMethod {
	case "endpoint":
	case "nearest-rank":
		p50, p95, p99 = e.P50, e.P95, e.P99
	case "linear":
		p50, p95, p99 = e.P50i, e.P95i, e.P99i
	default:
		return fmt.Errorf("reqstats -o json: unknown settings.percentileMethod %q", got.Settings.PercentileMethod)
	}
	t := got.Totals
	checks := []struct {
		name      string
		got, want float64
	}{
		{"totals.count", float64(t.Count), float64(e.Requests)},
		{"totals.slow", float64(t.Slow), float64(e.Slow)},
		{"totals.p50Ms", t.P50Ms, p50},
		{"totals.p95Ms", t.P95Ms, p95},
		{"totals.p99Ms", t.P99Ms, p99},
		{"totals.maxMs", t.MaxMs, e.Max},
	}
	fmt.Printf("verify (%s percentiles, resolution %s ms) against the generator without /_next/**, /__nextjs**:\n",
		got.Settings.PercentileMethod, ms(got.Settings.ResolutionMs))
	bad := 0
	for _, c := range checks {
		verdict := "ok"
		if math.Abs(c.got-c.want) > 1e-3 { // printed durations are whole µs at the finest
			verdict = "DIFFERS"
			bad++
		}
		fmt.Printf("  %-13s reqstats %-12s generator %-12s %s\n", c.name, ms(c.got), ms(c.want), verdict)
	}
	if bad > 0 {
		return fmt.Errorf("verify: %d of %d totals differ from the generator's", bad, len(checks))
	}
	return nil
}

// parseSize parses "100MB", "1GB", "512KiB" or a plain byte count; all
// suffixes are powers of 1024.
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	i := len(s)
	for i > 0 && (s[i-1] < '0' || s[i-1] > '9') && s[i-1] != '.' {
		i--
	}
	num, unit := s[:i], strings.ToUpper(strings.TrimSpace(s[i:]))
	mult := map[string]float64{
		"": 1, "B": 1,
		"K": 1 << 10, "KB": 1 << 10, "KIB": 1 << 10,
		"M": 1 << 20, "MB": 1 << 20, "MIB": 1 << 20,
		"G": 1 << 30, "GB": 1 << 30, "GIB": 1 << 30,
		"T": 1 << 40, "TB": 1 << 40, "TIB": 1 << 40,
	}[unit]
	if mult == 0 {
		return 0, fmt.Errorf("unknown size unit %q", unit)
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, err
	}
	return int64(f * mult), nil
}

// shellJoin quotes argv for display.
func shellJoin(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		if a == "" || strings.ContainsAny(a, " \t'\"\\$*?") {
			q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		} else {
			q[i] = a
		}
	}
	return strings.Join(q, " ")
}

// pct returns 100*a/b.
func pct(a, b int64) float64 { return 100 * float64(a) / float64(b) }

// mib formats KiB as MiB with one decimal.
func mib(kib int64) string { return fmt.Sprintf("%.1f MiB", float64(kib)/1024) }

// dur formats a duration as seconds with millisecond precision.
func dur(d time.Duration) string { return fmt.Sprintf("%.3fs", d.Seconds()) }

// ms formats milliseconds compactly.
func ms(v float64) string { return strconv.FormatFloat(math.Round(v*1e3)/1e3, 'f', -1, 64) }

// head returns the first n bytes of s.
func head(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// tail returns the last n bytes of s.
func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
