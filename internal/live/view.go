package live

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/report"
)

// View draws the live summary of a State: redrawn in place on a terminal,
// one snapshot per tick otherwise (JSON formats compacted to a line each).
type View struct {
	Out    io.Writer
	State  *State
	Format report.Format
	Route  string   // one route in detail, with its latest requests; "" for the table
	Names  []string // the inputs, for the status line
	Color  bool
	TTY    bool // Out is a terminal: redraw in place
	// Size returns the terminal's width and height; nil, or a failed
	// call, means 80 × 40.
	Size    func() (width, height int, err error)
	Version string // reqstats' own version, for JSON output
}

const (
	hideCursor = "\x1b[?25l"
	showCursor = "\x1b[?25h"
	home       = "\x1b[H"
	clearLine  = "\x1b[K"
	clearBelow = "\x1b[J"
	clearAll   = "\x1b[2J"
)

// Start prepares the terminal: it hides the cursor and clears the screen.
func (v *View) Start() {
	if v.TTY {
		io.WriteString(v.Out, hideCursor+clearAll)
	}
}

// Stop clears the last frame and shows the cursor again.
func (v *View) Stop() {
	if v.TTY {
		io.WriteString(v.Out, home+clearBelow+showCursor)
	}
}

// Draw shows one frame, as of now.
func (v *View) Draw(now time.Time) error {
	if !v.TTY {
		return v.snapshotLine(v.State.Summary())
	}
	width, height := v.size()
	v.Frame(now, width, height)
	return nil
}

// size returns the terminal's size, or 80 × 40.
func (v *View) size() (width, height int) {
	if v.Size != nil {
		if w, h, err := v.Size(); err == nil && w > 0 && h > 0 {
			return w, h
		}
	}
	return 80, 40
}

// Frame draws one frame of width × height in place on the terminal: no
// line is wider than width, and no more than height lines are drawn (one
// at least, the status line), whatever the size, 0 × 0 included.
func (v *View) Frame(now time.Time, width, height int) {
	snap := v.State.snapshot(-1)
	var frame bytes.Buffer
	status := fmt.Sprintf("following %s · %s lines", report.Terminal(strings.Join(v.Names, ", ")), report.Thousands(snap.lines))
	if !snap.lastRequest.IsZero() {
		status += fmt.Sprintf(" · last request %s ago", now.Sub(snap.lastRequest).Round(time.Second))
	}
	status += " · Ctrl-C for the final summary"
	var body bytes.Buffer
	if v.Route != "" {
		// The route's latest requests of the source the summary counts:
		// the app's own line for a request Next printed too is another
		// copy of it.
		var recent []report.Recent
		for _, m := range snap.recent {
			if m.Route == v.Route && (m.Source == snap.s.Source || snap.s.Source == aggregate.SourceAll) {
				recent = append(recent, report.Recent{Time: m.At.UTC().Format("15:04:05.000Z"), Method: m.Method, Path: m.Path, Status: m.Status, Duration: m.Duration})
			}
		}
		report.WriteRoute(&body, snap.s, v.Route, recent[max(0, len(recent)-20):], report.Options{Color: v.Color, Width: width})
	} else {
		report.WriteTable(&body, snap.s, report.Options{Color: v.Color, Width: width})
	}
	lines := strings.Split(strings.TrimRight(body.String(), "\n"), "\n")
	// The status line and height-2 lines of the body: the last line of
	// the screen stays empty, so that the newline after it never scrolls.
	if n := max(height-2, 0); len(lines) > n {
		lines = lines[:n]
	}
	frame.WriteString(home)
	frame.WriteString(report.Fit(status, width) + clearLine + "\n")
	for _, line := range lines {
		frame.WriteString(report.FitLine(line, width) + clearLine + "\n")
	}
	frame.WriteString(clearBelow)
	v.Out.Write(frame.Bytes())
}

// snapshotLine writes one snapshot for a reader that is not a terminal:
// JSON compacted to one object per line, other formats as they are.
func (v *View) snapshotLine(s *aggregate.Summary) error {
	var b bytes.Buffer
	if err := v.Format.Write(&b, s, report.Options{Version: v.Version}); err != nil {
		return err
	}
	if v.Format.JSON {
		var c bytes.Buffer
		if json.Compact(&c, b.Bytes()) == nil {
			b = c
			b.WriteByte('\n')
		}
	}
	_, err := v.Out.Write(b.Bytes())
	return err
}

// Final writes the final summary: on a terminal as a batch run would,
// otherwise like the snapshots before it.
func (v *View) Final() error {
	s := v.State.Summary()
	if !v.TTY {
		return v.snapshotLine(s)
	}
	width := 0
	if v.Size != nil {
		if w, _, err := v.Size(); err == nil {
			width = w
		}
	}
	return v.Format.Write(v.Out, s, report.Options{Color: v.Color, Width: width, Version: v.Version})
}
