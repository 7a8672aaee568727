package live

import (
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/internal/follow"
)

// Metrics exposes what follow mode reads in Prometheus's format.
//
// The requests are those the summary counts: one request is often
// printed twice, by Next and by the app's own logger, so the other
// sources' requests are not in reqstats_requests_total and the request
// histogram, only in reqstats_uncounted_requests_total{source}. Which
// source is counted is known only from the log (Next's when it has any,
// else the busiest, unless --source names one), so Metrics counts every
// source it is handed and exposes, at each scrape, the one the summary
// counts then. Should that change (the first Next line after app lines),
// the counters start over, as after a restart.
//
// Label values stay few: routes are the grouped routes, capped per
// source by --max-routes; methods and status classes are closed sets.
type Metrics struct {
	l      *State
	reg    *prometheus.Registry
	info   prometheus.Labels
	mu     sync.Mutex
	series map[seriesKey]*series
}

// seriesKey is one request series of one source.
type seriesKey struct {
	source, method, route, class string
	cold                         bool
}

// series counts the requests of a seriesKey: a histogram of their
// durations (counts per bucket, not yet cumulative) and their slow ones.
type series struct {
	count, slow uint64
	sum         float64
	buckets     [len(durationBuckets)]uint64
}

func (s *series) merge(o *series) {
	s.count += o.count
	s.slow += o.slow
	s.sum += o.sum
	for i, n := range o.buckets {
		s.buckets[i] += n
	}
}

// durationBuckets spans dev latency, from a warm API call (1 ms) to a cold
// compile (60 s), in seconds; 2 s is the default --slow threshold.
var durationBuckets = [...]float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60}

// maxStoreTags caps the store tags exposed; the others are summed under
// otherTag.
const maxStoreTags = 100

const otherTag = "[other]"

var (
	descRequests = prometheus.NewDesc("reqstats_requests_total",
		"Requests counted (of the source the summary counts), by method, grouped route and status class.",
		[]string{"method", "route", "status_class"}, nil)
	descDuration = prometheus.NewDesc("reqstats_request_duration_seconds",
		"Durations of the requests counted, as the log printed them; cold=\"true\" for those that waited for a compile.",
		[]string{"method", "route", "status_class", "cold"}, nil)
	descSlow = prometheus.NewDesc("reqstats_slow_requests_total",
		"Requests counted that were slower than the --slow threshold.", nil, nil)
	descCold = prometheus.NewDesc("reqstats_cold_requests_total",
		"Requests counted that waited for a compile.", nil, nil)
	descUncounted = prometheus.NewDesc("reqstats_uncounted_requests_total",
		"Requests of the sources the summary does not count (often the same requests, printed again by the app's logger), by source.",
		[]string{"source"}, nil)
	descLines = prometheus.NewDesc("reqstats_lines_read_total",
		"Log lines read.", nil, nil)
	descLastLine = prometheus.NewDesc("reqstats_last_line_timestamp_seconds",
		"When the last line that said something (a request, compile, server start, store or malformed line) was read, in Unix seconds.", nil, nil)
	descMalformed = prometheus.NewDesc("reqstats_malformed_lines_total",
		"Request-like lines that could not be read.", nil, nil)
	descCompiles = prometheus.NewDesc("reqstats_compiles_total",
		"Compile lines (Compiling and Compiled) read.", nil, nil)
	descStarts = prometheus.NewDesc("reqstats_server_starts_total",
		"Server starts (Ready in) read; more than one is a restart.", nil, nil)
	descResets = prometheus.NewDesc("reqstats_store_resets_total",
		"Times the app's in-memory metrics store started over (its size fell back), by logging tag.",
		[]string{"tag"}, nil)
	descRecords = prometheus.NewDesc("reqstats_store_records_total",
		"The app's METRIC RECORDED lines, by logging tag.", []string{"tag"}, nil)
	descStoreSize = prometheus.NewDesc("reqstats_store_size",
		"The last size of the app's in-memory metrics store, by logging tag.", []string{"tag"}, nil)
	descLost = prometheus.NewDesc("reqstats_lost_total",
		"Times a follower had to skip data, by reason (see go doc ./internal/follow Options).", []string{"reason"}, nil)
	descLostBytes = prometheus.NewDesc("reqstats_lost_bytes_total",
		"Bytes known to be skipped by followers, by reason.", []string{"reason"}, nil)
	descBuildInfo = prometheus.NewDesc("reqstats_build_info",
		"A constant 1, labelled with the version, VCS revision and Go version reqstats was built from.",
		[]string{"version", "revision", "goversion"}, nil)
)

// NewMetrics returns the metrics of l, with their registry: it counts
// every request l counts from now on, and reads l's accounting of the log
// at each scrape. It must be called before the first Add.
func NewMetrics(l *State) *Metrics {
	m := &Metrics{
		l:      l,
		reg:    prometheus.NewRegistry(),
		info:   buildInfo(),
		series: make(map[seriesKey]*series),
	}
	m.reg.MustRegister(m)
	l.hooks = append(l.hooks, m.observe)
	return m
}

// buildInfo returns the labels of reqstats_build_info.
func buildInfo() prometheus.Labels {
	info := prometheus.Labels{"version": "(devel)", "revision": "unknown", "goversion": "unknown"}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return info
	}
	if bi.Main.Version != "" {
		info["version"] = bi.Main.Version
	}
	info["goversion"] = bi.GoVersion
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" {
			info["revision"] = s.Value
		}
	}
	return info
}

