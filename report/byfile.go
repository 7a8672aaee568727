package report

import (
	"fmt"
	"strings"

	"github.com/rivo/uniseg"

	"github.com/reqstats/reqstats/aggregate"
)

// fileName names the input a per-file Summary describes.
func fileName(s *aggregate.Summary) string {
	if len(s.Input.Files) == 0 {
		return "-"
	}
	return s.Input.Files[0].Name
}

func (t *table) byFile(s *aggregate.Summary) {
	if len(s.ByFile) == 0 {
		return
	}
	t.title("By file")
	nameW := len("file")
	for _, f := range s.ByFile {
		nameW = max(nameW, width(fileName(f)))
	}
	nameW = min(nameW, max(t.width-62, 8))
	t.printf("%s\n", t.paint(sgrDim, fmt.Sprintf("%-*s %6s  %-13s %7s %7s %7s %7s %7s", nameW, "file", "count", "slow >"+Human(s.Slow), "p50", "p95", "p99", "max", "mean")))
	for _, f := range s.ByFile {
		st := &f.Total
		t.printf("%s %6s  %-13s %7s %7s %7s %7s %7s\n", padRight(fitLeft(fileName(f), nameW), nameW), group(st.Count),
			fmt.Sprintf("%d (%s)", st.Slow, Percent(st.Slow, st.Count)),
			Human(st.P50), Human(st.P95), Human(st.P99), Human(st.Max), Human(st.Mean))
	}
}

func (m *markdown) byFile(s *aggregate.Summary) {
	if len(s.ByFile) == 0 {
		return
	}
	m.printf("\n#### By file\n\n")
	m.header("lrrrrrrr", "file", "requests", "slow >"+Human(s.Slow), "p50", "p95", "p99", "max", "mean")
	for _, f := range s.ByFile {
		st := &f.Total
		m.row(code(fileName(f)), group(st.Count), fmt.Sprintf("%d (%s)", st.Slow, Percent(st.Slow, st.Count)),
			Human(st.P50), Human(st.P95), Human(st.P99), Human(st.Max), Human(st.Mean))
	}
}

// FileSummaryJSON is the summary of one input, for --by-file.
type FileSummaryJSON struct {
	File   string      `json:"file"`
	Totals StatsJSON   `json:"totals"`
	Warm   StatsJSON   `json:"warm"`
	Routes []RouteJSON `json:"routes"`
}

func byFileJSON(s *aggregate.Summary) []FileSummaryJSON {
	var out []FileSummaryJSON
	for _, f := range s.ByFile {
		out = append(out, FileSummaryJSON{File: fileName(f), Totals: statsJSON(&f.Total), Warm: statsJSON(&f.Warm), Routes: routesJSON(f.Routes)})
	}
	return out
}

// fitLeft cuts s to n columns from the left, keeping its end, which tells
// files apart better than its start: "…/shard-2/server.log".
func fitLeft(s string, n int) string {
	if n < 1 {
		return ""
	}
	if width(s) <= n {
		return s
	}
	var clusters []string
	var widths []int
	g := uniseg.NewGraphemes(s)
	for g.Next() {
		clusters = append(clusters, g.Str())
		widths = append(widths, g.Width())
	}
	i, w := len(clusters), 0
	for i > 0 && w+widths[i-1] <= n-1 {
		i--
		w += widths[i]
	}
	return "…" + strings.Join(clusters[i:], "")
}
