package follow

import (
	"bytes"
	"context"
	"io"
	"iter"
)

// Reader hands the lines of r (a pipe such as stdin) to sink until EOF or
// ctx is done, in blocks as File does: each call of sink gets one or more
// whole lines, each with its "\n" (see Lines); a final line without one
// is handed over at EOF with a "\n" added. Lines may be of any length.
//
// sink must not keep the block after returning. Reader returns nil at EOF
// and when ctx ends, or the error of r's Read. Reads happen on a goroutine
// of their own, so that ctx can end the call while a Read blocks; that
// Read is abandoned (its data discarded) and the goroutine exits when it
// returns.
func Reader(ctx context.Context, r io.Reader, sink func(lines []byte)) error {
	if ctx.Err() != nil {
		return nil
	}
	type chunk struct {
		data []byte
		err  error
	}
	chunks := make(chan chunk)
	free := make(chan []byte, 2) // two buffers: one being read into, one being split
	free <- make([]byte, chunkLen)
	free <- make([]byte, chunkLen)
	quit := make(chan struct{})
	defer close(quit)
	go func() {
		for {
			var buf []byte
			select {
			case buf = <-free:
			case <-quit:
				return
			}
			n, err := r.Read(buf)
			select {
			case chunks <- chunk{buf[:n], err}:
			case <-quit:
				return
			}
			if err != nil {
				return
			}
		}
	}()

	var pending []byte // the current line's start, when it spans chunks
	for {
		var c chunk
		select {
		case <-ctx.Done():
			return nil
		case c = <-chunks:
		}
		data := c.data
		if last := bytes.LastIndexByte(data, '\n'); last >= 0 {
			if len(pending) > 0 { // the line it ends, alone
				i := bytes.IndexByte(data, '\n') + 1
				pending = append(pending, data[:i]...)
				sink(pending)
				pending = pending[:0]
				data, last = data[i:], last-i
			}
			if last >= 0 {
				sink(data[:last+1])
				data = data[last+1:]
			}
		}
		pending = append(pending, data...)
		free <- c.data[:cap(c.data)]
		switch {
		case c.err == io.EOF:
			if len(pending) > 0 {
				sink(append(pending, '\n'))
			}
			return nil
		case c.err != nil:
			return c.err
		}
		if cap(pending) > keepCap && len(pending) == 0 {
			pending = nil
		}
	}
}

// Lines yields the lines of a block that File or Reader handed to a sink,
// without their "\n" or "\r\n". A last line without "\n" is yielded as
// it is.
func Lines(block []byte) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		for rest := block; len(rest) > 0; {
			line := rest
			if i := bytes.IndexByte(rest, '\n'); i >= 0 {
				line, rest = rest[:i], rest[i+1:]
			} else {
				rest = nil
			}
			if n := len(line); n > 0 && line[n-1] == '\r' {
				line = line[:n-1]
			}
			if !yield(line) {
				return
			}
		}
	}
}
