package aggregate

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"

	"github.com/reqstats/reqstats/parser"
	"github.com/reqstats/reqstats/testdata/genlog"
)

// summarize reads log with a Scanner on two workers into an Aggregator
// for opts. With derive, the workers derive the records with the
// Aggregator's Deriver, or with deriveBy's when that is not nil.
func summarize(t *testing.T, log []byte, opts Options, derive bool, deriveBy *Aggregator) *Summary {
	t.Helper()
	a := New(opts)
	p, err := parser.New(parser.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sc := parser.NewScanner(bytes.NewReader(log), "in.log", p)
	derived, requests := 0, 0
	if derive {
		if deriveBy == nil {
			deriveBy = a
		}
		sc.SetDerive(deriveBy.Deriver)
	}
	sc.SetWorkers(2)
	for sc.Scan() {
		ev := sc.Event()
		if ev.Kind == parser.KindRequest {
			requests++
		}
		if ev.Request.Derived.By != nil {
			derived++
		}
		a.Add(ev)
	}
	if derive && derived == 0 && requests > 0 {
		t.Fatal("no record was derived on the workers")
	}
	if !derive && derived > 0 {
		t.Fatalf("%d records derived without a derive func", derived)
	}
	return a.Summary()
}

// derivedLogs are logs of every shape: generated dev sessions of both
// profiles, and the test logs.
func derivedLogs(t *testing.T) map[string][]byte {
	logs := make(map[string][]byte)
	for _, profile := range genlog.Profiles {
		var b bytes.Buffer
		if _, err := genlog.Generate(&b, genlog.Options{Seed: 3, Size: 2 << 20, Profile: profile}); err != nil {
			t.Fatal(err)
		}
		logs["genlog-"+profile] = b.Bytes()
	}
	names, _ := filepath.Glob("../testdata/*.log")
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		logs[filepath.Base(name)] = b
	}
	return logs
}

func TestDeriverSameSummary(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: reads 4 MiB of generated logs many times")
	}
	appRoutes := []Pattern{ParsePattern("/api/users/[id]"), ParsePattern("/blog/[slug]"), ParsePattern("/docs/[...slug]"), ParsePattern("/")}
	rule, _ := ParseRule(`^/api/users/[^/]+$=/api/users/[user]`)
	optsets := map[string]Options{
		"default":   {},
		"by-method": {ByMethod: true},
		"none":      {Grouping: GroupNone},
		"app":       {Routes: appRoutes},
		"rules":     {Rules: []Rule{rule}, Routes: appRoutes},
		"none+app":  {Grouping: GroupNone, Routes: appRoutes, Rules: []Rule{{regexp.MustCompile(`\d+`), "N"}}},
		"filters":   {Include: []Glob{newGlob("/api/**"), newGlob("/_next/**")}, Exclude: []Glob{newGlob("**/[0-9]*")}, KeepInternal: true},
		"capped":    {MaxRoutes: 5},
		"all":       {Source: AllSources()},
	}
	for lname, log := range derivedLogs(t) {
		for oname, opts := range optsets {
			want := summarize(t, log, opts, false, nil)
			got := summarize(t, log, opts, true, nil)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s, %s: the summary differs when the workers derive the records", lname, oname)
			}
		}
	}
}

// An Aggregator does not take records derived by another's rules.
func TestDeriverOtherRules(t *testing.T) {
	var b bytes.Buffer
	if _, err := genlog.Generate(&b, genlog.Options{Seed: 5, Size: 1 << 20, Profile: genlog.ProfileDev}); err != nil {
		t.Fatal(err)
	}
	other := New(Options{Grouping: GroupNone})
	for _, opts := range []Options{{}, {ByMethod: true}} {
		want := summarize(t, b.Bytes(), opts, false, nil)
		got := summarize(t, b.Bytes(), opts, true, other)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%+v: records derived by another Aggregator's rules changed the summary", opts)
		}
		if reflect.DeepEqual(want, summarize(t, b.Bytes(), Options{Grouping: GroupNone}, false, nil)) {
			t.Fatal("the two rules give the same summary: the test tells nothing")
		}
	}
}
