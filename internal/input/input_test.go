package input

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/reqstats/reqstats/parser"
)

// A line as Next prints it, with a character outside the BMP (a surrogate
// pair in UTF-16) and CRLF, as PowerShell writes it.
const text = " GET /api/users/42 200 in 145ms\r\n ✓ Compiled /api/😀 in 1.2s\r\n"

func utf16Bytes(s string, little bool) []byte {
	out := []byte{0xfe, 0xff}
	if little {
		out = []byte{0xff, 0xfe}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		if little {
			out = append(out, byte(u), byte(u>>8))
		} else {
			out = append(out, byte(u>>8), byte(u))
		}
	}
	return out
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name   string
		data   []byte
		want   string
		binary bool
	}{
		{"plain", []byte(text), text, false},
		{"gzip", gzipped([]byte(text)), text, false},
		{"utf-16le", utf16Bytes(text, true), text, false},
		{"utf-16be", utf16Bytes(text, false), text, false},
		{"gzipped utf-16le", gzipped(utf16Bytes(text, true)), text, false},
		{"odd utf-16 byte", append(utf16Bytes("ab", true), 'c'), "ab\uFFFD", false},
		{"binary", []byte("\x00\x01ELF GET /x 200 in 5ms\n"), "\x00\x01ELF GET /x 200 in 5ms\n", true},
		{"empty", nil, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A misleading name: formats are known by their bytes.
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".log")
			if err := os.WriteFile(path, tt.data, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, via := range []string{"file", "stdin"} {
				name, stdin := path, io.Reader(nil)
				if via == "stdin" {
					name, stdin = Stdin, bytes.NewReader(tt.data)
				}
				in, err := Open(name, stdin)
				if err != nil {
					t.Fatalf("%s: %v", via, err)
				}
				got, err := io.ReadAll(in.R)
				in.Close()
				if err != nil || string(got) != tt.want {
					t.Errorf("%s: read %q, %v; want %q", via, got, err, tt.want)
				}
				if in.Binary != tt.binary {
					t.Errorf("%s: Binary = %v, want %v", via, in.Binary, tt.binary)
				}
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(filepath.Join(dir, "nope.log"), nil); !os.IsNotExist(err) {
		t.Errorf("missing file: %v, want a not-exist error", err)
	}
	if _, err := Open(dir, nil); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
	bad := filepath.Join(dir, "bad.gz")
	os.WriteFile(bad, []byte{0x1f, 0x8b, 0, 0}, 0o644)
	if _, err := Open(bad, nil); err == nil || !strings.Contains(err.Error(), "read "+bad) {
		t.Errorf("bad gzip header: %v", err)
	}
}

func TestFollowable(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o644)
		return p
	}
	for _, tt := range []struct {
		name, want string
	}{
		{write("gz.log", gzipped([]byte(text))), "gzip-compressed: it cannot be followed"},
		{write("u16.log", utf16Bytes(text, true)), "UTF-16 text: it cannot be followed"},
		{write("plain.log", []byte(text)), ""},
		{write("one.log", []byte{0x1f}), ""},
		{filepath.Join(dir, "later.log"), ""}, // waited for
		{Stdin, ""},
	} {
		err := Followable(tt.name)
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("Followable(%s) = %v, want %q", filepath.Base(tt.name), err, tt.want)
		}
	}
}

