// Package approutes reads a Next.js app's route patterns from its route
// folders: the App Router's app/ (page.* and route.* files) and the Pages
// Router's pages/. Detect finds the folders of a project root; Read turns
// folders into aggregate.Patterns in Next's matching order. It reads the
// file tree only, never a file's content.
package approutes

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/reqstats/reqstats/aggregate"
)

// appDirCandidates are the route folders Detect looks for in a project
// root.
var appDirCandidates = []string{"src/app", "app", "src/pages", "pages"}

// projectMarkers are the files that make a folder a project root.
var projectMarkers = []string{"package.json", "next.config.js", "next.config.mjs", "next.config.ts", "next.config.cjs"}

// Detect returns the route folders of the Next.js project rooted
// at root, or none when root is not a project root.
func Detect(root string) []string {
	isRoot := false
	for _, m := range projectMarkers {
		if st, err := os.Stat(filepath.Join(root, m)); err == nil && !st.IsDir() {
			isRoot = true
			break
		}
	}
	if !isRoot {
		return nil
	}
	var dirs []string
	for _, c := range appDirCandidates {
		if st, err := os.Stat(filepath.Join(root, c)); err == nil && st.IsDir() {
			dirs = append(dirs, filepath.Join(root, c))
		}
	}
	return dirs
}

// Read reads the route patterns of the app's route folders: the App
// Router (a folder holding app/ routes: page.* and route.* files) or the
// Pages Router (a folder named pages: every page file). A folder named
// pages, or holding no page.* or route.* file but _app or index files,
// is read as the Pages Router.
func Read(dirs []string) ([]aggregate.Pattern, error) {
	seen := map[string]bool{}
	var routes []aggregate.Pattern
	for _, dir := range dirs {
		st, err := os.Stat(dir)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("%s is not a directory", dir)
		}
		read := appRouterRoute
		if filepath.Base(filepath.Clean(dir)) == "pages" {
			read = pagesRouterRoute
		}
		err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(dir, path)
			if d.IsDir() {
				name := d.Name()
				// Private folders (_components) and intercepting routes
				// ((.)photo), which show another route's URL, hold no
				// routes of their own; neither does node_modules.
				if path != dir && (strings.HasPrefix(name, "_") || strings.HasPrefix(name, "(.") || name == "node_modules") {
					return filepath.SkipDir
				}
				return nil
			}
			if route, ok := read(filepath.ToSlash(rel)); ok && !seen[route] {
				seen[route] = true
				routes = append(routes, aggregate.ParsePattern(route))
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	aggregate.SortPatterns(routes)
	return routes, nil
}

// pageExts are the extensions of route files.
var pageExts = []string{".tsx", ".ts", ".jsx", ".js", ".mdx", ".md"}

// splitExt returns name without a route file extension, and whether it
// had one.
func splitExt(name string) (string, bool) {
	for _, ext := range pageExts {
		if base, ok := strings.CutSuffix(name, ext); ok {
			return base, true
		}
	}
	return name, false
}

// appRouterRoute returns the URL pattern of an App Router file, rel to
// the app folder: "(shop)/products/[id]/page.tsx" is /products/[id].
// Route groups and @slots are not part of the URL.
func appRouterRoute(rel string) (string, bool) {
	dir, file := "", rel
	if i := strings.LastIndexByte(rel, '/'); i >= 0 {
		dir, file = rel[:i], rel[i+1:]
	}
	base, ok := splitExt(file)
	if !ok || base != "page" && base != "route" {
		return "", false
	}
	return urlOf(strings.Split(dir, "/")), true
}

// pagesRouterRoute returns the URL pattern of a Pages Router file, rel to
// the pages folder: "api/users/[id].ts" is /api/users/[id],
// "blog/index.tsx" is /blog. _app, _document and other _files are not
// pages.
func pagesRouterRoute(rel string) (string, bool) {
	base, ok := splitExt(rel)
	if !ok || strings.HasSuffix(base, ".module") {
		return "", false
	}
	segs := strings.Split(base, "/")
	if strings.HasPrefix(segs[len(segs)-1], "_") {
		return "", false
	}
	if segs[len(segs)-1] == "index" {
		segs = segs[:len(segs)-1]
	}
	return urlOf(segs), true
}

// urlOf joins the folder names that are part of the URL.
func urlOf(segs []string) string {
	segs = slices.DeleteFunc(slices.Clone(segs), func(s string) bool {
		return s == "" || s == "." || strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") || strings.HasPrefix(s, "@")
	})
	return "/" + strings.Join(segs, "/")
}
