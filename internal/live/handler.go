package live

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/reqstats/reqstats/report"
)

// ListenAddr turns --serve's value into a listen address: a bare port
// ("9464" or ":9464") binds the loopback interface only; any other
// interface must be named ("0.0.0.0:9464", "[::]:9464").
func ListenAddr(s string) (string, error) {
	port := strings.TrimPrefix(s, ":")
	if n, err := strconv.Atoi(port); err == nil {
		if n < 0 || n > 65535 {
			return "", fmt.Errorf("port %d out of range", n)
		}
		return net.JoinHostPort("127.0.0.1", port), nil
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return "", fmt.Errorf("want a port or host:port, not %q", s)
	}
	if _, err := strconv.Atoi(port); err != nil {
		return "", fmt.Errorf("bad port %q", port)
	}
	return net.JoinHostPort(host, port), nil
}

// NewHandler serves the live summary of l, with metrics (if not nil) at
// /metrics and now as the clock of ?format=full's exportedAt:
//
//	GET /api/performance/metrics              the in-app endpoint's object (-o api)
//	GET /api/performance/metrics?format=full  {exportedAt, summary, recentMetrics, allMetrics, lost}
//	GET /metrics                              Prometheus exposition
//	GET /healthz                              "ok"
//	GET /, GET /dashboard.json                the live HTML report (see registerDashboard)
//
// Everything else is 404. The server is read-only: any method but GET
// and HEAD is answered 405 with an Allow header. The answers are those of
// l's last Publish (the first request publishes if nothing was yet):
// serving never takes the lock l's readers take.
func NewHandler(l *State, metrics http.Handler, now func() time.Time) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/performance/metrics", func(w http.ResponseWriter, r *http.Request) {
		p := l.current()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if r.URL.Query().Get("format") != "full" {
			w.Write(p.api)
			return
		}
		at, _ := json.Marshal(now().UTC().Format(time.RFC3339Nano))
		var b bytes.Buffer
		b.Grow(len(p.full) + 64)
		b.WriteString("{\n  \"exportedAt\": ")
		b.Write(at)
		b.WriteString(",\n")
		b.Write(p.full)
		w.Write(b.Bytes())
	})
	if metrics != nil {
		mux.Handle("GET /metrics", metrics)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	registerDashboard(mux, l, now)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.NotFound(w, r)
	})
	return readOnly(mux)
}

// allowed is what the server answers to.
const allowed = "GET, HEAD"

// readOnly answers 405, with an Allow header, to any method but GET and
// HEAD, whatever the path.
func readOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", allowed)
			http.Error(w, "method not allowed: the server is read-only", http.StatusMethodNotAllowed)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// WithCORS lets pages of the origins named (--cors; "*" for any) read
// what h serves from a browser: a request from one gets an
// Access-Control-Allow-Origin header, and a preflight (OPTIONS with
// Access-Control-Request-Method) is answered 204 with the methods and
// headers allowed. With no origins, h is returned as it is.
func WithCORS(h http.Handler, origins []string) http.Handler {
	if len(origins) == 0 {
		return h
	}
	any := false
	allow := make(map[string]bool, len(origins))
	for _, o := range origins {
		any = any || o == "*"
		allow[o] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		hdr := w.Header()
		if !any {
			hdr.Add("Vary", "Origin")
		}
		ok := origin != "" && (any || allow[origin])
		if ok {
			if any {
				hdr.Set("Access-Control-Allow-Origin", "*")
			} else {
				hdr.Set("Access-Control-Allow-Origin", origin)
			}
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			if ok {
				hdr.Set("Access-Control-Allow-Methods", allowed)
				if h := r.Header.Get("Access-Control-Request-Headers"); h != "" {
					hdr.Set("Access-Control-Allow-Headers", h)
				}
				hdr.Set("Access-Control-Max-Age", "600")
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// fullMetric is one request in ?format=full, as the app's store keeps it:
// duration in milliseconds.
type fullMetric struct {
	Timestamp string          `json:"timestamp"`
	Method    string          `json:"method"`
	Path      string          `json:"path"`
	Duration  json.RawMessage `json:"duration"`
	Status    int             `json:"status"`
	Slow      bool            `json:"slow"`
}

func fullMetrics(ms []metric) []fullMetric {
	out := make([]fullMetric, len(ms))
	for i, m := range ms {
		out[i] = fullMetric{m.At.UTC().Format(time.RFC3339Nano), m.Method, m.Path, json.RawMessage(report.Millis(m.Duration)), m.Status, m.Slow}
	}
	return out
}

// Serve runs an HTTP server for h on addr until ctx is done. ready, if
// not nil, receives the address it listens on.
func Serve(ctx context.Context, addr string, h http.Handler, ready chan<- string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
	if ready != nil {
		ready <- ln.Addr().String()
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
		return nil
	case err := <-done:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("serve: %w", err)
	}
}
