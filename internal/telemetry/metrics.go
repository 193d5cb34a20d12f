package telemetry

import (
	"net/http"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/authsvc/authsvc/internal/buildinfo"
)

// grpcLatencyBuckets are the grpc_server_handling_seconds buckets: the
// service answers in tens of microseconds from the cache and in tens of
// milliseconds through the Backend API, so the default buckets (5 ms to
// 10 s) would put every cached call in the first one. Nine buckets instead
// of fourteen also keep the scrape small across the 60-odd methods.
var grpcLatencyBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1, 5}

// backendLatencyBuckets cover one Backend API attempt, up to its 10 s timeout.
var backendLatencyBuckets = []float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// waitBuckets cover the rate limiter's wait, up to the 2 s default maximum
// and beyond; a free slot is observed as 0.
var waitBuckets = []float64{0.001, 0.01, 0.1, 0.25, 0.5, 1, 2, 5}

// Metrics is authsvc's metrics registry and its families. Create it with
// [New]; its methods are safe for concurrent use, and every recording
// method does nothing on a nil *Metrics, so code can hold an optional one.
type Metrics struct {
	reg  *prometheus.Registry
	grpc *grpcprom.ServerMetrics

	verifications *prometheus.CounterVec
	authStates    *prometheus.CounterVec
	edgeChecks    *prometheus.CounterVec
	jwksFetches   *prometheus.CounterVec
	backendReqs   *prometheus.CounterVec
	backendDur    *prometheus.HistogramVec
	backendRetry  *prometheus.CounterVec
	backendWait   prometheus.Histogram
	denials       *prometheus.CounterVec
	reloads       *prometheus.CounterVec

	// The hot label sets, resolved once (read-only after New).
	verifyValid prometheus.Counter // verifications{VerifySessionToken, valid, ""}
	signedIn    prometheus.Counter // auth_states{signed-in, standard-signed-in}
	extAllow    prometheus.Counter // edge_checks{ext_authz, allow}
	fwdAllow    prometheus.Counter // edge_checks{forward_auth, allow}
}

// New returns a Metrics with every family registered, the Go and process
// collectors, and authsvc_build_info set from [buildinfo.Read].
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.grpc = grpcprom.NewServerMetrics(grpcprom.WithServerHandlingTimeHistogram(grpcprom.WithHistogramBuckets(grpcLatencyBuckets)))
	m.verifications = m.counterVec("authsvc_verifications_total", "Session token verifications by gRPC method, outcome (valid, invalid, unavailable, error) and verifier reason.", "method", "outcome", "reason")
	m.authStates = m.counterVec("authsvc_auth_states_total", "GetAuthState decisions by status and reason.", "status", "reason")
	m.edgeChecks = m.counterVec("authsvc_edge_checks_total", "Edge authorization checks (ext_authz, forward_auth) by decision.", "kind", "decision")
	m.jwksFetches = m.counterVec("authsvc_jwks_fetches_total", "Key-set fetches by result (success, or the verifier reason of the failure).", "result")
	m.backendReqs = m.counterVec("authsvc_backend_requests_total", "Backend API attempts by operation (route template) and HTTP status code (error when no response).", "operation", "code")
	m.backendDur = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "authsvc_backend_request_duration_seconds", Help: "Backend API attempt duration until the response headers.", Buckets: backendLatencyBuckets,
	}, []string{"operation"})
	m.backendRetry = m.counterVec("authsvc_backend_retries_total", "Backend API attempts repeated, by operation and cause (rate_limited, server_error, transport).", "operation", "cause")
	m.backendWait = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "authsvc_backend_ratelimit_wait_seconds", Help: "Time Backend API attempts waited for the client-side rate limiter.", Buckets: waitBuckets,
	})
	m.denials = m.counterVec("authsvc_policy_denials_total", "Calls refused by the caller policy, by gRPC method and status code.", "method", "code")
	m.reloads = m.counterVec("authsvc_config_reloads_total", "Configuration (policy, TLS) reloads by result (success, failure).", "result")
	bi := buildinfo.Read()
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "authsvc_build_info", Help: "Always 1; the labels name the running build."}, []string{"version", "revision", "goversion"})
	build.WithLabelValues(bi.Version, bi.Revision, bi.GoVersion).Set(1)
	m.reg.MustRegister(m.grpc, m.backendDur, m.backendWait, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, o := range []string{"success", "failure"} {
		m.reloads.WithLabelValues(o)
	}
	m.verifyValid = m.verifications.WithLabelValues("VerifySessionToken", OutcomeValid, "")
	m.signedIn = m.authStates.WithLabelValues("signed-in", "standard-signed-in")
	m.extAllow = m.edgeChecks.WithLabelValues(EdgeExtAuthz, DecisionAllow)
	m.fwdAllow = m.edgeChecks.WithLabelValues(EdgeForwardAuth, DecisionAllow)
	return m
}

func (m *Metrics) counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	v := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	m.reg.MustRegister(v)
	return v
}

// GRPC returns the grpc_server_* metrics for the server's interceptor chain.
func (m *Metrics) GRPC() *grpcprom.ServerMetrics { return m.grpc }

// Registry returns the registry, for tests and for extra collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
