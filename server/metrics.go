package server

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus collectors and the handler that
// serves their registry.
type metrics struct {
	requests     *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	clientErrors *prometheus.CounterVec
	handler      http.Handler
}

// newMetrics registers the server's collectors in reg.
func newMetrics(reg *prometheus.Registry) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "zhicheng", Subsystem: "http", Name: "requests_total",
			Help: "HTTP requests by route template, method and status class.",
		}, []string{"route", "method", "class"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "zhicheng", Subsystem: "http", Name: "request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route template.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
		clientErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "zhicheng", Subsystem: "http", Name: "client_errors_total",
			Help: "Requests refused for the client's mistake, by error code.",
		}, []string{"code"}),
		handler: promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.clientErrors} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register metrics: %w", err)
		}
	}
	return m, nil
}

// observe counts a request and times it under its route template.
func (s *server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		route := routeName(r)
		class := strconv.Itoa(rec.status/100) + "xx"
		s.metrics.requests.WithLabelValues(route, r.Method, class).Inc()
		s.metrics.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status  int
	written bool
}

// WriteHeader records the first status written.
func (rec *statusRecorder) WriteHeader(status int) {
	if !rec.written {
		rec.status, rec.written = status, true
	}
	rec.ResponseWriter.WriteHeader(status)
}

// Write writes the body, with status 200 if none was written.
func (rec *statusRecorder) Write(b []byte) (int, error) {
	rec.written = true
	return rec.ResponseWriter.Write(b)
}

// Unwrap gives http.ResponseController the underlying writer.
func (rec *statusRecorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }
