package live

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/internal/clock"
	"github.com/reqstats/reqstats/internal/follow"
	"github.com/reqstats/reqstats/internal/input"
	"github.com/reqstats/reqstats/parser"
)

// Config is follow mode, wired: what to read, how to count it, and where
// its answers go.
type Config struct {
	Inputs []string  // file paths, or input.Stdin
	Stdin  io.Reader // read for input.Stdin
	Parser *parser.Parser
	Follow follow.Options // how files are followed

	Summary aggregate.Options // what the view and the final summary count
	// API, when Serve is set, is what the endpoint's object counts.
	API  aggregate.Options
	Keep int // requests kept for ?format=full and the route view

	// Serve is the address to serve the State on (see ListenAddr); "" for
	// none. Ready, if not nil, receives the address once it listens.
	Serve string
	Ready chan<- string
	// CORS names the origins whose pages may read the server (see
	// WithCORS); "*" for any.
	CORS []string

	View View // its State is set by Run
	// Quiet turns the view off: no frame, no snapshot, no final summary
	// (-o ndjson streams every request through Summary.OnRequest instead).
	Quiet bool

	// Interval paces the view: a frame per tick of Clock. Clock also
	// tells when a line arrived, the end of a --window and the "ago" of
	// the status line, and paces the followers (Follow.Clock is set from
	// it). Nil means clock.Real; tests step a clock.Fake.
	Interval time.Duration
	Clock    clock.Clock

	// Warn is told of each malformed line; Errf of each input that
	// ended with an error, of a server that failed, and of data a
	// follower had to skip (a follow.Loss, also counted in the State).
	Warn func(error)
	Errf func(error)
}

// ErrFailed is what Run returns when an input or the server failed, or a
// follower lost data (see follow.Loss); each was passed to Config.Errf.
var ErrFailed = errors.New("follow mode failed")

// Run follows every input until ctx is done or every input has ended (a
// pipe closed, a file failed), drawing the view on each tick and serving
// the State if asked; then it writes the final summary. Errors reading an
// input end that input only. The server answers from a snapshot the State
// publishes at most every 100 ms of Clock (publishEvery), so that clients
// never hold up the reading.
func Run(ctx context.Context, cfg Config) error {
	clk := cfg.Clock
	if clk == nil {
		clk = clock.Real{}
	}
	cfg.Follow.Clock = clk
	now := clk.Now
	sum := cfg.Summary
	// A line without a timestamp ages from when it arrived (--window).
	sum.Now = now
	l := NewState(sum, cfg.Keep)
	var metrics http.Handler
	if cfg.Serve != "" {
		api := cfg.API
		api.Now = now
		l.WithAPI(api)
		metrics = NewMetrics(l).Handler()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The view's ticker exists before anything is read, so that a test
	// that sees the input read can step the clock to a frame.
	tick := clk.NewTicker(cfg.Interval)
	defer tick.Stop()

	var (
		wg       sync.WaitGroup
		failMu   sync.Mutex
		failures int
	)
	failed := func(err error) {
		failMu.Lock()
		failures++
		failMu.Unlock()
		cfg.Errf(err)
	}
	// inputs ends when every input has: pipes close, a file can fail.
	var inputs sync.WaitGroup
	for _, name := range cfg.Inputs {
		wg.Add(1)
		inputs.Add(1)
		go func() {
			defer wg.Done()
			defer inputs.Done()
			if err := readInput(ctx, cfg, l, name, now, failed); err != nil && ctx.Err() == nil {
				failed(err)
			}
		}()
	}
	inputsDone := make(chan struct{})
	go func() {
		inputs.Wait()
		close(inputsDone)
	}()

	if cfg.Serve != "" {
		l.Publish()
		wg.Add(1)
		go func() {
			defer wg.Done()
			publish(ctx, l, clk)
		}()
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := Serve(ctx, cfg.Serve, WithCORS(NewHandler(l, metrics, now), cfg.CORS), cfg.Ready); err != nil {
				failed(err)
				cancel()
			}
		}()
	}

	v := cfg.View
	v.State = l
	if !cfg.Quiet {
		v.Start()
	}
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-inputsDone:
			break loop
		case <-tick.C():
			if !cfg.Quiet {
				v.Draw(now())
			}
		}
	}
	cancel()
	wg.Wait()
	var err error
	if !cfg.Quiet {
		v.Stop()
		if werr := v.Final(); werr != nil {
			err = fmt.Errorf("write: %w", werr)
		}
	}
	if err == nil && failures > 0 {
		err = ErrFailed
	}
	return err
}

