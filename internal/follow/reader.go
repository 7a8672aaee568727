package follow

import (
	"bytes"
	"context"
	"io"
)

// Reader delivers each line of r (a pipe such as stdin) to sink until EOF
// or ctx is done; a final line without "\n" is delivered too. Lines may be
// of any length.
//
// The line passed to sink has no trailing "\n" or "\r"; sink must not keep
// it after returning. Reader returns nil at EOF and when ctx ends, or the
// error of r's Read. Reads happen on a goroutine of their own, so that ctx
// can end the call while a Read blocks; that Read is abandoned (its data
// discarded) and the goroutine exits when it returns.
func Reader(ctx context.Context, r io.Reader, sink func(line []byte)) error {
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

	deliver := func(line []byte) {
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		sink(line)
	}
	var pending []byte // the current line's start, when it spans chunks
	for {
		var c chunk
		select {
		case <-ctx.Done():
			return nil
		case c = <-chunks:
		}
		data := c.data
		for {
			i := bytes.IndexByte(data, '\n')
			if i < 0 {
				break
			}
			if len(pending) > 0 {
				pending = append(pending, data[:i]...)
				deliver(pending)
				pending = pending[:0]
			} else {
				deliver(data[:i])
			}
			data = data[i+1:]
		}
		pending = append(pending, data...)
		free <- c.data[:cap(c.data)]
		switch {
		case c.err == io.EOF:
			if len(pending) > 0 {
				deliver(pending)
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
