package clock

import (
	"fmt"
	"sync"
	"time"
)

// fakeWait bounds, in real time, how long Advance, Step and BlockUntil
// wait for the code under test.
const fakeWait = 10 * time.Second

// Fake is a Clock whose time moves only when Advance or Step is called, so
// that a test decides when tickers tick and timers fire, and knows when the
// code under test has taken a tick or is waiting for the clock.
//
// A tick is handed over with a send that waits for the receiver: when
// Advance returns, every tick it delivered has been received, so a receiver
// that handles ticks in a loop has finished handling the previous one. To
// know that a tick has been handled, advance once more. Two exceptions keep
// a tick from waiting for a receiver that is waiting for something else: a
// tick is dropped when its ticker is stopped, and when a timer made by After
// has yet to fire (the receiver may be waiting for that timer). Timers'
// channels are buffered, like time.After's, so firing one never waits.
//
// Advance, Step and BlockUntil give up after 10 s of real time and return
// an error. The methods may be called from any goroutine, but Advance and
// Step from one at a time.
type Fake struct {
	wait time.Duration // fakeWait; shorter in this package's tests

	mu      sync.Mutex
	now     time.Time
	tickers []*fakeTicker // not stopped, in the order they were made
	timers  []fakeTimer   // not fired yet
	changed chan struct{} // closed and replaced when a ticker or timer is made or a ticker stopped
}

type fakeTimer struct {
	when time.Time
	c    chan time.Time // buffered
}

type fakeTicker struct {
	clock   *Fake
	every   time.Duration
	next    time.Time // guarded by clock.mu
	c       chan time.Time
	stopped chan struct{}
	stop    sync.Once
}

// NewFake returns a Fake whose time is start.
func NewFake(start time.Time) *Fake {
	return &Fake{wait: fakeWait, now: start, changed: make(chan struct{})}
}

// Now returns the fake time.
func (c *Fake) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTicker returns a Ticker whose first tick is due d after the fake time.
// It panics if d is not positive, like time.NewTicker.
func (c *Fake) NewTicker(d time.Duration) Ticker {
	if d <= 0 {
		panic("clock: non-positive interval for NewTicker")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	tk := &fakeTicker{clock: c, every: d, next: c.now.Add(d),
		c: make(chan time.Time), stopped: make(chan struct{})}
	c.tickers = append(c.tickers, tk)
	c.signal()
	return tk
}

// After returns a channel that receives the fake time once the clock has
// been advanced by d; at once if d is not positive.
func (c *Fake) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.timers = append(c.timers, fakeTimer{c.now.Add(d), ch})
	c.signal()
	return ch
}

// Advance moves the fake time forward by d. It fires the timers that fall
// due, then delivers one tick to each ticker that falls due, in the order
// the tickers were made; a ticker that falls due more than once within d
// still ticks once, as a time.Ticker does for a slow receiver. It returns
// when every tick has been received or dropped (see [Fake]), or an error if
// a receiver has not taken its tick after 10 s.
func (c *Fake) Advance(d time.Duration) error {
	c.mu.Lock()
	c.now = c.now.Add(d)
	now := c.now
	timers := c.timers[:0]
	for _, tm := range c.timers {
		if tm.when.After(now) {
			timers = append(timers, tm)
		} else {
			tm.c <- now
		}
	}
	clear(c.timers[len(timers):])
	c.timers = timers
	var due []*fakeTicker
	for _, tk := range c.tickers {
		if !tk.next.After(now) {
			due = append(due, tk)
			tk.next = tk.next.Add((now.Sub(tk.next)/tk.every + 1) * tk.every)
		}
	}
	c.mu.Unlock()

	if len(due) == 0 {
		return nil
	}
	timeout := time.NewTimer(c.wait)
	defer timeout.Stop()
	for _, tk := range due {
		if err := c.deliver(tk, now, timeout.C); err != nil {
			return err
		}
	}
	return nil
}

// Step waits until the clock has a ticker or a timer, then advances it to
// the earliest time one of them falls due (see Advance).
func (c *Fake) Step() error {
	var next, now time.Time
	err := c.waitUntil(func() bool {
		next, now = time.Time{}, c.now
		for _, tk := range c.tickers {
			if next.IsZero() || tk.next.Before(next) {
				next = tk.next
			}
		}
		for _, tm := range c.timers {
			if next.IsZero() || tm.when.Before(next) {
				next = tm.when
			}
		}
		return !next.IsZero()
	})
	if err != nil {
		return fmt.Errorf("clock: no ticker or timer to step to: %w", err)
	}
	return c.Advance(max(next.Sub(now), 0))
}

// BlockUntil waits until the clock has at least n tickers and timers
// (those not stopped or fired): a test learns so that the code under test
// is waiting for the clock. It returns an error after 10 s.
func (c *Fake) BlockUntil(n int) error {
	err := c.waitUntil(func() bool { return len(c.tickers)+len(c.timers) >= n })
	if err != nil {
		c.mu.Lock()
		defer c.mu.Unlock()
		return fmt.Errorf("clock: %d tickers and timers, want %d: %w", len(c.tickers)+len(c.timers), n, err)
	}
	return nil
}

// waitUntil waits until cond, called with c.mu held, returns true.
func (c *Fake) waitUntil(cond func() bool) error {
	timeout := time.NewTimer(c.wait)
	defer timeout.Stop()
	for {
		c.mu.Lock()
		ok, changed := cond(), c.changed
		c.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-changed:
		case <-timeout.C:
			return fmt.Errorf("gave up after %v", c.wait)
		}
	}
}

// deliver sends now on tk's channel, unless tk is stopped or a timer is
// waiting to fire.
func (c *Fake) deliver(tk *fakeTicker, now time.Time, timeout <-chan time.Time) error {
	for {
		c.mu.Lock()
		timerPending := len(c.timers) > 0
		changed := c.changed
		c.mu.Unlock()
		if timerPending {
			return nil
		}
		select {
		case tk.c <- now:
			return nil
		case <-tk.stopped:
			return nil
		case <-changed:
		case <-timeout:
			return fmt.Errorf("clock: tick at %v not received after %v", now.Format(time.StampMicro), c.wait)
		}
	}
}

// signal wakes the goroutines waiting for a change; c.mu must be held.
func (c *Fake) signal() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// C returns the ticker's channel, which is unbuffered.
func (tk *fakeTicker) C() <-chan time.Time { return tk.c }

// Stop turns off the ticker and drops a tick being delivered.
func (tk *fakeTicker) Stop() {
	tk.stop.Do(func() {
		close(tk.stopped)
		c := tk.clock
		c.mu.Lock()
		defer c.mu.Unlock()
		for i, t := range c.tickers {
			if t == tk {
				c.tickers = append(c.tickers[:i], c.tickers[i+1:]...)
				break
			}
		}
		c.signal()
	})
}
