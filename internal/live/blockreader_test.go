package live

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/parser"
)

// TestBlockReaderPipelined feeds a pipelined blockReader blocks of whole
// lines as a follower hands them over, more than its batches in flight
// hold: after each flush, as after each CaughtUp, the State has every
// line and request pushed; the requests were counted in log order; and
// each malformed line was told in order, once the requests before it were
// counted.
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

	// OnRequest and warn run on the adder's goroutine; flush orders them
	// before the reads below.
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	var counted []string
	var told []*parser.SyntaxError
	var countedAtTold []int
	l := NewState(aggregate.Options{OnRequest: func(r aggregate.Request) { counted = append(counted, r.Record.Path) }}, 10)
	p, err := parser.New(parser.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := &blockReader{st: p.NewStream("dev-server.log"), l: l, name: "dev-server.log", now: func() time.Time { return at },
		warn: func(err error) {
			var se *parser.SyntaxError
			if !errors.As(err, &se) {
				t.Errorf("told %v, not a *parser.SyntaxError", err)
				return
			}
			told = append(told, se)
			countedAtTold = append(countedAtTold, len(counted))
		}}
	b.pipeline()

	// Blocks of 1 to 400 lines, as follow.File cuts them; a flush after
	// every third.
	pushed, wantCounted := 0, 0
	for n, i := 1, 0; pushed < lines; i++ {
		n = n*7%400 + 1
		end := min(pushed+n, lines)
		for _, line := range log[pushed:end] {
			if !strings.Contains(line, "/bad/") {
				wantCounted++
			}
		}
		b.push([]byte(strings.Join(log[pushed:end], "\n") + "\n"))
		pushed = end
		if i%3 == 2 {
			b.flush()
			if len(counted) != wantCounted {
				t.Fatalf("after a flush at line %d: %d requests counted, want %d", pushed, len(counted), wantCounted)
			}
			if got := l.Summary().Input.Lines; got != pushed {
				t.Fatalf("after a flush at line %d: the State has %d lines", pushed, got)
			}
		}
	}
	b.close()

	if len(counted) != requests {
		t.Fatalf("%d requests counted, want %d", len(counted), requests)
	}
	n := 0
	for i, line := range log {
		if strings.Contains(line, "/bad/") {
			continue
		}
		if want := fmt.Sprintf("/api/items/%d", i); counted[n] != want {
			t.Fatalf("request %d counted is %s, want %s: out of log order", n, counted[n], want)
		}
		n++
	}
	if len(told) != len(before) {
		t.Fatalf("%d malformed lines told, want %d", len(told), len(before))
	}
	for k, se := range told {
		if want := 50 + 97*k + 1; se.Line != want {
			t.Errorf("malformed line %d told as line %d, want %d", k, se.Line, want)
		}
		if countedAtTold[k] < before[k] {
			t.Errorf("line %d told with %d requests counted, want the %d before it", se.Line, countedAtTold[k], before[k])
		}
	}
}
