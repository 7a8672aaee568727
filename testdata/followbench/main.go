// Command followbench times how fast `reqstats -f --serve` catches up on a
// large generated `next dev` log, as its served endpoint sees it.
//
//	go run ./testdata/followbench [-size 100MB] [-seed 1] [-runs 3] [-from-start] [-bin PATH] [-base PATH] [-timeout 10m]
//
// It
//
//  1. builds reqstats with `go build -o TMP/reqstats .` in the module root
//     (found with `go env GOMOD`), or takes the binary -bin names; with
//     -base, it also times the binaries it lists (other versions of
//     reqstats, comma-separated), in turn with the first, run for run, on
//     the same log;
//  2. generates a log of -size bytes with testdata/genlog, and takes as the
//     expected count what `reqstats -o json LOG` reports as totals.count
//     (checking that `reqstats -o api LOG` reports the same totalRequests,
//     which is what the endpoint serves);
//  3. for each of -runs runs: starts `reqstats -f --serve 127.0.0.1:PORT
//     RUNLOG` (a free loopback port) on an empty RUNLOG, waits until it
//     answers /healthz, appends the whole log to RUNLOG in writes of 4 MiB,
//     and polls GET /api/performance/metrics every 5 ms until its
//     totalRequests is the expected count; the time runs from the first
//     write to that answer. With -from-start, RUNLOG holds the whole log
//     before reqstats starts, and the time runs from its start. A count
//     above the expected one, a process that exits, or -timeout ends the
//     run with an error. The process is stopped by its PID (SIGTERM, then
//     SIGKILL after 10 s);
//  4. prints each run and the best one: lines, bytes, seconds, lines/s and
//     MB/s (MB = 10^6 bytes), and for each run the CPU time reqstats used
//     from its start to its end (less noisy than the time on a busy
//     machine); with -base, also how many times faster the
//     best run of the first binary was than the best of each other one.
//
// The endpoint answers from a snapshot taken every 100 ms, so a time is
// late by up to that much plus one poll.
//
// Sizes take the suffixes K, KB, KiB, M, MB, MiB, G, GB, GiB, all powers
// of 1024; a plain number is bytes. Everything is written under a new
// temporary directory, removed at the end.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/reqstats/reqstats/testdata/genlog"
)

func main() {
	size := flag.String("size", "100MB", "size of the generated log")
	seed := flag.Int64("seed", 1, "genlog seed")
	runs := flag.Int("runs", 3, "runs; the best is reported")
	fromStart := flag.Bool("from-start", false, "start reqstats on the full file instead of appending to an empty one")
	bin := flag.String("bin", "", "reqstats binary to time (default: build the module's)")
	base := flag.String("base", "", "other reqstats binaries (comma-separated) to time in turn with the first, to compare")
	timeout := flag.Duration("timeout", 10*time.Minute, "bound on one run")
	flag.Parse()
	n, err := parseSize(*size)
	if err == nil {
		err = run(n, *seed, *runs, *fromStart, *bin, *base, *timeout)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "followbench: %v\n", err)
		os.Exit(1)
	}
}

func run(size, seed int64, runs int, fromStart bool, bin, base string, timeout time.Duration) error {
	tmp, err := os.MkdirTemp("", "followbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if bin == "" {
		if bin, err = build(tmp); err != nil {
			return err
		}
	}
	bins := []string{bin}
	if base != "" {
		bins = append(bins, strings.Split(base, ",")...)
	}
	log := filepath.Join(tmp, "full.log")
	st, err := generate(log, seed, size)
	if err != nil {
		return err
	}
	var want int64
	for i, b := range bins {
		n, err := expectedCount(b, log)
		if err != nil {
			return err
		}
		if i > 0 && n != want {
			return fmt.Errorf("%s counts %d requests, %s %d", b, n, bins[0], want)
		}
		want = n
	}
	mode := "append"
	if fromStart {
		mode = "from-start"
	}
	fmt.Printf("log: %d bytes, %d lines, %d requests (%d to Next's own endpoints); served count expected: %d\nmode: %s\n",
		st.Bytes, st.Lines, st.Requests, st.Internal, want, mode)
	best := make([]time.Duration, len(bins))
	for i := range runs {
		for j, b := range bins {
			runLog := filepath.Join(tmp, "run.log")
			d, cpu, err := once(b, log, runLog, want, fromStart, timeout)
			os.Remove(runLog)
			if err != nil {
				return fmt.Errorf("%s, run %d: %w", b, i+1, err)
			}
			fmt.Printf("%s run %d: %s; %.3f s of CPU\n", b, i+1, rate(st, d), cpu.Seconds())
			if best[j] == 0 || d < best[j] {
				best[j] = d
			}
		}
	}
	for j, b := range bins {
		fmt.Printf("%s best of %d: %s\n", b, runs, rate(st, best[j]))
	}
	for j := 1; j < len(bins); j++ {
		fmt.Printf("%s is %.2f times as fast as %s\n", bins[0], best[j].Seconds()/best[0].Seconds(), bins[j])
	}
	return nil
}

// rate formats a run's figures.
func rate(st genlog.Stats, d time.Duration) string {
	s := d.Seconds()
	return fmt.Sprintf("%d lines, %d bytes, %.3f s, %.0f lines/s, %.1f MB/s",
		st.Lines, st.Bytes, s, float64(st.Lines)/s, float64(st.Bytes)/s/1e6)
}

