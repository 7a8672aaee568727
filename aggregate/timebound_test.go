package aggregate

import (
	"strings"
	"testing"
	"time"
)

func TestTimeBound(t *testing.T) {
	last := time.Date(2026, 11, 28, 4, 12, 0, 0, time.UTC)
	tests := []struct {
		in       string
		set, rel bool
		want     time.Time
	}{
		{"", false, false, time.Time{}},
		{"2026-11-28T04:10:00Z", true, false, time.Date(2026, 11, 28, 4, 10, 0, 0, time.UTC)},
		{"2026-11-28T05:10:00.5+01:00", true, false, time.Date(2026, 11, 28, 4, 10, 0, 5e8, time.UTC)},
		{"5m", true, true, last.Add(-5 * time.Minute)},
		{"0s", true, true, last},
	}
	for _, tt := range tests {
		b, err := ParseTimeBound(tt.in)
		if err != nil {
			t.Errorf("ParseTimeBound(%q): %v", tt.in, err)
			continue
		}
		if b.Set() != tt.set || b.Relative() != tt.rel || !b.Resolve(last).Equal(tt.want) {
			t.Errorf("ParseTimeBound(%q): set %v, relative %v, resolves to %v; want %v, %v, %v",
				tt.in, b.Set(), b.Relative(), b.Resolve(last), tt.set, tt.rel, tt.want)
		}
	}
	for _, bad := range []string{"yesterday", "-5m", "2026-11-28"} {
		if _, err := ParseTimeBound(bad); err == nil || !strings.Contains(err.Error(), "neither an RFC 3339 time") {
			t.Errorf("ParseTimeBound(%q) = %v, want an error", bad, err)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"2s": 2 * time.Second, "500ms": 500 * time.Millisecond, "1.5s": 1500 * time.Millisecond,
		"2000": 2 * time.Second, "0.5": 500 * time.Microsecond, "0": 0,
	} {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "fast", "-1", "-1s", "NaN", "1e300"} {
		if _, err := ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) accepted", bad)
		}
	}
}
