package live

import "time"

// lineState returns what the metrics read of the State besides its
// summary: the lines read, and when the last event (a line that said
// something) arrived, zero before the first.
func (l *State) lineState() (lines int, last time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lines, l.now
}
