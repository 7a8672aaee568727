package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/parser"
	"github.com/reqstats/reqstats/report"
	"github.com/reqstats/reqstats/testdata/genlog"
)

// TestParallelSameBytes checks that reading a log on several goroutines
// gives the same bytes as reading it on one: a generated dev log with
// every kind of line, summarised by the command (which parses on a worker
// per core) and by a plain Scanner → Aggregator loop.
func TestParallelSameBytes(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2)) // workers even on one core
	var log bytes.Buffer
	if _, err := genlog.Generate(&log, genlog.Options{Seed: 7, Size: 6 << 20}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "gen.log")
	if err := os.WriteFile(path, log.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	code, got, errOut := runCLI(t, "", "-o", "json", "--app-dir", "none", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}

	opts, err := parseOptions([]string{"-o", "json", "--app-dir", "none", path})
	if err != nil {
		t.Fatal(err)
	}
	if err := opts.resolve(io.Discard); err != nil {
		t.Fatal(err)
	}
	p, _ := parser.New(opts.parse)
	agg := aggregate.New(opts.agg)
	sc := parser.NewScanner(bytes.NewReader(log.Bytes()), path, p)
	for sc.Scan() {
		agg.Add(sc.Event())
	}
	agg.AddInput(path, sc.Lines(), sc.Bytes(), sc.Err())
	var want bytes.Buffer
	report.WriteJSON(&want, agg.Summary(), report.Options{Version: version()})
	if got != want.String() {
		t.Errorf("workers and one goroutine differ:\n%s", diffLines(want.String(), got))
	}
}

// diffLines returns the first lines where a and b differ.
func diffLines(a, b string) string {
	al, bl := bytes.Split([]byte(a), []byte("\n")), bytes.Split([]byte(b), []byte("\n"))
	for i := range min(len(al), len(bl)) {
		if !bytes.Equal(al[i], bl[i]) {
			return "line " + strconv.Itoa(i+1) + ":\nwant " + string(al[i]) + "\n got " + string(bl[i])
		}
	}
	return "lengths differ"
}
