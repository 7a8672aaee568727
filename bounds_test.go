package main

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGzipBomb reads a gzip bomb made here (80 MiB of long lines of one
// letter, 80 KiB gzipped) beside a real log: the bomb stops past 64 MiB
// with an error naming it and the limit, the log is still counted, and
// the exit status is 1. --max-inflate 0 reads the bomb to its end.
func TestGzipBomb(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	line := []byte(strings.Repeat("a", 1023) + "\n")
	for range 80 << 10 {
		zw.Write(line)
	}
	zw.Close()
	bomb := filepath.Join(dir, "bomb.log.gz")
	if err := os.WriteFile(bomb, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "", "-o", "csv", bomb, "testdata/dev-server.log")
	want := "reqstats: read " + bomb + ": inflates to more than the limit of 100 times its compressed size (64 MiB from "
	if code != 3 || !strings.HasPrefix(stderr, want) || !strings.Contains(stderr, "(--max-inflate raises the limit)") {
		t.Errorf("exit %d, stderr %q; want 3 (an input could not be read) and %q…", code, stderr, want)
	}
	if !strings.Contains(stdout, "/api/") {
		t.Errorf("the other input was not counted:\n%s", stdout)
	}
	code, _, stderr = runCLI(t, "", "-o", "csv", "--max-inflate", "0", bomb)
	if code != 0 || stderr != "" {
		t.Errorf("--max-inflate 0: exit %d, stderr %q", code, stderr)
	}
}
