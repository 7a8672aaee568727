// Package suggest finds what a mistyped name was meant to be: the
// candidates closest to it by edit distance (Levenshtein: one insertion,
// deletion or substitution of a rune each), for "did you mean" hints on
// flags, format names and routes.
package suggest

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Closest returns the candidates nearest to word, in the order given,
// when they are near enough to be a typo of it: at most a third of the
// longer name's runes away (and at least one edit allowed), compared
// without case. It returns nil when none is; an exact match returns it.
func Closest(word string, candidates []string) []string {
	w := strings.ToLower(word)
	best := -1
	var out []string
	for _, c := range candidates {
		d := Distance(w, strings.ToLower(c))
		limit := max(utf8.RuneCountInString(w), utf8.RuneCountInString(c)) / 3
		if d > max(limit, 1) {
			continue
		}
		switch {
		case best < 0 || d < best:
			best, out = d, []string{c}
		case d == best:
			out = append(out, c)
		}
	}
	return out
}

// Hint returns " (did you mean X?)" for the closest candidates, or "".
// Up to three are named, joined by "or".
func Hint(word string, candidates []string) string {
	c := Closest(word, candidates)
	if len(c) == 0 {
		return ""
	}
	if len(c) > 3 {
		c = c[:3]
	}
	return " (did you mean " + strings.Join(c, " or ") + "?)"
}

// Distance returns the edit distance between a and b, in runes: the
// fewest insertions, deletions, substitutions and swaps of neighbours
// (the optimal string alignment distance, so "slwo" is one from "slow").
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// d[i][j] is the distance between ra[:i] and rb[:j]; the names
	// compared are short, so the whole table is kept.
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// Nearest returns up to n candidates, nearest to word first (ties in the
// order given), however far they are: what there is to choose from.
func Nearest(word string, candidates []string, n int) []string {
	w := strings.ToLower(word)
	type scored struct {
		name string
		d    int
	}
	all := make([]scored, len(candidates))
	for i, c := range candidates {
		all[i] = scored{c, Distance(w, strings.ToLower(c))}
	}
	slices.SortStableFunc(all, func(a, b scored) int { return a.d - b.d })
	var out []string
	for _, s := range all[:min(n, len(all))] {
		out = append(out, s.name)
	}
	return out
}
