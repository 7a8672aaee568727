// Command bench times reqstats against wc -l and grep -c on a large
// generated `next dev` log.
//
//	go run ./testdata/bench [-size 1GB] [-seed 1] [-file /tmp/reqstats-bench.log] [-keep] [-runs 3] [-verify]
//
// It
//
//  1. generates the log with testdata/genlog, or reuses FILE when its sidecar
//     FILE.meta.json says it was made by the same generator version with the
//     same seed and size (and the file still has the recorded length);
//  2. builds reqstats with `go build -o TMP/reqstats .` in the module root
//     (found with `go env GOMOD`);
//  3. reads the file once to warm the page cache, then runs each of
//     `wc -l FILE`, `grep -c ' in ' FILE` and `TMP/reqstats -o json FILE
//     >/dev/null` -runs times, and reports the best and median wall time,
//     throughput, the throughput ratios and reqstats' peak RSS (the largest
//     rusage Maxrss of its runs);
//  4. exits non-zero if reqstats fails to build or exits non-zero.
//
// Sizes take the suffixes K, KB, KiB, M, MB, MiB, G, GB, GiB, T, TB, TiB, all
// powers of 1024 (so 1GB = 1 GiB = 1073741824 bytes); a plain number is
// bytes. Throughput is reported in MB/s with MB = 10^6 bytes.
//
// With -verify, one more (untimed) reqstats run captures the JSON and prints
// it next to the counts and percentiles the generator recorded.
//
// Without -keep the log and its sidecar are deleted at the end, so a later
// run regenerates them; with -keep they stay for reuse.
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

// meta is the sidecar written next to the generated log.
type meta struct {
	Generator string       `json:"generator"`
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
	// Nearest-rank percentiles (sorted[ceil(q*n)-1]) in ms.
	P50, P95, P99 float64
	// Linearly interpolated percentiles (sorted[(n-1)*q]) in ms.
	P50i, P95i, P99i float64
	Max              float64
}

// result is the timing of one tool.
type result struct {
	name  string
	argv  []string
	times []time.Duration
	rss   int64 // KiB, max over runs
	out   string
	err   error
}

// best returns the fastest run.
func (r *result) best() time.Duration { return slices.Min(r.times) }

// median returns the median run.
func (r *result) median() time.Duration {
	t := slices.Clone(r.times)
	slices.Sort(t)
	return t[len(t)/2]
}

