package aggregate

import (
	"strings"
	"testing"
)

// splitCollapse is collapseIDs written plainly: split, replace, join.
func splitCollapse(route string) string {
	segs := strings.Split(route, "/")
	for i, s := range segs {
		if isID(s) {
			segs[i] = IDSegment
		}
	}
	return strings.Join(segs, "/")
}

func TestCollapseIDs(t *testing.T) {
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
		if got := collapseIDs(tc.in); got != tc.want {
			t.Errorf("collapseIDs(%q) = %q, want %q", tc.in, got, tc.want)
		}
		var g grouper
		if got := g.collapse(tc.in); got != tc.want {
			t.Errorf("grouper.collapse(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzCollapseIDs(f *testing.F) {
	for _, s := range []string{"/api/users/42", "/a//7/", "/0x1234abcd/b", "", "/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, route string) {
		want := splitCollapse(route)
		if got := collapseIDs(route); got != want {
			t.Fatalf("collapseIDs(%q) = %q, want %q", route, got, want)
		}
		b, changed := appendCollapsed([]byte("prefix"), route)
		if string(b) != "prefix"+map[bool]string{true: want, false: ""}[changed] || changed != (want != route) {
			t.Fatalf("appendCollapsed(%q) = %q, %v; want the collapsed %q", route, b, changed, want)
		}
	})
}
