package aggregate

import (
	"fmt"
	"strings"
	"testing"
)

func TestStoreStory(t *testing.T) {
	tests := []struct {
		name                   string
		sizes                  string // "c" for a Metrics cleared line
		stores, atOnce, resets int
	}{
		{"one store", "1 2 3 4 5", 1, 1, 0},
		{"a reset", "1 2 3 1 2", 2, 1, 1},
		{"resets", "1 2 1 2 3 1", 3, 1, 2},
		// Two instances write under one tag: their counters interleave.
		{"two stores, no reset", "1 1 2 2 3 3 4 5 4 6", 2, 2, 0},
		{"interleaved", "1 2 1 3 2 4 3 5", 2, 2, 0},
		// The middleware's store resets once while a route's goes on.
		{"two stores, one reset", "1 1 2 2 3 1 4 2 5", 3, 2, 1},
		{"cleared, then on", "1 2 3 c 1 2", 1, 1, 0},
		{"log starts mid-store", "41 42 43 1 2", 2, 1, 1},
		{"a lost line", "1 2 4 5", 1, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log strings.Builder
			for _, f := range strings.Fields(tt.sizes) {
				if f == "c" {
					log.WriteString("[middleware] Metrics cleared from memory\n")
				} else {
					fmt.Fprintf(&log, "[middleware] ✓ METRIC RECORDED, new size: %s\n", f)
				}
			}
			a := New(Options{})
			feed(t, a, log.String())
			s := a.Summary()
			if len(s.Dev.Store) != 1 {
				t.Fatalf("store tags %+v", s.Dev.Store)
			}
			st := s.Dev.Store[0]
			if st.Stores != tt.stores || st.AtOnce != tt.atOnce || st.Resets != tt.resets {
				t.Errorf("stores %d, at once %d, resets %d; want %d, %d, %d",
					st.Stores, st.AtOnce, st.Resets, tt.stores, tt.atOnce, tt.resets)
			}
		})
	}
}
