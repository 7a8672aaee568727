package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"unicode/utf16"
	"unicode/utf8"
)

// defaultLog is what reqstats reads when given no file and no pipe: the
// file `next dev > dev-server.log` writes.
const defaultLog = "dev-server.log"

// input is one source of log lines.
type input struct {
	name string // as the user named it; "-" for standard input
	r    io.Reader
	c    io.Closer // nil for standard input
	// binary is set when the first block of the input holds NUL bytes
	// and it is not UTF-16 text.
	binary bool
}

// open returns the input named name ("-" is stdin), decompressed when it
// starts with gzip's magic bytes and decoded when it starts with a UTF-16
// byte-order mark (PowerShell 5.1's `>` writes UTF-16LE).
func open(name string, stdin io.Reader) (*input, error) {
	in := &input{name: name}
	if name == "-" {
		in.r = stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		if st, err := f.Stat(); err == nil && st.IsDir() {
			f.Close()
			return nil, fmt.Errorf("read %s: is a directory", name)
		}
		in.r, in.c = f, f
	}
	if err := in.decode(); err != nil {
		in.Close()
		return nil, err
	}
	return in, nil
}

// decode looks at the first bytes of the input to undo gzip and UTF-16.
func (in *input) decode() error {
	br := bufio.NewReaderSize(in.r, 64<<10)
	head, _ := br.Peek(2)
	if len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("read %s: %w", in.name, err)
		}
		br = bufio.NewReaderSize(zr, 64<<10)
		head, _ = br.Peek(2)
	}
	switch {
	case len(head) == 2 && head[0] == 0xff && head[1] == 0xfe:
		br.Discard(2)
		in.r = &utf16Reader{r: br, little: true}
		return nil
	case len(head) == 2 && head[0] == 0xfe && head[1] == 0xff:
		br.Discard(2)
		in.r = &utf16Reader{r: br}
		return nil
	}
	block, _ := br.Peek(8 << 10)
	in.binary = bytes.IndexByte(block, 0) >= 0
	in.r = br
	return nil
}

// Close closes the input's file, if it has one.
func (in *input) Close() error {
	if in.c == nil {
		return nil
	}
	return in.c.Close()
}

// utf16Reader decodes UTF-16 text to UTF-8.
type utf16Reader struct {
	r      io.Reader
	little bool
	carry  []uint16 // a high surrogate waiting for its pair
	out    []byte   // decoded, not yet returned
	err    error
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) == 0 {
		if u.err != nil {
			return 0, u.err
		}
		u.fill()
	}
	n := copy(p, u.out)
	u.out = u.out[n:]
	return n, nil
}

// fill decodes the next block of UTF-16 code units.
func (u *utf16Reader) fill() {
	var raw [4096]byte
	n, err := io.ReadFull(u.r, raw[:])
	if err == io.ErrUnexpectedEOF {
		err = io.EOF
		if n%2 == 1 { // a stray last byte decodes as U+FFFD
			raw[n] = 0
			n++
		}
	}
	u.err = err
	units := append(u.carry, make([]uint16, 0, n/2)...)
	u.carry = nil
	for i := 0; i+1 < n; i += 2 {
		if u.little {
			units = append(units, uint16(raw[i])|uint16(raw[i+1])<<8)
		} else {
			units = append(units, uint16(raw[i])<<8|uint16(raw[i+1]))
		}
	}
	if k := len(units); k > 0 && err == nil && 0xd800 <= units[k-1] && units[k-1] < 0xdc00 {
		u.carry = []uint16{units[k-1]}
		units = units[:k-1]
	}
	buf := u.out[:0]
	for _, r := range utf16.Decode(units) {
		buf = utf8.AppendRune(buf, r)
	}
	u.out = buf
}
