package approutes

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/reqstats/reqstats/aggregate"
)

// appTree is a Next.js project with both routers, in the repository's testdata.
const appTree = "../../testdata/app-tree"

func TestAppRoutes(t *testing.T) {
	dirs := Detect(appTree)
	wantDirs := []string{filepath.Join(appTree, "src/app"), filepath.Join(appTree, "pages")}
	if !slices.Equal(dirs, wantDirs) {
		t.Fatalf("detectAppDirs = %q, want %q", dirs, wantDirs)
	}
	if d := Detect("../../testdata"); d != nil {
		t.Errorf("Detect(testdata) = %q, want none: no package.json there", d)
	}
	routes, err := Read(dirs)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range routes {
		got = append(got, r.String())
	}
	// In Next's order: static before dynamic before catch-all before
	// optional catch-all, segment by segment.
	want := []string{
		"/",
		"/about",
		"/api/hello",
		"/api/items",
		"/api/users",
		"/api/users/me",
		"/api/users/[id]",
		"/blog/[slug]",
		"/dashboard",
		"/docs/[...slug]",
		"/legacy/[id]",
		"/photo/[id]",
		"/pricing",
		"/shop/cart",
		"/shop/[[...slug]]",
		"/[locale]/settings",
	}
	if !slices.Equal(got, want) {
		t.Errorf("routes\n got %q\nwant %q", got, want)
	}

	a := aggregate.New(aggregate.Options{Routes: routes})
	for path, want := range map[string]string{
		"/":                        "/",
		"/api/users/42":            "/api/users/[id]",
		"/api/users/me":            "/api/users/me",
		"/api/users":               "/api/users",
		"/blog/hello-world":        "/blog/[slug]",
		"/docs/a/b/c":              "/docs/[...slug]",
		"/docs":                    "/docs",             // a catch-all needs a segment: auto grouping
		"/shop":                    "/shop/[[...slug]]", // zero segments
		"/shop/cart":               "/shop/cart",
		"/shop/shoes/red":          "/shop/[[...slug]]",
		"/pricing":                 "/pricing",
		"/en/settings":             "/[locale]/settings",
		"/legacy/7":                "/legacy/[id]",
		"/orders/9f8e7d6c5b4a3f2e": "/orders/[id]", // no route: auto grouping
	} {
		if got := a.GroupRoute(path); got != want {
			t.Errorf("GroupRoute(%q) = %q, want %q", path, got, want)
		}
	}
}
