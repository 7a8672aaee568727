package live

import (
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/reqstats/reqstats/aggregate"
)

// TestMetricsLabelsEscaped follows a log of hostile paths and checks that
// client_golang escapes their label values as the text exposition format
// says, without reqstats escaping them again: the scrape parses, and the
// route labels read back as the routes, controls and all; a byte that is
// not UTF-8, which client_golang refuses with a panic, reads back as
// U+FFFD.
func TestMetricsLabelsEscaped(t *testing.T) {
	l := NewState(aggregate.Options{ByMethod: true, Source: aggregate.AllSources()}, 10)
	prom := NewMetrics(l)
	feed(t, l, "../../testdata/hostile.log")
	_, body, _ := get(t, prom.Handler(), "/metrics")
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("the scrape does not parse: %v\n%s", err, body)
	}
	got := map[string]bool{}
	for _, m := range families["reqstats_requests_total"].GetMetric() {
		for _, lp := range m.GetLabel() {
			if lp.GetName() == "route" {
				got[lp.GetValue()] = true
			}
		}
	}
	for _, r := range l.Summary().Routes {
		if !got[strings.ToValidUTF8(r.Route, "\uFFFD")] {
			t.Errorf("no route label reads back as %q", r.Route)
		}
	}
	for _, want := range []string{"/j/lf\n| injected | row |", "/j/osc52\x1b]52;c;aGVsbG8=\x07", `/x\|y`} {
		if !got[want] {
			t.Errorf("no route label %q", want)
		}
	}
}
