package clock

import (
	"sync"
	"testing"
	"time"
)

var start = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// wait bounds every wait of these tests; reaching it fails the test.
const wait = 10 * time.Second

func TestFakeNow(t *testing.T) {
	c := NewFake(start)
	if got := c.Now(); !got.Equal(start) {
		t.Errorf("Now() = %v, want %v", got, start)
	}
	if err := c.Advance(90 * time.Second); err != nil {
		t.Fatal(err)
	}
	if got, want := c.Now(), start.Add(90*time.Second); !got.Equal(want) {
		t.Errorf("after Advance(90s), Now() = %v, want %v", got, want)
	}
}

func TestFakeAfter(t *testing.T) {
	c := NewFake(start)
	select {
	case at := <-c.After(0):
		if !at.Equal(start) {
			t.Errorf("After(0) fired at %v, want %v", at, start)
		}
	default:
		t.Error("After(0) did not fire at once")
	}
	ch := c.After(time.Second)
	if err := c.Advance(999 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	select {
	case at := <-ch:
		t.Fatalf("After(1s) fired at %v, after 999ms", at)
	default:
	}
	if err := c.Advance(time.Millisecond); err != nil {
		t.Fatal(err)
	}
	select {
	case at := <-ch:
		if want := start.Add(time.Second); !at.Equal(want) {
			t.Errorf("After(1s) fired at %v, want %v", at, want)
		}
	default:
		t.Fatal("After(1s) did not fire after 1s")
	}
}

// receiver takes ticks from tk on its own goroutine and counts them after
// handling each, until tk stops delivering.
type receiver struct {
	mu      sync.Mutex
	handled []time.Time
	done    chan struct{}
}

func receive(tk Ticker, stop <-chan struct{}) *receiver {
	r := &receiver{done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for {
			select {
			case at := <-tk.C():
				r.mu.Lock()
				r.handled = append(r.handled, at)
				r.mu.Unlock()
			case <-stop:
				return
			}
		}
	}()
	return r
}

func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.handled)
}

func TestFakeTickerHandsOver(t *testing.T) {
	c := NewFake(start)
	tk := c.NewTicker(time.Second)
	stop := make(chan struct{})
	r := receive(tk, stop)

	if err := c.Advance(500 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		if err := c.Advance(time.Second); err != nil {
			t.Fatal(err)
		}
		// The tick of this Advance has been received, so the previous
		// one has been handled.
		if n := r.count(); n < i-1 {
			t.Fatalf("after %d ticks, %d handled, want at least %d", i, n, i-1)
		}
	}
	// A span of several periods ticks once.
	if err := c.Advance(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	close(stop)
	select {
	case <-r.done:
	case <-time.After(wait):
		t.Fatal("receiver did not stop")
	}
	want := []time.Time{}
	for _, s := range []float64{1.5, 2.5, 3.5, 4.5, 5.5, 15.5} {
		want = append(want, start.Add(time.Duration(s*float64(time.Second))))
	}
	if len(r.handled) != len(want) {
		t.Fatalf("%d ticks handled, want %d", len(r.handled), len(want))
	}
	for i, at := range r.handled {
		if !at.Equal(want[i]) {
			t.Errorf("tick %d at %v, want %v", i, at, want[i])
		}
	}
}

func TestFakeStep(t *testing.T) {
	c := NewFake(start)
	made := make(chan Ticker, 1)
	go func() {
		// Step waits until there is a ticker to step to.
		tk := c.NewTicker(3 * time.Second)
		made <- tk
		<-tk.C()
	}()
	done := make(chan error, 1)
	go func() { done <- c.Step() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(wait):
		t.Fatal("Step did not return")
	}
	if got, want := c.Now(), start.Add(3*time.Second); !got.Equal(want) {
		t.Errorf("after Step, Now() = %v, want %v", got, want)
	}
	select {
	case tk := <-made:
		tk.Stop()
	case <-time.After(wait):
		t.Fatal("ticker not made")
	}

	// A timer due earlier than the ticker is stepped to first.
	tk := c.NewTicker(time.Minute)
	defer tk.Stop()
	ch := c.After(time.Second)
	if err := c.Step(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
	default:
		t.Fatal("Step did not fire the earlier timer")
	}
	if got, want := c.Now(), start.Add(4*time.Second); !got.Equal(want) {
		t.Errorf("after Step, Now() = %v, want %v", got, want)
	}
}

func TestFakeBlockUntil(t *testing.T) {
	c := NewFake(start)
	if err := c.BlockUntil(0); err != nil {
		t.Fatal(err)
	}
	tk := c.NewTicker(time.Second)
	defer tk.Stop()
	done := make(chan error, 1)
	go func() { done <- c.BlockUntil(3) }()
	c.After(time.Second)
	c.After(time.Minute)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(wait):
		t.Fatal("BlockUntil(3) did not return after a ticker and two timers were made")
	}
	// The timer that fires no longer counts.
	c.wait = 10 * time.Millisecond
	if err := c.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	if err := c.BlockUntil(3); err == nil {
		t.Error("BlockUntil(3) with a ticker and one timer returned nil, want an error")
	}
}