// build builds the module's reqstats into dir.
func build(dir string) (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside the reqstats module")
	}
	bin := filepath.Join(dir, "reqstats")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = filepath.Dir(mod)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build: %w", err)
	}
	return bin, nil
}

// generate writes the log.
func generate(path string, seed, size int64) (genlog.Stats, error) {
	f, err := os.Create(path)
	if err != nil {
		return genlog.Stats{}, err
	}
	st, err := genlog.Generate(f, genlog.Options{Seed: seed, Size: size})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return st, err
}

// expectedCount returns what reqstats counts in the whole log: -o json's
// totals.count, checked against -o api's totalRequests.
func expectedCount(bin, log string) (int64, error) {
	var j struct {
		Totals struct {
			Count *int64 `json:"count"`
		} `json:"totals"`
	}
	if err := runJSON(bin, &j, "-o", "json", log); err != nil {
		return 0, err
	}
	var a struct {
		Total *int64 `json:"totalRequests"`
	}
	if err := runJSON(bin, &a, "-o", "api", log); err != nil {
		return 0, err
	}
	if j.Totals.Count == nil || a.Total == nil {
		return 0, errors.New("reqstats -o json or -o api reported no count")
	}
	if *j.Totals.Count != *a.Total {
		return 0, fmt.Errorf("-o json counts %d requests, -o api %d", *j.Totals.Count, *a.Total)
	}
	return *j.Totals.Count, nil
}

// runJSON runs bin with args and decodes its output into v.
func runJSON(bin string, v any, args ...string) error {
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("reqstats %s: %w: %s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return json.Unmarshal(out, v)
}

// once times one run.
// once times one run, and returns the CPU time (user and system) the
// process used in all, from its start to its end.
func once(bin, log, path string, want int64, fromStart bool, timeout time.Duration) (d, cpu time.Duration, err error) {
	if fromStart {
		if err := appendFile(path, log); err != nil {
			return 0, 0, err
		}
	} else if err := os.WriteFile(path, nil, 0o644); err != nil {
		return 0, 0, err
	}
	addr, err := freePort()
	if err != nil {
		return 0, 0, err
	}
	start := time.Now()
	cmd := exec.Command(bin, "-f", "--serve", addr, path)
	cmd.Stdout = io.Discard
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		stop(cmd, exited)
		if st := cmd.ProcessState; st != nil {
			cpu = st.UserTime() + st.SystemTime()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	client := &http.Client{Timeout: 10 * time.Second}
	get := func(target string) ([]byte, error) {
		req, err := http.NewRequestWithContext(ctx, "GET", "http://"+addr+target, nil)
		if err != nil {
			return nil, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("GET %s: %s", target, resp.Status)
		}
		return io.ReadAll(resp.Body)
	}
	// wait polls until check says done, the process exits or ctx ends.
	wait := func(what string, check func() (bool, error)) error {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			done, err := check()
			if done || err != nil {
				return err
			}
			select {
			case err := <-exited:
				exited <- err
				return fmt.Errorf("reqstats exited (%v) before %s: %s", err, what, stderr.Bytes())
			case <-ctx.Done():
				return fmt.Errorf("%s: not within %v", what, timeout)
			case <-tick.C:
			}
		}
	}
	if err := wait("it served", func() (bool, error) {
		_, err := get("/healthz")
		return err == nil, nil
	}); err != nil {
		return 0, 0, err
	}
	if !fromStart {
		start = time.Now()
		if err := appendFile(path, log); err != nil {
			return 0, 0, err
		}
	}
	var got int64
	err = wait("the count was reached", func() (bool, error) {
		body, err := get("/api/performance/metrics")
		if err != nil {
			return false, nil // not served yet, or a slow answer: ask again
		}
		var a struct {
			Total int64 `json:"totalRequests"`
		}
		if err := json.Unmarshal(body, &a); err != nil {
			return false, fmt.Errorf("endpoint: %w", err)
		}
		got = a.Total
		if got > want {
			return false, fmt.Errorf("endpoint counts %d requests, more than the %d expected", got, want)
		}
		return got == want, nil
	})
	d = time.Since(start)
	if err != nil {
		return 0, 0, fmt.Errorf("%w (last count %d of %d)", err, got, want)
	}
	return d, 0, nil
}

// appendFile appends the file src to dst, in writes of 4 MiB.
func appendFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	buf := make([]byte, 4<<20)
	_, err = io.CopyBuffer(struct{ io.Writer }{out}, struct{ io.Reader }{in}, buf)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// freePort returns a loopback address whose port was free a moment ago.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

// stop ends the process cmd by its PID: SIGTERM, then SIGKILL if it has
// not exited 10 s later.
func stop(cmd *exec.Cmd, exited chan error) {
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-exited
	}
}

// parseSize reads a size such as 100MB (powers of 1024).
func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{
		{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
		{"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30},
		{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30},
	}
	mult := int64(1)
	num := s
	for _, u := range units {
		if rest, ok := strings.CutSuffix(s, u.suffix); ok {
			num, mult = rest, u.mult
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad -size %q", s)
	}
	return n * mult, nil
}
