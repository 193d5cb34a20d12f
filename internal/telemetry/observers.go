package telemetry

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/authsvc/authsvc/backendapi"
	"github.com/authsvc/authsvc/verifier"
)

// VerifierObserver returns the hooks to put in [verifier.Config.Observer]:
// each key-set fetch counts in authsvc_jwks_fetches_total. A nil *Metrics
// gives the zero Observer.
func (m *Metrics) VerifierObserver() verifier.Observer {
	if m == nil {
		return verifier.Observer{}
	}
	for _, r := range []string{"success", string(verifier.ReasonKeyFetch), string(verifier.ReasonSecretKeyInvalid)} {
		m.jwksFetches.WithLabelValues(r)
	}
	return verifier.Observer{KeyFetch: func(_ int, err error) {
		result := "success"
		if err != nil {
			result = bounded(string(verifier.ReasonOf(err)), verifyReasons)
		}
		m.jwksFetches.WithLabelValues(result).Inc()
	}}
}

// WatchVerifier registers the collectors read from v at scrape time:
// authsvc_decision_cache_requests_total{result="hit"|"miss"},
// authsvc_decision_cache_entries, authsvc_jwks_keys and
// authsvc_jwks_last_success_timestamp_seconds (0 before the first load and
// for an inline key). Call it once per Metrics.
func (m *Metrics) WatchVerifier(v *verifier.Verifier) {
	if m == nil || v == nil {
		return
	}
	m.reg.MustRegister(&verifierCollector{v: v})
}

var (
	cacheRequestsDesc = prometheus.NewDesc("authsvc_decision_cache_requests_total", "Decision-cache lookups by result (hit, miss).", []string{"result"}, nil)
	cacheEntriesDesc  = prometheus.NewDesc("authsvc_decision_cache_entries", "Verified tokens held in the decision cache.", nil, nil)
	jwksKeysDesc      = prometheus.NewDesc("authsvc_jwks_keys", "Verification keys held (1 for an inline key).", nil, nil)
	jwksSuccessDesc   = prometheus.NewDesc("authsvc_jwks_last_success_timestamp_seconds", "Unix time of the last successful key-set fetch; 0 if none.", nil, nil)
)

// verifierCollector reads one Stats snapshot per scrape, so the hot path
// pays nothing for these families.
type verifierCollector struct{ v *verifier.Verifier }

func (c *verifierCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- cacheRequestsDesc
	ch <- cacheEntriesDesc
	ch <- jwksKeysDesc
	ch <- jwksSuccessDesc
}

func (c *verifierCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.v.Stats()
	ch <- prometheus.MustNewConstMetric(cacheRequestsDesc, prometheus.CounterValue, float64(st.CacheHits), "hit")
	ch <- prometheus.MustNewConstMetric(cacheRequestsDesc, prometheus.CounterValue, float64(st.CacheMisses), "miss")
	ch <- prometheus.MustNewConstMetric(cacheEntriesDesc, prometheus.GaugeValue, float64(st.CacheEntries))
	ch <- prometheus.MustNewConstMetric(jwksKeysDesc, prometheus.GaugeValue, float64(st.Keys))
	ts := 0.0
	if !st.KeysLoadedAt.IsZero() {
		ts = float64(st.KeysLoadedAt.UnixNano()) / 1e9
	}
	ch <- prometheus.MustNewConstMetric(jwksSuccessDesc, prometheus.GaugeValue, ts)
}

// BackendObserver returns the hooks to pass with [backendapi.WithObserver]:
// attempts, their durations, retries and rate-limiter waits. A nil *Metrics
// gives the zero Observer.
func (m *Metrics) BackendObserver() backendapi.Observer {
	if m == nil {
		return backendapi.Observer{}
	}
	return backendapi.Observer{
		Attempt: func(op, code string, d time.Duration) {
			m.backendReqs.WithLabelValues(op, httpCode(code)).Inc()
			m.backendDur.WithLabelValues(op).Observe(d.Seconds())
		},
		Retry: func(op, cause string) {
			m.backendRetry.WithLabelValues(op, bounded(cause, retryCauses)).Inc()
		},
		RateLimitWait: func(d time.Duration) { m.backendWait.Observe(d.Seconds()) },
	}
}

var retryCauses = set("rate_limited", "server_error", "transport")

// httpCode keeps a three-digit HTTP status or "error"; anything else is
// "other".
func httpCode(code string) string {
	if code == "error" {
		return code
	}
	if n, err := strconv.Atoi(code); err == nil && n >= 100 && n <= 599 {
		return code
	}
	return other
}