// publishEvery is how often, at most, publish has the State publish a
// snapshot for the HTTP answers.
const publishEvery = 100 * time.Millisecond

// publish has l publish what changed every publishEvery of clk until ctx
// is done, and less often if a snapshot takes long to build: the reader
// waits for at most a tenth of the time, whatever the State's size.
func publish(ctx context.Context, l *State, clk clock.Clock) {
	tick := clk.NewTicker(publishEvery)
	defer tick.Stop()
	var next time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C():
			if now.Before(next) {
				continue
			}
			start := clk.Now()
			l.Publish()
			next = start.Add(10 * clk.Now().Sub(start))
		}
	}
}

// readInput follows one input into l until ctx is done or the input ends.
// Data its follower skips is counted in l and told through onLost.
func readInput(ctx context.Context, cfg Config, l *State, name string, now func() time.Time, onLost func(error)) error {
	b := &blockReader{st: cfg.Parser.NewStream(name), l: l, name: name, now: now, warn: cfg.Warn}
	defer b.close()
	if name == input.Stdin {
		return follow.Reader(ctx, cfg.Stdin, b.push)
	}
	// A file's blocks are added to the State on a goroutine of their own
	// while the next ones are parsed; once a look at the file has handed
	// everything over, all of it is in the State before File waits again.
	b.pipeline()
	opts := cfg.Follow
	opts.OnLost = func(loss follow.Loss) {
		b.lost(loss)
		onLost(fmt.Errorf("follow %s: %w", name, loss))
	}
	// After a long catch-up the reader has nothing to do: with a server,
	// publish now rather than when the publisher, backing off while a big
	// State is being read into, next gets to it.
	var last time.Time
	opts.CaughtUp = func(n int64) {
		b.flush()
		if cfg.Serve == "" {
			return
		}
		if t := now(); n >= bulkCatchUp && !t.Before(last.Add(publishEvery)) {
			l.Publish()
			last = t
		}
	}
	return follow.File(ctx, name, opts, b.push)
}

// bulkCatchUp is the least a catch-up hands over for the reader to publish
// at its end: a log written line by line never does.
const bulkCatchUp = 1 << 20

// batchEvents is the most events a batch holds (at about 400 bytes each),
// and batchesInFlight how many batches a pipelined blockReader has: one
// being parsed into, one being added to the State, and the rest queued
// between them. The queue lets one side stall (the adder on the State's
// lock while a Publish holds it, the parser between blocks) without
// stopping the other at once: with two batches of 1,024 events, catching
// up on a 100 MB log ran at two thirds of the speed it does with eight of
// 256 (testdata/followbench, best of five); 4,096 and 8,192 events in
// flight did about as well, 1,024 worse.
const (
	batchEvents     = 256
	batchesInFlight = 8
)

// blockReader reads the blocks of lines a follower hands over into a
// State: it parses a block's lines into batches of events, and adds each
// batch to the State under one lock of it, never held while parsing.
// Pipelined, it adds the batches on a goroutine of its own, in order,
// while it parses the next ones: parsing and counting, each about half
// of the work, run on two cores.
type blockReader struct {
	st   *parser.Stream
	l    *State
	name string
	now  func() time.Time
	warn func(error) // told of each malformed line, once the lines before it are in the State; may be nil

	bt *batch // the batch being filled; nil for none yet
	// With a pipeline: full batches go to the adder on todo, and come
	// back emptied on free; nil without one.
	todo, free chan *batch
	added      chan struct{} // closed when the adder returns
}

// batch is lines parsed, waiting for the State: how many, the events they
// completed, when they arrived, and the malformed lines among them.
type batch struct {
	lines     int
	at        time.Time
	evs       []parser.Event
	phases    []parser.Phase // the events' phases: the Stream reuses its own
	malformed []error
}

