package live

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/internal/follow"
	"github.com/reqstats/reqstats/parser"
)

// TestBlockReaderPipelined feeds a pipelined blockReader blocks of whole
// lines as a follower hands them over, more than its batches in flight
// hold, and checks what a follow mode user sees:
//
//   - after each flush, as after each CaughtUp, the State has every line
//     and request pushed;
//   - the requests were counted in log order, each with the time its
//     block arrived;
//   - each malformed line was told in order, once the requests before it
//     were counted;
//   - a loss is counted after every request read before it;
//   - at the end, an object left open is counted and told.
func TestBlockReaderPipelined(t *testing.T) {
	const lines = 3 * batchesInFlight * batchEvents
	var log []string
	var before []int // for each malformed line, the requests before it
	requests := 0
	for i := range lines {
		if i%97 == 50 {
			log = append(log, fmt.Sprintf(" GET /bad/%d 200 in 12xs", i))
			before = append(before, requests)
			continue
		}
		log = append(log, fmt.Sprintf(" GET /api/items/%d 200 in %dms", i, i%300+1))
		requests++
	}
	// An object the input ends in: Stream.Flush tells it is not closed.
	log = append(log, "[performance-logger] 🐌 SLOW REQUEST: {", "  path: '/api/cut',")
	open := len(log) - 1 // its first line, from 1

	// Each call of now is a second later, so that a request's arrival
	// tells which push carried it.
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	calls := 0
	now := func() time.Time {
		calls++
		return start.Add(time.Duration(calls) * time.Second)
	}

	// OnRequest (under the State's lock) and warn run on the adder's
	// goroutine; flush orders them before the reads below.
	type counted struct {
		path    string
		at      time.Time
		sawLoss bool
	}
	var (
		l      *State
		got    []counted
		told   []*parser.SyntaxError
		toldAt []int // requests counted when each was told
	)
	l = NewState(aggregate.Options{OnRequest: func(r aggregate.Request) {
		got = append(got, counted{path: r.Record.Path, at: l.now, sawLoss: len(l.lost) > 0})
	}}, 10)
	p, err := parser.New(parser.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := &blockReader{st: p.NewStream("dev-server.log"), l: l, name: "dev-server.log", now: now,
		warn: func(err error) {
			var se *parser.SyntaxError
			if !errors.As(err, &se) {
				t.Errorf("told %v, not a *parser.SyntaxError", err)
				return
			}
			told = append(told, se)
			toldAt = append(toldAt, len(got))
		}}
	b.pipeline()

	// Blocks of 1 to 400 lines, as follow.File cuts them; a flush after
	// every third; a loss after two thirds of the lines.
	var sentWith []int // for each request line, the push that carried it
	pushed, wantCounted, lostAfter := 0, 0, -1
	for n, i := 1, 0; pushed < lines; i++ {
		n = n*7%400 + 1
		end := min(pushed+n, lines)
		for _, line := range log[pushed:end] {
			if !strings.Contains(line, "/bad/") {
				wantCounted++
				sentWith = append(sentWith, calls+1) // push's call of now
			}
		}
		b.push([]byte(strings.Join(log[pushed:end], "\n") + "\n"))
		pushed = end
		if i%3 == 2 {
			b.flush()
			if len(got) != wantCounted {
				t.Fatalf("after a flush at line %d: %d requests counted, want %d", pushed, len(got), wantCounted)
			}
			if got := l.Summary().Input.Lines; got != pushed {
				t.Fatalf("after a flush at line %d: the State has %d lines", pushed, got)
			}
		}
		if lostAfter < 0 && pushed >= 2*lines/3 {
			b.lost(follow.Loss{Reason: follow.LostTruncated, Bytes: 10})
			lostAfter = wantCounted
		}
	}
	b.push([]byte(strings.Join(log[lines:], "\n") + "\n"))
	b.close()

	if len(got) != requests {
		t.Fatalf("%d requests counted, want %d", len(got), requests)
	}
	n := 0
	for i, line := range log[:lines] {
		if strings.Contains(line, "/bad/") {
			continue
		}
		c := got[n]
		if want := fmt.Sprintf("/api/items/%d", i); c.path != want {
			t.Fatalf("request %d counted is %s, want %s: out of log order", n, c.path, want)
		}
		if want := start.Add(time.Duration(sentWith[n]) * time.Second); !c.at.Equal(want) {
			t.Fatalf("request %d (%s) arrived at %v, want %v, when its block did", n, c.path, c.at, want)
		}
		if n < lostAfter && c.sawLoss {
			t.Fatalf("request %d (%s), read before the loss, was counted after it", n, c.path)
		}
		n++
	}
	if lost := l.lost[follow.LostTruncated]; lost.Times != 1 || lost.Bytes != 10 {
		t.Errorf("the State counts the truncation as %+v, want once, 10 bytes", lost)
	}

	if len(told) != len(before)+1 {
		t.Fatalf("%d malformed lines told, want %d and the open object", len(told), len(before))
	}
	for k, se := range told[:len(before)] {
		if want := 50 + 97*k + 1; se.Line != want {
			t.Errorf("malformed line %d told as line %d, want %d", k, se.Line, want)
		}
		if toldAt[k] < before[k] {
			t.Errorf("line %d told with %d requests counted, want the %d before it", se.Line, toldAt[k], before[k])
		}
	}
	if last := told[len(told)-1]; last.Line != open {
		t.Errorf("the object left open told as %v, want line %d", last, open)
	}
	if s := l.Summary(); s.Input.Malformed != len(before)+1 {
		t.Errorf("the State counts %d malformed lines, want %d", s.Input.Malformed, len(before)+1)
	}
}