// statusClasses are the values of the status_class label, by
// aggregate.StatusClass.
var statusClasses = [...]string{"none", "1xx", "2xx", "3xx", "4xx", "5xx"}

// observe counts one request. The State calls it with its lock held.
func (m *Metrics) observe(r aggregate.Request) {
	method := r.Record.Method
	if method == "" {
		method = "none"
	}
	class := statusClasses[aggregate.StatusClass(r.Record.Status)]
	k := seriesKey{source: r.Source, method: method, route: r.Key.Route, class: class, cold: r.Cold}
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.series[k]
	if s == nil {
		// A route is any string a client sent: label values must be UTF-8.
		k.route = strings.ToValidUTF8(k.route, "\uFFFD")
		if s = m.series[k]; s == nil {
			s = &series{}
			m.series[k] = s
		}
	}
	d := r.Record.Duration.Seconds()
	s.count++
	s.sum += d
	if r.Slow {
		s.slow++
	}
	for i, le := range durationBuckets {
		if d <= le {
			s.buckets[i]++
			break
		}
	}
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Describe sends the descriptions of every metric.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descRequests, descDuration, descSlow, descCold, descUncounted,
		descLines, descLastLine, descMalformed, descCompiles, descStarts, descResets, descRecords, descStoreSize, descBuildInfo,
		descLost, descLostBytes} {
		ch <- d
	}
}

// Collect sends the metrics as they are now.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	// The summary first: the State's lock is never taken under m.mu.
	// As of the State's last Publish: a scrape never takes the lock the
	// State's readers take.
	p := m.l.current()
	s, lines, last := p.summary, p.lines, p.last

	type exposed struct {
		method, route, class string
		cold                 bool
	}
	counted := make(map[exposed]*series)
	uncounted := make(map[string]uint64)
	m.mu.Lock()
	for k, v := range m.series {
		if s.Source != aggregate.SourceAll && k.source != s.Source {
			uncounted[k.source] += v.count
			continue
		}
		e := exposed{k.method, k.route, k.class, k.cold}
		if counted[e] == nil {
			counted[e] = &series{}
		}
		counted[e].merge(v)
	}
	m.mu.Unlock()

	type reqKey struct{ method, route, class string }
	requests := make(map[reqKey]uint64)
	var slow, cold uint64
	for e, v := range counted {
		requests[reqKey{e.method, e.route, e.class}] += v.count
		slow += v.slow
		if e.cold {
			cold += v.count
		}
		cum := make(map[float64]uint64, len(durationBuckets))
		var n uint64
		for i, le := range durationBuckets {
			n += v.buckets[i]
			cum[le] = n
		}
		ch <- prometheus.MustNewConstHistogram(descDuration, v.count, v.sum, cum, e.method, e.route, e.class, strconv.FormatBool(e.cold))
	}
	for k, n := range requests {
		ch <- prometheus.MustNewConstMetric(descRequests, prometheus.CounterValue, float64(n), k.method, k.route, k.class)
	}
	for src, n := range uncounted {
		ch <- prometheus.MustNewConstMetric(descUncounted, prometheus.CounterValue, float64(n), src)
	}
	ch <- prometheus.MustNewConstMetric(descSlow, prometheus.CounterValue, float64(slow))
	ch <- prometheus.MustNewConstMetric(descCold, prometheus.CounterValue, float64(cold))

	ch <- prometheus.MustNewConstMetric(descLines, prometheus.CounterValue, float64(lines))
	if !last.IsZero() {
		ch <- prometheus.MustNewConstMetric(descLastLine, prometheus.GaugeValue, float64(last.UnixNano())/1e9)
	}
	ch <- prometheus.MustNewConstMetric(descMalformed, prometheus.CounterValue, float64(s.Input.Malformed))
	ch <- prometheus.MustNewConstMetric(descCompiles, prometheus.CounterValue, float64(s.Dev.Compiles))
	ch <- prometheus.MustNewConstMetric(descStarts, prometheus.CounterValue, float64(s.Dev.Starts))

	tags := make(map[string]*aggregate.StoreTag)
	for i, t := range s.Dev.Store {
		name := strings.ToValidUTF8(t.Tag, "\uFFFD")
		if i >= maxStoreTags {
			name = otherTag
		}
		sum := tags[name]
		if sum == nil {
			sum = &aggregate.StoreTag{}
			tags[name] = sum
		}
		sum.Resets += t.Resets
		sum.Records += t.Records
		sum.Last += t.Last
	}
	for name, t := range tags {
		ch <- prometheus.MustNewConstMetric(descResets, prometheus.CounterValue, float64(t.Resets), name)
		ch <- prometheus.MustNewConstMetric(descRecords, prometheus.CounterValue, float64(t.Records), name)
		ch <- prometheus.MustNewConstMetric(descStoreSize, prometheus.GaugeValue, float64(t.Last), name)
	}
	for _, r := range follow.LostReasons {
		ch <- prometheus.MustNewConstMetric(descLost, prometheus.CounterValue, float64(p.lost[r].Times), r)
		ch <- prometheus.MustNewConstMetric(descLostBytes, prometheus.CounterValue, float64(p.lost[r].Bytes), r)
	}
	ch <- prometheus.MustNewConstMetric(descBuildInfo, prometheus.GaugeValue, 1, m.info["version"], m.info["revision"], m.info["goversion"])
}
