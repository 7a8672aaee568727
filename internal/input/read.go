package input

import (
	"fmt"
	"io"
	"runtime"

	"github.com/reqstats/reqstats/parser"
)

// maxWorkers bounds the goroutines a read parses on. Each holds up to
// 700 KiB of chunks in flight, and the events are counted on one
// goroutine anyway, which more parsers cannot speed up.
const maxWorkers = 8

// Workers returns how many goroutines a read parses on: one per core, up
// to eight.
func Workers() int { return min(runtime.GOMAXPROCS(0), maxWorkers) }

// Stats is what a read of one input saw.
type Stats struct {
	Lines    int
	Bytes    int64 // of text, after gzip and UTF-16 are undone
	Requests int   // request events
	Binary   bool  // see Input.Binary
}

// Read opens the input named name (see Open) and passes each of its
// events to fn, in log order, parsing on Workers goroutines. The event is
// only valid during the call. It returns what the read saw, and an error
// that names the input when it could not be opened or read to its end,
// or when it shrank while it was read (see Input.Changed); the events
// before the error have been passed.
func Read(name string, stdin io.Reader, p *parser.Parser, fn func(*parser.Event)) (Stats, error) {
	return Options{}.Read(name, stdin, p, fn)
}

// Read is Read with the options o.
func (o Options) Read(name string, stdin io.Reader, p *parser.Parser, fn func(*parser.Event)) (Stats, error) {
	in, err := o.Open(name, stdin)
	if err != nil {
		return Stats{}, err
	}
	return o.scan(in, p, fn)
}

// scan reads the events of in, and closes it.
func (o Options) scan(in *Input, p *parser.Parser, fn func(*parser.Event)) (Stats, error) {
	name := in.Name
	defer in.Close()
	sc := parser.NewScanner(in.R, name, p)
	sc.SetDerive(o.Derive)
	sc.SetWorkers(Workers())
	var st Stats
	for sc.Scan() {
		ev := sc.Event()
		if ev.Kind == parser.KindRequest {
			st.Requests++
		}
		fn(ev)
	}
	st.Lines, st.Bytes, st.Binary = sc.Lines(), sc.Bytes(), in.Binary
	if err := sc.Err(); err != nil {
		return st, fmt.Errorf("read %s: %w", name, err)
	}
	return st, in.Changed()
}
