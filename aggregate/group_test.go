package aggregate

import (
	"strings"
	"testing"
)

// splitCollapse is grouper.collapse written plainly: split, replace, join.
func splitCollapse(route string) string {
	segs := strings.Split(route, "/")
	for i, s := range segs {
		if isID(s) {
			segs[i] = IDSegment
		}
	}
	return strings.Join(segs, "/")
}

func TestCollapse(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/api/users/42", "/api/users/[id]"},
		{"/api/users/42/posts/7", "/api/users/[id]/posts/[id]"},
		{"/42", "/[id]"},
		{"42", "[id]"},
		{"/api/users/me", "/api/users/me"},
		{"/", "/"},
		{"", ""},
		{"//42//", "//[id]//"},
		{"/orders/0b1c8f7e-2a3d-4e5f-8a9b-0c1d2e3f4a5b/items", "/orders/[id]/items"},
		{"/blob/5f2b3c4d5e6f70819a2b3c4d", "/blob/[id]"},
		{"/x/42/", "/x/[id]/"},
	} {
		var g grouper
		if got := g.collapse(tc.in); got != tc.want {
			t.Errorf("grouper.collapse(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzCollapse(f *testing.F) {
	for _, s := range []string{"/api/users/42", "/a//7/", "/0x1234abcd/b", "", "/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, route string) {
		want := splitCollapse(route)
		var g grouper
		if got := g.collapse(route); got != want {
			t.Fatalf("collapse(%q) = %q, want %q", route, got, want)
		}
		b, changed := appendCollapsed([]byte("prefix"), route)
		if string(b) != "prefix"+map[bool]string{true: want, false: ""}[changed] || changed != (want != route) {
			t.Fatalf("appendCollapsed(%q) = %q, %v; want the collapsed %q", route, b, changed, want)
		}
	})
}

// isIDReference is isID counting with a switch, as it first was: what
// the table-driven isID must answer the same as.
func isIDReference(seg string) bool {
	if seg == "" {
		return false
	}
	digits, hex, letters, other := 0, 0, 0, 0
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		switch {
		case '0' <= c && c <= '9':
			digits++
		case 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F':
			hex++
			letters++
		case 'g' <= c && c <= 'z' || 'G' <= c && c <= 'Z':
			letters++
		case c == '-' || c == '_':
			other++
		default:
			return false
		}
	}
	n := len(seg)
	switch {
	case digits == n:
		return true
	case n == 36 && isUUID(seg):
		return true
	case n >= 10 && (seg[:2] == "0x" || seg[:2] == "0X") && digits+hex == n-1:
		return true
	case n >= 16 && digits > 0 && digits+hex == n:
		return true
	case n >= 20 && digits > 0 && letters > 0:
		return true
	}
	return false
}

func FuzzIsID(f *testing.F) {
	for _, s := range []string{"42", "0b1c8f7e-2a3d-4e5f-8a9b-0c1d2e3f4a5b", "0xdeadbeef00", "5f2b3c4d5e6f70819a2b3c4d", "01HZX3K9Q7V8M2N4P6R8T0W2Y4", "users", "a-b_c", "ÄÖ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seg string) {
		if got, want := isID(seg), isIDReference(seg); got != want {
			t.Fatalf("isID(%q) = %v, want %v", seg, got, want)
		}
	})
}
