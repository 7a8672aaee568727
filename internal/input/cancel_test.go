package input

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/reqstats/reqstats/parser"
	"github.com/reqstats/reqstats/testdata/genlog"
)

var errStop = errors.New("stopped")

// TestReadContextPipe stops a read blocked on a pipe that stays open:
// the events of the lines written before are passed, and the error is
// ctx's cause.
func TestReadContextPipe(t *testing.T) {
	p, _ := parser.New(parser.Options{})
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancelCause(context.Background())
	requests := make(chan string, 10)
	done := make(chan error, 1)
	go func() {
		_, err := ReadContext(ctx, Stdin, pr, p, func(ev *parser.Event) {
			if ev.Kind == parser.KindRequest {
				requests <- ev.Request.Path
			}
		})
		done <- err
	}()
	// Write returns once the bytes are read; the read goes on, blocked.
	pw.Write([]byte(" GET /a 200 in 5ms\n GET /b 200 in 7ms\n"))
	cancel(errStop)
	select {
	case err := <-done:
		if !errors.Is(err, errStop) {
			t.Errorf("err %v, want the cause", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the read did not stop")
	}
	close(requests)
	var got []string
	for r := range requests {
		got = append(got, r)
	}
	if !slices.Equal(got, []string{"/a", "/b"}) {
		t.Errorf("requests passed %q, want /a and /b", got)
	}
}

// TestReadContextFile reads a regular file with a context that ends
// during the read: the read stops at the next block with the cause.
func TestReadContextFile(t *testing.T) {
	p, _ := parser.New(parser.Options{})
	path := filepath.Join(t.TempDir(), "big.log")
	os.WriteFile(path, bytes.Repeat([]byte(" GET /a 200 in 5ms\n"), 1<<16), 0o644)
	ctx, cancel := context.WithCancelCause(context.Background())
	n := 0
	st, err := ReadContext(ctx, path, nil, p, func(ev *parser.Event) {
		if n++; n == 10 {
			cancel(errStop)
		}
	})
	if !errors.Is(err, errStop) {
		t.Errorf("err %v, want the cause", err)
	}
	if st.Lines >= 1<<16 {
		t.Errorf("read all %d lines after the cancel", st.Lines)
	}
	// A context never done reads as Read does.
	st, err = ReadContext(context.Background(), path, nil, p, func(*parser.Event) {})
	if err != nil || st.Lines != 1<<16 {
		t.Errorf("background: %d lines, %v", st.Lines, err)
	}
}

// BenchmarkReadContext reads a generated log through Read and through
// ReadContext, from a file and from a pipe, to show what the check costs.
func BenchmarkReadContext(b *testing.B) {
	var log bytes.Buffer
	if _, err := genlog.Generate(&log, genlog.Options{Seed: 1, Size: 32 << 20}); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "gen.log")
	if err := os.WriteFile(path, log.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	p, _ := parser.New(parser.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, c := range []struct {
		name string
		read func(name string, stdin io.Reader) (Stats, error)
		pipe bool
	}{
		{"file/Read", func(n string, in io.Reader) (Stats, error) { return Read(n, in, p, func(*parser.Event) {}) }, false},
		{"file/ReadContext", func(n string, in io.Reader) (Stats, error) {
			return ReadContext(ctx, n, in, p, func(*parser.Event) {})
		}, false},
		{"pipe/Read", func(n string, in io.Reader) (Stats, error) { return Read(n, in, p, func(*parser.Event) {}) }, true},
		{"pipe/ReadContext", func(n string, in io.Reader) (Stats, error) {
			return ReadContext(ctx, n, in, p, func(*parser.Event) {})
		}, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(log.Len()))
			for b.Loop() {
				name, stdin := path, io.Reader(nil)
				if c.pipe {
					f, err := os.Open(path)
					if err != nil {
						b.Fatal(err)
					}
					// An io.Pipe fed from the file: reads that can block.
					pr, pw := io.Pipe()
					go func() { io.Copy(pw, f); f.Close(); pw.Close() }()
					name, stdin = Stdin, pr
				}
				if st, err := c.read(name, stdin); err != nil || st.Requests == 0 {
					b.Fatal(st, err)
				}
			}
		})
	}
}
