package aggregate

import (
	"slices"
	"time"

	"github.com/reqstats/reqstats/parser"
)

// OtherRoute is the route that counts the requests of new routes once
// Options.MaxRoutes is reached.
const OtherRoute = "[other]"

// A window keeps the requests counted, oldest first, so that they can be
// taken out again when Options.Last or Options.Window says they are too
// old. Every count the Aggregator keeps can be decremented (the samples
// are counts per distinct duration), so memory stays flat however long
// the stream: it holds at most Last requests, or a Window's worth.
type window struct {
	buf  []kept // a ring: buf[head] is the oldest of n
	head int
	n    int
}

// kept is a request in the window, with what it added to which counts.
type kept struct {
	s          *set
	r          *route
	rec        parser.Record
	at         time.Time // its time for Window: its timestamp, or Now
	seq        int64
	slow, cold bool
}

func (w *window) push(k kept) {
	if w.n == len(w.buf) {
		nb := make([]kept, max(16, 2*len(w.buf)))
		for i := 0; i < w.n; i++ {
			nb[i] = w.buf[(w.head+i)%len(w.buf)]
		}
		w.buf, w.head = nb, 0
	}
	w.buf[(w.head+w.n)%len(w.buf)] = k
	w.n++
}

func (w *window) oldest() *kept { return &w.buf[w.head] }

func (w *window) pop() kept {
	k := w.buf[w.head]
	w.buf[w.head] = kept{}
	w.head = (w.head + 1) % len(w.buf)
	w.n--
	return k
}

// each calls f for every kept request, oldest first.
func (w *window) each(f func(*kept)) {
	for i := 0; i < w.n; i++ {
		f(&w.buf[(w.head+i)%len(w.buf)])
	}
}

func (a *Aggregator) windowed() bool { return a.opts.Last > 0 || a.opts.Window > 0 }

// keep puts a counted request in the window, and takes out the requests
// that this one pushes out.
func (a *Aggregator) keep(s *set, r *route, rec *parser.Record, slow, cold bool) {
	at := rec.Time
	if at.IsZero() && a.opts.Now != nil {
		at = a.opts.Now()
	}
	k := kept{s: s, r: r, rec: *rec, at: at, seq: a.seq, slow: slow, cold: cold}
	k.rec.Phases = slices.Clone(rec.Phases)
	a.window.push(k)
	a.expire(at)
}

// expire takes out the requests past Last, and those older than Window
// before now.
func (a *Aggregator) expire(now time.Time) {
	for a.opts.Last > 0 && a.window.n > a.opts.Last {
		a.drop(a.window.pop())
	}
	if a.opts.Window <= 0 || now.IsZero() {
		return
	}
	edge := now.Add(-a.opts.Window)
	for a.window.n > 0 {
		if o := a.window.oldest(); o.at.IsZero() || !o.at.Before(edge) {
			break
		}
		a.drop(a.window.pop())
	}
}

// drop takes out of every count what k put in.
func (a *Aggregator) drop(k kept) {
	d, st := k.rec.Duration, k.rec.Status
	s, r := k.s, k.r
	if !k.rec.Time.IsZero() {
		s.timed--
	}
	r.c.remove(d, st, k.slow, k.cold)
	r.all.remove(d)
	s.total.remove(d, st, k.slow, k.cold)
	if k.cold {
		r.cold.remove(d)
	} else {
		s.warm.remove(d, st, k.slow, k.cold)
	}
	if r.c.count == 0 {
		delete(s.routes, r.key)
		r.all.release()
		if r.cold != nil {
			r.cold.release()
		}
		r.gone = true
		s.gone++
		if s.gone > len(s.order)/2 {
			s.order = slices.DeleteFunc(s.order, func(r *route) bool { return r.gone })
			s.gone = 0
		}
	}
}

func (c *counts) remove(d time.Duration, status int, slow, cold bool) {
	c.count--
	c.sum -= d
	if slow {
		c.slow--
	}
	if cold {
		c.cold--
	}
	class := StatusClass(status)
	c.status[class]--
	if class == 5 {
		c.errors--
	}
}

// windowSlowest returns the slowest kept requests of s, slowest first
// (ties: earliest first), and the span of their timestamps.
func (a *Aggregator) windowSlowest(s *set) (recs []parser.Record, first, last time.Time) {
	var ks []*kept
	a.window.each(func(k *kept) {
		if k.s != s {
			return
		}
		ks = append(ks, k)
		if t := k.rec.Time; !t.IsZero() {
			if first.IsZero() || t.Before(first) {
				first = t
			}
			if t.After(last) {
				last = t
			}
		}
	})
	slices.SortFunc(ks, func(x, y *kept) int {
		if x.rec.Duration != y.rec.Duration {
			return int64cmp(int64(y.rec.Duration), int64(x.rec.Duration))
		}
		return int64cmp(x.seq, y.seq)
	})
	for _, k := range ks[:min(len(ks), a.opts.Top)] {
		recs = append(recs, k.rec)
	}
	return recs, first, last
}