// add appends ev to the batch, with a copy of its phases.
func (bt *batch) add(ev parser.Event) {
	if p := ev.Request.Phases; len(p) > 0 {
		start := len(bt.phases)
		bt.phases = append(bt.phases, p...)
		ev.Request.Phases = bt.phases[start:len(bt.phases):len(bt.phases)]
	}
	bt.evs = append(bt.evs, ev)
}

// pipeline starts the goroutine that adds the batches to the State; close
// ends it.
func (b *blockReader) pipeline() {
	b.todo = make(chan *batch, batchesInFlight)
	b.free = make(chan *batch, batchesInFlight)
	b.added = make(chan struct{})
	for range batchesInFlight {
		b.free <- &batch{}
	}
	go func() {
		defer close(b.added)
		for bt := range b.todo {
			b.addBatch(bt)
			b.free <- bt
		}
	}()
}

// batch returns the batch to fill, taking a free one if there is none.
func (b *blockReader) batch() *batch {
	if b.bt == nil {
		if b.free != nil {
			b.bt = <-b.free
		} else {
			b.bt = &batch{}
		}
	}
	return b.bt
}

// send hands the batch being filled, if any, to the State: to the adder
// with a pipeline, else at once.
func (b *blockReader) send() {
	bt := b.bt
	if bt == nil {
		return
	}
	if b.todo == nil {
		b.addBatch(bt)
		return
	}
	b.bt = nil
	b.todo <- bt
}

// addBatch adds a batch to the State, tells of its malformed lines, and
// empties it. The emptied slots are cleared, so that a batch reused for a
// few lines at a time does not keep the strings of a catch-up alive, and
// a batch grown by an extraordinary line gives its room back.
func (b *blockReader) addBatch(bt *batch) {
	b.l.AddLines(b.name, bt.lines, bt.evs, bt.at)
	for _, err := range bt.malformed {
		b.warn(err)
	}
	clear(bt.malformed)
	clear(bt.evs)
	clear(bt.phases)
	bt.lines, bt.evs, bt.phases, bt.malformed = 0, bt.evs[:0], bt.phases[:0], bt.malformed[:0]
	if cap(bt.evs) > 2*batchEvents {
		bt.evs = nil
	}
	if cap(bt.phases) > maxKeptPhases {
		bt.phases = nil
	}
}

// maxKeptPhases bounds the phases a batch keeps room for between uses: a
// line can list any number of them.
const maxKeptPhases = 4 * batchEvents

// flush sends the batch being filled, if any, and waits until every batch
// sent is in the State: the adder has given every batch back.
func (b *blockReader) flush() {
	b.send()
	if b.free == nil {
		return
	}
	var held [batchesInFlight]*batch
	for i := range held {
		held[i] = <-b.free
	}
	for _, bt := range held {
		b.free <- bt
	}
}

// lost counts a loss in the State, after every line read before it.
func (b *blockReader) lost(loss follow.Loss) {
	b.flush()
	b.l.Lost(loss.Reason, loss.Bytes)
}

// push reads a block of lines (see follow.Lines) into the State.
func (b *blockReader) push(block []byte) {
	at := b.now()
	var bt *batch
	for line := range follow.Lines(block) {
		if bt == nil {
			bt = b.batch()
			bt.at = at
		}
		bt.lines++
		for _, ev := range b.st.Push(line) {
			b.collect(bt, ev)
		}
		if len(bt.evs) >= batchEvents {
			b.send()
			bt = nil
		}
	}
	b.send()
}

// collect adds ev to bt, and a malformed line to those to tell of.
func (b *blockReader) collect(bt *batch, ev parser.Event) {
	if ev.Kind == parser.KindMalformed && b.warn != nil {
		bt.malformed = append(bt.malformed, ev.Err)
	}
	bt.add(ev)
}

// close adds the events still pending at the end of the input, and ends
// the adder.
func (b *blockReader) close() {
	bt := b.batch()
	bt.at = b.now()
	for _, ev := range b.st.Flush() {
		b.collect(bt, ev)
	}
	b.send()
	if b.todo != nil {
		close(b.todo)
		<-b.added
	}
}
