package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/reqstats/reqstats/aggregate"
)

func TestAppRoutes(t *testing.T) {
	dirs := detectAppDirs("testdata/app-tree")
	wantDirs := []string{filepath.Join("testdata/app-tree", "src/app"), filepath.Join("testdata/app-tree", "pages")}
	if !slices.Equal(dirs, wantDirs) {
		t.Fatalf("detectAppDirs = %q, want %q", dirs, wantDirs)
	}
	if d := detectAppDirs("testdata"); d != nil {
		t.Errorf("detectAppDirs(testdata) = %q, want none: no package.json there", d)
	}
	routes, err := appRoutes(dirs)
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

func TestAppDirFlag(t *testing.T) {
	log := " GET /shop/shoes/red 200 in 12ms\n GET /shop/cart 200 in 5ms\n GET /api/users/me 200 in 3ms\n GET /api/users/42 200 in 4ms\n"
	code, out, errOut := runCLI(t, log, "--app-dir", "testdata/app-tree/src/app", "--top", "20")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"GET /shop/[[...slug]] ", "GET /shop/cart ", "GET /api/users/me ", "GET /api/users/[id] ", "· 13 routes from the app"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// -o api groups by raw path, as the app does, whatever the routes.
	_, out, _ = runCLI(t, log, "-o", "api", "--app-dir", "testdata/app-tree/src/app")
	if !strings.Contains(out, `"path": "/shop/shoes/red"`) {
		t.Errorf("-o api:\n%s", out)
	}
	if code, _, errOut := runCLI(t, log, "--app-dir", "testdata/nope"); code != 2 || !strings.Contains(errOut, "--app-dir: stat testdata/nope: no such file or directory") {
		t.Errorf("missing --app-dir: %d %q", code, errOut)
	}
}
