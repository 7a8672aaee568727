package follow_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/reqstats/reqstats/internal/follow"
)

func TestReader(t *testing.T) {
	var input bytes.Buffer
	var want []string
	add := func(raw, line string) {
		input.WriteString(raw)
		want = append(want, line)
	}
	for i := range 1000 {
		add(requestLine(i)+"\n", requestLine(i))
	}
	big := strings.Repeat("z", 2<<20)
	add(" GET /big?"+big+" 200 in 3ms\n", " GET /big?"+big+" 200 in 3ms")
	add(" GET /crlf 200 in 1ms\r\n", " GET /crlf 200 in 1ms")
	add("\n", "")
	add("bin\x00ary \xff\xfe 200 in 2ms\n", "bin\x00ary \xff\xfe 200 in 2ms")
	add(" GET /last 200 in 4ms", " GET /last 200 in 4ms") // no "\n"

	pr, pw := io.Pipe()
	defer pr.Close() // ends the writer if follow.Reader returns early
	go func() {
		// Odd write sizes, so that lines span reads.
		data := input.Bytes()
		for i := 0; len(data) > 0; i++ {
			n := min(len(data), []int{1, 7, 4093, 70001, 1 << 20}[i%5])
			if _, err := pw.Write(data[:n]); err != nil {
				return
			}
			data = data[n:]
		}
		pw.Close()
	}()
	rec := newRecorder()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := follow.Reader(ctx, pr, rec.sink); err != nil {
		t.Fatalf("follow.Reader: %v", err)
	}
	if ctx.Err() != nil {
		t.Fatalf("follow.Reader did not return at EOF within %v", wait)
	}
	if d := diff(rec.snapshot(), want); d != "" {
		t.Error(d)
	}
	if bad := rec.badBlocks(); len(bad) > 0 {
		t.Errorf("blocks of no whole line: %q", bad)
	}
}

func TestLines(t *testing.T) {
	for _, c := range []struct {
		block string
		want  []string
	}{
		{"", nil},
		{"\n", []string{""}},
		{"a\nb\r\n\r\n\nc\r\r\n", []string{"a", "b", "", "", "c\r"}},
		{"a\nlast", []string{"a", "last"}},
	} {
		var got []string
		for line := range follow.Lines([]byte(c.block)) {
			got = append(got, string(line))
		}
		if d := diff(got, c.want); d != "" {
			t.Errorf("Lines(%q): %s", c.block, d)
		}
	}
	// A loop that stops early.
	for line := range follow.Lines([]byte("a\nb\n")) {
		if string(line) != "a" {
			t.Errorf("first line %q, want %q", line, "a")
		}
		break
	}
}

func TestReaderCancel(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	rec := newRecorder()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- follow.Reader(ctx, pr, rec.sink) }()
	if _, err := pw.Write([]byte(requestLine(1) + "\n" + requestLine(2))); err != nil {
		t.Fatal(err)
	}
	if !rec.waitCount(wait, 1) {
		t.Fatalf("follow.Reader delivered no line after %v", wait)
	}
	cancel() // while follow.Reader waits for the rest of the second line
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("follow.Reader returned %v, want nil", err)
		}
	case <-time.After(wait):
		t.Fatal("follow.Reader did not return after its context ended")
	}
	if d := diff(rec.snapshot(), []string{requestLine(1)}); d != "" {
		t.Error(d)
	}
}

func TestReaderError(t *testing.T) {
	pr, pw := io.Pipe()
	errBroken := errors.New("broken pipe")
	go func() {
		pw.Write([]byte(requestLine(1) + "\n" + requestLine(2)))
		pw.CloseWithError(errBroken)
	}()
	rec := newRecorder()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := follow.Reader(ctx, pr, rec.sink); !errors.Is(err, errBroken) {
		t.Errorf("follow.Reader returned %v, want %v", err, errBroken)
	}
	if d := diff(rec.snapshot(), []string{requestLine(1)}); d != "" {
		t.Error(d)
	}
}
