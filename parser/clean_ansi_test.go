package parser

import (
	"bytes"
	"testing"
)

// stripANSIByByte is stripANSI a byte at a time: what the run-copying
// stripANSI must give.
func stripANSIByByte(dst, line []byte) []byte {
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case c == 0x1b && i+1 < len(line) && line[i+1] == '[':
			j := i + 2
			for j < len(line) && (line[j] < 0x40 || line[j] > 0x7e) {
				j++
			}
			i = j + 1
			continue
		case c == 0x1b && i+1 < len(line) && line[i+1] == ']':
			j := i + 2
			for j < len(line) && line[j] != 0x07 && line[j] != 0x1b {
				j++
			}
			if j < len(line) && line[j] == 0x1b {
				j++
			}
			i = j + 1
			continue
		case c == 0x1b:
			i++
			continue
		case c == '[':
			if n, ok := bareSGR(line[i+1:]); ok {
				i += 1 + n
				continue
			}
		}
		dst = append(dst, c)
		i++
	}
	return dst
}

var ansiSeeds = []string{
	" GET /api/users/42 \x1b[32m200\x1b[39m in 145ms\x1b[2m (next.js: 6ms)\x1b[22m",
	" \x1b[32m\x1b[1m✓\x1b[22m\x1b[39m Compiled /api/users/[id] in 1.2s (413 modules)",
	"[middleware] [32m200[39m [id] [1;2m [m [",
	"\x1b]633;C\x07 GET / 200 in 9ms\x1b]0;title\x1b\\ end",
	"\x1b", "\x1b[", "\x1b]", "[", "[3", "[3m", "x\x1b[31", "\x1b]abc", "\x1b]abc\x1b",
	"",
}

func TestStripANSI(t *testing.T) {
	for _, in := range ansiSeeds {
		got := stripANSI([]byte("keep:"), []byte(in))
		want := stripANSIByByte([]byte("keep:"), []byte(in))
		if !bytes.Equal(got, want) {
			t.Errorf("stripANSI(%q) = %q, want %q", in, got, want)
		}
	}
	if got := stripANSI(nil, []byte(ansiSeeds[0])); string(got) != " GET /api/users/42 200 in 145ms (next.js: 6ms)" {
		t.Errorf("stripANSI of a coloured request line = %q", got)
	}
}

func FuzzStripANSI(f *testing.F) {
	for _, s := range ansiSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := stripANSI(nil, []byte(in))
		want := stripANSIByByte(nil, []byte(in))
		if !bytes.Equal(got, want) {
			t.Fatalf("stripANSI(%q) = %q, want %q", in, got, want)
		}
	})
}