// main parses the flags and runs the benchmark.
func main() {
	log := func(format string, a ...any) { fmt.Fprintf(os.Stderr, "bench: "+format+"\n", a...) }
	sizeFlag := flag.String("size", "1GB", "log size (K/M/G/T suffixes are powers of 1024)")
	seed := flag.Int64("seed", 1, "generator seed")
	file := flag.String("file", "/tmp/reqstats-bench.log", "log file to generate or reuse")
	keep := flag.Bool("keep", false, "keep the log (and its sidecar) for reuse by later runs")
	runs := flag.Int("runs", 3, "timed runs per tool")
	verify := flag.Bool("verify", false, "after timing, run reqstats once more and print its JSON next to the generator's counts")
	genOnly := flag.Bool("generate-only", false, "only generate the log (the bench runs itself so to keep its own memory small)")
	flag.Parse()
	size, err := parseSize(*sizeFlag)
	if err != nil || size <= 0 || *runs < 1 {
		log("bad -size %q or -runs %d: %v", *sizeFlag, *runs, err)
		os.Exit(2)
	}
	if *genOnly {
		if _, err := ensureLog(*file, size, *seed); err != nil {
			log("%v", err)
			os.Exit(1)
		}
		return
	}
	code, err := run(*file, size, *seed, *keep, *runs, *verify)
	if err != nil {
		log("%v", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// run does the whole benchmark and returns the exit code.
func run(file string, size, seed int64, keep bool, runs int, verify bool) (int, error) {
	// Generate in a child process: a child's rusage Maxrss on Linux counts
	// the memory it shared with this process before exec (Go starts
	// children with vfork), so the generator's heap, grown here, would be
	// charged to reqstats.
	gen := exec.Command(os.Args[0], "-generate-only", "-file", file, "-size", strconv.FormatInt(size, 10)+"B", "-seed", strconv.FormatInt(seed, 10))
	gen.Stdout, gen.Stderr = os.Stdout, os.Stderr
	if err := gen.Run(); err != nil {
		return 1, fmt.Errorf("generate: %w", err)
	}
	m, err := ensureLog(file, size, seed)
	if err != nil {
		return 1, err
	}
	if !keep {
		defer os.Remove(file)
		defer os.Remove(file + ".meta.json")
	}
	fmt.Printf("log: %s  %d bytes  %d lines  %d requests (%.1f%%)  %d slow  %d long lines (max %d B)  %d CRLF\n",
		file, m.Stats.Bytes, m.Stats.Lines, m.Stats.Requests,
		100*float64(m.Stats.Requests)/float64(m.Stats.Lines), m.Stats.Slow, m.Stats.Long, m.Stats.MaxLine, m.Stats.CRLF)
	printExpected("expected (all request lines)", m.Expected)
	printExpected("expected (without /_next/**, /__nextjs**)", m.Public)

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

	t0 := time.Now()
	n, err := warm(file)
	if err != nil {
		return 1, err
	}
	el := time.Since(t0)
	fmt.Printf("warmed page cache: read %d bytes in %v (%.0f MB/s)\n", n, el.Round(time.Millisecond), float64(n)/1e6/el.Seconds())
	fmt.Printf("locale: LANG=%q LC_ALL=%q; %d runs each, best and median wall time\n", os.Getenv("LANG"), os.Getenv("LC_ALL"), runs)

	tools := []*result{
		{name: "wc -l", argv: []string{"wc", "-l", file}},
		{name: "grep -c", argv: []string{"grep", "-c", " in ", file}},
	}
	var rq *result
	if buildErr == nil {
		rq = &result{name: "reqstats", argv: []string{bin, "-o", "json", file}}
		tools = append(tools, rq)
	}
	for _, t := range tools {
		fmt.Printf("$ %s%s\n", shellJoin(t.argv), map[bool]string{true: " >/dev/null", false: ""}[t == rq])
		timeTool(t, runs, t == rq)
		if t.err != nil {
			fmt.Printf("  FAILED: %v\n", t.err)
		} else if t.out != "" {
			fmt.Printf("  -> %s\n", strings.TrimSpace(t.out))
		}
	}

	fmt.Println()
	fmt.Printf("%-10s %10s %10s %10s\n", "tool", "best", "median", "MB/s")
	mbps := map[string]float64{}
	for _, t := range tools {
		if len(t.times) == 0 {
			continue
		}
		mbps[t.name] = float64(m.Stats.Bytes) / 1e6 / t.best().Seconds()
		fmt.Printf("%-10s %10s %10s %10.1f\n", t.name, dur(t.best()), dur(t.median()), mbps[t.name])
	}
	if buildErr != nil {
		return 1, fmt.Errorf("reqstats did not build: %w", buildErr)
	}
	if rq.err != nil {
		return 1, fmt.Errorf("reqstats failed: %w", rq.err)
	}
	fmt.Printf("reqstats/grep throughput: %.2fx\n", mbps["reqstats"]/mbps["grep -c"])
	fmt.Printf("wc/reqstats throughput:   %.2fx\n", mbps["wc -l"]/mbps["reqstats"])
	fmt.Printf("reqstats peak RSS: %d MiB\n", (rq.rss+1023)/1024)

	if verify {
		if err := showJSON(bin, file, m); err != nil {
			return 1, err
		}
	}
	return 0, nil
}

// ensureLog reuses file if its sidecar matches, else generates it.
func ensureLog(file string, size, seed int64) (*meta, error) {
	side := file + ".meta.json"
	if b, err := os.ReadFile(side); err == nil {
		var m meta
		fi, ferr := os.Stat(file)
		if json.Unmarshal(b, &m) == nil && ferr == nil && m.Generator == genlog.Version &&
			m.Seed == seed && m.Size == size && fi.Size() == m.Stats.Bytes {
			fmt.Printf("reusing %s (sidecar %s matches %s seed=%d size=%d)\n", file, side, m.Generator, seed, size)
			return &m, nil
		}
	}
	fmt.Printf("generating %s: genlog.Generate(Options{Seed: %d, Size: %d}) [%s]\n", file, seed, size, genlog.Version)
	os.Remove(side)
	f, err := os.Create(file + ".tmp")
	if err != nil {
		return nil, err
	}
	var durs, public []int64
	t0 := time.Now()
	st, err := genlog.Generate(f, genlog.Options{
		Seed: seed,
		Size: size,
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
	m := &meta{Generator: genlog.Version, Seed: seed, Size: size, Stats: st, Expected: summarize(durs), Public: summarize(public)}
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
	interp := func(q float64) float64 {
		x := q * float64(len(durs)-1)
		i := int(x)
		if i+1 >= len(durs) {
			return toMs(float64(durs[i]))
		}
		f := x - float64(i)
		return toMs(float64(durs[i]) + f*float64(durs[i+1]-durs[i]))
	}
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

// timeTool runs t.argv runs times and records wall times and peak RSS. When
// devNull is set, stdout goes to /dev/null; otherwise it is captured.
func timeTool(t *result, runs int, devNull bool) {
	for i := 0; i < runs; i++ {
		cmd := exec.Command(t.argv[0], t.argv[1:]...)
		var stdout, stderr bytes.Buffer
		var null *os.File
		if devNull {
			f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
			if err != nil {
				t.err = err
				return
			}
			null = f
			cmd.Stdout = f
		} else {
			cmd.Stdout = &stdout
		}
		cmd.Stderr = &stderr
		t0 := time.Now()
		err := cmd.Run()
		el := time.Since(t0)
		if null != nil {
			null.Close()
		}
		if cmd.ProcessState != nil {
			if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
				t.rss = max(t.rss, ru.Maxrss) // KiB on Linux
			}
		}
		var ee *exec.ExitError
		// grep -c exits 1 when nothing matched; that is not a failure.
		if err != nil && !(t.argv[0] == "grep" && errors.As(err, &ee) && ee.ExitCode() == 1) {
			t.err = fmt.Errorf("%w\n%s", err, tail(stderr.String(), 2000))
			return
		}
		t.times = append(t.times, el)
		t.out = stdout.String()
		fmt.Printf("  run %d: %s\n", i+1, dur(el))
	}
}

// printExpected prints one expected summary.
func printExpected(label string, e expected) {
	fmt.Printf("%s: count=%d slow=%d  p50/p95/p99 nearest-rank %s/%s/%s ms, interpolated %s/%s/%s ms, max %s ms\n",
		label, e.Requests, e.Slow, ms(e.P50), ms(e.P95), ms(e.P99), ms(e.P50i), ms(e.P95i), ms(e.P99i), ms(e.Max))
}

// showJSON runs reqstats once more and prints the small top-level members of
// its JSON (large ones only by size) next to the generator's expectations.
func showJSON(bin, file string, m *meta) error {
	fmt.Printf("\n$ %s  (untimed, for -verify)\n", shellJoin([]string{bin, "-o", "json", file}))
	out, err := exec.Command(bin, "-o", "json", file).Output()
	if err != nil {
		return fmt.Errorf("reqstats -o json: %w", err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(out, &top); err != nil {
		fmt.Println(head(string(out), 4000))
	} else {
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
	}
	printExpected("expected (all request lines)", m.Expected)
	printExpected("expected (without /_next/**, /__nextjs**)", m.Public)
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