func TestFakeDrops(t *testing.T) {
	t.Run("stopped", func(t *testing.T) {
		c := NewFake(start)
		tk := c.NewTicker(time.Second)
		tk.Stop()
		tk.Stop()
		if err := c.Advance(time.Second); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("stopped while delivering", func(t *testing.T) {
		c := NewFake(start)
		tk := c.NewTicker(time.Second)
		done := make(chan error, 1)
		go func() { done <- c.Advance(time.Second) }()
		tk.Stop()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(wait):
			t.Fatal("Advance did not return after the ticker stopped")
		}
	})
	t.Run("timer pending", func(t *testing.T) {
		// The receiver waits for a timer before it takes ticks again:
		// Advance must not wait for it to take the tick.
		c := NewFake(start)
		tk := c.NewTicker(time.Second)
		defer tk.Stop()
		ch := c.After(1500 * time.Millisecond)
		got := make(chan time.Time, 1)
		go func() {
			<-ch
			got <- <-tk.C()
		}()
		if err := c.Advance(time.Second); err != nil { // dropped
			t.Fatal(err)
		}
		if err := c.Advance(time.Second); err != nil { // fires the timer, then ticks
			t.Fatal(err)
		}
		select {
		case at := <-got:
			if want := start.Add(2 * time.Second); !at.Equal(want) {
				t.Errorf("tick at %v, want %v", at, want)
			}
		case <-time.After(wait):
			t.Fatal("receiver got no tick after the timer")
		}
	})
	t.Run("timer made by the receiver", func(t *testing.T) {
		// The receiver makes a timer, before or while Advance delivers
		// the next tick, and waits for it.
		c := NewFake(start)
		tk := c.NewTicker(time.Second)
		defer tk.Stop()
		go func() {
			<-tk.C()
			<-c.After(time.Hour)
		}()
		if err := c.Advance(time.Second); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- c.Advance(time.Second) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(wait):
			t.Fatal("Advance did not return after the receiver made a timer")
		}
	})
}

func TestFakeTimeout(t *testing.T) {
	c := NewFake(start)
	c.wait = 10 * time.Millisecond
	if err := c.Step(); err == nil {
		t.Error("Step without a ticker or timer returned nil, want an error")
	}
	tk := c.NewTicker(time.Second)
	defer tk.Stop()
	if err := c.Advance(time.Second); err == nil {
		t.Error("Advance with nobody receiving the tick returned nil, want an error")
	}
}

func TestRealClock(t *testing.T) {
	var c Clock = Real{}
	before := time.Now()
	if now := c.Now(); now.Before(before) {
		t.Errorf("Real.Now() = %v, before %v", now, before)
	}
	tk := c.NewTicker(time.Millisecond)
	defer tk.Stop()
	select {
	case <-tk.C():
	case <-time.After(wait):
		t.Fatal("Real ticker did not tick")
	}
	select {
	case <-c.After(time.Millisecond):
	case <-time.After(wait):
		t.Fatal("Real.After did not fire")
	}
}
