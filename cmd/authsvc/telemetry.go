package main

import (
	"context"
	"net/http"
	"time"

	"github.com/authsvc/authsvc/backendapi"
	"github.com/authsvc/authsvc/internal/telemetry"
	"github.com/authsvc/authsvc/server"
	"github.com/authsvc/authsvc/verifier"
)

// observability is the service's metrics and tracing, built once per run.
type observability struct {
	metrics *telemetry.Metrics
	tracing *telemetry.Tracing // nil when OTEL_EXPORTER_OTLP_ENDPOINT is unset
}

// newObservability builds the metrics registry (and makes it the default
// for telemetry's package-level recorders) and, when the OTEL_* variables
// ask for it, OTLP tracing.
func newObservability(ctx context.Context) (*observability, error) {
	tr, err := telemetry.SetupTracing(ctx)
	if err != nil {
		return nil, err
	}
	m := telemetry.New()
	telemetry.SetDefault(m)
	return &observability{metrics: m, tracing: tr}, nil
}

// close flushes the trace exporter, waiting at most 5 s.
func (o *observability) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = o.tracing.Shutdown(ctx)
}

// verifier adds the fetch observer and, with tracing on, a traced JWKS client.
func (o *observability) verifier(vc verifier.Config) verifier.Config {
	vc.Observer = o.metrics.VerifierObserver()
	if o.tracing.Enabled() {
		vc.HTTPClient = o.tracing.HTTPClient(&http.Client{Timeout: 10 * time.Second})
	}
	return vc
}

// backendOptions are the Backend API client's observer and, with tracing
// on, a traced HTTP client.
func (o *observability) backendOptions() []backendapi.Option {
	opts := []backendapi.Option{backendapi.WithObserver(o.metrics.BackendObserver())}
	if o.tracing.Enabled() {
		opts = append(opts, backendapi.WithHTTPClient(o.tracing.HTTPClient(&http.Client{Timeout: 30 * time.Second})))
	}
	return opts
}

// grpc installs the metrics, the verification recorder and, with tracing
// on, the otelgrpc stats handler.
func (o *observability) grpc(opts server.GRPCOptions) server.GRPCOptions {
	opts.Metrics = o.metrics.GRPC()
	opts.Telemetry = o.metrics
	opts.ServerOptions = append(opts.ServerOptions, o.tracing.GRPCServerOptions()...)
	return opts
}
