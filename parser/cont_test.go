package parser

import (
	"bytes"
	"testing"
)

func TestContainsAt(t *testing.T) {
	needles := [][]byte{needleCompile, spaceIn, needleServer, needleTok, koaOut}
	lines := []string{"", "p", "ompil", "xompil", "ompilx", "om pil", "compile", "metrics", "etric", " in ", "min ", " i n", "- ready started server on", "started serve", "took ", "it took 5s", "tookk ", "-->", "->", "<-- --> x", "--", ">"}
	for _, l := range lines {
		for _, n := range needles {
			for k := range n {
				if got, want := containsAt([]byte(l), n, k), bytes.Contains([]byte(l), n); got != want {
					t.Errorf("containsAt(%q, %q, %d) = %v, want %v", l, n, k, got, want)
				}
			}
		}
	}
}
