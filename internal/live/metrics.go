package live

import (
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/reqstats/reqstats/aggregate"
	"github.com/reqstats/reqstats/internal/follow"
)

// Metrics exposes what follow mode reads in Prometheus's format: the
// requests as they are counted, and the log's own accounting at each
// scrape. Routes are the grouped routes, so label values stay few
// (--max-routes bounds them).
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	slow     prometheus.Counter
	cold     prometheus.Counter
	log      *logCollector
}

// durationBuckets spans a warm API call to a cold compile, in seconds.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120}

// NewMetrics returns the metrics of l, with their registry: it counts
// every request l counts from now on, and reads l's accounting of the log
// at each scrape. It must be called before the first Add.
func NewMetrics(l *State) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "reqstats_requests_total",
			Help: "Requests read from the log, by the logger that printed them (next, json…), method, grouped route and status class.",
		}, []string{"source", "method", "route", "status_class"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "reqstats_request_duration_seconds",
			Help:    "Request durations as the log printed them, by grouped route.",
			Buckets: durationBuckets,
		}, []string{"route"}),
		slow: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "reqstats_slow_requests_total",
			Help: "Requests slower than the --slow threshold.",
		}),
		cold: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "reqstats_cold_requests_total",
			Help: "Requests that waited for a compile.",
		}),
		log: &logCollector{l: l},
	}
	m.reg.MustRegister(m.requests, m.duration, m.slow, m.cold, m.log)
	l.hooks = append(l.hooks, m.observe)
	return m
}

// observe counts one request.
func (m *Metrics) observe(r aggregate.Request) {
	class := "none"
	if c := aggregate.StatusClass(r.Record.Status); c > 0 {
		class = strconv.Itoa(c) + "xx"
	}
	m.requests.WithLabelValues(string(r.Record.Source), r.Record.Method, r.Key.Route, class).Inc()
	m.duration.WithLabelValues(r.Key.Route).Observe(r.Record.Duration.Seconds())
	if r.Slow {
		m.slow.Inc()
	}
	if r.Cold {
		m.cold.Inc()
	}
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// logCollector reports, at each scrape, what the log has said so far:
// lines read, malformed lines, resets of the app's in-memory store, and
// data the followers lost, as of the State's last Publish.
type logCollector struct{ l *State }

var (
	descLines     = prometheus.NewDesc("reqstats_lines_read_total", "Log lines read.", nil, nil)
	descMalformed = prometheus.NewDesc("reqstats_malformed_lines_total", "Request-like lines that could not be read.", nil, nil)
	descResets    = prometheus.NewDesc("reqstats_store_resets_total", "Times the app's in-memory metrics store started over (its size fell back), by logging tag.", []string{"tag"}, nil)
	descLost      = prometheus.NewDesc("reqstats_lost_total", "Times a follower had to skip data, by reason (see go doc ./internal/follow Options).", []string{"reason"}, nil)
	descLostBytes = prometheus.NewDesc("reqstats_lost_bytes_total", "Bytes known to be skipped by followers, by reason.", []string{"reason"}, nil)
)

func (c *logCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descLines
	ch <- descMalformed
	ch <- descResets
	ch <- descLost
	ch <- descLostBytes
}

func (c *logCollector) Collect(ch chan<- prometheus.Metric) {
	p := c.l.current() // never the reader's lock: see State.Publish
	ch <- prometheus.MustNewConstMetric(descLines, prometheus.CounterValue, float64(p.lines))
	ch <- prometheus.MustNewConstMetric(descMalformed, prometheus.CounterValue, float64(p.malformed))
	for _, t := range p.resets {
		ch <- prometheus.MustNewConstMetric(descResets, prometheus.CounterValue, float64(t.Resets), t.Tag)
	}
	for _, r := range follow.LostReasons {
		ch <- prometheus.MustNewConstMetric(descLost, prometheus.CounterValue, float64(p.lost[r].Times), r)
		ch <- prometheus.MustNewConstMetric(descLostBytes, prometheus.CounterValue, float64(p.lost[r].Bytes), r)
	}
}
