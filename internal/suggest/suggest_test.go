package suggest

import (
	"slices"
	"testing"
)

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"slow", "slow", 0},
		{"slwo", "slow", 1}, // a swap of neighbours
		{"sloww", "slow", 1},
		{"", "abc", 3},
		{"kitten", "sitting", 3},
		{"/api/nope", "/api/notes", 2},
		{"µs", "us", 1}, // runes, not bytes
	} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestClosest(t *testing.T) {
	flags := []string{"--slow", "--source", "--since", "--top", "--serve"}
	for _, c := range []struct {
		word string
		in   []string
		want []string
	}{
		{"--slwo", flags, []string{"--slow"}},
		{"--SLOW", flags, []string{"--slow"}},
		{"--tpo", flags, []string{"--top"}},
		{"--nothing-like-it", flags, nil},
		{"/api/nope", []string{"/api/users/[id]", "/api/notes", "/"}, []string{"/api/notes"}},
		{"jsno", []string{"table", "json", "ndjson"}, []string{"json"}},
		{"x", []string{"y", "z", "xy"}, []string{"y", "z", "xy"}},
	} {
		if got := Closest(c.word, c.in); !slices.Equal(got, c.want) {
			t.Errorf("Closest(%q) = %q, want %q", c.word, got, c.want)
		}
	}
	if got, want := Hint("--slwo", flags), " (did you mean --slow?)"; got != want {
		t.Errorf("Hint = %q, want %q", got, want)
	}
	if got := Hint("zzzzzz", flags); got != "" {
		t.Errorf("Hint of nothing close = %q, want empty", got)
	}
}

func TestNearest(t *testing.T) {
	routes := []string{"/", "/api/users/[id]", "/api/error", "/dashboard"}
	if got, want := Nearest("/api/nope", routes, 2), []string{"/api/error", "/"}; !slices.Equal(got, want) {
		t.Errorf("Nearest = %q, want %q", got, want)
	}
	if got := Nearest("/x", routes[:1], 3); !slices.Equal(got, []string{"/"}) {
		t.Errorf("Nearest of one = %q", got)
	}
	if got := Nearest("/x", nil, 3); got != nil {
		t.Errorf("Nearest of none = %q", got)
	}
}
