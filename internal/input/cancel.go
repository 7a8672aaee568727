package input

import (
	"context"
	"io"
	"os"
	"time"

	"github.com/reqstats/reqstats/parser"
)

// ReadContext is Read, stopped when ctx is done: the input then reads as
// ending with ctx's cause (context.Cause) as its error, and the events of
// the whole lines read before it have been passed. A read blocked on a
// pipe or a terminal is abandoned, not waited for; a regular file is
// only checked between reads, which never block for long.
func ReadContext(ctx context.Context, name string, stdin io.Reader, p *parser.Parser, fn func(*parser.Event)) (Stats, error) {
	return Options{}.ReadContext(ctx, name, stdin, p, fn)
}

// ReadContext is ReadContext with the options o.
func (o Options) ReadContext(ctx context.Context, name string, stdin io.Reader, p *parser.Parser, fn func(*parser.Event)) (Stats, error) {
	if ctx.Done() == nil { // never done: read as Read does
		return o.Read(name, stdin, p, fn)
	}
	in, err := o.open(name, stdin, func(r io.Reader) io.Reader { return newCtxReader(ctx, r) })
	if err != nil {
		return Stats{}, err
	}
	return o.scan(in, p, fn)
}

// ReadReader is ReadContext of r, an input already open (a command's
// output), named name in the events and the errors. Like standard input,
// it is decoded from gzip and UTF-16 when it starts as they do.
func ReadReader(ctx context.Context, name string, r io.Reader, p *parser.Parser, fn func(*parser.Event)) (Stats, error) {
	return Options{}.ReadReader(ctx, name, r, p, fn)
}

// ReadReader is ReadReader with the options o.
func (o Options) ReadReader(ctx context.Context, name string, r io.Reader, p *parser.Parser, fn func(*parser.Event)) (Stats, error) {
	in := &Input{Name: name, R: newCtxReader(ctx, r)}
	if err := in.decode(o); err != nil {
		return Stats{}, err
	}
	return o.scan(in, p, fn)
}

// ctxReader reads r until ctx is done, then returns ctx's cause. The check
// is once per Read, a block of 64 KiB or more, so the cost does not show
// beside the parse of the block.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
	// blocks: r can block for as long as its writer likes (a pipe, a
	// terminal), so each Read runs on a goroutine of its own into buf,
	// which is abandoned when ctx ends first.
	blocks bool
	buf    []byte
	done   chan readResult
}

type readResult struct {
	n   int
	err error
}

func newCtxReader(ctx context.Context, r io.Reader) *ctxReader {
	c := &ctxReader{ctx: ctx, r: r, blocks: true}
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			c.blocks = false
		}
	}
	return c
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := context.Cause(c.ctx); err != nil {
		return 0, err
	}
	if !c.blocks {
		return c.r.Read(p)
	}
	if cap(c.buf) < len(p) {
		c.buf = make([]byte, len(p))
	}
	if c.done == nil {
		c.done = make(chan readResult, 1)
	}
	buf := c.buf[:len(p)]
	go func() {
		n, err := c.r.Read(buf)
		c.done <- readResult{n, err}
	}()
	select {
	case res := <-c.done:
		return copy(p, buf[:res.n]), res.err
	case <-c.ctx.Done():
	}
	// A read that has just returned its bytes as the signal came is not
	// to be lost: it is given a moment to hand them over.
	t := time.NewTimer(handOver)
	defer t.Stop()
	select {
	case res := <-c.done:
		return copy(p, buf[:res.n]), res.err
	case <-t.C:
		// The read goes on into buf, which is never looked at again.
		c.buf = nil
		return 0, context.Cause(c.ctx)
	}
}

// handOver is how long a read in progress when ctx ends is waited for.
const handOver = 50 * time.Millisecond