func TestRead(t *testing.T) {
	p, err := parser.New(parser.Options{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "dev.log.gz")
	log := " ✓ Ready in 1.2s\n GET /a 200 in 5ms\n GET /b 200 in Xms\n GET /c 404 in 7ms\n"
	os.WriteFile(path, gzipped([]byte(log)), 0o644)
	var kinds []parser.Kind
	st, err := Read(path, nil, p, func(ev *parser.Event) { kinds = append(kinds, ev.Kind) })
	if err != nil {
		t.Fatal(err)
	}
	if st.Lines != 4 || st.Bytes != int64(len(log)) || st.Requests != 2 || st.Binary {
		t.Errorf("stats %+v, want 4 lines, %d bytes, 2 requests", st, len(log))
	}
	var requests, malformed int
	for _, k := range kinds {
		switch k {
		case parser.KindRequest:
			requests++
		case parser.KindMalformed:
			malformed++
		}
	}
	if requests != 2 || malformed != 1 {
		t.Errorf("events %v: want 2 requests and 1 malformed line", kinds)
	}
	if _, err := Read(filepath.Join(t.TempDir(), "nope"), nil, p, func(*parser.Event) { t.Error("event from a missing file") }); err == nil {
		t.Error("a missing file read without error")
	}
}

// TestReadShrunk truncates a file under its read, from the first event:
// the read tells, with both sizes, rather than hand back part of the
// file as if it were all of it.
func TestReadShrunk(t *testing.T) {
	p, err := parser.New(parser.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	line := " GET /api/users/42 200 in 145ms\n"
	for _, tc := range []struct {
		name  string
		lines int // many more than the read takes ahead of the events
		to    int64
	}{
		{"read ahead", 400_000, 1000},
		{"read through", 10, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".log")
			data := strings.Repeat(line, tc.lines)
			if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
			truncated := false
			st, err := Read(path, nil, p, func(*parser.Event) {
				if !truncated {
					truncated = true
					if err := os.Truncate(path, tc.to); err != nil {
						t.Fatal(err)
					}
				}
			})
			want := fmt.Sprintf("%s changed while it was read (truncated from %d to %d bytes)", path, len(data), tc.to)
			if !errors.Is(err, ErrChanged) || err.Error() != want {
				t.Errorf("err %v, want %q", err, want)
			}
			if st.Lines == 0 {
				t.Errorf("stats %+v: want what was read before the truncation", st)
			}
		})
	}
	// A file that grows while read has not changed.
	path := filepath.Join(dir, "grows.log")
	os.WriteFile(path, []byte(strings.Repeat(line, 10)), 0o644)
	grown := false
	if _, err := Read(path, nil, p, func(*parser.Event) {
		if !grown {
			grown = true
			f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			f.WriteString(line)
			f.Close()
		}
	}); err != nil {
		t.Errorf("a file that grew: %v", err)
	}
}

// gzipBomb returns size bytes of long lines of one letter, gzipped: they
// inflate about a thousand times.
func gzipBomb(t *testing.T, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	line := []byte(strings.Repeat("a", 1023) + "\n")
	for range size / len(line) {
		zw.Write(line)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestReadInflateLimit reads a gzip bomb, made here, and real log lines,
// gzipped, with the limit checked past 1 MiB instead of 64: the bomb
// stops with an error that names the file and the limit, unless the
// limit is raised or turned off; the log reads to its end.
func TestReadInflateLimit(t *testing.T) {
	p, err := parser.New(parser.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bomb := filepath.Join(dir, "bomb.log.gz")
	if err := os.WriteFile(bomb, gzipBomb(t, 8<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	for i := range 60000 {
		fmt.Fprintf(&log, " GET /api/users/%d 200 in %dms\n", i%977, i%1500)
	}
	real := filepath.Join(dir, "dev.log.gz")
	os.WriteFile(real, gzipped([]byte(log.String())), 0o644)

	for _, tc := range []struct {
		name     string
		path     string
		max      int
		stopped  bool
		wantMiB  int64 // inflated by the end
		wantText string
	}{
		{"bomb, default", bomb, 0, true, 1, "read " + bomb + ": inflates to more than the limit of 100 times its compressed size (1 MiB from "},
		{"bomb, raised", bomb, 5000, false, 8, ""},
		{"bomb, no limit", bomb, -1, false, 8, ""},
		{"real log", real, 0, false, 1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := Options{MaxInflate: tc.max, inflateFloor: 1 << 20}
			st, err := o.Read(tc.path, nil, p, func(*parser.Event) {})
			if tc.stopped != errors.Is(err, ErrInflate) || tc.wantText != "" && !strings.HasPrefix(fmt.Sprint(err), tc.wantText) {
				t.Fatalf("err %v, want stopped %v: %q", err, tc.stopped, tc.wantText)
			}
			if !tc.stopped && err != nil {
				t.Fatal(err)
			}
			if st.Bytes>>20 != tc.wantMiB {
				t.Errorf("read %d bytes, want %d MiB", st.Bytes, tc.wantMiB)
			}
		})
	}
}
